"""What members do in their conversations: start one, write, add, leave, block, mute, report."""

from __future__ import annotations

from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from comcep import antivirus
from comcep.models import Member
from comcep.pseudonyms import key as pseudonym_key
from conversations import notify, permissions
from conversations.models import (
    MAX_PARTICIPANTS,
    Block,
    Conversation,
    Message,
    MessageImage,
    MessageKind,
    Participant,
    Report,
)
from forum.images import MAX_BYTES as IMAGE_MAX_BYTES
from forum.images import reencode
from forum.services import render_body


class CleanImage(NamedTuple):
    """An image ready to go with a message: scanned, re-encoded without metadata, described."""

    content: bytes
    extension: str
    width: int
    height: int
    description: str


def clean_image(*, sender: Member, upload, description: str) -> CleanImage:
    """The forum's upload rules, applied before anything is written: the antivirus, the size,
    a real image (read by content, not by name) re-encoded by Pillow; ValidationError otherwise."""
    antivirus.scan_upload(upload, uploader=sender, where="conversations.image")
    upload.seek(0)
    content, extension, width, height = reencode(upload.read(IMAGE_MAX_BYTES + 1))
    return CleanImage(content, extension, width, height, description)


def refused(name: str) -> ValidationError:
    """The one answer for a pseudonym that cannot be added, whatever the reason: a member
    who blocked you is not told apart from one who does not exist."""
    return ValidationError(_("« %(name)s » : cette personne ne peut pas être ajoutée.") % {"name": name},
                           code="refused")


def members_named(adder: Member, names: list[str]) -> list[Member]:
    """The members ``names`` designate, each one addable by ``adder``; ValidationError otherwise."""
    keys = {pseudonym_key(name): name for name in names if pseudonym_key(name)}
    found = {m.pseudonym_key: m for m in Member.objects.active().filter(pseudonym_key__in=keys)}
    blocked_by = set(Block.objects.filter(blocker__in=found.values(), blocked=adder)
                     .values_list("blocker_id", flat=True))
    errors, members = [], []
    for key, name in keys.items():
        member = found.get(key)
        if member is None or member.pk == adder.pk or member.pk in blocked_by:
            errors.append(refused(name))
        else:
            members.append(member)
    if errors:
        raise ValidationError(errors)
    return members


def _check_size(count: int) -> None:
    if count > MAX_PARTICIPANTS:
        raise ValidationError(
            _("Une conversation réunit %(max)s personnes au plus.") % {"max": MAX_PARTICIPANTS},
            code="too_many")


def _write(conversation: Conversation, author: Member, body: str, *,
           kind: str = MessageKind.TEXT, image: CleanImage | None = None) -> Message:
    now = timezone.now()
    body_html = render_body(body).html if kind == MessageKind.TEXT else ""
    message = Message.objects.create(conversation=conversation, author=author, kind=kind, body=body,
                                     body_html=body_html, created_at=now)
    if image is not None:
        attached = MessageImage(message=message, extension=image.extension, width=image.width,
                                height=image.height, description=image.description)
        attached.image.save(f"image.{image.extension}", ContentFile(image.content), save=False)
        attached.save()
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
    Participant.objects.filter(conversation=conversation, member=author).update(last_read_at=now)
    return message


@transaction.atomic
def start(*, actor: Member, members: list[Member], subject: str, body: str,
          image: CleanImage | None = None) -> Conversation:
    """A conversation of ``actor`` with ``members`` (checked by ``members_named``), and its first message."""
    if not members:
        raise ValidationError(_("Indiquez au moins une personne."), code="empty")
    _check_size(len({m.pk for m in members} | {actor.pk}))
    for member in members:
        if not permissions.can_be_added(actor, member):
            raise refused(member.pseudonym)
    now = timezone.now()
    conversation = Conversation.objects.create(subject=subject, created_at=now, last_message_at=now)
    Participant.objects.bulk_create(
        [Participant(conversation=conversation, member=actor, joined_at=now, last_read_at=now)]
        + [Participant(conversation=conversation, member=m, joined_at=now)
           for m in {m.pk: m for m in members}.values()])
    message = _write(conversation, actor, body, image=image)
    notify.message_posted(message)
    return conversation


