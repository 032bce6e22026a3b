"""What other apps show of the library: link cards.

The forum turns links to ``/ressources/…`` into cards; ``cards_for_paths`` gives
it what a card needs, for the paths a reader may see, in a fixed number of
queries. A video shared at a given time is ``/ressources/<id>/a/<seconds>/``
(a plain path, so it survives Markdown and the forum's link pattern).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import reverse

from resources import permissions
from resources.models import Resource

PATH_RE = re.compile(r"^/ressources/(?P<pk>\d+)/(?:a/(?P<start>\d+)/)?$")


@dataclass
class Card:
    resource: Resource
    start: int = 0

    @property
    def url(self) -> str:
        if self.start:
            return reverse("resources:detail_at", args=[self.resource.pk, self.start])
        return self.resource.get_absolute_url()

    @property
    def start_label(self) -> str:
        minutes, seconds = divmod(self.start, 60)
        return f"{minutes}:{seconds:02d}"


def cards_for_paths(user, paths: list[str]) -> list[Card]:
    """Cards for the library paths among ``paths`` that ``user`` may see, in order."""
    wanted: list[tuple[int, int]] = []
    for path in paths:
        match = PATH_RE.match(path)
        if match:
            wanted.append((int(match["pk"]), int(match["start"] or 0)))
    if not wanted:
        return []
    found = Resource.objects.for_listing().in_bulk([pk for pk, _start in wanted])
    return [Card(found[pk], start) for pk, start in wanted
            if pk in found and permissions.can_view(user, found[pk])]
