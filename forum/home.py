"""The forum's sections of the community home: the latest topics, and the questions still
waiting for an answer in the member's themes and region.

Both lists are shared by every member and kept in the shared cache under a key carrying the
``revision`` of every public category, as the forum's index (``forum.pages.latest_rows``):
a new topic or reply moves its category's revision in its transaction, so the home never
shows a stale list. What belongs to the member (the categories they follow) comes with the
categories' revisions, in the one query the section runs per request.
"""

from __future__ import annotations

import zlib
from datetime import datetime
from typing import NamedTuple

from django.db.models import Exists, OuterRef

from comcep import home
from comcep.models import Member
from forum.models import Category, Topic, TopicKind, WatchedCategory

LATEST_COUNT = 6
QUESTIONS_COUNT = 5
# The newest unanswered questions of the whole public forum, kept once for every member, among
# which each member's own are picked (the newest of their categories).
QUESTIONS_POOL = 200


class HomeTopic(NamedTuple):
    """A topic as the home lists it (only pseudonyms: the last poster's)."""

    pk: int
    title: str
    kind: str
    category_id: int
    category_name: str
    category_slug: str
    reply_count: int
    last_post_at: datetime
    last_poster: str
    is_resolved: bool


def _rows(topics) -> list[HomeTopic]:
    return [
        HomeTopic(pk=t.pk, title=t.title, kind=t.kind, category_id=t.category_id,
                  category_name=t.category.name, category_slug=t.category.slug,
                  reply_count=t.reply_count, last_post_at=t.last_post_at,
                  last_poster=t.last_poster.pseudonym if t.last_poster else "",
                  is_resolved=t.accepted_post_id is not None)
        for t in topics
    ]


def _topics():
    # Public categories only: these rows are shared by every member, and a members-only
    # category (a working group's discussion) stays out of the public forum's lists.
    return (Topic.objects.public().select_related("category", "last_poster")
            .only("title", "kind", "category_id", "accepted_post_id", "post_count", "last_post_at",
                  "category__name", "category__slug", "last_poster__pseudonym"))


def latest_topics(categories: list[Category]) -> list[HomeTopic]:
    """The topics of the public forum by last activity, from the shared cache."""
    return home.cached(("forum-latest", _version(categories), LATEST_COUNT), lambda: _rows(
        _topics().order_by("-last_post_at", "-pk")[:LATEST_COUNT]))


def unanswered_questions(categories: list[Category]) -> list[HomeTopic]:
    """The newest questions nobody answered yet in the public forum, from the shared cache."""
    return home.cached(("forum-unanswered", _version(categories), QUESTIONS_POOL), lambda: _rows(
        _topics().filter(kind=TopicKind.QUESTION, post_count__lte=1, accepted_post=None, is_locked=False)
        .order_by("-created_at", "-pk")[:QUESTIONS_POOL]))


def _version(categories: list[Category]) -> str:
    # Every public category's revision (a row changes: its category's revision moves), and
    # their names and slugs, which the rows show.
    revisions = "-".join(f"{c.pk}.{c.revision}" for c in categories)
    names = zlib.crc32(repr([(c.slug, c.name) for c in categories]).encode())
    return f"{zlib.crc32(revisions.encode()):08x}{names:08x}"


def member_categories(member: Member, categories) -> set[int]:
    """The member's themes and region: the categories they follow and those of their region;
    the national categories when they follow none."""
    followed = {c.pk for c in categories if c.watched}
    regional = {c.pk for c in categories if member.region_id and c.region_id == member.region_id}
    if not followed:
        followed = {c.pk for c in categories if c.region_id is None}
    return followed | regional


def context(request, member: Member) -> dict:
    followed = WatchedCategory.objects.filter(category=OuterRef("pk"), member_id=member.pk)
    categories = list(
        Category.objects.public().only("pk", "name", "slug", "revision", "region_id")
        .annotate(watched=Exists(followed)).order_by("pk")
    )
    mine = member_categories(member, categories)
    questions = [topic for topic in unanswered_questions(categories) if topic.category_id in mine]
    return {"latest_topics": latest_topics(categories), "questions": questions[:QUESTIONS_COUNT]}


def register() -> None:
    home.register("forum", rank=10, template="forum/home_topics.html", context=context)
