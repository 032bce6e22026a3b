"""The Jinja2 environment of the few fragments repeated on the busiest pages (jinja2/).

The forum's posts and topic rows are drawn once per post or row, fifty times a page:
Django's template engine spends about 0.5 ms per post on them, Jinja2's compiled templates
a few microseconds. Everything else stays in Django templates (templates/). Autoescape is
on, and translations go through Django's catalogue, so a msgid is the same in both.
"""

from __future__ import annotations

import re
from functools import cache
from html import escape

from django.template import engines
from django.template.backends.jinja2 import Jinja2
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language, gettext, ngettext, pgettext

from jinja2 import Environment


def environment(**options) -> Environment:
    options.setdefault("autoescape", True)
    extensions = {*options.pop("extensions", ()), "jinja2.ext.i18n"}
    env = Environment(extensions=sorted(extensions), **options)  # noqa: S701  (autoescape on, above)
    # Added by the i18n extension above, so the stubs of Environment do not know it.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=True, pgettext=pgettext)
    return env


def template(name: str):
    """A template of ``jinja2/``, through Django's backend (which keeps them compiled)."""
    return engines["jinja2"].get_template(name)


def _jinja_env() -> Environment:
    backend = engines["jinja2"]
    assert isinstance(backend, Jinja2)
    return backend.env


@cache
def _module(name: str, language: str):
    return _jinja_env().get_template(name).module


def macros(name: str):
    """The macros of a template of ``jinja2/``, callable from Python (they return escaped markup).

    The module is made once per language: what its top level sets (the labels its macros
    share, translated) is computed then, not at every call."""
    if _jinja_env().auto_reload:  # development: follow the file
        return _jinja_env().get_template(name).module
    return _module(name, get_language() or "")


def filler(template_name: str, macro: str, arity: int, **fixed):
    """A macro of ``jinja2/`` drawn once with markers in the place of its first ``arity``
    arguments, then filled for each row by joining strings: ``fill(*texts)``, each text escaped
    as the template escapes it (``&<>"'``).

    For fragments drawn for every row of a page as it is first built, where a macro call
    costs several times the rest of the row's work. Only for macros that write these
    arguments out as they are (escaped), and branch on none of them (``fixed`` ones may).
    """
    markers = [f"\x00{index}\x00" for index in range(arity)]
    pieces = _MARKER.split(str(getattr(macros(template_name), macro)(*markers, **fixed)))
    texts, order = pieces[0::2], [int(index) for index in pieces[1::2]]
    head, rest = texts[0], list(zip(order, texts[1:], strict=True))

    def fill(*args) -> str:
        out = [head]
        for index, text in rest:
            out.append(escape(args[index]))
            out.append(text)
        return "".join(out)

    return fill


_MARKER = re.compile("\x00(\\d+)\x00")


# A number no row has, reversed in the place of a primary key and then swapped for each row's.
_PLACEHOLDER = "2147483647"


class PkUrl:
    """The address of a route for any primary key from one ``reverse()``: ``url(pk)``.

    A page that links fifty rows to the same route reverses it once, and a process reverses
    each route once: the split address is kept per URLconf and script prefix, the only things
    besides its arguments that an address depends on.
    """

    __slots__ = ("head", "tail")
    _split: dict[tuple, tuple[str, str]] = {}

    def __init__(self, name: str, *args, placeholder: str = _PLACEHOLDER):
        # ``placeholder``: a value the route accepts, for routes whose key is not a number.
        key = (name, placeholder, get_urlconf(), get_script_prefix())
        split = None if args else self._split.get(key)  # with arguments: one object's, not kept
        if split is None:
            head, tail = reverse(name, args=[*args, placeholder]).split(placeholder)
            split = (head, tail)
            if not args:
                self._split[key] = split
        self.head, self.tail = split

    @classmethod
    def in_query(cls, name: str, *args, parameter: str) -> PkUrl:
        """A fixed address with the primary key as a query parameter: ``…/repondre/?citer=<pk>``."""
        url = cls.__new__(cls)
        url.head, url.tail = f"{reverse(name, args=args)}?{parameter}=", ""
        return url

    def __call__(self, pk) -> str:
        return f"{self.head}{pk}{self.tail}"
