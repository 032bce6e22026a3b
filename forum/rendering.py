"""Markdown to safe HTML for posts.

markdown-it renders with raw HTML off; nh3 then keeps only a short list of
tags and attributes, drops every event handler and any link that is not
http(s), mailto or relative. Images are shown only when they point to our own
attachments, so that a post cannot track its readers with a remote image.
Mentions (``@[Pseudonym with spaces]`` or ``@Pseudonym``) are resolved before
rendering and become links to the member's forum profile.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from html import escape

import nh3
from django.urls import reverse
from markdown_it import MarkdownIt

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
    r'<p><a href="(?P<origin>https?://[^/"]+)?/ressources/(?P<pk>\d+)/(?:a/(?P<start>\d+)/)?"'
    r' rel="[^"]*">(?P<text>[^<]{1,300})</a></p>'
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
    if src.startswith(attachment_prefix()) and ".." not in src:
        return f'<img src="{escape(src)}" alt="{escape(alt)}" loading="lazy">'
    # A remote image would let its host see who reads the post: show a plain link instead.
    return escape(f"[image : {alt}]")


# A table column's alignment, which markdown-it writes as a style attribute.
ALIGNMENT_STYLE_RE = re.compile(r"text-align:(left|center|right)")
ALIGNMENT_CLASSES = {"align-left", "align-center", "align-right"}


def _alignment_as_class(state) -> None:
    """Table cells are aligned by a class of ours: the Content-Security-Policy refuses style attributes."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open") and "style" in token.attrs:
            match = ALIGNMENT_STYLE_RE.fullmatch(str(token.attrs.pop("style")))
            if match:
                token.attrSet("class", f"align-{match[1]}")


def _make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.inline.ruler.before("emphasis", "mention", _mention_rule)
    md.add_render_rule("mention", _render_mention)
    md.add_render_rule("image", _render_image)
    md.core.ruler.push("alignment_as_class", _alignment_as_class)
    return md


_parser = _make_parser()


def mention_names(text: str) -> set[str]:
    """The pseudonyms a text mentions, as written."""
    return {(m.group(1) or m.group(2)).strip() for m in MENTION_RE.finditer(text)}


def quoted_post_ids(text: str) -> set[int]:
    ids = set()
    for line in text.splitlines():
        if line.lstrip().startswith(">"):
            ids.update(int(n) for n in quote_link_re().findall(line))
    return ids


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer ugc",
        strip_comments=True,
        attribute_filter=_filter_attribute,
    )


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not value.startswith(attachment_prefix()):
        return None
    if attribute == "class" and not re.fullmatch(r"[\w\- ]{0,80}", value):
        return None
    if tag in ("th", "td") and attribute == "class" and value not in ALIGNMENT_CLASSES:
        return None
    return value


def _resource_card(match: re.Match) -> str:
    from django.utils.translation import gettext as _

    if not _is_this_site(match.group("origin")):
        return match.group(0)  # another site's /ressources/ page: an ordinary link
    start = int(match.group("start") or 0)
    path = f"/ressources/{int(match.group('pk'))}/" + (f"a/{start}/" if start else "")
    moment = ""
    if start:
        moment = f' <span class="resource-card-moment">{_("à %s") % f"{start // 60}:{start % 60:02d}"}</span>'
    return (
        f'<p><a class="resource-card" href="{path}"><span class="resource-card-kind">'
        f'{escape(_("Ressource de la bibliothèque"))}</span> '
        f'<span class="resource-card-title">{match.group("text")}</span>{moment}</a></p>'
    )


def add_resource_cards(html: str) -> str:
    """Turn sanitised links to library resources, alone in their paragraph, into cards."""
    return RESOURCE_CARD_RE.sub(_resource_card, html)


def render(text: str, *, members: dict[str, tuple[str, str]] | None = None) -> Rendered:
    """Render ``text``; ``members`` maps pseudonym keys to (member public id, pseudonym)."""
    env = {"mentions": members or {}}
    html = _parser.render(text, env)
    return Rendered(
        html=add_resource_cards(sanitise(html)),
        mentioned=env.get("mentioned", set()),
        quoted_post_ids=quoted_post_ids(text),
    )

