"""Who is told of what, in the app and by email.

Notifications are written in the transaction of the event that causes them;
what a member's preference sends at once goes through the outbox then (by
default what concerns them directly: a mention, a quote, a reply in their topic
or to their post), the rest in a daily or weekly digest (beat jobs in forum.tasks).
Emails carry pseudonyms only, and an unsubscribe link.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.core import signing
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from comcep import blocking, identity
from comcep.models import Member
from comcep.notifications import queue_email
from forum.models import (
    EmailFrequency,
    ForumProfile,
    Notification,
    NotificationKind,
    Post,
    WatchedCategory,
    WatchedTopic,
)
from forum.queries import forget_unread_count

UNSUBSCRIBE_SALT = "forum.unsubscribe"
# The strongest reason wins when one post concerns a member several ways.
PRIORITY: list[str] = [NotificationKind.MENTION, NotificationKind.QUOTE, NotificationKind.REPLY,
            NotificationKind.NEW_TOPIC]
# The digest that gathers what each preference does not email at once (none for "never", nothing
# left for "immediately").
DIGEST_OF: dict[str, str] = {EmailFrequency.DIRECT: EmailFrequency.DAILY,
                             EmailFrequency.DAILY: EmailFrequency.DAILY,
                             EmailFrequency.WEEKLY: EmailFrequency.WEEKLY}


def unsubscribe_token(member: Member) -> str:
    """The signed link of every forum email; it names the member by their public identifier."""
    return signing.dumps(member.public_id, salt=UNSUBSCRIBE_SALT)


def member_from_token(token: str) -> int | None:
    """The member a signed unsubscribe token names, or None."""
    try:
        named = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if isinstance(named, str):
        return Member.objects.filter(public_id=named).values_list("pk", flat=True).first()
    # Emails sent before members had a public identifier signed the member's number; their
    # links keep working (the signature is what makes them unforgeable).
    if isinstance(named, int) and not isinstance(named, bool):
        return named
    return None


def _strongest(reasons: dict[int, str], member_ids: Iterable[int], kind: str) -> None:
    """Record ``kind`` for each member unless a stronger reason is already recorded."""
    for member_id in member_ids:
        current = reasons.get(member_id)
        if current is None or PRIORITY.index(kind) < PRIORITY.index(current):
            reasons[member_id] = kind


def _addressed(rendered, *, author_id: int) -> dict[int, str]:
    """The members a text speaks to directly: the mentioned, and the authors of quoted posts.

    A member who blocked the author is not told of their mention (``comcep.blocking``)."""
    reasons: dict[int, str] = {}
    if rendered.quoted_post_ids:
        _strongest(reasons,
                   Post.objects.filter(pk__in=rendered.quoted_post_ids).values_list("author_id", flat=True),
                   NotificationKind.QUOTE)
    if rendered.mentioned:
        mentioned = set(Member.objects.filter(pseudonym_key__in=rendered.mentioned)
                        .values_list("pk", flat=True))
        _strongest(reasons, mentioned - blocking.blockers_of(author_id, mentioned), NotificationKind.MENTION)
    return reasons


def _send_reasons(post: Post, reasons: dict[int, str]) -> list[Notification]:
    """One notification per member, of their strongest reason; never to the post's author."""
    reasons.pop(post.author_id, None)
    by_kind: dict[str, list[int]] = {}
    for member_id, kind in reasons.items():
        by_kind.setdefault(kind, []).append(member_id)
    created = []
    for kind, member_ids in by_kind.items():
        created += send(recipients=member_ids, kind=kind, actor=post.author, topic_id=post.topic_id,
                        post=post)
    return created


def post_created(post: Post, *, rendered, new_topic: bool) -> list[Notification]:
    """Fan a new post out to the mentioned, the quoted, the replied-to and the watchers."""
    topic = post.topic
    reasons: dict[int, str] = {}
    if new_topic:
        _strongest(reasons, WatchedCategory.objects.filter(category_id=topic.category_id)
                   .values_list("member_id", flat=True), NotificationKind.NEW_TOPIC)
    else:
        _strongest(reasons, WatchedTopic.objects.filter(topic=topic).values_list("member_id", flat=True),
                   NotificationKind.REPLY)
    if (reply_to := post.reply_to) is not None:
        _strongest(reasons, [reply_to.author_id], NotificationKind.REPLY)
    for member_id, kind in _addressed(rendered, author_id=post.author_id).items():
        _strongest(reasons, [member_id], kind)
    return _send_reasons(post, reasons)


def post_edited(post: Post, *, before, after) -> list[Notification]:
    """Tell the members an edit newly mentions or quotes, as a new post would have told them.

    ``before`` and ``after`` are the renderings of the previous and the new text. A member
    told once about this post (mentioned or quoted in it, by its first text or an earlier
    edit) is never told again: taking a mention out and putting it back cannot flood
    anyone's inbox. Watchers are not told of edits at all.
    """
    already = set(_addressed(before, author_id=post.author_id))
    already |= set(Notification.objects.filter(
        post=post, kind__in=[NotificationKind.MENTION, NotificationKind.QUOTE],
    ).values_list("recipient_id", flat=True))
    addressed = _addressed(after, author_id=post.author_id)
    reasons = {member_id: kind for member_id, kind in addressed.items() if member_id not in already}
    return _send_reasons(post, reasons)


