"""The two fragments repeated on the busiest pages — a post, a topic row — and the search results.

What each reader may do with a post is decided here, through ``forum.permissions``; the
markup is in Jinja2 templates (``jinja2/forum/``): Django's template engine spends about
0.5 ms per post on the includes, translations and filters of a post, which on a 50-post
page is more than the rest of the request. Addresses are reversed once per page, with a
placeholder for the post's number (``PkUrl``), not once per post. Everything from members
is escaped by the templates; ``body_html`` was sanitised by nh3 when the post was written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any, NamedTuple

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import TIME_STRINGS
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from markupsafe import Markup

from comcep import roles
from comcep.cache import LocalCopies
from comcep.jinja2 import PkUrl, macros, template
from comcep.timesince import one_unit_since
from forum import permissions
from forum.models import Topic
from forum.pages import PostView, TopicRow, short_month_names


@dataclass
class Reader:
    """Who reads a topic page, and what is theirs on it."""

    user: object
    last_read: int
    thanked_numbers: frozenset[int]
    can_reply: bool
    moderator: bool
    badges: dict[int, frozenset[str]]  # comcep.roles.badge_holders()
    now: datetime


class PostActions(NamedTuple):
    """How a post shows to one reader, and what they may do with it."""

    unread: bool
    accepted: bool
    see_body: bool
    expert: bool
    moderator: bool
    thank: bool
    thanked: bool
    quote: bool
    accept: bool
    edit: bool
    favourite: bool
    flag: bool
    restore: bool
    redact: bool
    review: bool  # the author of a hidden post may ask for it to be read again


def posts(request, topic: Topic, items: list[PostView], reader: Reader) -> SafeString:
    """The articles of a topic page: the shared part of each post, and the reader's actions."""
    user = reader.user
    accepted_id = topic.accepted_post_id
    can_quote = reader.can_reply
    moderator = reader.moderator
    badges, last_read, thanked_numbers = reader.badges, reader.last_read, reader.thanked_numbers
    now = reader.now
    expert_role, moderator_role = roles.Role.EXPERT, roles.Role.MODERATOR
    entries = []
    for post in items:
        author_roles = badges.get(post.author_id) or ()
        hidden = post.is_hidden
        entries.append((post, PostActions(
            unread=post.number > last_read,
            accepted=accepted_id == post.pk,
            see_body=permissions.can_see_body(user, post),
            expert=expert_role in author_roles,
            moderator=moderator_role in author_roles,
            thank=permissions.can_thank(user, post),
            thanked=post.number in thanked_numbers,
            quote=can_quote and not hidden,
            accept=permissions.can_accept_answer(user, topic, post),
            edit=permissions.can_edit_post(user, post, now=now),
            # The opening post is saved with its topic, by the page's one topic-level button.
            favourite=post.number > 1 and permissions.can_favourite(user, post),
            flag=permissions.can_flag(user, post),
            restore=moderator and hidden,
            redact=moderator and not hidden,
            review=hidden and permissions.can_request_review(user, post),
        )))
    urls = {
        "thank": PkUrl("forum:post_thank"),
        "quote": PkUrl.in_query("forum:reply", topic.pk, parameter="citer"),
        "accept": PkUrl("forum:post_accept"),
        "edit": PkUrl("forum:post_edit"),
        "favourite": PkUrl("forum:post_favourite"),
        "flag": PkUrl("forum:post_flag"),
        "restore": PkUrl("forum:post_restore"),
        "redact": PkUrl("forum:post_redact"),
        "review": PkUrl("forum:post_review_request"),
    }
    article, csrf = macros("forum/_posts.html").article, get_token(request)
    drawn: dict[tuple, list] = {}
    out = []
    for post, can in entries:
        # The posts of a page show in a few ways only: each is drawn once, then filled.
        way = (can, post.is_hidden, bool(post.thanks_count))
        pieces = drawn.get(way)
        if pieces is None:
            pieces = drawn[way] = _ARTICLE_MARKER.split(str(article(
                _MARKED_POST._replace(is_hidden=post.is_hidden,
                                      thanks_count=_MARKED_POST.thanks_count if post.thanks_count else 0),
                can, urls, csrf)))
        parts = {"n": str(post.number), "p": str(post.pk), "c": str(post.thanks_count),
                 "r": escape(post.hidden_reason), "a": post.author_html, "s": post.stamp_html,
                 "b": post.body_html}
        out.append(pieces[0])
        for index in range(1, len(pieces), 2):
            out.append(parts[pieces[index]])
            out.append(pieces[index + 1])
        out.append("\n")
    # Escaped by the template (hidden_reason here, as the template would); the shared parts
    # were drawn by templates when the page was built, body_html sanitised on write.
    return mark_safe("".join(out))  # noqa: S308


