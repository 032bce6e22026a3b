"""The two busiest pages of the forum — a topic page, a category's topic list — read cheaply.

What every reader sees the same (the posts of a page with their author and date, the rows
of a list) is built once and kept in the shared cache, under a key that carries the
topic's or the category's ``revision``: every write that changes what others see moves
the revision in its transaction (``forum.services``), so a stale page is never served and
nothing needs to be deleted. What belongs to the reader (read marks, thanks given,
watching) comes from one small query per page, written once here rather than
built by the ORM on each request: on these pages, compiling the queries cost more than
running them.
"""

from __future__ import annotations

import zlib
from datetime import datetime
from functools import cache
from html import escape
from typing import NamedTuple
from urllib.parse import quote

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache as shared_cache
from django.db import connection
from django.http import Http404
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import ngettext

from comcep.cache import LocalCopies, db_scoped_key
from comcep.jinja2 import PkUrl, filler, macros
from comcep.models import Member
from forum.models import Category, Post, Topic, TopicKind
from forum.queries import POSTS_PER_PAGE, TOPICS_PER_PAGE, page_slice

# Pages nobody asked for in a day make room for others.
PAGE_CACHE_TTL = 24 * 3600
# Each process also keeps the last pages it served (a 50-post page weighs about 70 kB).
local_copies = LocalCopies(size=200)


# Bump when the markup built here changes: pages cached by the previous release are then
# left to expire instead of being served. The shape of the cached tuples is in the key too,
# so that a release that changes them never unpickles the old ones.
MARKUP_VERSION = 6


@cache
def _format() -> str:
    shape = repr((PostView._fields, TopicRow._fields)).encode()
    return f"v{MARKUP_VERSION}-{zlib.crc32(shape):08x}"


def _cache_key(*parts) -> str:
    return db_scoped_key(f"forum:{_format()}", *parts, translation.get_language() or "")


def _shared(key: str, build):
    """The value under a versioned key: from this process, else the shared cache, else ``build()``."""
    value = local_copies.get(key)
    if value is None:
        value = shared_cache.get(key)
        if value is None:
            value = build()
            shared_cache.set(key, value, PAGE_CACHE_TTL)
        local_copies.put(key, value)
    return value


def short_month_names() -> list[str]:
    """The abbreviated month names of the active language, escaped: the "M" of "j M Y", looked up
    once per page rather than formatted per date."""
    return [escape(date_format(datetime(2000, m, 1), "M")) for m in range(1, 13)]


# --- A topic page -----------------------------------------------------------------------


class PostView(NamedTuple):
    """A post as every reader sees it; the reader's own actions are added per request."""

    pk: int
    topic_id: int
    number: int
    author_id: int
    created_at: datetime
    is_hidden: bool
    hidden_reason: str
    thanks_count: int
    author_html: str  # the pseudonym, linked to the profile by the member's public identifier
    stamp_html: str  # the permalink with the date, and "modifié" when edited
    body_html: str  # sanitised by nh3 when written


TOPIC_FIELDS = ["id", "category_id", "title", "kind", "author_id", "created_at", "is_pinned", "is_locked",
                "session_opens_at", "session_closes_at", "accepted_post_id", "post_count", "last_post_at",
                "last_poster_id", "revision"]


# The header's count of unread notifications, read with the page's own query rather than
# in a round trip of its own (a partial index on unread notifications answers it).
_UNREAD_NOTIFICATIONS_SQL = (
    "(SELECT count(*) FROM forum_notification n WHERE n.recipient_id = %(member)s AND n.read_at IS NULL)"
)


# A members-only category (and its topics) is read by the members its access rows name; for
# everyone else the row is not found, so the page is a 404 and nothing of it reaches a cache.
_READABLE_SQL = (
    "(NOT c.members_only OR EXISTS (SELECT 1 FROM forum_categoryaccess a "
    "WHERE a.category_id = c.id AND a.member_id = %(member)s))"
)


@cache
def _topic_sql() -> str:
    from taggit.models import Tag, TaggedItem

    from forum.models import Reaction, TopicRead, WatchedTopic

    columns = ", ".join(f"t.{name}" for name in TOPIC_FIELDS)
    return (
        f"SELECT {columns}, c.name, c.slug, "
        f"(SELECT r.last_read_number FROM {TopicRead._meta.db_table} r "
        f" WHERE r.topic_id = t.id AND r.member_id = %(member)s), "
        f"EXISTS (SELECT 1 FROM {WatchedTopic._meta.db_table} w "
        f" WHERE w.topic_id = t.id AND w.member_id = %(member)s), "
        f"ARRAY(SELECT tag.name FROM {TaggedItem._meta.db_table} ti JOIN {Tag._meta.db_table} tag "
        f" ON tag.id = ti.tag_id WHERE ti.object_id = t.id AND ti.content_type_id = %(topic_type)s "
        f" ORDER BY tag.name), "
        f"ARRAY(SELECT p.number FROM {Reaction._meta.db_table} re JOIN {Post._meta.db_table} p "
        f" ON p.id = re.post_id WHERE re.member_id = %(member)s AND p.topic_id = t.id), "
        f"{_UNREAD_NOTIFICATIONS_SQL} "
        f"FROM {Topic._meta.db_table} t JOIN {Category._meta.db_table} c ON c.id = t.category_id "
        f"WHERE t.id = %(topic)s AND {_READABLE_SQL}"
    )