@transaction.atomic
def post_message(*, actor: Member, seat: Participant, body: str,
                 image: CleanImage | None = None) -> Message:
    if seat.member_id != actor.pk or seat.left_at is not None:
        raise ValidationError(_("Vous ne participez plus à cette conversation."), code="left")
    message = _write(seat.conversation, actor, body, image=image)
    notify.message_posted(message)
    return message


@transaction.atomic
def add_members(*, actor: Member, seat: Participant, members: list[Member]) -> None:
    conversation = seat.conversation
    seats = {p.member_id: p
             for p in Participant.objects.select_for_update().filter(conversation=conversation)}
    for member in members:
        if not permissions.can_be_added(actor, member):
            raise refused(member.pseudonym)
    present = {pk for pk, p in seats.items() if p.left_at is None}
    _check_size(len(present | {m.pk for m in members}))
    now = timezone.now()
    for member in members:
        existing = seats.get(member.pk)
        if existing is None:
            Participant.objects.create(conversation=conversation, member=member, joined_at=now)
        elif existing.left_at is not None:
            Participant.objects.filter(pk=existing.pk).update(left_at=None, joined_at=now)


@transaction.atomic
def leave(*, seat: Participant) -> None:
    """The member no longer sees the conversation; the others read that they left."""
    now = timezone.now()
    Participant.objects.filter(pk=seat.pk).update(left_at=now)
    Message.objects.create(conversation_id=seat.conversation_id, author_id=seat.member_id,
                           kind=MessageKind.LEFT, created_at=now)
    Conversation.objects.filter(pk=seat.conversation_id).update(last_message_at=now)


def mark_read(seat: Participant) -> None:
    Participant.objects.filter(pk=seat.pk).update(last_read_at=timezone.now())


def set_muted(seat: Participant, muted: bool) -> None:
    Participant.objects.filter(pk=seat.pk).update(muted=muted)


def block(*, actor: Member, member: Member) -> None:
    if member.pk != actor.pk:
        Block.objects.get_or_create(blocker=actor, blocked=member)


def blockers_of(author_id: int, member_ids: set[int]) -> list[int]:
    """Of ``member_ids``, those who blocked ``author_id`` (``comcep.blocking``'s source)."""
    return list(Block.objects.filter(blocked_id=author_id, blocker_id__in=member_ids)
                .values_list("blocker_id", flat=True))


def unblock(*, actor: Member, member: Member) -> None:
    Block.objects.filter(blocker=actor, blocked=member).delete()


def report(*, actor: Member, message: Message, reason: str) -> Report:
    item, _created = Report.objects.get_or_create(message=message, reporter=actor,
                                                  defaults={"reason": reason})
    return item


def seats_of(member: Member) -> list[Participant]:
    """``member``'s conversations by last activity, each with its count of unread messages from
    others (one query), and the other participants (one more)."""
    return list(
        Participant.objects.filter(member=member, left_at=None)
        .select_related("conversation")
        .annotate(unread=Count("conversation__messages", filter=(
            Q(conversation__messages__kind=MessageKind.TEXT)
            & ~Q(conversation__messages__author=member)
            & (Q(last_read_at=None) | Q(conversation__messages__created_at__gt=F("last_read_at"))))))
        .order_by("-conversation__last_message_at", "-pk")
    )


def others_by_conversation(member: Member, conversation_ids: list[int]) -> dict[int, list[str]]:
    """The pseudonyms of the other present participants of each conversation (one query)."""
    names: dict[int, list[str]] = {pk: [] for pk in conversation_ids}
    for conversation_id, pseudonym in (
        Participant.objects.filter(conversation_id__in=conversation_ids, left_at=None)
        .exclude(member=member).order_by("member__pseudonym")
        .values_list("conversation_id", "member__pseudonym")
    ):
        names[conversation_id].append(pseudonym)
    return names


def context_of(message: Message) -> list[Message]:
    """A reported message with the one before and the one after it, as a moderator reads it."""
    around = Message.objects.filter(conversation_id=message.conversation_id).select_related("author")
    at = message.created_at
    before = (around.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=message.pk))
              .order_by("-created_at", "-pk").first())
    after = (around.filter(Q(created_at__gt=at) | Q(created_at=at, pk__gt=message.pk))
             .order_by("created_at", "pk").first())
    message = around.get(pk=message.pk)
    return [m for m in (before, message, after) if m is not None]


def latest_reports(limit: int = 50):
    return Report.objects.select_related("message__author", "reporter").order_by("-created_at")[:limit]
