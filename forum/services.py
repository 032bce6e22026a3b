"""Every write of the forum, as named services.

Each keeps the denormalised counters (topic and category post counts, last
post) right inside its transaction; the topic row is locked while a post gets
its number, so two replies at once never share one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from comcep.models import Member
from comcep.pseudonyms import key as pseudonym_key
from forum import images, notify, queries, rendering
from forum.models import (
    Category,
    CategoryAccess,
    Draft,
    EmailFrequency,
    Flag,
    FlagStatus,
    ForumProfile,
    ModerationAction,
    ModerationReview,
    Notification,
    NotificationKind,
    Post,
    PostRevision,
    ResourceCitation,
    StartPolicy,
    Topic,
    TopicKind,
    WatchedCategory,
    WatchedTopic,
)
from resources.models import Resource

# A member who joined less than NEW_MEMBER_DAYS ago may post at most
# NEW_MEMBER_POSTS posts per NEW_MEMBER_WINDOW: it stops a spammer, not a newcomer.
NEW_MEMBER_DAYS = getattr(settings, "FORUM_NEW_MEMBER_DAYS", 7)
NEW_MEMBER_POSTS = getattr(settings, "FORUM_NEW_MEMBER_POSTS", 10)
NEW_MEMBER_WINDOW = timedelta(minutes=getattr(settings, "FORUM_NEW_MEMBER_WINDOW_MINUTES", 60))


class RateLimited(ValidationError):
    pass


# Revisions: the shared caches of rendered topic pages and topic lists (forum.pages) are
# keyed by them, so every write that changes what others see of a post or a list row
# moves one, in the same transaction. A reader then never picks up a stale page.
NEXT_REVISION = F("revision") + 1


def _topic_pages_changed(topic_id: int) -> None:
    Topic.objects.filter(pk=topic_id).update(revision=NEXT_REVISION)


def _topic_list_changed(*category_ids: int) -> None:
    Category.objects.filter(pk__in=category_ids).update(revision=NEXT_REVISION)


def render_body(body: str) -> rendering.Rendered:
    """Render a post, resolving its @mentions to members in one query."""
    names = rendering.mention_names(body)
    members = {}
    if names:
        keys = {pseudonym_key(name) for name in names}
        for public_id, pseudonym, folded in Member.objects.active().filter(
            pseudonym_key__in=keys
        ).values_list("public_id", "pseudonym", "pseudonym_key"):
            members[folded] = (public_id, pseudonym)
    return rendering.render(body, members=members, resource_titles=_published_titles)


def _published_titles(ids: set[int]) -> dict[int, str]:
    """The titles of the published library resources among ``ids``: a post shows their cards."""
    return dict(Resource.objects.published().filter(pk__in=ids).values_list("pk", "title"))


def check_rate_limit(member: Member, *, now=None) -> None:
    """Refuse a post from a new member who has already posted a lot in the last window."""
    now = now or timezone.now()
    if member.joined_at < now - timedelta(days=NEW_MEMBER_DAYS):
        return
    recent = Post.objects.filter(author=member, created_at__gte=now - NEW_MEMBER_WINDOW).count()
    if recent >= NEW_MEMBER_POSTS:
        raise RateLimited(
            _("Bienvenue ! Les nouveaux membres peuvent publier %(n)s messages par heure ; "
              "réessayez un peu plus tard.") % {"n": NEW_MEMBER_POSTS},
            code="rate_limited",
        )


class WrittenPost(NamedTuple):
    """A post just saved, with what its text's rendering found (mentions, quotes) to notify."""

    post: Post
    rendered: rendering.Rendered


