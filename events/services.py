"""Writes of the events: creating one with its questions topic, registering, voting, the replay."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from comcep import identity
from comcep.audit import record
from comcep.markdown import render_markdown
from comcep.models import Member
from events import permissions
from events.models import Event, Kind, Preferences, QuestionVote, Registration
from forum import services as forum_services
from forum.models import Category, Post, StartPolicy
from resources import services as resource_services
from resources.models import Kind as ResourceKind
from resources.models import Resource, Status, Video

# The category whose topics take an event's questions: the experts' sessions, whose topics have
# opening and closing dates (forum.Topic.session_opens_at/closes_at).
QUESTIONS_CATEGORY_SLUG = "sessions-experts"


def questions_category() -> Category:
    category = (Category.objects.filter(slug=QUESTIONS_CATEGORY_SLUG).first()
                or Category.objects.filter(start_policy=StartPolicy.EXPERTS).order_by("position").first())
    if category is None:
        raise ValidationError(_("Aucune catégorie du forum ne peut recevoir les questions des événements."),
                              code="no_category")
    return category


@transaction.atomic
def create_event(*, actor: Member, event: Event, cohosts: list[Member]) -> Event:
    """Save ``event`` with its creator and ``cohosts`` as hosts, and open its questions topic,
    which takes questions from now until the event ends."""
    if event.group is not None and event.group.owner_id != actor.pk:
        raise PermissionDenied
    event.created_by = actor
    event.description_html = render_markdown(event.description)
    event.save()
    event.hosts.set([actor, *[m for m in cohosts if m.pk != actor.pk]])
    record(actor=actor, action="events.created", target=event)
    intro = _("Posez ici vos questions pour « %(title)s » et votez pour celles que vous voulez "
              "voir traitées : l'animation les verra classées par votes.") % {"title": event.title}
    title = (_("Questions — %(title)s") % {"title": event.title})[:160]
    if event.group is not None:
        # A group's meeting takes its questions in the group's own discussion, for its members
        # only; never in a public category, which would show the meeting to everyone.
        if event.group.category is None:
            return event
        topic = forum_services.create_topic(actor=actor, category=event.group.category, title=title,
                                            body=intro, rate_limit=False)
    else:
        topic = forum_services.create_topic(
            actor=actor, category=questions_category(), title=title, body=intro,
            session_opens_at=timezone.now(), session_closes_at=event.ends_at, rate_limit=False)
    event.questions_topic = topic
    event.save(update_fields=["questions_topic"])
    return event


class RegistrationRefused(ValidationError):
    pass


@transaction.atomic
def register(*, member: Member, event_id: int) -> Registration:
    """Take a seat for ``member``. The event's row is locked while the seats are counted, so two
    members asking for the last seat at once get it one only; a second request of the same
    member (a double click) finds their registration and makes no other."""
    event = Event.objects.select_for_update().get(pk=event_id)
    existing = Registration.objects.filter(event=event, member=member).first()
    if existing is not None:
        return existing
    if not permissions.can_register(member, event):
        raise RegistrationRefused(_("Les inscriptions à cet événement sont closes."), code="closed")
    if event.is_full:
        raise RegistrationRefused(
            _("Désolé, il n'y a plus de place : la dernière vient d'être prise."), code="full")
    registration = Registration.objects.create(event=event, member=member)
    Event.objects.filter(pk=event.pk).update(registered_count=F("registered_count") + 1)
    return registration


@transaction.atomic
def cancel_registration(*, member: Member, event_id: int) -> bool:
    event = Event.objects.select_for_update().get(pk=event_id)
    deleted, _rows = Registration.objects.filter(event=event, member=member).delete()
    if deleted:
        Event.objects.filter(pk=event.pk).update(registered_count=F("registered_count") - 1)
    return bool(deleted)


def preferences_of(member: Member) -> Preferences:
    preferences, _created = Preferences.objects.get_or_create(member=member)
    return preferences


def set_reminder_preferences(member: Member, *, in_app: bool, by_email: bool) -> None:
    Preferences.objects.update_or_create(member=member, defaults={"remind_in_app": in_app,
                                                                   "remind_by_email": by_email})


def new_feed_token(member: Member) -> str:
    """A new private address for the member's calendar feed; the previous one stops working."""
    token = secrets.token_urlsafe(32)
    Preferences.objects.update_or_create(member=member, defaults={"feed_token": token})
    return token


def revoke_feed_token(member: Member) -> None:
    Preferences.objects.filter(member=member).update(feed_token=None)


@transaction.atomic
def toggle_vote(*, member: Member, post: Post) -> bool:
    """Vote for a question, or take the vote back; whether the member now votes for it."""
    removed, _rows = QuestionVote.objects.filter(post=post, member=member).delete()
    if removed:
        return False
    try:
        with transaction.atomic():
            QuestionVote.objects.create(post=post, member=member)
    except IntegrityError:  # the same click twice at once: one vote
        pass
    return True


@transaction.atomic
def attach_recording(*, actor, event: Event, uploaded_path: str | Path, size: int,
                     chapters: list[tuple[str, int]]) -> Resource:
    """The replay becomes a published video resource of the library (an expert intervention
    for an expert session), processed by the video pipeline, with its chapters."""
    resource = Resource.objects.create(
        kind=ResourceKind.EXPERT if event.kind == Kind.EXPERT_SESSION else ResourceKind.VIDEO,
        status=Status.PUBLISHED, published_at=timezone.now(), proposed_by=actor,
        title=(_("Replay — %(title)s") % {"title": event.title})[:200],
        summary=_("Enregistrement de l'événement du %(date)s.") % {
            "date": timezone.localtime(event.starts_at).strftime("%d/%m/%Y")},
        body=event.description[:20000], region=event.region)
    video: Video = resource_services.attach_video(resource, uploaded_path, original_size=size)
    video.chapters.bulk_create([video.chapters.model(video=video, title=title, start=start)
                                for title, start in chapters])
    event.recording = resource
    event.save(update_fields=["recording"])
    record(actor=identity.member_of(actor) or actor, action="events.recording_attached", target=event)
    return resource
