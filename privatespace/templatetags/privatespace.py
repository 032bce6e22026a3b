from __future__ import annotations

from django import template

from comcep.markdown import render_markdown
from privatespace import extras

register = template.Library()


@register.simple_tag(takes_context=True)
def favourite_state(context, obj):
    """What the favourite button needs for ``obj``: None for people with no private space."""
    return extras.favourite_state(context.get("request"), obj)


@register.filter
def markdown(text: str):
    return render_markdown(text)
