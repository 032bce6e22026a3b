"""French full-text search helpers shared by the forum and the library.

Documents and queries are folded by the SQL function ``comcep_unaccent``
(migration comcep 0004) and analysed with the ``public.french_unaccent``
configuration, so "evaluation" finds "évaluation" on any PostgreSQL.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery
from django.db.models import Func, TextField, Value

SEARCH_CONFIG = "public.french_unaccent"
MAX_QUERY_LENGTH = 200


class Unaccent(Func):
    function = "public.comcep_unaccent"
    output_field = TextField()


def clean_query(text: str) -> str:
    """Keep a query printable and bounded; websearch syntax handles the rest."""
    text = "".join(c if c.isprintable() else " " for c in (text or ""))
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def french_query(text: str) -> SearchQuery:
    """A query any person can type: quotes, OR, -word; never an SQL error."""
    return SearchQuery(Unaccent(Value(clean_query(text))), config=SEARCH_CONFIG,
                       search_type="websearch")
