"""The favourite button that the private space adds to the pages of other apps' objects
(registered in ``PrivatespaceConfig.ready`` through ``comcep.extras``)."""

from __future__ import annotations

from comcep import roles
from privatespace import services

# What a member may keep in favourites, shown with its button on the object's own page.
FAVOURITE_MODELS = ("forum.topic", "forum.post", "resources.resource")


def favourite_state(request, obj) -> dict | None:
    """What the favourite button needs for ``obj`` (one query: the member's favourite of it),
    or None for people with no private space."""
    user = getattr(request, "user", None)
    if obj is None or getattr(obj, "pk", None) is None or not roles.is_community_member(user):
        return None
    return {
        "token": services.favourite_token(user, obj),
        "favourite_id": services.favourite_id(user, obj),
        "dom_id": f"favourite-{obj._meta.label_lower.replace('.', '-')}-{obj.pk}",
        "next": request.get_full_path(),
    }


def favourite_extra(request, obj) -> dict | None:
    fav = favourite_state(request, obj)
    return None if fav is None else {"fav": fav}
