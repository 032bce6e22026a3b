"""The page shell's header and footer, drawn once per kind of reader and kept by each process.

Every page carries the same header (brand, menu, the links a person's roles open, the current
entry marked) and footer (legal links, language switch): on the forum's busiest pages they cost
as much as the page's own content. What they show depends only on the language, whether the
person is signed in and in the community, the links of their roles and the current entry; so
each process draws them once per such combination and keeps the markup. What is the request's
own is put in afterwards: the CSRF token (never shared between people), the address the language
switch comes back to, and what an app's base template adds after the community's links
(``{% block community_nav_end %}``, the forum's notifications count).

    {% site_header %}{% block community_nav_end %}{% endblock %}{% end_site_header %}
    {% site_footer %}
"""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

# Markers replaced by the request's own values; none can occur in a translated label or an address.
CSRF_MARK = "\x00csrf\x00"
SLOT_MARK = "\x00slot\x00"
NEXT_MARK = "\x00next\x00"

# A few dozen combinations at most (languages × role sets × current entries); the cap only
# guards against a registry that would grow without end.
MAX_KEPT = 2000
_kept: dict[tuple, tuple[str, tuple]] = {}


def _draw(name: str, context, **marks) -> str:
    user = context.get("user")
    community_links = tuple(context.get("community_links") or ())
    manager_links = tuple(context.get("manager_links") or ())
    # Links are the registry's own objects, alive while the process runs: their ids stand for them
    # (hashing them would translate every label at each request).
    current = context.get("nav_current", "")
    request = context.get("request")
    # The current entry is the page itself (aria-current="page") or the section holding it ("true").
    on_the_entry = bool(current) and request is not None and request.path == current
    key = (name, get_language(), bool(context.get("in_community")),
           bool(user is not None and user.is_authenticated),
           tuple(map(id, community_links)), tuple(map(id, manager_links)), current, on_the_entry)
    kept = _kept.get(key)
    if kept is None:
        with context.push(csrf_token=CSRF_MARK, **marks):
            markup = context.template.engine.get_template(f"partials/site_{name}.html").render(context)
        if len(_kept) >= MAX_KEPT:
            _kept.clear()
        # The links are kept with the markup so that their ids are not given to other objects.
        kept = _kept[key] = (str(markup).strip(), (community_links, manager_links))
    return kept[0]


def _token(context) -> str:
    """The request's CSRF token, masked once for the whole shell (each masking costs as much as
    drawing a few links; one per response is what the masking is for)."""
    request = context.get("request")
    kept = getattr(request, "_shell_csrf_token", None)
    if kept is not None:
        return kept
    token = context.get("csrf_token")
    kept = escape(str(token)) if token else ""
    if request is not None:
        request._shell_csrf_token = kept
    return kept


@register.simple_tag(takes_context=True)
def shell_csrf_token(context) -> str:
    """``{{ csrf_token }}`` for the shell's own uses (htmx's header), the same as its forms'."""
    return mark_safe(_token(context))  # noqa: S308  (escaped by _token)


class SiteHeaderNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context) -> str:
        markup = _draw("header", context, shell_slot=SLOT_MARK)
        return markup.replace(CSRF_MARK, _token(context)).replace(SLOT_MARK, self.nodelist.render(context))


@register.tag
def site_header(parser, token):
    nodelist = parser.parse(("end_site_header",))
    parser.delete_first_token()
    return SiteHeaderNode(nodelist)


@register.simple_tag(takes_context=True)
def site_footer(context) -> str:
    request = context.get("request")
    back = escape(request.get_full_path()) if request is not None else "/"
    markup = _draw("footer", context, shell_next=NEXT_MARK)
    # Safe: drawn by the template (escaped there), the token and the address escaped here.
    return mark_safe(markup.replace(CSRF_MARK, _token(context)).replace(NEXT_MARK, back))  # noqa: S308
