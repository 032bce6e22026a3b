"""The community home: what each app shows a signed-in member, registered in its ``AppConfig.ready``.

The home page (``comcep.views.community``) knows no app: it draws, in ``rank`` order, the
sections the apps registered here (the latest topics, the coming live sessions, the new
resources, the member's courses…), and an app that is removed takes its section with it.

A section is a template (``templates/<app>/home_<name>.html``) and two functions:

- ``shared()`` gives what every member sees the same (the newest topics, the new resources).
  It is called on every request, so it reads from the shared cache, under keys that carry
  what moves on each change (the forum's ``Category.revision``, or a ``generation`` of this
  module that the app bumps when its rows change): a stale section is never served and
  nothing needs to be deleted. None shows nothing.
- ``context(request, member)`` gives what belongs to the member (their region, the
  categories they follow, their courses), read per request, in one query at most: the
  home's query budget (``tests/comcep/test_home.py``) counts every section. None hides the
  section for this member.

The template receives both dictionaries merged (the member's keys win), plus ``section``.
Only pseudonyms reach a section: the home is seen by its member only, but what it lists was
written by others.

Reserved slot « legal changes » (``LEGAL_CHANGES``, rank ``LEGAL_CHANGES_RANK``): the
library registers there the latest changes of its regulatory watch
(``latest_changes(limit=5)`` of its watch module), as one more ``register`` call of its
``AppConfig.ready`` with a ``shared`` function and a ``home_legal_changes.html`` template.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from django.core.cache import cache as shared_cache
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from comcep.cache import LocalCopies, db_scoped_key

if TYPE_CHECKING:
    from comcep.models import Member

# What a section gives for the member's own part: (request, member) -> its context, or None.
MemberContext = Callable[[Any, "Member"], dict | None]

# The ranks the apps use, so that the page reads from what is happening now to what is kept.
LEGAL_CHANGES = "legal changes"
LEGAL_CHANGES_RANK = 35

# What a section keeps in the shared cache lives at most this long (a day, as the forum's pages):
# keys carry their version, so the expiry only makes room.
SHARED_TTL = 24 * 3600
# Each process keeps the last values it read, in front of the shared cache.
local_copies = LocalCopies(size=100)


@dataclass(frozen=True)
class Section:
    name: str
    rank: int
    template: str
    context: MemberContext | None = None
    shared: Callable[[], dict | None] | None = None


class DrawnSection(NamedTuple):
    name: str
    html: SafeString


_sections: dict[str, Section] = {}


def register(name: str, *, rank: int, template: str,
             context: MemberContext | None = None,
             shared: Callable[[], dict | None] | None = None) -> None:
    """Show ``template`` on the community home at ``rank`` (lower first); one section per name."""
    _sections[name] = Section(name, rank, template, context, shared)


def sections() -> list[Section]:
    return sorted(_sections.values(), key=lambda section: (section.rank, section.name))


def draw(request, member) -> list[DrawnSection]:
    """The sections ``member`` sees, drawn in rank order; none for anyone outside the community
    (the page requires it already: a staff account that is no member sees no member's data)."""
    from comcep import roles

    if member is None or not member.pk or not roles.is_community_member(request.user):
        return []
    drawn = []
    for section in sections():
        context: dict = {}
        if section.shared is not None:
            shared = section.shared()
            if shared is None:
                continue
            context.update(shared)
        if section.context is not None:
            own = section.context(request, member)
            if own is None:
                continue
            context.update(own)
        context["section"] = section.name
        drawn.append(DrawnSection(section.name, render_to_string(section.template, context, request=request)))
    return drawn


# --- Generations: the version of what an app keeps in the shared cache ----------------------


def _generation_key(name: str) -> str:
    return db_scoped_key("home:generation", name)


def generation(name: str) -> int:
    """The current generation of ``name``: part of the keys of what is cached from its rows."""
    value = shared_cache.get(_generation_key(name))
    if value is None:
        # Unknown (first use, or the cache was emptied): a new one, so that nothing cached
        # under a former generation can be read again.
        import secrets

        value = secrets.randbelow(1 << 30)
        if not shared_cache.add(_generation_key(name), value, None):
            value = shared_cache.get(_generation_key(name), value)
    return int(value)


def bump(name: str) -> None:
    """What is cached for ``name`` is out of date: now, and again once the transaction commits
    (a reader between the two would otherwise cache the rows of before the change)."""
    def move():
        with suppress(ValueError):  # no generation yet: the next reader draws a new one
            shared_cache.incr(_generation_key(name))

    move()
    transaction.on_commit(move)


def cached(key_parts: tuple, build: Callable[[], object], *, ttl: int = SHARED_TTL):
    """The value under a versioned key (``key_parts`` carry the revisions or the generation):
    from this process, else the shared cache, else ``build()``."""
    from django.utils import translation

    key = db_scoped_key("home", *key_parts, translation.get_language() or "")
    value = local_copies.get(key)
    if value is None:
        value = shared_cache.get(key)
        if value is None:
            value = build()
            shared_cache.set(key, value, ttl)
        local_copies.put(key, value)
    return value
