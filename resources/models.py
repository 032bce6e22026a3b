"""The library: resources, their videos, regional professionalisation actions."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from comcep.models import Member, Region


class Kind(models.TextChoices):
    VIDEO = "video", _("séquence vidéo")
    EXPERT = "expert", _("intervention d'expert")
    LEGAL = "legal", _("texte juridique")
    DOCUMENT = "document", _("document")
    LINK = "link", _("lien")
    ACTION = "action", _("action régionale")

    @classmethod
    def video_kinds(cls) -> tuple[str, ...]:
        return (cls.VIDEO, cls.EXPERT)


class Status(models.TextChoices):
    PROPOSED = "proposed", _("proposée")
    PUBLISHED = "published", _("publiée")
    DECLINED = "declined", _("refusée")
    WITHDRAWN = "withdrawn", _("retirée de la bibliothèque")


class ServiceLevel(models.TextChoices):
    """The levels of the CEP's service offer (cahier des charges du CEP)."""

    LEVEL_1 = "1", _("Niveau 1 — accueil individualisé")
    LEVEL_2 = "2", _("Niveau 2 — conseil personnalisé")
    LEVEL_3 = "3", _("Niveau 3 — accompagnement à la mise en œuvre")
    ALL = "all", _("Tous niveaux")


class Public(models.TextChoices):
    ALL = "all", _("Tous publics")
    EMPLOYEES = "employees", _("Salarié·es du privé")
    JOBSEEKERS = "jobseekers", _("Demandeur·euses d'emploi")
    YOUTH = "youth", _("Jeunes de 16 à 25 ans")
    EXECUTIVES = "executives", _("Cadres")
    DISABILITY = "disability", _("Personnes en situation de handicap")
    SELF_EMPLOYED = "self_employed", _("Indépendant·es")
    COUNSELLORS = "counsellors", _("Conseiller·es CEP")


