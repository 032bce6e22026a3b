"""Who has blocked whom, asked by any app and answered by the apps that keep blocks.

A member blocks another from their private conversations (``conversations.Block``); the block
also keeps the blocked member's @mentions in the forum from reaching them. The forum must not
know the conversations, so it asks here, and the conversations answer through the function
they register in their ``AppConfig.ready``. The blocked member is never told: their post is
published and shows the mention as usual, only its notification is not sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

# A source answers: of ``member_ids``, those who have blocked ``author_id``.
BlockSource = Callable[[int, set[int]], Iterable[int]]

_sources: list[BlockSource] = []


def register(source: BlockSource) -> None:
    if source not in _sources:
        _sources.append(source)


def blockers_of(author_id: int, member_ids: Iterable[int]) -> set[int]:
    """Those of ``member_ids`` who have blocked ``author_id`` (no query when there is nobody to ask about)."""
    candidates = set(member_ids) - {author_id}
    if not candidates:
        return set()
    blockers: set[int] = set()
    for source in _sources:
        blockers.update(source(author_id, candidates))
    return blockers & candidates
