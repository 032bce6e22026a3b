"""Entries of the navigation, registered by each app in its ``AppConfig.ready``.

Keeps ``base.html`` free of knowledge about which apps exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.urls import reverse


@dataclass(frozen=True)
class Link:
    label: str
    url_name: str
    roles: frozenset[str]
    description: str = ""
    area: str = "community"  # "community" or "manager"

    @property
    def url(self) -> str:
        return _reverse(self.url_name)


@cache
def _reverse(url_name: str) -> str:
    # Every page shows the navigation; its addresses never change while the process runs.
    return reverse(url_name)


_links: list[Link] = []


def register(label, url_name: str, *, roles, description="", area="community") -> None:
    link = Link(label, url_name, frozenset(roles), description, area)
    if link not in _links:
        _links.append(link)


def links_for(user_roles: frozenset[str], area: str) -> list[Link]:
    return [link for link in _links if link.area == area and link.roles & user_roles]


# Entries written in the page templates rather than registered (base.html, forum/base.html):
# they take part in finding the current entry like the registered ones.
FIXED_URL_NAMES = ("community", "edit_profile", "account_email", "account_login",
                   "forum:notifications")


def current_url(path: str, links: list[Link]) -> str:
    """The address of the one entry to mark as current for ``path``: the page itself, or the
    deepest entry whose address starts it (« Forum » for a topic). Empty when none does."""
    candidates = [link.url for link in links] + [_reverse(name) for name in FIXED_URL_NAMES]
    matching = [url for url in candidates if url != "/" and path.startswith(url)]
    return max(matching, key=len, default="")
