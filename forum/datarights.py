"""What the forum holds of a person: exported, erased or anonymised, and what expires.

Registered with ``comcep.datarights`` in ``ForumConfig.ready``. Kept posts move to the
"ancien·ne membre" author; erased ones leave a short mark so the others' replies still read.
Every change to what others see moves the topic's and the category's revisions.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from comcep.datarights import delete_after_commit, former_member
from comcep.models import Member
from forum.models import (
    Attachment,
    Category,
    Draft,
    Flag,
    ForumProfile,
    ModerationAction,
    Notification,
    Post,
    PostRevision,
    Reaction,
    Topic,
    TopicRead,
    WatchedCategory,
    WatchedTopic,
)
from forum.services import NEXT_REVISION, _topic_list_changed, purge_redacted_originals


def _member(user) -> Member | None:
    return Member.objects.filter(user=user).first()


def export(user, archive) -> None:
    member = _member(user)
    if member is None:
        return
    posts = Post.objects.filter(author=member).select_related("topic", "topic__category")
    archive.add_json("forum/messages.json", [
        {"sujet": p.topic.title, "categorie": p.topic.category.name, "numero": p.number,
         "ecrit_le": p.created_at, "modifie_le": p.edited_at, "texte": p.body,
         "masque": p.is_hidden, "motif_du_masquage": p.hidden_reason}
        for p in posts.order_by("created_at")
    ])
    archive.add_csv("forum/sujets.csv", [
        {"titre": t.title, "categorie": t.category.name, "ouvert_le": t.created_at,
         "messages": t.post_count}
        for t in Topic.objects.filter(author=member).select_related("category").order_by("created_at")
    ])
    archive.add_json("forum/brouillons.json", [
        {"titre": d.title, "texte": d.body, "modifie_le": d.updated_at}
        for d in Draft.objects.filter(member=member)
    ])
    archive.add_csv("forum/notifications.csv", [
        {"date": n.created_at, "type": n.get_kind_display(), "sujet": n.topic.title,
         # Others appear only by the pseudonym the member could already read.
         "par": n.actor.pseudonym if n.actor else "", "lue_le": n.read_at}
        for n in Notification.objects.filter(recipient=member).select_related("topic", "actor")
    ])
    archive.add_csv("forum/sujets-suivis.csv", [
        {"sujet": w.topic.title} for w in WatchedTopic.objects.filter(member=member).select_related("topic")
    ])
    archive.add_csv("forum/mercis-donnes.csv", [
        {"sujet": r.post.topic.title, "message": r.post.number, "date": r.created_at}
        for r in Reaction.objects.filter(member=member).select_related("post__topic")
    ])
    images = []
    for attachment in Attachment.objects.filter(uploader=member).order_by("created_at"):
        images.append({"fichier": archive.add_stored_file("forum/images", attachment.image.name),
                       "envoyee_le": attachment.created_at})
    archive.add_csv("forum/images.csv", images)


def _tombstone_html() -> str:
    with translation.override("fr"):
        return f"<p><em>{escape(_('Message effacé par son auteur·rice.'))}</em></p>"


def erase(user, *, keep_posts: bool) -> None:
    member = _member(user)
    if member is None:
        return
    former = former_member()
    topic_ids = set(Post.objects.filter(author=member).values_list("topic_id", flat=True))
    category_ids = set(Topic.objects.filter(pk__in=topic_ids).values_list("category_id", flat=True))

    # Thanks given go, and the counts others see follow.
    for post_id in Reaction.objects.filter(member=member).values_list("post_id", flat=True):
        Post.objects.filter(pk=post_id, thanks_count__gt=0).update(thanks_count=F("thanks_count") - 1)
        topic_ids.update(Post.objects.filter(pk=post_id).values_list("topic_id", flat=True))
    Reaction.objects.filter(member=member).delete()

    for model in (Draft, TopicRead, WatchedTopic, WatchedCategory, ForumProfile):
        model.objects.filter(member=member).delete()
    Notification.objects.filter(recipient=member).delete()
    Flag.objects.filter(member=member).delete()
    Notification.objects.filter(actor=member).update(actor=former)
    Flag.objects.filter(resolved_by=member).update(resolved_by=former)
    ModerationAction.objects.filter(actor=member).update(actor=former)
    Post.objects.filter(hidden_by=member).update(hidden_by=former)

    own = Post.objects.filter(author=member)
    PostRevision.objects.filter(post__in=own).delete()
    if keep_posts:
        unused = Attachment.objects.filter(uploader=member, post=None)
        delete_after_commit(*unused.values_list("image", flat=True))
        unused.delete()
        Attachment.objects.filter(uploader=member).update(uploader=former)
    else:
        attachments = Attachment.objects.filter(uploader=member)
        delete_after_commit(*attachments.values_list("image", flat=True))
        attachments.delete()
        # A topic only they wrote in goes entirely; elsewhere their posts leave a mark.
        alone = [t for t in Topic.objects.filter(author=member)
                 if not Post.objects.filter(topic=t).exclude(author=member).exists()]
        for topic in alone:
            Category.objects.filter(pk=topic.category_id).update(
                topic_count=F("topic_count") - 1, post_count=F("post_count") - topic.post_count)
            topic.delete()
            topic_ids.discard(topic.pk)
        # A masked passage's original is their text too.
        ModerationAction.objects.filter(post__author=member).update(original_body="")
        Post.objects.filter(author=member).update(body="", body_html=_tombstone_html(),
                                                  is_hidden=False, hidden_reason="")
    Post.objects.filter(author=member).update(author=former)
    Topic.objects.filter(author=member).update(author=former)
    Topic.objects.filter(last_poster=member).update(last_poster=former)
    Topic.objects.filter(pk__in=topic_ids).update(revision=NEXT_REVISION)
    _topic_list_changed(*category_ids)


def purge_expired(now) -> dict[str, int]:
    limit = now - timedelta(days=settings.NOTIFICATION_RETENTION_DAYS)
    deleted, _detail = Notification.objects.filter(created_at__lt=limit).delete()
    return {"forum_notifications": deleted, "forum_redacted_originals": purge_redacted_originals(now)}
