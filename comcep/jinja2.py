"""The Jinja2 environment of the few fragments repeated on the busiest pages (jinja2/).

The forum's posts and topic rows are drawn once per post or row, fifty times a page:
Django's template engine spends about 0.5 ms per post on them, Jinja2's compiled templates
a few microseconds. Everything else stays in Django templates (templates/). Autoescape is
on, and translations go through Django's catalogue, so a msgid is the same in both.
"""

from __future__ import annotations

from functools import cache

from django.template import engines
from django.urls import reverse
from django.utils.translation import gettext, ngettext, pgettext

from jinja2 import Environment


def environment(**options) -> Environment:
    options.setdefault("autoescape", True)
    extensions = {*options.pop("extensions", ()), "jinja2.ext.i18n"}
    env = Environment(extensions=sorted(extensions), **options)  # noqa: S701  (autoescape on, above)
    env.install_gettext_callables(gettext, ngettext, newstyle=True, pgettext=pgettext)
    return env


def template(name: str):
    """A template of ``jinja2/``, through Django's backend (which keeps them compiled)."""
    return engines["jinja2"].get_template(name)


@cache
def _module(name: str):
    return engines["jinja2"].env.get_template(name).module


def macros(name: str):
    """The macros of a template of ``jinja2/``, callable from Python (they return escaped markup)."""
    if engines["jinja2"].env.auto_reload:  # development: follow the file
        return engines["jinja2"].env.get_template(name).module
    return _module(name)


# A number no row has, reversed in the place of a primary key and then swapped for each row's.
_PLACEHOLDER = "2147483647"


class PkUrl:
    """The address of a route for any primary key from one ``reverse()``: ``url(pk)``.

    A page that links fifty rows to the same route reverses it once.
    """

    __slots__ = ("head", "tail")

    def __init__(self, name: str, *args):
        self.head, self.tail = reverse(name, args=[*args, _PLACEHOLDER]).split(_PLACEHOLDER)

    @classmethod
    def in_query(cls, name: str, *args, parameter: str) -> PkUrl:
        """A fixed address with the primary key as a query parameter: ``…/repondre/?citer=<pk>``."""
        url = cls.__new__(cls)
        url.head, url.tail = f"{reverse(name, args=args)}?{parameter}=", ""
        return url

    def __call__(self, pk) -> str:
        return f"{self.head}{pk}{self.tail}"
