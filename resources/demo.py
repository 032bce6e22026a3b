"""Demo content of the library: resources of each kind, Bretagne's actions, two short videos.

Idempotent: everything is found by title; a second run adds nothing. The two
videos are made with ffmpeg's test sources and processed right here by calling
the service (loading data, not the product's path, which goes through the worker).
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from comcep.demo import PILOT_REGION, DemoAccounts
from comcep.models import Region
from resources import services, transcoding
from resources.models import (
    Kind,
    Public,
    RegionalAction,
    Resource,
    ServiceLevel,
    Status,
    Theme,
    Video,
)

THEMES = [
    ("droit-formation", "Droit de la formation"),
    ("vae", "Validation des acquis de l'expérience"),
    ("reconversion", "Reconversion et transitions"),
    ("posture", "Posture et pratique du conseil"),
    ("marche-travail", "Marché du travail"),
    ("handicap", "Handicap et emploi"),
]

# (kind, title, summary, themes, tags, level, public, extra fields)
# kind, title, summary, theme slugs, tags, service level, public, other fields of the resource
RESOURCES: list[tuple[str, str, str, list[str], list[str], str, str, dict[str, Any]]] = [
    (Kind.LEGAL, "Le conseil en évolution professionnelle dans le Code du travail",
     "L'article qui fonde le CEP : gratuit, accessible à toute personne, pour favoriser "
     "l'évolution et la sécurisation de son parcours professionnel.",
     ["droit-formation"], ["cadre légal", "CEP"], ServiceLevel.ALL, Public.ALL,
     {"legal_reference": "article L6111-6 du Code du travail", "source": "Légifrance"}),
    (Kind.LEGAL, "Le cahier des charges du CEP (arrêté du 29 mars 2019)",
     "Les trois niveaux de service du CEP, les principes d'intervention et les engagements "
     "des opérateurs.", ["droit-formation", "posture"], ["cahier des charges", "niveaux"],
     ServiceLevel.ALL, Public.COUNSELLORS,
     {"legal_reference": "arrêté du 29 mars 2019", "source": "Journal officiel"}),
    (Kind.LEGAL, "Le congé individuel de formation (CIF)",
     "Ancien dispositif de congé de formation, remplacé par le projet de transition "
     "professionnelle (PTP) depuis le 1er janvier 2019.", ["droit-formation", "reconversion"],
     ["CIF", "historique"], ServiceLevel.LEVEL_2, Public.EMPLOYEES,
     {"legal_reference": "ancien article L6322-1 du Code du travail", "source": "Légifrance",
      "valid_until": date(2018, 12, 31)}),
    (Kind.DOCUMENT, "Trame d'entretien de premier niveau",
     "Une trame pour l'accueil individualisé : recueillir la demande, informer sur "
     "l'environnement, orienter.", ["posture"], ["premier entretien", "outils"],
     ServiceLevel.LEVEL_1, Public.ALL, {"source": "Atelier des pratiques, Bretagne"}),
    (Kind.DOCUMENT, "Guide du projet de transition professionnelle",
     "Les étapes d'un PTP, du positionnement au financement par Transitions Pro.",
     ["reconversion"], ["PTP", "financement"], ServiceLevel.LEVEL_3, Public.EMPLOYEES,
     {"source": "Transitions Pro"}),
    (Kind.LINK, "France VAE : le portail de la validation des acquis",
     "Le service public de la VAE : s'informer, vérifier l'éligibilité, être accompagné.",
     ["vae"], ["VAE", "portail"], ServiceLevel.LEVEL_2, Public.ALL,
     {"url": "https://vae.gouv.fr/", "source": "France VAE"}),
    (Kind.LINK, "Les fiches métiers du ROME",
     "Décrire un métier, ses compétences et ses conditions d'exercice avec le répertoire ROME.",
     ["marche-travail"], ["métiers", "ROME"], ServiceLevel.LEVEL_1, Public.JOBSEEKERS,
     {"url": "https://www.francetravail.fr/", "source": "France Travail"}),
]

VIDEOS = [
    (Kind.VIDEO, "Séquence : reformuler la demande",
     "Une courte séquence pour s'exercer à la reformulation en début d'entretien.",
     ["posture"], ["premier entretien", "reformulation"], ServiceLevel.LEVEL_1, 440,
     [("Introduction", 0), ("La reformulation", 2)]),
    (Kind.EXPERT, "Intervention d'expert : le marché du travail en région",
     "Un expert présente les tendances de l'emploi régional et leurs effets sur le conseil.",
     ["marche-travail"], ["emploi", "territoire"], ServiceLevel.ALL, 660,
     [("Le contexte", 0), ("Les tendances", 3)]),
]

VTT = ("WEBVTT\n\n00:00.000 --> 00:02.000\nBonjour et bienvenue.\n\n"
       "00:02.000 --> 00:04.000\nVoici une séquence de démonstration.\n")

# (title, days from now, start hour, hours, online, place, capacity)
# (title, weeks ahead, weekday (0 = Monday), hour, hours, online, place, capacity): working days,
# whatever day the demo is seeded.
ACTIONS = [
    ("Atelier : accompagner les reconversions", 2, 1, 9, 3, False, "Rennes — Carif-Oref Bretagne", 20),
    ("Webinaire : les nouveautés du CPF", 3, 3, 14, 2, True, "", 100),
    ("Journée régionale des conseillers CEP", 5, 0, 9, 8, False, "Brest — Le Quartz", 150),
    ("Analyse de pratiques : l'entretien difficile", 7, 4, 10, 3, False, "Vannes", 12),
]


@transaction.atomic
def _themes() -> dict[str, Theme]:
    return {slug: Theme.objects.get_or_create(slug=slug, defaults={"name": name})[0]
            for slug, name in THEMES}


def _resource(kind, title, summary, theme_slugs, tags, level, public, extra, themes, author):
    resource = Resource.objects.filter(title=title).first()
    if resource is not None:
        return resource, False
    resource = Resource(kind=kind, title=title, summary=summary, service_level=level, public=public,
                        status=Status.PUBLISHED, published_at=timezone.now(), proposed_by=author,
                        reviewed_by=author, **extra)
    resource.save()
    services.set_labels(resource, tags=tags, themes=[themes[slug] for slug in theme_slugs])
    return resource, True


def _videos(accounts: DemoAccounts, themes) -> None:
    for kind, title, summary, theme_slugs, tags, level, frequency, chapters in VIDEOS:
        resource, created = _resource(kind, title, summary, theme_slugs, tags, level, Public.COUNSELLORS,
                                      {"source": "Comcep — démonstration"}, themes, accounts.expert)
        video = Video.objects.filter(resource=resource).first()
        if video is None:
            with tempfile.TemporaryDirectory() as folder:
                clip = transcoding.generate_test_clip(Path(folder) / "demo.mp4", seconds=4,
                                                      frequency=frequency)
                # No worker here: attach without queueing, then process synchronously.
                with transaction.atomic():
                    video = services.attach_video(resource, clip, original_size=clip.stat().st_size,
                                                  queue=False)
        if video.state != "ready":
            services.process_video(video.pk)
            video.refresh_from_db()
        if not video.captions.exists():
            services.attach_caption(video, VTT.encode(), actor=accounts.moderator)
        if not video.chapters.exists():
            services.set_chapters(video, chapters, actor=accounts.moderator)


def _actions(accounts: DemoAccounts, themes) -> None:
    region = Region.objects.get(code=PILOT_REGION)
    staff = accounts.regional_staff
    today = timezone.localdate()
    this_monday = today - timedelta(days=today.weekday())
    for title, weeks, weekday, hour, hours, online, place, capacity in ACTIONS:
        if Resource.objects.filter(title=title, kind=Kind.ACTION).exists():
            continue
        start = timezone.make_aware(datetime.combine(this_monday + timedelta(weeks=weeks, days=weekday),
                                                    time(hour)))
        resource = Resource(kind=Kind.ACTION, title=title, region=region, public=Public.COUNSELLORS,
                            summary=f"{title}. Action de professionnalisation proposée par le "
                                    "Carif-Oref de Bretagne aux conseillers CEP de la région.",
                            source="GREF Bretagne")
        action = RegionalAction(starts_at=start, ends_at=start + timedelta(hours=hours), online=online,
                                place=place, organiser="GREF Bretagne (Carif-Oref)", capacity=capacity,
                                registration_url="https://www.gref-bretagne.com/")
        services.publish_action(resource, action, actor=staff, themes=[themes["posture"]],
                                tags=["professionnalisation"])


def seed(accounts: DemoAccounts) -> None:
    themes = _themes()
    with transaction.atomic():
        for kind, title, summary, theme_slugs, tags, level, public, extra in RESOURCES:
            _resource(kind, title, summary, theme_slugs, tags, level, public, dict(extra), themes,
                      accounts.moderator)
        # One proposal waiting for the moderators, from a member.
        if accounts.members and not Resource.objects.filter(title="Grille d'auto-positionnement").exists():
            proposal = Resource(kind=Kind.DOCUMENT, title="Grille d'auto-positionnement",
                                summary="Une grille pour aider la personne à situer ses compétences.",
                                url="", source="Pratique de terrain")
            services.propose_resource(proposal, actor=accounts.members[0], tags=["outils"],
                                      themes=[themes["posture"]])
        _actions(accounts, themes)
        _watch(accounts)
    _videos(accounts, themes)


def _watch(accounts: DemoAccounts) -> None:
    """The CEP's article in the Code du travail gets two versions, the newer one annotated by
    the expert, and the first member follows it (idempotent: a version is found by its date)."""
    from comcep.identity import member_of
    from resources import watch
    from resources.models import LegalVersion, VersionStatus

    text = Resource.objects.filter(
        title="Le conseil en évolution professionnelle dans le Code du travail").first()
    if text is None:
        return
    versions = [
        (date(2014, 3, 5), VersionStatus.REPEALED, "Création du conseil en évolution professionnelle "
         "par la loi du 5 mars 2014.", "Toute personne peut bénéficier tout au long de sa vie "
         "professionnelle d'un conseil en évolution professionnelle, dont l'objectif est de favoriser "
         "l'évolution et la sécurisation de son parcours professionnel."),
        (date(2019, 1, 1), VersionStatus.IN_FORCE, "La loi « Avenir professionnel » confie le CEP des "
         "actifs occupés à des opérateurs régionaux choisis par France compétences.",
         "Toute personne peut bénéficier tout au long de sa vie professionnelle d'un conseil en "
         "évolution professionnelle, dont l'objectif est de favoriser l'évolution et la sécurisation "
         "de son parcours professionnel. Ce conseil gratuit est mis en œuvre dans le cadre du service "
         "public régional de l'orientation."),
    ]
    for effective_on, status, summary, body in versions:
        if not LegalVersion.objects.filter(resource=text, effective_on=effective_on).exists():
            watch.add_version(text, LegalVersion(effective_on=effective_on, status=status,
                                                 change_summary=summary, text=body),
                              actor=accounts.moderator)
    latest = LegalVersion.objects.filter(resource=text).order_by("-effective_on").first()
    if latest is not None and not latest.practice_note:
        watch.annotate_version(latest, actor=member_of(accounts.expert), discussion_url="",
                               practice_note="Le premier entretien rappelle la gratuité et la "
                               "confidentialité du conseil, et l'opérateur compétent selon la situation.")
    if accounts.members:
        member = member_of(accounts.members[0])
        if member is not None:
            watch.follow(member, resource=text)