def _add_post(*, actor: Member, topic: Topic, body: str, reply_to: Post | None, now) -> WrittenPost:
    rendered = render_body(body)
    locked = Topic.objects.select_for_update().only("pk", "post_count", "title").get(pk=topic.pk)
    number = locked.post_count + 1
    post = Post.objects.create(
        topic=topic, number=number, author=actor, reply_to=reply_to, body=body,
        body_html=rendered.html, created_at=now, headline=topic.title if number == 1 else "",
    )
    images.link_attachments(post)
    ResourceCitation.objects.record(post, new=True)
    Topic.objects.filter(pk=topic.pk).update(post_count=number, last_post_at=now, last_poster=actor,
                                             revision=NEXT_REVISION)
    Category.objects.filter(pk=topic.category_id).update(post_count=F("post_count") + 1,
                                                         last_post_at=now, revision=NEXT_REVISION)
    topic.post_count, topic.last_post_at, topic.last_poster = number, now, actor
    return WrittenPost(post, rendered)


@transaction.atomic
def create_topic(*, actor: Member, category: Category, title: str, body: str,
                 kind: str = TopicKind.DISCUSSION, tags: Sequence[str] = (),
                 session_opens_at=None, session_closes_at=None, rate_limit: bool = True) -> Topic:
    """Open a topic with its first post; its author watches it. An expert session (a category
    whose topics experts open) may have the dates between which it takes replies."""
    if rate_limit:
        check_rate_limit(actor)
    if (session_opens_at or session_closes_at) and category.start_policy != StartPolicy.EXPERTS:
        raise ValidationError(_("Seules les sessions d'experts ont des dates."), code="session")
    now = timezone.now()
    topic = Topic.objects.create(category=category, title=title, kind=kind, author=actor,
                                 created_at=now, last_post_at=now, last_poster=actor,
                                 session_opens_at=session_opens_at, session_closes_at=session_closes_at)
    if tags:
        topic.tags.set(list(tags))
    Category.objects.filter(pk=category.pk).update(topic_count=F("topic_count") + 1)
    post, rendered = _add_post(actor=actor, topic=topic, body=body, reply_to=None, now=now)
    WatchedTopic.objects.get_or_create(member=actor, topic=topic)
    mark_read(actor, topic, post.number)
    Draft.objects.filter(member=actor, category=category, topic=None).delete()
    notify.post_created(post, rendered=rendered, new_topic=True)
    return topic


@transaction.atomic
def create_post(*, actor: Member, topic: Topic, body: str, reply_to: Post | None = None,
                rate_limit: bool = True) -> Post:
    """Reply in a topic; mentions, quotes and watchers are notified; the author now watches it.

    ``rate_limit=False`` is for content loaded by the platform (demo data, imports).
    """
    if rate_limit:
        check_rate_limit(actor)
    if reply_to is not None and reply_to.topic_id != topic.pk:
        reply_to = None
    post, rendered = _add_post(actor=actor, topic=topic, body=body, reply_to=reply_to, now=timezone.now())
    WatchedTopic.objects.get_or_create(member=actor, topic=topic)
    mark_read(actor, topic, post.number)
    Draft.objects.filter(member=actor, topic=topic).delete()
    notify.post_created(post, rendered=rendered, new_topic=False)
    return post


@transaction.atomic
def edit_post(*, post: Post, body: str) -> Post:
    """Keep the former text as a revision, then render the new one.

    Members the new text mentions or quotes, and the previous one did not, are told as they
    would be of a new post; images the new text shows are tied to the post.
    """
    if body == post.body:
        return post
    before = render_body(post.body)
    after = render_body(body)
    PostRevision.objects.create(post=post, body=post.body, created_at=post.edited_at or post.created_at)
    post.body = body
    post.body_html = after.html
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "body_html", "edited_at"])
    images.link_attachments(post)
    ResourceCitation.objects.record(post)
    _topic_pages_changed(post.topic_id)
    notify.post_edited(post, before=before, after=after)
    return post


