"""Demo content: the categories of docs/design.md and a few dozen topics by the demo members.

Idempotent: categories are found by slug, topics by title; a second run adds nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from comcep.demo import DemoAccounts
from comcep.models import Region, RolloutPhase
from forum import services
from forum.models import Category, StartPolicy, Topic, TopicKind

CATEGORIES = [
    ("echanges-de-pratiques", "Échanges de pratiques",
     "Outils, déroulés d'entretien, astuces : ce qui marche (et ce qui ne marche pas) sur le terrain.",
     StartPolicy.MEMBERS),
    ("questions-vives", "Questions vives du métier",
     "Les sujets qui font débat : cadre du CEP, posture, éthique, évolutions réglementaires.",
     StartPolicy.MEMBERS),
    ("sessions-experts", "Sessions d'experts",
     "Des expert·es reconnu·es ouvrent un sujet et répondent à vos questions pendant une semaine.",
     StartPolicy.EXPERTS),
]

# (category slug, kind, author index, title, tags, body, [(author index, reply), ...])
# Author index: -1 moderator, -2 expert, 0..19 the demo members.
TOPICS = [
    ("echanges-de-pratiques", TopicKind.DISCUSSION, 0,
     "Vos trames pour le premier entretien CEP ?", ["premier entretien", "outils"],
     "Bonjour à toutes et tous,\n\nJe reprends mes trames de **premier entretien** (niveau 1 du CEP). "
     "Comment structurez-vous les 45 premières minutes ? J'alterne récit de parcours et "
     "questions ouvertes, mais j'ai parfois du mal à recentrer.",
     [(1, "Je commence toujours par reformuler la demande telle que la personne l'exprime, "
          "puis je propose un **contrat d'objectifs** écrit à la fin. Ça aide énormément à recentrer."),
      (2, "Pareil, et j'utilise une frise chronologique sur papier : les gens se l'approprient vite."),
      (-1, "Merci pour ces partages ! Pensez à déposer vos trames dans la bibliothèque de ressources.")]),
    ("echanges-de-pratiques", TopicKind.QUESTION, 3,
     "Accompagner un projet de reconversion sans diplôme : par où commencer ?", ["reconversion", "vae"],
     "Je suis une personne de 52 ans, cariste, qui souhaite devenir formateur. Pas de diplôme "
     "au-delà du CAP. Quelles pistes explorer en priorité : VAE, titre professionnel, PTP ?",
     [(4, "La **VAE** me semble la première piste : son expérience de tutorat en entrepôt peut compter."),
      (-2, "Je confirme : vérifiez d'abord le titre professionnel FPA (formateur professionnel "
           "d'adultes), accessible par la VAE. Le projet de transition professionnelle (PTP) peut "
           "financer les modules manquants si la VAE est partielle."),
      (3, "Merci, c'est très clair. Je lui présente les deux voies la semaine prochaine.")]),
    ("echanges-de-pratiques", TopicKind.DISCUSSION, 5,
     "Entretiens à distance : visio ou téléphone ?", ["distanciel"],
     "Depuis que nous proposons le distanciel, la moitié des personnes choisissent le téléphone. "
     "Vous trouvez que la qualité de l'échange s'en ressent ?",
     [(6, "Le téléphone libère la parole chez certains publics, je trouve. La visio est utile pour "
          "partager un écran (fiches métiers, simulateurs)."),
      (7, "Je propose systématiquement les deux et je laisse choisir. "
          "Aucun écart de satisfaction chez nous.")]),
    ("echanges-de-pratiques", TopicKind.DISCUSSION, 8,
     "Utiliser les fiches ROME 4.0 en entretien", ["rome", "outils"],
     "Les nouvelles fiches ROME 4.0 sont organisées par compétences. Qui les utilise déjà "
     "en entretien, et comment ?",
     [(9, "Je m'en sers pour la **transférabilité des compétences** : on coche ensemble les "
          "savoir-faire déjà acquis, c'est très parlant."),
      (10, "Attention, certaines appellations ont changé : j'ai dû refaire mes supports.")]),
    ("questions-vives", TopicKind.DISCUSSION, 11,
     "Neutralité du conseil quand l'employeur finance", ["posture", "éthique"],
     "Comment garantir la neutralité du conseil quand la personne craint que son employeur "
     "apprenne sa démarche ? Je rappelle la confidentialité mais la méfiance reste.",
     [(12, "Je montre concrètement ce qui est transmis (rien) et ce qui ne l'est pas. Le document "
           "de synthèse appartient à la personne."),
      (-1, "C'est exactement l'esprit du CEP : gratuit, confidentiel, et la personne reste maîtresse "
           "de son projet."),
      (13, "Je précise aussi que le CEP n'est pas une démarche RH, dès le premier contact.")]),
    ("questions-vives", TopicKind.QUESTION, 14,
     "Le CPF peut-il financer un bilan de compétences en cours de CEP ?", ["cpf", "bilan"],
     "Une personne en niveau 2 du CEP veut mobiliser son CPF pour un bilan de compétences. "
     "Est-ce compatible, ou est-ce redondant ?",
     [(15, "C'est compatible : le bilan approfondit, le CEP accompagne le projet. À expliquer "
           "pour éviter l'impression de doublon."),
      (-2, "Oui, c'est compatible et même fréquent. Vérifiez le reste à charge depuis la "
           "participation forfaitaire au CPF.")]),
    ("questions-vives", TopicKind.DISCUSSION, 16,
     "Quelle place pour l'IA générative dans nos accompagnements ?", ["ia", "outils"],
     "Des personnes arrivent avec des CV et lettres rédigés par IA. Faut-il s'en inquiéter "
     "ou l'intégrer à nos pratiques ?",
     [(17, "Je l'intègre : on relit ensemble, et ça ouvre la discussion sur ce que la personne "
           "veut vraiment mettre en avant."),
      (18, "Vigilance sur les données personnelles : je déconseille d'y coller un parcours complet."),
      (19, "Sujet passionnant, une session d'experts là-dessus serait bienvenue !")]),
    ("sessions-experts", TopicKind.QUESTION, -2,
     "Session : la VAE réformée, vos questions pendant une semaine", ["vae", "réglementation"],
     "Bonjour, je réponds cette semaine à toutes vos questions sur la **VAE réformée** "
     "(France VAE, accompagnement dès la recevabilité, jurys). Posez-les ici !",
     [(0, "Le parcours France VAE est-il accessible aux personnes en emploi sans passer par "
          "leur employeur ?"),
      (-2, "Oui, la démarche est individuelle ; l'employeur n'est pas informé sauf si la personne "
           "sollicite un congé VAE."),
      (1, "Combien de temps faut-il compter entre la recevabilité et le jury, en moyenne ?"),
      (-2, "Comptez six à douze mois selon les certificateurs ; l'accompagnement aide à tenir le rythme.")]),
    ("sessions-experts", TopicKind.DISCUSSION, -1,
     "Prochaine session : handicap et maintien dans l'emploi", ["handicap"],
     "La prochaine session d'experts portera sur le **maintien dans l'emploi** des personnes "
     "en situation de handicap, avec des collègues de Cap emploi. Préparez vos questions !",
     [(2, "Super, j'aurai des questions sur l'articulation avec les services de prévention et de "
          "santé au travail.")]),
]


def _author(accounts: DemoAccounts, index: int):
    if index == -1:
        return accounts.moderator.member
    if index == -2:
        return accounts.expert.member
    return accounts.members[index % len(accounts.members)].member


@transaction.atomic
def seed(accounts: DemoAccounts) -> None:
    categories = {}
    for position, (slug, name, description, policy) in enumerate(CATEGORIES):
        categories[slug], _created = Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position,
                                 "start_policy": policy},
        )
    for region in Region.objects.filter(phase=RolloutPhase.PILOT):
        slug = f"region-{slugify(region.name)}"
        categories[slug], _created = Category.objects.get_or_create(
            slug=slug, defaults={
                "name": f"En région : {region.name}", "region": region, "position": 10,
                "description": "Les actualités et les échanges des conseiller·es de la région pilote.",
            },
        )
        region_topics = [
            (slug, TopicKind.DISCUSSION, 4, f"Rencontre des conseiller·es CEP — {region.name}",
             ["rencontre", "région"],
             "Le Carif-Oref organise une matinée d'échanges de pratiques en juin. Qui serait partant·e "
             "pour animer un atelier ?",
             [(5, "Partante pour un atelier sur les publics jeunes !"),
              (6, "Je peux présenter notre travail avec les entreprises du territoire.")]),
        ]
        _seed_topics(accounts, categories, region_topics)
    _seed_topics(accounts, categories, TOPICS)


def _seed_topics(accounts, categories, topics) -> None:
    for slug, kind, author, title, tags, body, replies in topics:
        if Topic.objects.filter(title=title).exists():
            continue
        topic = services.create_topic(actor=_author(accounts, author), category=categories[slug],
                                      title=title, body=body, kind=kind, tags=tags,
                                      rate_limit=False)
        posts = []
        for reply_author, text in replies:
            posts.append(services.create_post(actor=_author(accounts, reply_author), topic=topic, body=text,
                                               rate_limit=False))
        if categories[slug].start_policy == StartPolicy.EXPERTS:
            # An expert session open for another fortnight, which began a few days ago.
            now = timezone.now()
            Topic.objects.filter(pk=topic.pk).update(session_opens_at=now - timedelta(days=3),
                                                     session_closes_at=now + timedelta(days=14))
        if kind == TopicKind.QUESTION and posts:
            expert_posts = [p for p in posts if p.author_id != topic.author_id]
            if expert_posts:
                services.accept_answer(actor=topic.author, topic=topic, post=expert_posts[-1])
        for post in posts[:2]:
            if post.author_id != topic.author_id:
                services.thank_post(actor=topic.author, post=post)