def _readers_of(topic_id: int, member_ids: list[int]) -> list[int]:
    """Those of ``member_ids`` who may read the topic: all of them in a public category, the
    members its access rows name in a members-only one (a mention of anyone else tells them
    nothing, not even the topic's title)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.id FROM unnest(%(members)s::bigint[]) AS r(id) "
            "JOIN forum_topic t ON t.id = %(topic)s JOIN forum_category c ON c.id = t.category_id "
            "WHERE NOT c.members_only OR EXISTS (SELECT 1 FROM forum_categoryaccess a "
            "WHERE a.category_id = c.id AND a.member_id = r.id)",
            {"members": member_ids, "topic": topic_id},
        )
        return [row[0] for row in cursor.fetchall()]


def send(*, recipients: Iterable[int], kind: str, actor: Member | None, topic_id: int,
         post: Post | None) -> list[Notification]:
    """Write the notifications, and queue an email now for those the recipient wants at once."""
    recipients = [pk for pk in set(recipients) if actor is None or pk != actor.pk]
    if not recipients:
        return []
    recipients = _readers_of(topic_id, recipients)
    if not recipients:
        return []
    now = timezone.now()
    notifications = Notification.objects.bulk_create(
        Notification(recipient_id=pk, kind=kind, actor=actor, topic_id=topic_id, post=post, created_at=now)
        for pk in recipients
    )
    forget_unread_count(recipients)
    frequencies = dict(
        ForumProfile.objects.filter(member_id__in=recipients).values_list("member_id", "email_frequency")
    )
    default = ForumProfile._meta.get_field("email_frequency").default
    immediate = [n for n in notifications
                 if _emailed_at_once(frequencies.get(n.recipient_id, default), n, post)]
    never = [n.pk for n in notifications if frequencies.get(n.recipient_id) == EmailFrequency.NEVER]
    if never:
        Notification.objects.filter(pk__in=never).update(emailed_at=now)
    if immediate:
        members = identity.with_accounts(Member.objects.all()).in_bulk([n.recipient_id for n in immediate])
        for notification in immediate:
            member = members[notification.recipient_id]
            account = identity.deliverable_account(member)
            if account is None:
                continue
            queue_email(template="forum_notification", to=account, context={
                "member": member, "notification": notification, "actor": actor,
                "topic_title": post.topic.title if post else "",
                "url": reverse("forum:notification_open", args=[notification.pk]),
                "unsubscribe_url": reverse("forum:unsubscribe", args=[unsubscribe_token(member)]),
            })
        Notification.objects.filter(pk__in=[n.pk for n in immediate]).update(emailed_at=now)
    return notifications


def _emailed_at_once(frequency: str, notification: Notification, post: Post | None) -> bool:
    """Whether ``notification`` is emailed now under the recipient's ``frequency``; if not, it
    waits for their digest (DIGEST_OF), or for nothing."""
    if frequency == EmailFrequency.IMMEDIATELY:
        return True
    if frequency != EmailFrequency.DIRECT:
        return False
    if notification.kind in (NotificationKind.MENTION, NotificationKind.QUOTE):
        return True
    if notification.kind != NotificationKind.REPLY or post is None:
        return False
    # A reply in a topic the member opened, or to one of their posts; not one in a topic they
    # merely watch.
    reply_to = post.reply_to
    return notification.recipient_id in (post.topic.author_id, reply_to.author_id if reply_to else None)


def digest_member_ids(frequency: str) -> list[int]:
    """Members whose ``frequency`` digest ("daily", "weekly") has notifications not yet emailed."""
    preferences = [preference for preference, digest in DIGEST_OF.items() if digest == frequency]
    return list(
        Notification.objects.filter(
            emailed_at=None, read_at=None, recipient__forum_profile__email_frequency__in=preferences,
        ).values_list("recipient_id", flat=True).distinct()
    ) + (
        list(
            Notification.objects.filter(emailed_at=None, read_at=None, recipient__forum_profile=None)
            .values_list("recipient_id", flat=True).distinct()
        ) if ForumProfile._meta.get_field("email_frequency").default in preferences else []
    )


@transaction.atomic
def send_digest(member_id: int, frequency: str) -> bool:
    """One email with every unread notification not yet emailed. Idempotent: they are marked sent."""
    member = identity.with_accounts(Member.objects.filter(pk=member_id)).first()
    if member is None:
        return False
    account = identity.deliverable_account(member)
    if account is None:
        return False
    profile, _created = ForumProfile.objects.select_for_update().get_or_create(member=member)
    if DIGEST_OF.get(profile.email_frequency) != frequency:
        return False
    period = timedelta(days=1 if frequency == EmailFrequency.DAILY else 7)
    if profile.last_digest_at and timezone.now() - profile.last_digest_at < period - timedelta(hours=1):
        return False
    pending = list(
        Notification.objects.filter(recipient=member, emailed_at=None, read_at=None)
        .select_related("actor", "topic").order_by("created_at")[:50]
    )
    if not pending:
        return False
    queue_email(template="forum_digest", to=account, context={
        "member": member, "notifications": pending, "frequency": frequency,
        "forum_url": reverse("forum:notifications"),
        "unsubscribe_url": reverse("forum:unsubscribe", args=[unsubscribe_token(member)]),
    })
    now = timezone.now()
    Notification.objects.filter(recipient=member, emailed_at=None).update(emailed_at=now)
    profile.last_digest_at = now
    profile.save(update_fields=["last_digest_at"])
    return True
