"""Who is told of a new message, by email, as the forum tells of what concerns a member directly.

The email names the conversation and the author by pseudonym, never carries the message (the
forum's emails do not either), and follows the member's forum email preference: « jamais »
sends nothing, the digests (daily, weekly) send nothing at once — the conversation list shows
the unread messages. A muted conversation sends nothing. One email until the member has read
the conversation: a lively exchange does not flood their inbox.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from comcep import identity
from comcep.models import Member
from comcep.notifications import queue_email
from conversations.models import Block, Message, Participant
from forum.models import EmailFrequency, ForumProfile
from forum.notify import unsubscribe_token

EMAILED_AT_ONCE = {EmailFrequency.DIRECT, EmailFrequency.IMMEDIATELY}


def message_posted(message: Message) -> list[int]:
    """Queue the emails of a new message; the ids of the members emailed."""
    seats = list(Participant.objects.filter(conversation_id=message.conversation_id, left_at=None,
                                            muted=False).exclude(member_id=message.author_id))
    blocking = set(Block.objects.filter(blocked_id=message.author_id,
                                        blocker__in=[s.member_id for s in seats])
                   .values_list("blocker_id", flat=True))
    # Nothing more until they have read what the last email told them of.
    seats = [s for s in seats if s.member_id not in blocking
             and (s.emailed_at is None or (s.last_read_at is not None and s.last_read_at >= s.emailed_at))]
    if not seats:
        return []
    frequencies = dict(ForumProfile.objects.filter(member_id__in=[s.member_id for s in seats])
                       .values_list("member_id", "email_frequency"))
    default = ForumProfile._meta.get_field("email_frequency").default
    seats = [s for s in seats if frequencies.get(s.member_id, default) in EMAILED_AT_ONCE]
    members = identity.with_accounts(Member.objects.all()).in_bulk([s.member_id for s in seats])
    author = Member.objects.get(pk=message.author_id)
    url = reverse("conversations:detail", args=[message.conversation_id])
    emailed = []
    for seat in seats:
        member = members[seat.member_id]
        account = identity.deliverable_account(member)
        if account is None:
            continue
        queue_email(template="conversations_message", to=account, context={
            "member": member, "author": author, "url": url,
            "unsubscribe_url": reverse("forum:unsubscribe", args=[unsubscribe_token(member)]),
        })
        emailed.append(seat.pk)
    Participant.objects.filter(pk__in=emailed).update(emailed_at=timezone.now())
    return [seat.member_id for seat in seats if seat.pk in emailed]
