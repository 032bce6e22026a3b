"""k-anonymity for tables of counts: no figure about fewer than ``K`` people is shown, and none
can be found back as a total minus the figures shown beside it.

A table is a set of cells and a list of *relations*, each saying that one cell (a total) is the
sum of others (a row, a column, the margins). Primary suppression hides every cell between 1
and ``K - 1``. Complementary suppression then looks at each relation: if exactly one of its
cells is hidden, that cell is the total minus the others, so a second one is hidden (the
smallest shown, details before totals), and so on until no relation has a lone hidden cell.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

K = 10

Cell = Hashable


@dataclass(frozen=True, slots=True)
class Relation:
    total: Cell
    parts: tuple[Cell, ...]

    @property
    def cells(self) -> tuple[Cell, ...]:
        return (self.total, *self.parts)


def is_small(value: int) -> bool:
    """Concerns someone, but fewer than ``K`` people (0 concerns nobody and is shown)."""
    return 0 < value < K


def suppress(values: dict[Cell, int], relations: Iterable[Relation]) -> set[Cell]:
    """The cells to hide among ``values``."""
    relations = list(relations)
    hidden = {cell for cell, value in values.items() if is_small(value)}
    changed = True
    while changed:
        changed = False
        for relation in relations:
            cells = [cell for cell in relation.cells if cell in values]
            lone = [cell for cell in cells if cell in hidden]
            if len(lone) != 1:
                continue
            shown = [cell for cell in cells if cell not in hidden]
            if not shown:
                continue
            # The smallest shown cell costs least; a detail before a total, and not a zero, whose
            # hiding would only say that the lone hidden cell holds the whole difference.
            partner = min(shown, key=lambda cell: (cell == relation.total, values[cell] == 0,
                                                   values[cell]))
            hidden.add(partner)
            changed = True
    return hidden


@dataclass(frozen=True, slots=True)
class CrossTable:
    """Counts by row and column, with the totals of each row, each column and the whole, and
    which cells are hidden (``None`` in ``shown``)."""

    rows: list[str]
    columns: list[str]
    shown: dict[tuple[str, str], int | None]

    def cell(self, row: str, column: str) -> int | None:
        return self.shown[(row, column)]


TOTAL = "__total__"


def cross_table(counts: dict[tuple[str, str], int], rows: list[str],
                columns: list[str]) -> CrossTable:
    """A table of ``counts`` by (row, column), its margins added, made k-anonymous."""
    values: dict[Cell, int] = {(r, c): counts.get((r, c), 0) for r in rows for c in columns}
    for r in rows:
        values[(r, TOTAL)] = sum(values[(r, c)] for c in columns)
    for c in columns:
        values[(TOTAL, c)] = sum(values[(r, c)] for r in rows)
    values[(TOTAL, TOTAL)] = sum(values[(r, TOTAL)] for r in rows)
    relations = [Relation((r, TOTAL), tuple((r, c) for c in columns)) for r in rows]
    relations += [Relation((TOTAL, c), tuple((r, c) for r in rows)) for c in columns]
    relations.append(Relation((TOTAL, TOTAL), tuple((r, TOTAL) for r in rows)))
    relations.append(Relation((TOTAL, TOTAL), tuple((TOTAL, c) for c in columns)))
    hidden = suppress(values, relations)
    shown = {cell: (None if cell in hidden else value) for cell, value in values.items()}
    return CrossTable(rows=rows, columns=columns, shown=shown)  # type: ignore[arg-type]
