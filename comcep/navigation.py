"""Entries of the navigation and landing pages, registered by each app in its ``AppConfig.ready``.

Keeps ``base.html`` and the sign-in free of knowledge about which apps exist.
"""

from __future__ import annotations

from collections.abc import Callable
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


# Entries written in the page templates rather than registered (base.html, and an app's own
# base template, which adds its names with ``register_fixed``): they take part in finding the
# current entry like the registered ones.
FIXED_URL_NAMES = ["community", "edit_profile", "account_email", "account_login"]


def register_fixed(url_name: str) -> None:
    if url_name not in FIXED_URL_NAMES:
        FIXED_URL_NAMES.append(url_name)


def current_url(path: str, links: list[Link]) -> str:
    """The address of the one entry to mark as current for ``path``: the page itself, or the
    deepest entry whose address starts it (« Forum » for a topic). Empty when none does."""
    candidates = [link.url for link in links] + [_reverse(name) for name in FIXED_URL_NAMES]
    matching = [url for url in candidates if url != "/" and path.startswith(url)]
    return max(matching, key=len, default="")


# --- Landing pages: where a person lands after signing in ---------------------------------

# The rank of the community's own landing (the forum's members: their pseudonym, then the
# community page), set by ``comcep.accounts``: landings ranked lower come before it (the
# queues of the managers who see identities), higher ones after it.
COMMUNITY_LANDING_RANK = 50


@dataclass(frozen=True)
class Landing:
    rank: int
    url_name: str
    roles: frozenset[str]
    # For a landing that is not a role's: whether it is ``user``'s (e.g. an applicant's status).
    applies: Callable[[object], bool] | None = None

    def is_for(self, user, user_roles: frozenset[str]) -> bool:
        if self.roles:
            return bool(self.roles & user_roles)
        return self.applies is not None and getattr(user, "is_authenticated", False) and self.applies(user)


_landings: list[Landing] = []


def register_landing(url_name: str, *, rank: int, roles=(), applies=None) -> None:
    """``url_name`` is where people with one of ``roles`` (or for whom ``applies(user)`` is
    true) land after signing in; the lowest ``rank`` that fits a person wins."""
    landing = Landing(rank, url_name, frozenset(roles), applies)
    if landing not in _landings:
        _landings.append(landing)
        _landings.sort(key=lambda item: item.rank)


def landings() -> list[Landing]:
    return list(_landings)
