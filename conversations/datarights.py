"""What the conversations hold of a person: exported, then erased with the account.

Registered with ``comcep.datarights`` in ``ConversationsConfig.ready``. The export carries the
conversations the member takes part in, with the others by the pseudonym the member read.
On closing, the member leaves every conversation; their messages stay for the others under
« ancien·ne membre » when they keep their posts, else only a mark that a message was erased.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from comcep import identity
from comcep.datarights import former_member
from conversations.models import Block, Message, Participant, Report


def export(user, archive) -> None:
    member = identity.member_of(user)
    if member is None:
        return
    conversations = []
    for seat in Participant.objects.filter(member=member).select_related("conversation"):
        conversations.append({
            "objet": seat.conversation.subject, "commencee_le": seat.conversation.created_at,
            "quittee_le": seat.left_at,
            "messages": [
                {"de": m.author.pseudonym, "ecrit_le": m.created_at, "texte": m.body, "type": m.kind}
                for m in Message.objects.filter(conversation_id=seat.conversation_id).select_related("author")
            ],
        })
    archive.add_json("conversations/conversations.json", conversations)
    archive.add_csv("conversations/membres-bloques.csv", [
        {"pseudonyme": b.blocked.pseudonym, "depuis": b.created_at}
        for b in Block.objects.filter(blocker=member).select_related("blocked")
    ])


def erase(user, *, keep_posts: bool) -> None:
    member = identity.member_of(user)
    if member is None:
        return
    former = former_member()
    Block.objects.filter(blocker=member).delete()
    Block.objects.filter(blocked=member).delete()
    Report.objects.filter(reporter=member).delete()
    Participant.objects.filter(member=member).delete()
    own = Message.objects.filter(author=member)
    if not keep_posts:
        with translation.override("fr"):
            tombstone = f"<p><em>{escape(_('Message effacé par son auteur·rice.'))}</em></p>"
        own.update(body="", body_html=tombstone)
    own.update(author=former)
