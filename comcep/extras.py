"""What an app shows with another app's objects, registered in each app's ``AppConfig.ready``.

A page draws ``{% object_extras obj "actions" %}`` (``comcep_site`` tags) where extras belong;
the apps that add something to that kind of object registered it here. So the page's app does
not know which apps add what (a topic page shows the private space's favourite button, a
resource page the forum topics that cite it), and an app that is removed takes its extras with it.

An extra is a template and a function ``context(request, obj)`` giving that template's context,
or None when the extra has nothing to show to this reader. The function may read what it needs
(one query at most on a hot page: the favourite state of a topic page is read that way).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.html import format_html_join
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Extra:
    model: str  # the object's model, "app_label.modelname" (``_meta.label_lower``)
    slot: str  # where the page draws it: "actions" (beside the page's own buttons), "related"
    template: str
    context: Callable[[object, object], dict | None]


_extras: list[Extra] = []


def register(model: str, *, slot: str, template: str,
             context: Callable[[object, object], dict | None]) -> None:
    extra = Extra(model.lower(), slot, template, context)
    if extra not in _extras:
        _extras.append(extra)


def extras_for(model: str, slot: str) -> list[Extra]:
    return [extra for extra in _extras if extra.model == model and extra.slot == slot]


def render(request, obj, slot: str) -> SafeString:
    """The registered extras of ``obj`` for ``slot``, drawn in registration order."""
    if obj is None or getattr(obj, "pk", None) is None:
        return SafeString("")
    parts = []
    for extra in extras_for(obj._meta.label_lower, slot):
        context = extra.context(request, obj)
        if context is not None:
            parts.append((render_to_string(extra.template, {"object": obj, **context}, request=request),))
    return format_html_join("", "{}", parts)
