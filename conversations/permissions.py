"""Who may see and do what in the private conversations.

A conversation exists only for its present participants: anyone else (a member who left, a
moderator, the staff of the operators, of the platform or of a Carif-Oref) gets a 404 on every
one of its addresses. A moderator reads a reported message and the two around it, nothing more.
"""

from __future__ import annotations

from django.http import Http404

from comcep import identity
from comcep.models import Member
from conversations.models import Block, MessageImage, Participant, Report
from forum.permissions import is_moderator


def seat_or_404(member: Member, conversation_id: int) -> Participant:
    """``member``'s seat in the conversation, while they take part in it."""
    seat = (Participant.objects.select_related("conversation")
            .filter(conversation_id=conversation_id, member=member, left_at=None).first())
    if seat is None:
        raise Http404
    return seat


def blocks(blocker: Member, other: Member) -> bool:
    return Block.objects.filter(blocker=blocker, blocked=other).exists()


def can_be_added(adder: Member, member: Member) -> bool:
    """An active member with a pseudonym, not the adder, who has not blocked the adder."""
    return (member.pk != adder.pk and member.has_pseudonym and identity.is_active(member)
            and not blocks(member, adder))


def can_moderate_reports(user) -> bool:
    return is_moderator(user)


def report_or_404(user, report_id: int) -> Report:
    if not can_moderate_reports(user):
        raise Http404
    report = Report.objects.select_related("message__conversation").filter(pk=report_id).first()
    if report is None:
        raise Http404
    return report


def can_see_image(user, member: Member, image: MessageImage) -> bool:
    """The present participants; a moderator, when the image's message is a reported one or
    one of its two neighbours (what the report's page shows)."""
    message = image.message
    if Participant.objects.filter(conversation_id=message.conversation_id, member=member,
                                  left_at=None).exists():
        return True
    if not can_moderate_reports(user):
        return False
    from conversations.services import context_of  # services import this module


    reported = (Report.objects.filter(message__conversation_id=message.conversation_id)
                .select_related("message"))
    return any(message.pk in {m.pk for m in context_of(r.message)} for r in reported)