# Markers in the place of a post's own parts: its number, key, thanks count, the reason it
# was hidden, its author, its date and its text (the last three are markup already).
_MARKERS: dict[str, Any] = {  # strings where the view holds numbers: typed loosely
    "pk": "\x00p\x00", "topic_id": 0, "number": "\x00n\x00", "author_id": 0, "created_at": None,
    "is_hidden": False, "hidden_reason": "\x00r\x00", "thanks_count": "\x00c\x00",
    "author_html": Markup("\x00a\x00"), "stamp_html": Markup("\x00s\x00"),
    "body_html": Markup("\x00b\x00"),
}
_MARKED_POST = PostView(**_MARKERS)
_ARTICLE_MARKER = re.compile("\x00([pnrcasb])\x00")


def thanks_button(request, post, *, can_thank: bool, thanked: bool) -> SafeString:
    """The "Merci" of one post, as htmx puts it back after a click."""
    html = template("forum/_thanks.html").render({
        "post": post, "url": reverse("forum:post_thank", args=[post.pk]), "can_thank": can_thank,
        "thanked": thanked, "csrf": get_token(request),
    })
    return mark_safe(html)  # noqa: S308  (escaped by the template)


class _OncePerNumber:
    """One of timesince's strings ("%(num)d minutes"), translated once per number for a page
    rather than once per row."""

    __slots__ = ("string", "done")

    def __init__(self, string):
        self.string, self.done = string, {}

    def __mod__(self, values: dict) -> str:
        text = self.done.get(values["num"])
        if text is None:
            text = self.done[values["num"]] = self.string % values
        return text


def topic_rows(rows: list[TopicRow], last_read: dict[int, int]) -> SafeString:
    """A topic list: the shared rows, with the reader's unread marks."""
    now = timezone.now()
    last_activity = _("%(who)s, il y a %(when)s")
    # Each stands in for a str in timesince's "%" formatting.
    time_strings: dict[str, Any] = {name: _OncePerNumber(string) for name, string in TIME_STRINGS.items()}
    entries = [
        (row, last_read.get(row.pk), last_activity % {
            "who": row.last_poster,
            "when": one_unit_since(row.last_post_at, now, time_strings=time_strings)})
        for row in rows
    ]
    return mark_safe(template("forum/_topic_rows.html").render({"entries": entries}))  # noqa: S308


# The index's categories, drawn once per process for what they show (their counts move with
# every topic and post, so the key names them).
_category_lists = LocalCopies(size=20)


def category_list(categories) -> SafeString:
    """The categories on the forum's index, with their counts."""
    key = repr((get_language(), [(c.pk, c.slug, c.name, c.description, c.start_policy, c.topic_count,
                                  c.post_count) for c in categories]))
    html = _category_lists.get(key)
    if html is None:
        html = template("forum/_categories.html").render({
            "categories": categories,
            "category_url": PkUrl("forum:category", placeholder="zz-placeholder-zz")})
        _category_lists.put(key, html)
    return mark_safe(html)  # noqa: S308  (escaped by the template)


def search_results(results) -> SafeString:
    """The results of a search: topic, category, author, date and the highlighted excerpt."""
    html = template("forum/_search_results.html").render({
        "results": results, "months": short_month_names(), "localtime": timezone.localtime,
        "post_url": PkUrl("forum:post"),
    })
    return mark_safe(html)  # noqa: S308  (escaped by the template; excerpts by forum.search.highlight)
