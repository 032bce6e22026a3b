"""Live sessions and webinars: events, who registers for them, their reminders and questions."""

from __future__ import annotations

from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comcep.models import Member, Region
from forum.models import Post, Topic
from groups.models import Group, MembershipState
from resources.models import Resource

# The video-conference address appears this long before the start, and until the end.
LINK_OPENS_BEFORE = timedelta(minutes=15)


class Kind(models.TextChoices):
    WEBINAR = "webinar", _("webinaire")
    EXPERT_SESSION = "expert", _("session d'expert")
    GROUP_MEETING = "meeting", _("réunion de groupe")


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("toute la communauté")
    REGION = "region", _("une région")
    GROUP = "group", _("un groupe de travail")


class EventQuerySet(models.QuerySet):
    def visible_to(self, member: Member):
        """The events ``member`` may see: everyone's, those of their own region, and those of the
        groups they are an active member of (one membership per group and member: no duplicate)."""
        return self.filter(Q(audience=Audience.EVERYONE)
                           | Q(audience=Audience.REGION, region_id=member.region_id)
                           | Q(audience=Audience.GROUP, group__memberships__member=member,
                               group__memberships__state=MembershipState.ACTIVE))

    def upcoming(self, now=None):
        return self.filter(ends_at__gt=now or timezone.now()).order_by("starts_at", "pk")

    def past(self, now=None):
        return self.filter(ends_at__lte=now or timezone.now()).order_by("-starts_at", "-pk")

    def for_list(self):
        return self.select_related("region", "group").only(
            "pk", "kind", "title", "starts_at", "ends_at", "duration_minutes", "audience", "region__name",
            "group__name",
            "capacity", "registered_count", "recording_id", "cancelled_at")


class Event(models.Model):
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.WEBINAR)
    title = models.CharField(_("titre"), max_length=160)
    description = models.TextField(_("description"), max_length=10000)
    description_html = models.TextField(editable=False)
    starts_at = models.DateTimeField(_("début"), db_index=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("durée (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(600)])
    # starts_at + duration, kept so that lists and jobs filter on it in SQL.
    ends_at = models.DateTimeField(editable=False, db_index=True)
    audience = models.CharField(_("public"), max_length=10, choices=Audience.choices,
                                default=Audience.EVERYONE)
    region = models.ForeignKey(Region, verbose_name=_("région"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(Group, verbose_name=_("groupe"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="+")
    capacity = models.PositiveIntegerField(_("nombre de places"), validators=[MinValueValidator(1)])
    registered_count = models.PositiveIntegerField(default=0, editable=False)
    video_url = models.URLField(_("adresse de la visioconférence"), max_length=500,
                                validators=[URLValidator(schemes=["https"])])
    hosts = models.ManyToManyField(Member, verbose_name=_("animation"), related_name="hosted_events")
    created_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Where questions are asked and voted for, opened with the event.
    questions_topic = models.OneToOneField(Topic, null=True, blank=True, on_delete=models.SET_NULL,
                                           related_name="+")
    # The replay, once a host attached it: a video resource of the library.
    recording = models.OneToOneField(Resource, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    sequence = models.PositiveIntegerField(default=0)  # bumps on each change, for .ics updates

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        constraints = [
            models.CheckConstraint(
                condition=Q(audience="everyone", region=None, group=None)
                | Q(audience="region", region__isnull=False, group=None)
                | Q(audience="group", region=None, group__isnull=False),
                name="event_audience_is_complete"),
            models.CheckConstraint(condition=Q(registered_count__lte=models.F("capacity")),
                                   name="event_not_overbooked"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.ends_at = self.starts_at + timedelta(minutes=self.duration_minutes)
        super().save(*args, **kwargs)

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.registered_count, 0)

    @property
    def is_full(self) -> bool:
        return self.registered_count >= self.capacity

    def is_past(self, now=None) -> bool:
        return self.ends_at <= (now or timezone.now())

    def link_opens_at(self):
        return self.starts_at - LINK_OPENS_BEFORE

    def is_live(self, now=None) -> bool:
        """From the moment the link appears until the end."""
        now = now or timezone.now()
        return self.link_opens_at() <= now < self.ends_at


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="event_registrations")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "member"],
                                               name="one_registration_per_member")]
        indexes = [models.Index(fields=["member", "event"])]


class ReminderKind(models.TextChoices):
    DAY = "day", _("la veille")
    HOUR = "hour", _("une heure avant")


class Reminder(models.Model):
    """One reminder of one event for one registered member: the in-app notification, and the
    record that makes the job send it once (its unique constraint, and ``emailed_at``)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="event_reminders")
    kind = models.CharField(max_length=4, choices=ReminderKind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    shown = models.BooleanField(default=True)  # False when the member wants no in-app reminder
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when the email was queued, or when none will be (the member wants none).
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["event", "member", "kind"], name="one_reminder_each")]
        indexes = [models.Index(fields=["member"], condition=Q(read_at=None, shown=True),
                                name="event_reminder_unread_idx")]


class Preferences(models.Model):
    """How a member is reminded, and the private address of their calendar feed."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="event_preferences")
    remind_in_app = models.BooleanField(_("me rappeler mes événements sur le site"), default=True)
    remind_by_email = models.BooleanField(_("me rappeler mes événements par e-mail"), default=True)
    # The secret part of the feed's address; None once revoked (the address then gives 404).
    feed_token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)


class QuestionVote(models.Model):
    """A member's vote for a question (a post of the event's questions topic)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "member"], name="one_vote_per_question")]
