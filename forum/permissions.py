"""Every decision about who may do what in the forum.

Every forum view is behind ``comcep.permissions.community_required`` (operator
managers never get in); the rules below decide the rest. ``can_*`` returns a
bool, ``check_*`` raises PermissionDenied (403: the person sees the thing but
may not act), ``filter_*`` narrows a queryset.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from comcep import identity, roles
from comcep.roles import Role
from forum.models import (
    Category,
    Flag,
    FlagStatus,
    ModerationReview,
    Post,
    StartPolicy,
    Topic,
    readable_by_condition,
)


class PostLike(Protocol):
    """What the rules read of a post: a ``Post``, or the topic page's ``pages.PostView``."""

    @property
    def topic_id(self) -> int: ...
    @property
    def number(self) -> int: ...
    @property
    def author_id(self) -> int: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def is_hidden(self) -> bool: ...

# How long after posting its author may still edit a post.
EDIT_WINDOW = timedelta(minutes=getattr(settings, "FORUM_EDIT_WINDOW_MINUTES", 60))


def _own_member_id(user) -> int | None:
    member = identity.member_of(user)
    return member.pk if member is not None else None


def is_moderator(user) -> bool:
    return roles.has_role(user, Role.MODERATOR)


def is_expert(user) -> bool:
    return roles.has_role(user, Role.EXPERT)


def can_start_topic(user, category: Category) -> bool:
    """Anyone in the community, except where the category keeps it to experts and moderators."""
    if not roles.is_community_member(user):
        return False
    if category.start_policy == StartPolicy.EXPERTS:
        return is_expert(user) or is_moderator(user)
    return True


def can_reply(user, topic: Topic) -> bool:
    """A locked topic takes replies from moderators only; an expert session, from its opening
    to its closing only (read-only before and after, for everyone)."""
    if not roles.is_community_member(user):
        return False
    if topic.session_state() in ("upcoming", "closed"):
        return False
    return not topic.is_locked or is_moderator(user)


def can_see_body(user, post: PostLike) -> bool:
    """A hidden post is shown to its author (with the reason) and to moderators only."""
    return not post.is_hidden or post.author_id == _own_member_id(user) or is_moderator(user)


def can_favourite(user, post: PostLike) -> bool:
    """A post is saved from its own page, which shows its text: never a hidden one."""
    return not post.is_hidden


def can_edit_post(user, post: PostLike, *, now=None) -> bool:
    """Its author, within the edit window, while it is not hidden."""
    now = now or timezone.now()
    return (
        post.author_id == _own_member_id(user)
        and not post.is_hidden
        and now - post.created_at <= EDIT_WINDOW
    )


def can_thank(user, post: PostLike) -> bool:
    return post.author_id != _own_member_id(user) and not post.is_hidden


def can_accept_answer(user, topic: Topic, post: PostLike) -> bool:
    """The asker of a question picks one reply (not their own first post)."""
    return (
        topic.is_question
        and topic.author_id == _own_member_id(user)
        and post.topic_id == topic.pk
        and post.number > 1
        and not post.is_hidden
    )


def can_flag(user, post: PostLike) -> bool:
    return post.author_id != _own_member_id(user) and not post.is_hidden


def can_request_review(user, post: PostLike) -> bool:
    """The author of a hidden post asks for it to be read again (services.request_review
    checks that this hiding has no request yet)."""
    return post.is_hidden and post.author_id == _own_member_id(user)


def can_decide_review(user, review) -> bool:
    """Another moderator than the one who hid the post, and never its author."""
    member_id = _own_member_id(user)
    return (is_moderator(user) and review.outcome == review.Outcome.PENDING
            and member_id not in (review.hiding.actor_id, review.post.author_id))


def can_moderate(user) -> bool:
    return is_moderator(user)


def check_start_topic(user, category: Category) -> None:
    if not can_start_topic(user, category):
        raise PermissionDenied


def check_reply(user, topic: Topic) -> None:
    if not can_reply(user, topic):
        raise PermissionDenied


def check_edit_post(user, post: Post) -> None:
    if not can_edit_post(user, post):
        raise PermissionDenied


def check_thank(user, post: Post) -> None:
    if not can_thank(user, post):
        raise PermissionDenied


def check_accept_answer(user, topic: Topic, post: Post) -> None:
    if not can_accept_answer(user, topic, post):
        raise PermissionDenied


def check_flag(user, post: Post) -> None:
    if not can_flag(user, post):
        raise PermissionDenied


def check_moderate(user) -> None:
    if not can_moderate(user):
        raise PermissionDenied


def under_moderation() -> Q:
    """The posts brought to the moderators: an open flag, or their author's pending review request."""
    return (Q(Exists(Flag.objects.filter(post=OuterRef("pk"), status=FlagStatus.OPEN)))
            | Q(Exists(ModerationReview.objects.filter(post=OuterRef("pk"),
                                                       outcome=ModerationReview.Outcome.PENDING))))


def moderation_scope(member) -> Q:
    """The posts a moderator may act on (hide, restore, mask a passage, dismiss flags): those they
    can read, and, in a members-only category they do not belong to (a working group's
    discussion), only those brought to them while they are: moderators handle what a member
    flagged, they never browse a group."""
    return readable_by_condition(member, "topic__category") | under_moderation()


def filter_searchable_posts(queryset):
    """Hidden posts never appear in search results, whoever searches."""
    return queryset.filter(is_hidden=False)
