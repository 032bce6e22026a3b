"""French full-text search over posts (and topic titles, carried by each first post).

Queries go through ``comcep.search.french_query`` (websearch syntax on
accent-folded text): any string — quotes, minus signs, stray operators — gives
results or nothing, never an error. Ranking is done on a bounded set of the
newest matches (see RECENCY_WINDOWS), so that a very common word costs no more
than a rare one.

The ranking of a query (which posts, in which order) is kept a minute in the shared cache: a
popular search is ranked once a minute, not once a reader. What a result shows is read afresh
every time, hidden posts left out: a post hidden, masked or erased leaves the results at once;
only a new post waits up to RANKING_SECONDS to appear.

A topic's tags count as words of its first post: « ethique » finds the topic tagged #éthique,
ranked before the posts that only say the word (TAG_BOOST). The topics whose tags answer the
query are picked inside the ranking's statement (an array the planner computes once, which the
index on a post's topic and number then serves), so a search runs no more queries for them.

Highlighting: ``ts_headline`` runs on the folded text (so "evaluation" lights
up "évaluation"), then the excerpt is mapped back onto the original text so
the reader sees the accents.
"""

from __future__ import annotations

import hashlib
import importlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache, reduce
from operator import or_
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorExact,
    SearchVectorField,
)
from django.core.cache import cache as shared_cache
from django.db import connection, transaction
from django.db.models import BooleanField, Case, F, FloatField, Func, OuterRef, Q, Subquery, Value, When
from django.db.models.expressions import CombinedExpression, Expression
from django.utils import timezone
from django.utils.html import escape

from comcep.cache import db_scoped_key
from comcep.models import Member
from comcep.search import SEARCH_CONFIG, Unaccent, clean_query, clean_tag, french_query
from forum import permissions
from forum.models import Category, Post, Topic

# How many of the newest matching posts are ranked.
RANK_WINDOW = 500
# A common word matches tens of thousands of posts: reading them all to keep the newest
# would cost hundreds of milliseconds. The search looks at the last month first, then
# then everything, and stops as soon as it has enough to rank.
RECENCY_WINDOWS = (31, None)
ENOUGH_CANDIDATES = 40
# How long the ranking of a query is reused (see the module's docstring).
RANKING_SECONDS = 60
# What a topic's first post gains in rank when the topic's tags answer the query: more than any
# text match, so a topic tagged with the words searched comes first.
TAG_BOOST = 1.0
# The words of a query looked for among the tags, at most.
TAG_WORDS = 8
# Match markers for ts_headline: control characters, which posts never keep (forms strip them).
START, STOP = "\x02", "\x03"


class ResultCategory(NamedTuple):
    name: str
    slug: str


class ResultTopic(NamedTuple):
    pk: int
    title: str
    kind: str
    category: ResultCategory


class ResultAuthor(NamedTuple):
    pk: int
    pseudonym: str


class SearchResult(NamedTuple):
    """A matching post as a list of results shows it."""

    pk: int
    number: int
    created_at: datetime
    topic: ResultTopic
    author: ResultAuthor
    rank: float
    excerpt_html: str  # escaped, the matches in <mark>


# Before any post: the whole forum as a recency window, so that every window runs one statement
# (and the value that marks the window's parameter in it).
_EVERYTHING = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class Filters:
    q: str = ""
    category: int | None = None
    tag: str = ""
    author: str = ""
    since: date | None = None
    until: date | None = None
    # The member searching: a result of a members-only category is shown to its members only.
    reader: int | None = None


def search_posts(filters: Filters, *, limit: int = 20) -> list[SearchResult]:
    """Ranked matching posts with a highlighted excerpt; an empty list for an empty query."""
    if not clean_query(filters.q):
        return []
    within_a_transaction = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        # Statements run often are prepared once per connection (settings: prepare_threshold),
        # and PostgreSQL may then reuse one generic plan for them. The best plan of a search
        # depends on how common its words are: each search is planned for its own words.
        cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        results = _search_posts(filters, limit=limit)
        if within_a_transaction:
            # SET LOCAL would outlive the search in the caller's transaction (on an error, the
            # rollback to the savepoint undoes it).
            cursor.execute("SET LOCAL plan_cache_mode = DEFAULT")
        return results