class TopicReading(NamedTuple):
    """A topic as one reader opens it: the topic (its category loaded) and the reader's state.
    What other apps show with the topic (a favourite button) reads its own state, through
    ``comcep.extras``."""

    topic: Topic
    last_read: int  # the last post number the reader has seen; 0 when never opened
    watching: bool
    tag_names: list[str]
    thanked_numbers: frozenset[int]  # the posts the reader thanked
    unread_notifications: int  # the count in the page header


class CategoryReading(NamedTuple):
    category: Category
    watching: bool
    unread_notifications: int


def topic_for_reader(member: Member, pk: int) -> TopicReading:
    """The topic with its category and tags, and the reader's state, in one query; Http404 when
    there is none or the reader may not read its category."""
    with connection.cursor() as cursor:
        cursor.execute(_topic_sql(), {"member": member.pk, "topic": pk,
                                      "topic_type": ContentType.objects.get_for_model(Topic).pk})
        row = cursor.fetchone()
    if row is None:
        raise Http404
    n = len(TOPIC_FIELDS)
    topic = Topic.from_db(connection.alias, TOPIC_FIELDS, row[:n])
    category = Category.from_db(connection.alias, ["id", "name", "slug"], (topic.category_id, *row[n:n + 2]))
    Topic.category.field.set_cached_value(topic, category)
    last_read, watching, tag_names, thanked, unread_notifications = row[n + 2:]
    return TopicReading(topic, last_read or 0, watching, tag_names, frozenset(thanked),
                        unread_notifications)


def post_views(topic: Topic, page: int) -> list[PostView]:
    """The posts of a page as every reader sees them, from the shared cache when it has them."""
    key = _cache_key("posts", topic.pk, topic.revision, page)
    return _shared(key, lambda: _build_post_views(topic, page))


def _build_post_views(topic: Topic, page: int) -> list[PostView]:
    start = (page - 1) * POSTS_PER_PAGE + 1
    rows = (
        Post.objects.filter(topic=topic, number__gte=start, number__lt=start + POSTS_PER_PAGE)
        .order_by("number")
        # Tuples rather than instances: this runs each time a page is first opened.
        .values_list("pk", "topic_id", "number", "author_id", "created_at", "edited_at", "is_hidden",
                     "hidden_reason", "thanks_count", "body_html", "author__pseudonym",
                     "author__public_id")
    )
    # The macros of jinja2/forum/_post_parts.html, drawn once for all the posts of the page.
    author = filler("forum/_post_parts.html", "author", 2)
    stamps = {edited: filler("forum/_post_parts.html", "stamp", 5, edited=edited) for edited in (False, True)}
    # "j F Y H:i" (« 1 décembre 2026 10:30 »: "M" would capitalise the French month), with
    # the month names of the active language looked up once (unescaped: the template escapes them).
    months = [date_format(datetime(2000, m, 1), "F") for m in range(1, 13)]
    post_url, history_url = PkUrl("forum:post"), PkUrl("forum:post_history")
    member_url = PkUrl("forum:member", placeholder=_PUBLIC_ID_PLACEHOLDER)
    zone = timezone.get_current_timezone()
    views = []
    for (pk, topic_id, number, author_id, created_at, edited_at, is_hidden, hidden_reason, thanks_count,
         body_html, pseudonym, author_public_id) in rows:
        when = created_at.astimezone(zone)
        shown = f"{when.day} {months[when.month - 1]} {when.year} {when:%H:%M}"
        views.append(PostView(
            pk=pk, topic_id=topic_id, number=number, author_id=author_id, created_at=created_at,
            is_hidden=is_hidden, hidden_reason=hidden_reason, thanks_count=thanks_count,
            author_html=author(member_url(author_public_id), pseudonym),
            stamp_html=stamps[bool(edited_at)](post_url(pk), history_url(pk), str(number),
                                               when.replace(microsecond=0).isoformat(), shown),
            body_html=body_html,
        ))
    return views


# A public identifier no member has (the route accepts only well-formed ones), for PkUrl.
_PUBLIC_ID_PLACEHOLDER = "z" * 16


# --- A topic list -----------------------------------------------------------------------


class TopicRow(NamedTuple):
    """A row of a topic list as every reader sees it; the reader's unread marks are added per request."""

    pk: int
    post_count: int
    last_post_at: datetime
    last_poster: str  # a pseudonym
    main_html: str  # the marks (pinned, locked, question) and the linked title
    meta_html: str  # the category (on lists across categories) and the tags
    replies: str  # "12 réponses"


