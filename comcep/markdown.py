"""Markdown to safe HTML, the one set-up of the site: markdown-it-py renders with raw HTML off,
nh3 keeps only the tags and attributes each use allows and drops every event handler and any
link that is not http(s), mailto or relative.

``render_markdown`` is for texts written by trusted authors and members alike (lessons, legal
texts). The forum builds on ``parser`` and ``sanitise`` with its own rules (mentions, images of
its own attachments, resource cards): forum/rendering.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

URL_SCHEMES = {"http", "https", "mailto"}

# A table column's alignment, which markdown-it writes as a style attribute.
_ALIGNMENT_STYLE_RE = re.compile(r"text-align:(left|center|right)")
ALIGNMENT_CLASSES = {"align-left", "align-center", "align-right"}


def _alignment_as_class(state) -> None:
    """Table cells are aligned by a class of ours: the Content-Security-Policy refuses style
    attributes."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open") and "style" in token.attrs:
            match = _ALIGNMENT_STYLE_RE.fullmatch(str(token.attrs.pop("style")))
            if match:
                token.attrSet("class", f"align-{match[1]}")


def parser(*, strikethrough: bool = False, linkify: bool = False) -> MarkdownIt:
    """CommonMark with tables, raw HTML off; ``linkify``: bare addresses with a scheme
    (http, https) become links, and nothing else: text like "M.Dupont" or "cf.fr" stays text."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": linkify, "typographer": False})
    md.enable(["table", "strikethrough"] if strikethrough else ["table"])
    if linkify:
        md.enable("linkify")
        assert md.linkify is not None  # set up by the linkify option, from linkify-it-py
        md.linkify.set({"fuzzy_link": False, "fuzzy_email": False})
    md.core.ruler.push("alignment_as_class", _alignment_as_class)
    return md


def keep_alignment_classes(tag: str, attribute: str, value: str) -> str | None:
    """An nh3 attribute filter: a table cell's class only when it is one of our alignments."""
    if tag in ("th", "td") and attribute == "class" and value not in ALIGNMENT_CLASSES:
        return None
    return value


def sanitise(html: str, *, tags: set[str], attributes: dict[str, set[str]], link_rel: str,
             attribute_filter: Callable[[str, str, str], str | None] = keep_alignment_classes) -> str:
    return nh3.clean(html, tags=tags, attributes=attributes, url_schemes=URL_SCHEMES,
                     link_rel=link_rel, strip_comments=True, attribute_filter=attribute_filter)


_md = parser()

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"class"}, "td": {"class"}}


def render_markdown(text: str) -> SafeString:
    html = _md.render(text or "")
    # A text's own headings sit under the page's h1.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = sanitise(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     link_rel="noopener noreferrer nofollow")
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