class _IsAnyOf(Func):
    """``column = ANY(ARRAY(SELECT …))``: an array PostgreSQL computes once and answers from the
    column's index (``IN (SELECT …)`` would be a subplan, which a BitmapOr cannot use)."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


def tag_words(q: str) -> list[str]:
    """The words of a query that a tag may be: not an excluded word (-mot), nor the OR operator."""
    words = []
    for token in clean_query(q).split():
        word = token.strip('"()#')
        if token.startswith("-") or not word or word.lower() == "or":
            continue
        words.append(word)
    return words[:TAG_WORDS]


def tagged_first_posts(q: str, query) -> Q | None:
    """The first posts that answer ``query`` once their topic's tags are taken as words of theirs
    (folded as the texts are: « ethique » finds #éthique), among the topics with a tag carrying
    one of its words; None when the query has no word a tag could be."""
    from taggit.models import Tag, TaggedItem

    words = tag_words(q)
    if not words:
        return None
    topic_type = ContentType.objects.get_for_model(Topic).pk
    any_word = reduce(or_, (SearchQuery(Unaccent(Value(word)), config=SEARCH_CONFIG) for word in words))
    # The tags that carry one of the words (a small table), and the topics they tag.
    tags = (Tag.objects.annotate(words=SearchVector(Unaccent("name"), config=SEARCH_CONFIG))
            .filter(words=any_word).values("pk"))
    topics = TaggedItem.objects.filter(content_type_id=topic_type, tag_id__in=tags).values("object_id")
    # Those topics' first posts, with every tag of their topic, answer the whole query.
    tag_vector = Subquery(
        TaggedItem.objects.filter(content_type_id=topic_type, object_id=OuterRef("topic_id"))
        .values("object_id")
        .annotate(words=SearchVector(Unaccent(StringAgg("tag__name", " ")), config=SEARCH_CONFIG))
        .values("words"), output_field=SearchVectorField())
    with_tags = CombinedExpression(F("search_vector"), "||", tag_vector, output_field=SearchVectorField())
    return (Q(number=1) & Q(_IsAnyOf(F("topic_id"), ArraySubquery(topics)))
            & Q(SearchVectorExact(with_tags, query)))


def _matching_posts(filters: Filters, query) -> tuple:
    """The posts that answer ``filters`` (a queryset, compiled only when no ranking is cached),
    and the tags' part of the match."""
    by_tags = tagged_first_posts(filters.q, query)
    matching = Q(search_vector=query) if by_tags is None else Q(search_vector=query) | by_tags
    base = permissions.filter_searchable_posts(Post.objects.filter(matching))
    if filters.category:
        # The caller checked the reader may read it (forms.SearchForm): the ranking, shared by
        # the readers of this category, is then theirs alone.
        base = base.filter(topic__category_id=filters.category)
    else:
        # Everywhere: the public forum. A members-only category is searched on its own.
        base = base.filter(topic__category__members_only=False)
    if clean_tag(filters.tag):
        # Accents and capitals folded (comcep.search.FoldedExact): « ethique » is #éthique.
        base = base.filter(topic__tags__name__folded=clean_tag(filters.tag))
    if filters.author:
        from comcep.pseudonyms import key

        base = base.filter(author__pseudonym_key=key(filters.author))
    if filters.since:
        base = base.filter(created_at__date__gte=filters.since)
    if filters.until:
        base = base.filter(created_at__date__lte=filters.until)
    return base, by_tags


def _search_posts(filters: Filters, *, limit: int) -> list[SearchResult]:
    asked = repr((clean_query(filters.q), filters.category, filters.tag, filters.author, filters.since,
                  filters.until, limit))
    ranking_key = db_scoped_key("forum:search-ranking", hashlib.sha256(asked.encode()).hexdigest())
    ranks: dict[int, float] | None = shared_cache.get(ranking_key)
    if ranks is None:
        # Building the query costs more than answering from the cached ranking: only on a miss.
        query = french_query(filters.q)
        base, by_tags = _matching_posts(filters, query)
        ranks = _ranking(base, query, filters, limit, by_tags)
        shared_cache.set(ranking_key, ranks, RANKING_SECONDS)
    if not ranks:
        return []
    with connection.cursor() as cursor:
        # Read now, hidden posts left out: what the cached ranking names may have changed since.
        cursor.execute(_results_sql(), {"posts": list(ranks), "member": filters.reader or 0})
        rows = cursor.fetchall()
    return _display(rows, ranks, filters)


def _ranking(base, query, filters: Filters, limit: int, by_tags: Q | None = None) -> dict[int, float]:
    """The best ``limit`` matching posts by rank, newest first among equals: {post id: rank}."""
    # Compiled once for every window: the window's start is the one parameter that changes.
    sql, params = _rank_sql(base.filter(created_at__gte=_EVERYTHING), query, by_tags)
    at = next(index for index, value in enumerate(params) if value == _EVERYTHING)
    ranks: dict[int, float] = {}
    for days in (None,) if filters.since or filters.until else RECENCY_WINDOWS:
        params[at] = _EVERYTHING if days is None else timezone.now() - timedelta(days=days)
        ranks, candidates = _rank(sql, params, limit)
        if candidates >= ENOUGH_CANDIDATES:
            break
    return ranks


def _display(rows, ranks: dict[int, float], filters: Filters) -> list[SearchResult]:
    rows.sort(key=lambda row: (-ranks[row[0]], -row[4].timestamp()))
    # Headlines are costly: only for the page shown.
    excerpts = _headlines([row[3] for row in rows], filters.q)
    return [
        SearchResult(pk=pk, number=number, created_at=created_at,
                     topic=ResultTopic(topic_id, title, kind, ResultCategory(category_name, category_slug)),
                     author=ResultAuthor(author_id, pseudonym), rank=ranks[pk],
                     excerpt_html=highlight(restore_accents(excerpt, body)))
        for (pk, topic_id, number, body, created_at, title, kind, category_name, category_slug, author_id,
             pseudonym), excerpt in zip(rows, excerpts, strict=True)
    ]


@cache
def _results_sql() -> str:
    """What a result shows of its post, topic, category and author."""
    return (
        f"SELECT p.id, p.topic_id, p.number, p.body, p.created_at, t.title, t.kind, c.name, c.slug, "
        f"p.author_id, m.pseudonym FROM {Post._meta.db_table} p "
        f"JOIN {Topic._meta.db_table} t ON t.id = p.topic_id "
        f"JOIN {Category._meta.db_table} c ON c.id = t.category_id "
        f"JOIN {Member._meta.db_table} m ON m.id = p.author_id WHERE p.id = ANY(%(posts)s) "
        # permissions.filter_searchable_posts, again at display: the ranking may be a minute old.
        f"AND NOT p.is_hidden "
        # So is the reader's access to a members-only category: one who left reads nothing more.
        f"AND (NOT c.members_only OR EXISTS (SELECT 1 FROM forum_categoryaccess a "
        f"WHERE a.category_id = c.id AND a.member_id = %(member)s))"
    )


def _rank_sql(matching, query, by_tags: Q | None = None) -> tuple[str, list]:
    """The statement that ranks the RANK_WINDOW newest ``matching`` posts, keeping the best.

    The newest matches are ranked as they are picked (their vectors are read once), then
    ordered by the database. The filters are composed by the ORM; the outer query, which
    the ORM cannot write over a sliced queryset, is written here.
    """
    rank: Expression = SearchRank(F("search_vector"), query)
    if by_tags is not None:
        rank = rank + Case(When(by_tags, then=Value(TAG_BOOST)), default=Value(0.0),
                           output_field=FloatField())
    newest = (matching.annotate(rank=rank)
              .order_by("-created_at").values("pk", "rank", "created_at")[:RANK_WINDOW])
    sql, params = newest.query.sql_with_params()
    return (f"SELECT newest.pk, newest.rank, count(*) OVER () FROM ({sql}) newest "
            f"ORDER BY newest.rank DESC, newest.created_at DESC LIMIT %s"), list(params)


def _rank(sql: str, params: list, limit: int) -> tuple[dict[int, float], int]:
    """The best ``limit`` posts of the window, and how many were ranked: one round trip."""
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        rows = cursor.fetchall()
    return {pk: rank for pk, rank, _count in rows}, (rows[0][2] if rows else 0)


def _headlines(bodies: list[str], q: str) -> list[str]:
    """An excerpt of each text around the words of the query, matches between START and STOP.

    ``ts_headline`` runs on the folded text (so "evaluation" lights up "évaluation"); the
    texts are folded here, as ``comcep_unaccent`` folds them, which costs the database
    more than the headline itself.
    """
    if not bodies:
        return []
    fold = _full_fold()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ts_headline(%s::regconfig, d.doc, "
            " websearch_to_tsquery(%s::regconfig, public.comcep_unaccent(%s)), %s) "
            "FROM unnest(%s::text[]) WITH ORDINALITY AS d(doc, n) ORDER BY d.n",
            [SEARCH_CONFIG, SEARCH_CONFIG, clean_query(q),
             f"StartSel={START}, StopSel={STOP}, MaxWords=35, MinWords=15",
             [body.translate(fold) for body in bodies]],
        )
        return [row[0] for row in cursor.fetchall()]


@lru_cache(maxsize=1)
def _full_fold() -> dict[int, str]:
    return {ord(char): plain for char, plain in _fold_table().items()}


@lru_cache(maxsize=1)
def _fold_table() -> dict[str, str]:
    # The very mapping of the SQL function comcep_unaccent, so both sides agree.
    migration = importlib.import_module("comcep.migrations.0004_search_functions")
    table = dict(zip(migration.ACCENTED, migration.PLAIN, strict=True))
    table.update({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})
    return table


@lru_cache(maxsize=1)
def _one_to_one() -> dict[int, str]:
    """The folds that keep one character one character (all but the ligatures), for str.translate."""
    return {ord(char): plain for char, plain in _fold_table().items() if len(plain) == 1}


@lru_cache(maxsize=1)
def _ligatures() -> tuple[str, ...]:
    return tuple(char for char, plain in _fold_table().items() if len(plain) != 1)


def restore_accents(folded_excerpt: str, original: str) -> str:
    """Put the original characters back into an excerpt of the folded text, keeping its markers."""
    plain = folded_excerpt.replace(START, "").replace(STOP, "")
    if not any(ligature in original for ligature in _ligatures()):
        folded = original.translate(_one_to_one())
        # No ligature: the folded text and the original line up character for character.
        at = folded.find(plain)
        if at < 0 or not plain:
            return folded_excerpt
        out, cursor = [], at
        for piece in _MARKERS.split(folded_excerpt):
            if piece in (START, STOP):
                out.append(piece)
            else:
                out.append(original[cursor:cursor + len(piece)])
                cursor += len(piece)
        return "".join(out)
    return _restore_accents_slowly(folded_excerpt, original)


_MARKERS = re.compile(f"([{START}{STOP}])")


def _restore_accents_slowly(folded_excerpt: str, original: str) -> str:
    table = _fold_table()
    folded_chars: list[str] = []
    origin: list[int] = []  # index in ``original`` of each folded character
    for index, char in enumerate(original):
        for piece in table.get(char, char):
            folded_chars.append(piece)
            origin.append(index)
    folded = "".join(folded_chars)
    plain = folded_excerpt.replace(START, "").replace(STOP, "")
    at = folded.find(plain)
    if at < 0 or not plain:
        return folded_excerpt
    out, cursor = [], at
    for char in folded_excerpt:
        if char in (START, STOP):
            out.append(char)
            continue
        index = origin[cursor]
        # A ligature folds to two characters: write the original once.
        if cursor == at or origin[cursor - 1] != index:
            out.append(original[index])
        cursor += 1
    return "".join(out)


def highlight(excerpt: str) -> str:
    """The excerpt escaped as HTML, its matches in <mark>."""
    return escape(excerpt).replace(START, "<mark>").replace(STOP, "</mark>")