class Theme(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(_("nom"), max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")

    def __str__(self) -> str:
        return self.name


class ResourceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def visible_to(self, user):
        """Published resources, plus the ones ``user`` proposed; moderators see every proposal."""
        from resources import permissions

        if permissions.can_moderate(user):
            return self
        return self.filter(Q(status=Status.PUBLISHED) | Q(proposed_by=user))

    def for_listing(self):
        """What a card needs, fetched in a fixed number of queries."""
        return self.select_related("region", "video", "action").prefetch_related(
            "themes", "tags"
        )


class Resource(models.Model):
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices,
                              default=Status.PROPOSED)
    title = models.CharField(_("titre"), max_length=200)
    summary = models.TextField(_("résumé"), max_length=2000)
    body = models.TextField(_("présentation détaillée"), blank=True, max_length=20000)
    themes = models.ManyToManyField(Theme, verbose_name=_("thèmes"), blank=True,
                                    related_name="resources")
    tags = TaggableManager(verbose_name=_("mots-clés"), blank=True,
                           help_text=_("Séparés par des virgules."))
    service_level = models.CharField(_("niveau du CEP"), max_length=4, choices=ServiceLevel.choices,
                                     default=ServiceLevel.ALL)
    public = models.CharField(_("public visé"), max_length=16, choices=Public.choices,
                              default=Public.ALL)
    region = models.ForeignKey(Region, verbose_name=_("région"), on_delete=models.PROTECT,
                               null=True, blank=True, related_name="resources",
                               help_text=_("Laisser vide si la ressource vaut pour toute la France."))
    source = models.CharField(_("auteur ou source"), max_length=200, blank=True)
    url = models.URLField(_("adresse du lien"), blank=True, max_length=500)
    document = models.FileField(_("document"), blank=True, max_length=300,
                                upload_to="resources/documents/")
    document_name = models.CharField(max_length=200, blank=True, editable=False)
    legal_reference = models.CharField(
        _("référence juridique"), max_length=200, blank=True,
        help_text=_("Par exemple : article L6111-6 du Code du travail."),
    )
    valid_until = models.DateField(_("en vigueur jusqu'au"), null=True, blank=True)
    issued_on = models.DateField(_("date de publication d'origine"), null=True, blank=True)

    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="proposed_resources")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+")
    # Why a moderator declined the proposal or withdrew the resource, shown to its proposer.
    decline_reason = models.TextField(_("motif du refus"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    # The names of its tags and themes, for the search trigger (services.set_labels).
    keywords = models.TextField(blank=True, editable=False)
    # Kept up to date by a database trigger (title, keywords, summary, body, reference,
    # source: French stemming on unaccented text), so bulk writes are indexed too.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("ressource")
        verbose_name_plural = _("ressources")
        indexes = [
            GinIndex(fields=["search_vector"], name="resource_search_gin"),
            models.Index(fields=["status", "kind"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("resources:detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def is_outdated(self) -> bool:
        """A legal text past its date of validity."""
        return bool(self.valid_until and self.valid_until < timezone.localdate())

    @property
    def is_video(self) -> bool:
        return self.kind in Kind.video_kinds()

    def cached_video(self):
        try:
            return self.video
        except Video.DoesNotExist:
            return None

    def cached_action(self):
        try:
            return self.action
        except RegionalAction.DoesNotExist:
            return None


class ResourceEvent(models.Model):
    """Every move of a resource between states: who, when, why."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              related_name="+")
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]


# --- Videos ---------------------------------------------------------------------


class VideoState(models.TextChoices):
    QUEUED = "queued", _("en attente de traitement")
    PROCESSING = "processing", _("en cours de traitement")
    READY = "ready", _("prête")
    FAILED = "failed", _("échec du traitement")


def _video_dir(video: Video) -> str:
    return f"resources/videos/{video.key}"


class Video(models.Model):
    """The uploaded file of a video resource and what the worker made of it."""

    resource = models.OneToOneField(Resource, on_delete=models.CASCADE, related_name="video")
    # The folder's name: random, so that nothing about the video is guessable from it.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.CharField(max_length=300, blank=True)  # relative to MEDIA_ROOT
    original_size = models.BigIntegerField(default=0)
    state = models.CharField(max_length=12, choices=VideoState.choices, default=VideoState.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    failure_reason = models.CharField(max_length=300, blank=True)
    failure_detail = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    duration = models.FloatField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    has_audio = models.BooleanField(default=True)
    poster = models.CharField(max_length=300, blank=True)
    # The small WebP of the library's cards, made from the poster by the same job (the cards
    # show the poster itself for a video processed before thumbnails existed).
    thumbnail = models.CharField(max_length=300, blank=True)
    thumbnail_width = models.PositiveSmallIntegerField(null=True, blank=True)
    thumbnail_height = models.PositiveSmallIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("vidéo")
        verbose_name_plural = _("vidéos")

    def __str__(self) -> str:
        return f"vidéo #{self.pk} ({self.state})"

    @property
    def folder(self) -> str:
        return _video_dir(self)

    def ready_renditions(self) -> list[VideoRendition]:
        """Tallest first, as the <video> element takes its first playable source."""
        return sorted((r for r in self.renditions.all() if r.is_ready), key=lambda r: -r.height)


class VideoRendition(models.Model):
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="renditions")
    height = models.PositiveIntegerField()
    width = models.PositiveIntegerField(default=0)
    path = models.CharField(max_length=300)  # relative to MEDIA_ROOT; written only when complete
    size = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["height"]
        constraints = [
            models.UniqueConstraint(fields=["video", "height"], name="one_rendition_per_height"),
        ]

    @property
    def is_ready(self) -> bool:
        return bool(self.path)

    @property
    def label(self) -> str:
        return f"{self.height}p"


class Caption(models.Model):
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="captions")
    language = models.CharField(_("langue"), max_length=8, default="fr")
    label = models.CharField(_("libellé"), max_length=60, default="Français")
    path = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["video", "language"], name="one_caption_per_language"),
        ]


class Chapter(models.Model):
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="chapters")
    title = models.CharField(_("titre"), max_length=120)
    start = models.PositiveIntegerField(_("début (secondes)"))

    class Meta:
        ordering = ["start"]

    @property
    def start_label(self) -> str:
        minutes, seconds = divmod(self.start, 60)
        hours, minutes = divmod(minutes, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


# --- Regional professionalisation actions ---------------------------------------------


class ActionQuerySet(models.QuerySet):
    def with_saved_by(self, user):
        return self.annotate(
            saved=Exists(SavedAction.objects.filter(action=OuterRef("pk"), user=user))
        )

    def for_listing(self):
        return self.select_related("resource", "resource__region").prefetch_related(
            Prefetch("resource__themes")
        )


class RegionalAction(models.Model):
    """A professionalisation action that a region's Carif-Oref organises.

    Its title, description, region and public live on its ``resource`` so that
    the library lists and searches it like any other resource.
    """

    resource = models.OneToOneField(Resource, on_delete=models.CASCADE, related_name="action")
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    online = models.BooleanField(_("à distance"), default=False)
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    organiser = models.CharField(_("organisateur"), max_length=200)
    registration_url = models.URLField(_("lien d'inscription"), blank=True, max_length=500)
    capacity = models.PositiveIntegerField(_("nombre de places"), null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(_("motif de l'annulation"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    sequence = models.PositiveIntegerField(default=0)  # bumps on each change, for .ics updates

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("action de professionnalisation")
        verbose_name_plural = _("actions de professionnalisation")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=models.F("starts_at")),
                                   name="action_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.resource.title

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class SavedAction(models.Model):
    """A member who keeps an action in their agenda, and so is told if it is cancelled."""

    action = models.ForeignKey(RegionalAction, on_delete=models.CASCADE, related_name="saves")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["action", "user"], name="save_action_once"),
        ]


# --- Versions of a legal text ---------------------------------------------------


class VersionStatus(models.TextChoices):
    UPCOMING = "upcoming", _("à venir")
    IN_FORCE = "in_force", _("en vigueur")
    REPEALED = "repealed", _("abrogée")


class LegalVersion(models.Model):
    """One wording of a legal text: when it takes effect, what it changed, where to read it."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="legal_versions")
    effective_on = models.DateField(_("date d'effet"))
    change_summary = models.CharField(_("ce qui change"), max_length=300)
    text = models.TextField(_("texte"), blank=True, max_length=50000)
    official_url = models.URLField(_("lien officiel"), blank=True, max_length=500)
    status = models.CharField(_("état"), max_length=10, choices=VersionStatus.choices,
                              default=VersionStatus.IN_FORCE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Written by an expert or a moderator: what the change means for counsellors' practice.
    practice_note = models.TextField(_("ce qui change pour la pratique du CEP"), blank=True, max_length=5000)
    practice_note_by = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, blank=True,
                                         related_name="+")
    # The forum discussion about this version: an address of this site.
    discussion_url = models.CharField(_("discussion du forum"), max_length=300, blank=True)

    class Meta:
        ordering = ["-effective_on", "-pk"]
        verbose_name = _("version d'un texte juridique")
        verbose_name_plural = _("versions d'un texte juridique")
        constraints = [
            # A version is read somewhere: its wording here, or the official text there.
            models.CheckConstraint(condition=~Q(text="") | ~Q(official_url=""),
                                   name="legal_version_text_or_link"),
        ]

    def __str__(self) -> str:
        return f"{self.resource.title} ({self.effective_on})"


# --- The regulatory watch: who follows what, the changes, what each member is told -----


class Follow(models.Model):
    """A member following a legal text, a theme or a tag: told of what changes there."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="library_follows")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="follows")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, null=True, blank=True,
                              related_name="follows")
    # A tag's name, folded (lower case, no accents): ``#Éthique`` and ``#ethique`` are one.
    tag = models.CharField(_("mot-clé"), max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(resource__isnull=False, theme__isnull=True, tag="")
                           | Q(resource__isnull=True, theme__isnull=False, tag="")
                           | (Q(resource__isnull=True, theme__isnull=True) & ~Q(tag=""))),
                name="follow_one_thing"),
            models.UniqueConstraint(fields=["member", "resource"], condition=Q(resource__isnull=False),
                                    name="follow_resource_once"),
            models.UniqueConstraint(fields=["member", "theme"], condition=Q(theme__isnull=False),
                                    name="follow_theme_once"),
            models.UniqueConstraint(fields=["member", "tag"], condition=~Q(tag=""),
                                    name="follow_tag_once"),
        ]


class ChangeKind(models.TextChoices):
    NEW_VERSION = "version", _("nouvelle version")
    EXPIRED = "expired", _("arrivé à échéance")
    REPEALED = "repealed", _("abrogé")
    NEW_TEXT = "new_text", _("nouveau texte")


class LegalChange(models.Model):
    """One change of the regulatory watch: listed on the « Veille » page and its feed, and told
    to the members who follow the text, one of its themes or one of its tags."""

    kind = models.CharField(max_length=10, choices=ChangeKind.choices)
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="legal_changes")
    version = models.ForeignKey(LegalVersion, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="changes")
    happened_at = models.DateTimeField(default=timezone.now)
    # What makes the change one: a second sweep or a double click writes nothing more.
    key = models.CharField(max_length=80, unique=True)
    # Set once the followers were given their notices (the sweep hands over those left behind).
    told_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-happened_at", "-pk"]
        indexes = [models.Index(fields=["-happened_at"], name="legal_change_recent_idx")]


class NoticeKind(models.TextChoices):
    CHANGE = "change", _("veille juridique")
    PUBLISHED = "published", _("ressource publiée")
    DECLINED = "declined", _("ressource refusée")
    CANCELLED = "cancelled", _("action annulée")


class LibraryNotice(models.Model):
    """What the library tells one member, shown in the notification centre."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="library_notices")
    kind = models.CharField(max_length=10, choices=NoticeKind.choices)
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="+")
    change = models.ForeignKey(LegalChange, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="notices")
    # One notice per member and thing told ("change:12", "review:40", "cancelled:7").
    key = models.CharField(max_length=80)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when its email was queued, or once it is known none will be.
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["member", "key"], name="library_notice_once")]
        indexes = [
            models.Index(fields=["member", "-created_at"], name="library_notice_member_idx"),
            models.Index(fields=["member"], condition=Q(read_at=None), name="library_notice_unread_idx"),
            models.Index(fields=["id"], condition=Q(emailed_at=None), name="library_notice_unsent_idx"),
        ]


class WatchPreferences(models.Model):
    """How a member hears of the watch, and the private address of their Atom feed."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="watch_preferences")
    email_each = models.BooleanField(_("un e-mail à chaque changement de ce que je suis"), default=True)
    weekly_digest = models.BooleanField(_("le résumé de la veille chaque semaine"), default=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)
    # The secret part of the feed's address; None once revoked (the address then gives 404).
    feed_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