def mark_read(member: Member, topic: Topic, number: int) -> None:
    """Remember that ``member`` read ``topic`` up to post ``number`` (never backwards).

    Read from a page view (outside any transaction), the mark is committed without waiting
    for the disk: a mark lost in a crash only shows a few posts as unread again, and the
    reader does not wait for a flush on every first visit. Within a write (a new post), it
    commits durably with that write.
    """
    upsert = (
        "INSERT INTO forum_topicread (member_id, topic_id, last_read_number) SELECT %s, %s, %s{source} "
        "ON CONFLICT (topic_id, member_id) DO UPDATE SET last_read_number = "
        "GREATEST(forum_topicread.last_read_number, EXCLUDED.last_read_number)"
    )
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            cursor.execute(upsert.format(source=""), [member.pk, topic.pk, number])
        else:
            # One statement, its own transaction: set_config(…, true) holds until it commits,
            # and a page view costs one round trip rather than four (BEGIN, SET, INSERT, COMMIT).
            cursor.execute("WITH lazy AS (SELECT set_config('synchronous_commit', 'off', true)) "
                           + upsert.format(source=" FROM lazy"), [member.pk, topic.pk, number])


@transaction.atomic
def thank_post(*, actor: Member, post: Post) -> bool:
    """Say "merci" for a post, once. The counter moves only when a row was really inserted."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO forum_reaction (post_id, member_id, created_at) VALUES (%s, %s, %s) "
            "ON CONFLICT (post_id, member_id) DO NOTHING RETURNING id",
            [post.pk, actor.pk, timezone.now()],
        )
        inserted = cursor.fetchone() is not None
    if inserted:
        Post.objects.filter(pk=post.pk).update(thanks_count=F("thanks_count") + 1)
        _topic_pages_changed(post.topic_id)
        notify.send(recipients=[post.author_id], kind=NotificationKind.REACTION, actor=actor,
                    topic_id=post.topic_id, post=post)
    return inserted


@transaction.atomic
def unthank_post(*, actor: Member, post: Post) -> bool:
    deleted, _ = post.reactions.filter(member=actor).delete()
    if deleted:
        Post.objects.filter(pk=post.pk).update(thanks_count=F("thanks_count") - 1)
        _topic_pages_changed(post.topic_id)
    return bool(deleted)


@transaction.atomic
def accept_answer(*, actor: Member, topic: Topic, post: Post | None) -> None:
    """The asker marks ``post`` as the answer (or none); its author is told."""
    Topic.objects.filter(pk=topic.pk).update(accepted_post=post, revision=NEXT_REVISION)
    _topic_list_changed(topic.category_id)
    topic.accepted_post = post
    if post is not None and post.author_id != actor.pk:
        notify.send(recipients=[post.author_id], kind=NotificationKind.ACCEPTED, actor=actor,
                    topic_id=topic.pk, post=post)


def set_watch_topic(member: Member, topic: Topic, watching: bool) -> None:
    if watching:
        WatchedTopic.objects.get_or_create(member=member, topic=topic)
    else:
        WatchedTopic.objects.filter(member=member, topic=topic).delete()


def set_watch_category(member: Member, category: Category, watching: bool) -> None:
    if watching:
        WatchedCategory.objects.get_or_create(member=member, category=category)
    else:
        WatchedCategory.objects.filter(member=member, category=category).delete()


def set_email_frequency(member_id: int, frequency: EmailFrequency | str) -> None:
    """How often ``member_id`` gets forum notifications by email (the preferences, the unsubscribe link)."""
    ForumProfile.objects.update_or_create(member_id=member_id, defaults={"email_frequency": frequency})


def mark_notifications_read(member: Member, *, pk: int | None = None) -> None:
    """Mark one of ``member``'s notifications (or all of them) read; the header's count follows."""
    unread = Notification.objects.filter(recipient=member, read_at=None)
    if pk is not None:
        unread = unread.filter(pk=pk)
    unread.update(read_at=timezone.now())
    queries.forget_unread_count([member.pk])


# --- Flags and moderation ------------------------------------------------------------


@transaction.atomic
def flag_post(*, actor: Member, post: Post, reason: str, text: str = "") -> Flag:
    """Ask the moderators to look at a post (once per member and post)."""
    flag, _created = Flag.objects.update_or_create(
        post=post, member=actor,
        defaults={"reason": reason, "text": text, "status": FlagStatus.OPEN, "resolved_at": None},
    )
    return flag


def _log(actor: Member, action: str, topic: Topic, post: Post | None = None, reason: str = "",
         original_body: str = ""):
    from comcep.audit import record

    ModerationAction.objects.create(actor=actor, action=action, topic=topic, post=post, reason=reason,
                                    original_body=original_body)
    # Under the member, not the account: the audit log links no pseudonym to a person.
    record(actor=actor, action=f"forum.{action}", target=post or topic, reason=reason)


def _resolve_flags(post: Post, actor: Member, status: str) -> None:
    post.flags.filter(status=FlagStatus.OPEN).update(status=status, resolved_by=actor,
                                                     resolved_at=timezone.now())


@transaction.atomic
def hide_post(*, actor: Member, post: Post, reason: str) -> bool:
    """Hide a post with a reason its author will see; its open flags are upheld."""
    changed = Post.objects.filter(pk=post.pk, is_hidden=False).update(
        is_hidden=True, hidden_reason=reason, hidden_by=actor
    )
    if not changed:
        return False
    post.is_hidden, post.hidden_reason = True, reason
    _topic_pages_changed(post.topic_id)
    # A hidden post cannot stay the answer readers are pointed to: the topic is open again.
    if Topic.objects.filter(pk=post.topic_id, accepted_post=post).update(accepted_post=None):
        _topic_list_changed(post.topic.category_id)
    _resolve_flags(post, actor, FlagStatus.UPHELD)
    _log(actor, ModerationAction.Action.HIDE, post.topic, post, reason)
    notify.send(recipients=[post.author_id], kind=NotificationKind.MODERATION, actor=None,
                topic_id=post.topic_id, post=post)
    return True


@transaction.atomic
def restore_post(*, actor: Member, post: Post, reason: str = "") -> bool:
    changed = Post.objects.filter(pk=post.pk, is_hidden=True).update(
        is_hidden=False, hidden_reason="", hidden_by=None
    )
    if changed:
        post.is_hidden = False
        _topic_pages_changed(post.topic_id)
        _log(actor, ModerationAction.Action.RESTORE, post.topic, post, reason)
    return bool(changed)


# --- An author's request about their hidden post -------------------------------------


def hiding_of(post: Post) -> ModerationAction | None:
    """The moderation act that hid ``post`` (its latest hiding), or None when it is not hidden."""
    if not post.is_hidden:
        return None
    return (ModerationAction.objects.filter(post=post, action=ModerationAction.Action.HIDE)
            .select_related("actor").order_by("-created_at", "-pk").first())


@transaction.atomic
def request_review(*, author: Member, post: Post, kind: str, revised_body: str = "",
                   reason: str = "") -> ModerationReview:
    """The author's one request about this hiding: their rewritten post for a moderator to read
    again, or the decision contested with a reason. Another moderator decides."""
    Post.objects.select_for_update().filter(pk=post.pk).first()
    hiding = hiding_of(post)
    if hiding is None or post.author_id != author.pk:
        raise PermissionDenied
    if ModerationReview.objects.filter(hiding=hiding).exists():
        raise ValidationError(_("Vous avez déjà envoyé une demande pour ce message."), code="done")
    if kind == ModerationReview.Kind.REVISED:
        if not revised_body.strip() or revised_body == post.body:
            raise ValidationError(_("Modifiez le message avant de le soumettre à la relecture."),
                                  code="unchanged")
        reason = reason.strip()
    elif kind == ModerationReview.Kind.CONTESTED:
        revised_body = ""
        if not reason.strip():
            raise ValidationError(_("Dites pourquoi vous contestez le masquage."), code="reason")
    else:
        raise ValidationError(_("Choisissez ce que vous demandez."), code="kind")
    revised_html = render_body(revised_body).html if revised_body else ""
    return ModerationReview.objects.create(hiding=hiding, post=post, kind=kind,
                                           revised_body=revised_body, revised_html=revised_html,
                                           reason=reason.strip())


@transaction.atomic
def decide_review(*, actor: Member, review: ModerationReview, restore: bool, note: str = "") -> bool:
    """Restore the post (with its rewritten text, if any) or keep it hidden; the author is told.
    False when the request was already decided (by a colleague at the same moment)."""
    locked = (ModerationReview.objects.select_for_update().select_related("hiding", "post__topic")
              .filter(pk=review.pk, outcome=ModerationReview.Outcome.PENDING).first())
    if locked is None:
        return False
    if actor.pk in (locked.hiding.actor_id, locked.post.author_id):
        raise PermissionDenied  # a decision is read again by someone else
    post = locked.post
    if restore:
        if locked.revised_body:
            edit_post(post=post, body=locked.revised_body)
        restore_post(actor=actor, post=post, reason=note)
    locked.outcome = ModerationReview.Outcome.RESTORED if restore else ModerationReview.Outcome.KEPT
    locked.decided_by, locked.decided_at, locked.decision_note = actor, timezone.now(), note
    locked.save(update_fields=["outcome", "decided_by", "decided_at", "decision_note"])
    _log(actor, ModerationAction.Action.REVIEW, post.topic, post, note)
    notify.send(recipients=[post.author_id], actor=None, topic_id=post.topic_id, post=post,
                kind=NotificationKind.REVIEW_RESTORED if restore else NotificationKind.REVIEW_KEPT)
    return True


def redaction_mark() -> str:
    """What replaces a masked passage, in the language of the stored text."""
    with translation.override("fr"):
        return _("[masqué par la modération]")


def _mask(text: str, passages: list[str], mark: str) -> str:
    for passage in passages:
        text = text.replace(passage, mark)
    return text


@transaction.atomic
def redact_post(*, actor: Member, post: Post, passages: list[str], reason: str = "") -> list[Post]:
    """Replace ``passages`` of a post (a beneficiary's data) with a mark; the posts changed.

    The passages leave everything others can read: the post, its earlier versions (the edit
    history), the topic's title when it is the first post, and the replies of the topic that
    quote them. What each post said before is kept only in the moderation log, emptied by the
    retention job after ``MODERATION_REDACTED_ORIGINAL_DAYS``.
    """
    # Longest first: a passage inside another one must not break the longer one's replacement.
    passages = sorted({p for p in passages if p.strip()}, key=len, reverse=True)
    if not passages:
        return []
    mark = redaction_mark()
    topic = Topic.objects.select_for_update().get(pk=post.topic_id)
    changed = []
    for other in Post.objects.select_for_update().filter(topic=topic).order_by("number"):
        for revision in PostRevision.objects.filter(post=other):
            masked = _mask(revision.body, passages, mark)
            if masked != revision.body:
                PostRevision.objects.filter(pk=revision.pk).update(body=masked)
        body = _mask(other.body, passages, mark)
        title = _mask(topic.title, passages, mark) if other.number == 1 else topic.title
        if body == other.body and title == topic.title:
            continue
        original = other.body
        if title != topic.title:
            original = _("Titre : %(title)s") % {"title": topic.title} + "\n\n" + original
            Topic.objects.filter(pk=topic.pk).update(title=title)
            topic.title = other.headline = title
        other.body, other.body_html = body, render_body(body).html
        other.save(update_fields=["body", "body_html", "headline"])
        ResourceCitation.objects.record(other)
        _log(actor, ModerationAction.Action.REDACT, topic, other, reason, original_body=original)
        changed.append(other)
    if changed:
        _topic_pages_changed(topic.pk)
        _topic_list_changed(topic.category_id)
    return changed


def purge_redacted_originals(now) -> int:
    """Empty the masked texts the moderation log kept past their period."""
    limit = now - timedelta(days=settings.MODERATION_REDACTED_ORIGINAL_DAYS)
    return (ModerationAction.objects.filter(created_at__lt=limit).exclude(original_body="")
            .update(original_body=""))


@transaction.atomic
def dismiss_flags(*, actor: Member, post: Post, reason: str = "") -> None:
    _resolve_flags(post, actor, FlagStatus.DISMISSED)
    _log(actor, ModerationAction.Action.DISMISS, post.topic, post, reason)


@transaction.atomic
def set_topic_state(*, actor: Member, topic: Topic, locked: bool | None = None,
                    pinned: bool | None = None, reason: str = "") -> None:
    A = ModerationAction.Action
    if locked is not None and locked != topic.is_locked:
        topic.is_locked = locked
        Topic.objects.filter(pk=topic.pk).update(is_locked=locked)
        _log(actor, A.LOCK if locked else A.UNLOCK, topic, reason=reason)
    if pinned is not None and pinned != topic.is_pinned:
        topic.is_pinned = pinned
        Topic.objects.filter(pk=topic.pk).update(is_pinned=pinned)
        _log(actor, A.PIN if pinned else A.UNPIN, topic, reason=reason)
    _topic_list_changed(topic.category_id)


@transaction.atomic
def move_topic(*, actor: Member, topic: Topic, category: Category, reason: str = "") -> None:
    """Move a topic and its counts to another category."""
    if category.pk == topic.category_id:
        return
    Category.objects.filter(pk=topic.category_id).update(
        topic_count=F("topic_count") - 1, post_count=F("post_count") - topic.post_count,
        revision=NEXT_REVISION,
    )
    Category.objects.filter(pk=category.pk).update(
        topic_count=F("topic_count") + 1, post_count=F("post_count") + topic.post_count,
        revision=NEXT_REVISION,
    )
    old = topic.category.name
    topic.category = category
    Topic.objects.filter(pk=topic.pk).update(category=category)
    _log(actor, ModerationAction.Action.MOVE, topic, reason=reason or f"{old} → {category.name}")


# Temporary numbers while posts change topic or place, far above any real number, so that no
# number is ever taken twice under the (topic, number) unique constraint, which PostgreSQL
# checks row by row during an UPDATE.
_RENUMBER_OFFSET = 1_000_000


@transaction.atomic
def merge_topics(*, actor: Member, source: Topic, target: Topic, reason: str = "") -> Topic:
    """Move the posts of ``source`` into ``target``, in date order among its own, then remove
    ``source``.

    Watchers and notifications follow the posts; the moderation log keeps the act (on the
    target, since the source is gone). Read marks of the target now stand for the same post as
    before, at its new number: the posts of ``source`` written before it count as read, the
    later ones as unread. Read marks of the source are dropped, so its readers find the merged
    topic new.
    """
    if source.pk == target.pk:
        raise ValidationError(_("Un sujet ne peut pas être fusionné avec lui-même."), code="same_topic")
    topics = {t.pk: t for t in Topic.objects.select_for_update().filter(pk__in=[source.pk, target.pk])}
    source, target = topics[source.pk], topics[target.pk]
    Post.objects.filter(topic=source).update(topic=target, headline="",
                                             number=F("number") + 2 * _RENUMBER_OFFSET)
    _follow_read_marks_to_new_numbers(target, read_up_to=target.post_count)
    _renumber_by_date(target)
    last = Post.objects.filter(topic=target).order_by("-number").only("created_at", "author_id").first()
    assert last is not None  # the target keeps its own first post
    Topic.objects.filter(pk=target.pk).update(post_count=target.post_count + source.post_count,
                                              last_post_at=last.created_at, last_poster_id=last.author_id,
                                              revision=NEXT_REVISION)
    already = WatchedTopic.objects.filter(topic=target).values("member_id")
    WatchedTopic.objects.filter(topic=source).exclude(member_id__in=already).update(topic=target)
    from forum.models import Notification, TopicRead

    Notification.objects.filter(topic=source).update(topic=target)
    TopicRead.objects.filter(topic=source).delete()
    Category.objects.filter(pk=source.category_id).update(
        topic_count=F("topic_count") - 1, post_count=F("post_count") - source.post_count,
        revision=NEXT_REVISION)
    Category.objects.filter(pk=target.category_id).update(post_count=F("post_count") + source.post_count,
                                                          revision=NEXT_REVISION)
    title = source.title
    source.delete()
    target.refresh_from_db()
    _log(actor, ModerationAction.Action.MERGE, target, reason=reason or f"« {title} » → « {target.title} »")
    return target


def _new_numbers_sql() -> str:
    """Each post of a topic (%(topic)s) with the number its place by date gives it."""
    return (
        f"SELECT id, number, row_number() OVER (ORDER BY created_at, id) AS new_number "
        f"FROM {Post._meta.db_table} WHERE topic_id = %(topic)s"
    )


def _follow_read_marks_to_new_numbers(topic: Topic, *, read_up_to: int) -> None:
    """Point each read mark of ``topic`` at the new number of the post it stood for.

    Called while the topic's own posts still carry their numbers (1 to ``read_up_to``) and the
    arrivals carry temporary ones, before ``_renumber_by_date``.
    """
    from forum.models import TopicRead

    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TopicRead._meta.db_table} r SET last_read_number = p.new_number "
            f"FROM ({_new_numbers_sql()}) p "
            f"WHERE r.topic_id = %(topic)s AND r.last_read_number > 0 "
            f"AND p.number = LEAST(r.last_read_number, %(read_up_to)s)",
            {"topic": topic.pk, "read_up_to": read_up_to},
        )


def _renumber_by_date(topic: Topic) -> None:
    """Number the posts of ``topic`` 1, 2, … by (created_at, id); the title goes with number 1.

    Two steps: all numbers first move above the temporary range of the posts that arrived,
    then take their final values, none of which is still held by another row.
    """
    table = Post._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET number = number + %(offset)s "
            f"WHERE topic_id = %(topic)s AND number < %(offset)s",
            {"topic": topic.pk, "offset": _RENUMBER_OFFSET},
        )
        cursor.execute(
            f"UPDATE {table} p SET number = o.new_number FROM ({_new_numbers_sql()}) o "
            f"WHERE p.id = o.id AND p.number <> o.new_number",
            {"topic": topic.pk},
        )
    # The search finds a topic by its title through the post numbered 1, and only through it.
    Post.objects.filter(topic=topic).exclude(number=1).exclude(headline="").update(headline="")
    Post.objects.filter(topic=topic, number=1).exclude(headline=topic.title).update(headline=topic.title)


# --- Drafts ---------------------------------------------------------------------------


def save_draft(*, member: Member, body: str, title: str = "", topic: Topic | None = None,
               category: Category | None = None) -> Draft:
    lookup: dict[str, Any] = (
        {"member": member, "topic": topic} if topic
        else {"member": member, "category": category, "topic": None}
    )
    draft, _created = Draft.objects.update_or_create(**lookup, defaults={"body": body, "title": title})
    return draft


# --- Members-only categories --------------------------------------------------------------
# Another app (a working group) keeps who may read such a category; the forum keeps the rule.


@transaction.atomic
def create_members_only_category(*, name: str, slug: str, description: str = "") -> Category:
    """A category read by the members its access rows name only, absent from the public forum."""
    return Category.objects.create(name=name, slug=slug, description=description, members_only=True,
                                   position=10_000)


def grant_category_access(category: Category, member: Member) -> None:
    """Let ``member`` read and write in a members-only category."""
    CategoryAccess.objects.get_or_create(category=category, member=member)


@transaction.atomic
def revoke_category_access(category: Category, member: Member) -> None:
    """``member`` no longer reads the category: their access, their watches of it and its topics,
    their notifications and drafts in it go, so nothing of it reaches them any more (their posts
    stay, as the forum keeps a departed member's posts)."""
    CategoryAccess.objects.filter(category=category, member=member).delete()
    WatchedCategory.objects.filter(category=category, member=member).delete()
    WatchedTopic.objects.filter(topic__category=category, member=member).delete()
    Draft.objects.filter(member=member, category=category).delete()
    Draft.objects.filter(member=member, topic__category=category).delete()
    gone = Notification.objects.filter(recipient=member, topic__category=category).delete()[0]
    if gone:
        queries.forget_unread_count([member.pk])
