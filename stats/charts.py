"""Bar charts drawn on the server as SVG: one horizontal bar per row, its label above it, so a
chart reads on a 360 px phone as on a desktop. The figures stay in the table beside it."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 320
ROW_HEIGHT = 34
BAR_HEIGHT = 12


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value_text: str
    y_label: int
    y_bar: int
    width: int


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    bars: list[Bar]
    width: int
    height: int


def bar_chart(title: str, rows: list[tuple[str, int | float | None]]) -> Chart:
    """The geometry of a bar chart of ``rows``; a hidden figure (None) draws no bar."""
    top = max((value for _label, value in rows if value), default=0) or 1
    bars = []
    for index, (label, value) in enumerate(rows):
        y = index * ROW_HEIGHT
        shown = "< 10" if value is None else str(value)
        width = 0 if not value else max(1, round((WIDTH - 60) * value / top))
        bars.append(Bar(label, shown, y + 13, y + 18, width))
    return Chart(title, bars, WIDTH, max(ROW_HEIGHT, len(rows) * ROW_HEIGHT))
