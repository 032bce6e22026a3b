"""French full-text search of the library (PostgreSQL text search, accents folded).

The ``search_vector`` column is filled by a trigger with
``to_tsvector('french_unaccent', comcep_unaccent(...))`` (comcep's shared French
configuration and accent folding); a query goes through the same folding and
``websearch_to_tsquery`` (``comcep.search.french_query``), which accepts anything a
person types (quotes, dashes, stray operators) without raising.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchRank
from django.db.models import F, QuerySet

from comcep.search import clean_query, french_query


def search(queryset: QuerySet, text: str) -> QuerySet:
    """Narrow ``queryset`` to the rows matching ``text``, best first."""
    text = clean_query(text)
    if not text:
        return queryset
    query = french_query(text)
    return (
        queryset.filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "-published_at")
    )
