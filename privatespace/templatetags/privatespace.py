from __future__ import annotations

from django import template

from comcep import roles
from comcep.markdown import render_markdown
from privatespace import services
from privatespace.models import Favourite

register = template.Library()


@register.simple_tag(takes_context=True)
def favourite_state(context, obj):
    """What the favourite button needs for ``obj``: None for people with no private space.

    A page that already read the member's favourite along with ``obj`` sets it as
    ``obj.favourite_id`` (None when not saved), which spares a query.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if obj is None or getattr(obj, "pk", None) is None or not roles.is_community_member(user):
        return None
    if hasattr(obj, "favourite_id"):
        favourite = Favourite(pk=obj.favourite_id) if obj.favourite_id else None
    else:
        favourite = services.find_favourite(user, obj)
    return {
        "token": services.favourite_token(user, obj),
        "favourite": favourite,
        "dom_id": f"favourite-{obj._meta.label_lower.replace('.', '-')}-{obj.pk}",
        "next": request.get_full_path(),
    }


@register.filter
def markdown(text: str):
    return render_markdown(text)