@cache
def _category_sql() -> str:
    from forum.models import WatchedCategory

    columns = ", ".join(f"c.{f.column}" for f in Category._meta.concrete_fields)
    return (
        f"SELECT {columns}, EXISTS (SELECT 1 FROM {WatchedCategory._meta.db_table} w "
        f"WHERE w.category_id = c.id AND w.member_id = %(member)s), {_UNREAD_NOTIFICATIONS_SQL} "
        f"FROM {Category._meta.db_table} c WHERE c.slug = %(slug)s AND {_READABLE_SQL}"
    )


def category_for_reader(member: Member, slug: str) -> CategoryReading:
    """The category and the reader's state, in one query; Http404 when there is none or the
    reader may not read it."""
    with connection.cursor() as cursor:
        cursor.execute(_category_sql(), {"member": member.pk, "slug": slug})
        row = cursor.fetchone()
    if row is None:
        raise Http404
    fields = [f.attname for f in Category._meta.concrete_fields]
    category = Category.from_db(connection.alias, fields, row[:-2])
    watching, unread_notifications = row[-2:]
    return CategoryReading(category, watching, unread_notifications)


@cache
def _public_categories_sql() -> str:
    columns = ", ".join(f"c.{f.column}" for f in Category._meta.concrete_fields)
    # Category.Meta.ordering: position, then name.
    return (f"SELECT {columns} FROM {Category._meta.db_table} c WHERE NOT c.members_only "
            f"ORDER BY c.position, c.name")


def public_categories() -> list[Category]:
    """The public categories, as the index shows them: a query written once rather than
    compiled by the ORM on every request."""
    with connection.cursor() as cursor:
        cursor.execute(_public_categories_sql())
        rows = cursor.fetchall()
    fields = [f.attname for f in Category._meta.concrete_fields]
    return [Category.from_db(connection.alias, fields, row) for row in rows]


def category_rows(category: Category, page: int) -> list[TopicRow]:
    """A page of a category's topics, pinned first then by last activity, from the shared cache."""
    def build():
        return topic_rows(Topic.objects.for_list().filter(category=category)
                          [page_slice(page, TOPICS_PER_PAGE)])

    return _shared(_cache_key("rows", category.pk, category.revision, page), build)


def latest_rows(categories: list[Category], page: int) -> tuple[list[TopicRow], bool]:
    """A page of the topics of every category by last activity (the forum's index), and whether
    a next page exists, from the shared cache.

    Keyed by the revision of every category: a change to any row of a list moves the revision
    of its category. Their names and slugs are in the key too, since these rows show them.
    """
    revisions = "-".join(f"{c.pk}.{c.revision}" for c in categories)
    names = zlib.crc32(repr([(c.slug, c.name) for c in categories]).encode())

    def build() -> tuple[list[TopicRow], bool]:
        # Public categories only: ``categories`` (the key) are the public ones, and these rows
        # are shared by every reader.
        topics = list(Topic.objects.for_list().public()[page_slice(page, TOPICS_PER_PAGE, extra=1)])
        return topic_rows(topics[:TOPICS_PER_PAGE], show_category=True), len(topics) > TOPICS_PER_PAGE

    return _shared(_cache_key("latest", revisions, f"{names:08x}", page), build)


def topic_rows(topics, *, show_category: bool = False) -> list[TopicRow]:
    """Rows from topics read with ``Topic.objects.for_list()``."""
    parts = macros("forum/_topic_row_parts.html")
    topic_url, tag_url = PkUrl("forum:topic"), PkUrl("forum:tag", placeholder=_TAG_PLACEHOLDER)
    category_url = PkUrl("forum:category", placeholder=_TAG_PLACEHOLDER) if show_category else None
    rows = []
    for topic in topics:
        tags = [(tag_url(quote(tag, safe="")), tag) for tag in topic.tag_names or ()]
        if category_url:
            meta = parts.meta(category_url(topic.category.slug), topic.category.name, tags)
        else:
            meta = parts.meta(None, None, tags)
        rows.append(TopicRow(
            pk=topic.pk, post_count=topic.post_count, last_post_at=topic.last_post_at,
            last_poster=topic.last_poster.pseudonym if topic.last_poster else "",
            main_html=str(parts.main(topic, topic_url(topic.pk), topic.kind == TopicKind.QUESTION)),
            meta_html=str(meta),
            replies=escape(ngettext("%(n)s réponse", "%(n)s réponses", topic.reply_count)
                           % {"n": topic.reply_count}),
        ))
    return rows


# A slug no route's prefix contains, for PkUrl.
_TAG_PLACEHOLDER = "zz-placeholder-zz"


def last_read_of(member: Member, topic_ids) -> dict[int, int]:
    """How far the reader read each of these topics (topics never opened are absent)."""
    from forum.models import TopicRead

    if not topic_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT topic_id, last_read_number FROM {TopicRead._meta.db_table} "
            f"WHERE member_id = %s AND topic_id = ANY(%s)",
            [member.pk, list(topic_ids)],
        )
        return dict(cursor.fetchall())
