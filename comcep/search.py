"""French full-text search helpers shared by the forum and the library.

Documents and queries are folded by the SQL function ``comcep_unaccent``
(migration comcep 0004) and analysed with the ``public.french_unaccent``
configuration, so "evaluation" finds "évaluation" on any PostgreSQL.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery
from django.db.models import CharField, Func, Lookup, TextField, Value

SEARCH_CONFIG = "public.french_unaccent"
MAX_QUERY_LENGTH = 200


class Unaccent(Func):
    function = "public.comcep_unaccent"
    output_field = TextField()


class Folded(Func):
    """An expression without accents nor capitals, as ``comcep_unaccent`` folds the documents."""

    template = "lower(public.comcep_unaccent(%(expressions)s))"
    output_field = TextField()


class FoldedExact(Lookup):
    """``field__folded="ethique"``: equal once accents and capitals are folded on both sides, so
    a search for ``ethique`` or ``ÉTHIQUE`` finds the tag ``éthique`` (registered on text
    fields by ``register_lookups``)."""

    lookup_name = "folded"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return (f"lower(public.comcep_unaccent({lhs})) = lower(public.comcep_unaccent({rhs}))",
                [*lhs_params, *rhs_params])


def register_lookups() -> None:
    CharField.register_lookup(FoldedExact)
    TextField.register_lookup(FoldedExact)


def clean_tag(text: str) -> str:
    """A tag as a person types it: ``#Éthique`` is the tag ``Éthique``."""
    return clean_query(text).lstrip("#").strip()


def clean_query(text: str) -> str:
    """Keep a query printable and bounded; websearch syntax handles the rest."""
    text = "".join(c if c.isprintable() else " " for c in (text or ""))
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def french_query(text: str) -> SearchQuery:
    """A query any person can type: quotes, OR, -word; never an SQL error."""
    return SearchQuery(Unaccent(Value(clean_query(text))), config=SEARCH_CONFIG,
                       search_type="websearch")
