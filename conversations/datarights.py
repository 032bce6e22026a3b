"""What the conversations hold of a person: exported, then erased with the account.

Registered with ``comcep.datarights`` in ``ConversationsConfig.ready``. The export carries the
conversations the member takes part in, with the others by the pseudonym the member read.
On closing, the member leaves every conversation; their messages stay for the others under
« ancien·ne membre » when they keep their posts, else only a mark that a message was erased.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from comcep import identity
from comcep.datarights import former_member
from conversations.models import Block, Message, MessageImage, Participant, Report


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
                {"de": m.author.pseudonym, "ecrit_le": m.created_at, "texte": m.body, "type": m.kind,
                 "images": [i.description for i in m.images.all()]}
                for m in Message.objects.filter(conversation_id=seat.conversation_id)
                .select_related("author").prefetch_related("images")
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
        images = MessageImage.objects.filter(message__in=own)
        files = [(i.image.storage, i.image.name) for i in images]
        images.delete()
        # The files go once the rows surely are: never a row without its file.
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])
    own.update(author=former)
