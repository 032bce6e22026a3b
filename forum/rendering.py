"""Markdown to safe HTML for posts, on the site's one Markdown set-up (comcep.markdown).

Images are shown only when they point to our own attachments, so that a post cannot track its
readers with a remote image. Mentions (``@[Pseudonym with spaces]`` or ``@Pseudonym``) are
resolved before rendering and become links to the member's forum profile. Bare addresses
become links; a link to a library resource alone in its paragraph becomes the resource's card.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from html import unescape
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

from comcep import markdown
from comcep.jinja2 import PkUrl, macros

MENTION_RE = re.compile(r"@\[([^\[\]\n]{2,40})\]|@([^\W_][\w.\-]{1,39})")


@cache
def attachment_prefix() -> str:
    """Where attached images are served from (forum:attachment), "/forum/images/"."""
    return reverse("forum:attachment_upload")


@cache
def quote_link_re() -> re.Pattern:
    """A link to a post's permalink (forum:post): quoting a post writes one, that is how a
    quote is recognised."""
    url = PkUrl("forum:post")
    return re.compile(re.escape(url.head) + r"(\d+)" + re.escape(url.tail))


@cache
def _member_url() -> PkUrl:
    return PkUrl("forum:member", placeholder="z" * 16)  # a well-formed public id, which the route needs
# A link to a library resource alone in its paragraph becomes a card. Recognised by its
# path only (/ressources/<id>/, or /ressources/<id>/a/<seconds>/ for a video at a moment),
# so the forum never depends on the library's code.
RESOURCE_CARD_RE = re.compile(
    r'<p>(?:<a href="(?P<origin>https?://[^/"]+)?/ressources/(?P<pk>\d+)/(?:a/(?P<start>\d+)/)?"'
    r' rel="[^"]*">(?P<text>[^<]{1,300})</a>'
    r'|(?P<bare>/ressources/(?P<bare_pk>\d+)/(?:a/(?P<bare_start>\d+)/)?))</p>'
)
# Any link to a library resource in a rendered post, card or not: the resources it cites.
RESOURCE_LINK_RE = re.compile(r'href="(?P<origin>https?://[^/"]+)?/ressources/(?P<pk>\d+)/')


def _is_this_site(origin: str | None) -> bool:
    """A link's origin is this site's, or it has none (a relative link)."""
    from django.conf import settings

    return not origin or origin.rstrip("/") == settings.SITE_URL.rstrip("/")


def cited_resource_ids(html: str) -> set[int]:
    """The ids of the library resources that a rendered post links to on this site."""
    return {int(match["pk"]) for match in RESOURCE_LINK_RE.finditer(html) if _is_this_site(match["origin"])}

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul", "span", "div",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "code": {"class"},
    "span": {"class"},
    "div": {"class"},
    "th": {"class"},
    "td": {"class"},
    "ol": {"start"},
}


@dataclass
class Rendered:
    html: str
    mentioned: set[str] = field(default_factory=set)  # pseudonym keys resolved to members
    quoted_post_ids: set[int] = field(default_factory=set)


def _mention_rule(state, silent: bool) -> bool:
    pos = state.pos
    if state.src[pos] != "@":
        return False
    if pos > 0 and (state.src[pos - 1].isalnum() or state.src[pos - 1] in "_.-"):
        return False  # part of an address or a word, not a mention
    match = MENTION_RE.match(state.src, pos)
    if not match:
        return False
    name = (match.group(1) or match.group(2)).strip()
    members = state.env.get("mentions", {})
    from comcep.pseudonyms import key

    found = members.get(key(name))
    if found is None:
        return False
    if not silent:
        token = state.push("mention", "", 0)
        token.meta = {"public_id": found[0], "pseudonym": found[1]}
        state.env.setdefault("mentioned", set()).add(key(name))
    state.pos = match.end()
    return True


def _render_mention(self, tokens, idx, options, env) -> str:
    meta = tokens[idx].meta
    return str(macros("forum/_post_parts.html").mention(_member_url()(meta["public_id"]), meta["pseudonym"]))


def _render_image(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    src = token.attrGet("src") or ""
    alt = self.renderInlineAsText(token.children or [], options, env)
    parts = macros("forum/_post_parts.html")
    if src.startswith(attachment_prefix()) and ".." not in src:
        return str(parts.image(src, alt))
    # A remote image would let its host see who reads the post: its description instead.
    return str(parts.remote_image(_("[image : %(description)s]") % {"description": alt}))


def _make_parser() -> MarkdownIt:
    md = markdown.parser(strikethrough=True, linkify=True)
    md.inline.ruler.before("emphasis", "mention", _mention_rule)
    md.add_render_rule("mention", _render_mention)
    md.add_render_rule("image", _render_image)
    return md


_parser = _make_parser()


def mention_names(text: str) -> set[str]:
    """The pseudonyms a text mentions, as written."""
    return {(m.group(1) or m.group(2)).strip() for m in MENTION_RE.finditer(text)}


def quoted_post_ids(text: str) -> set[int]:
    ids: set[int] = set()
    for line in text.splitlines():
        if line.lstrip().startswith(">"):
            ids.update(int(n) for n in quote_link_re().findall(line))
    return ids


def sanitise(html: str) -> str:
    return markdown.sanitise(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                             link_rel="nofollow noopener noreferrer ugc",
                             attribute_filter=_filter_attribute)


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not value.startswith(attachment_prefix()):
        return None
    if attribute == "class" and not re.fullmatch(r"[\w\- ]{0,80}", value):
        return None
    return markdown.keep_alignment_classes(tag, attribute, value)


@cache
def _resource_url() -> PkUrl:
    return PkUrl("resources:detail")


@cache
def _resource_moment_url() -> tuple[str, str, str]:
    """resources:detail_at split around its two numbers (the resource, the second)."""
    url = reverse("resources:detail_at", args=[1234567, 7654321])
    head, rest = url.split("1234567", 1)
    middle, tail = rest.split("7654321", 1)
    return head, middle, tail


def add_resource_cards(html: str, titles: dict[int, str] | None = None) -> str:
    """Turn sanitised links to library resources, alone in their paragraph, into cards.

    ``titles``: the titles of the published resources the post cites, when the caller looked
    them up; a card then bears the resource's own title, and a link to anything else (a
    resource withdrawn or never published) stays an ordinary link.
    """
    parts = macros("forum/_post_parts.html")

    def card(match: re.Match) -> str:
        if match["bare"]:
            pk, start, text = int(match["bare_pk"]), int(match["bare_start"] or 0), None
        elif _is_this_site(match["origin"]):
            pk, start, text = int(match["pk"]), int(match["start"] or 0), match["text"]
        else:
            return match.group(0)  # another site's /ressources/ page: an ordinary link
        if titles is not None:
            if pk not in titles:
                return match.group(0)
            title = titles[pk]
        elif text is not None:
            title = unescape(text)  # as typed: the card escapes it again
        else:
            return match.group(0)
        if start:
            head, middle, tail = _resource_moment_url()
            url = f"{head}{pk}{middle}{start}{tail}"
        else:
            url = _resource_url()(pk)
        moment = _("à %(time)s") % {"time": f"{start // 60}:{start % 60:02d}"} if start else ""
        return str(parts.resource_card(url, title, moment))

    return RESOURCE_CARD_RE.sub(card, html)


def cited_in_text(html: str) -> set[int]:
    """The resources a rendered post links to on this site, or names by a bare path alone in a
    paragraph (which becomes a card)."""
    bare = {int(m["bare_pk"]) for m in RESOURCE_CARD_RE.finditer(html) if m["bare"]}
    return cited_resource_ids(html) | bare


def render(text: str, *, members: dict[str, tuple[str, str]] | None = None,
           resource_titles: Callable[[set[int]], dict[int, str]] | None = None) -> Rendered:
    """Render ``text``; ``members`` maps pseudonym keys to (member public id, pseudonym);
    ``resource_titles`` gives the titles of the published resources among the ids it is given
    (a card is drawn for those only)."""
    env: dict[str, Any] = {"mentions": members or {}}
    html = sanitise(_parser.render(text, env))
    titles = None
    if resource_titles is not None:
        cited = cited_in_text(html)
        titles = resource_titles(cited) if cited else {}
    return Rendered(
        html=add_resource_cards(html, titles),
        mentioned=env.get("mentioned", set()),
        quoted_post_ids=quoted_post_ids(text),
    )

