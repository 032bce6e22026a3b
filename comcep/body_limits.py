"""How large a request body each route accepts, refused before the body is read.

The limits are declared once, in ``settings.REQUEST_BODY_LIMITS``: for each upload route
(by URL name) what is sent there and where its file limit is read. A route takes its file
limit plus ``REQUEST_BODY_DEFAULT_BYTES`` (the rest of the form); every other route takes
``REQUEST_BODY_DEFAULT_BYTES``. The reverse proxy (``deploy/nginx/comcep.conf``) applies
the same limits in front, and the tests check that both agree.

Django alone would read a body as the view asks for it; a request that declares more than
its route accepts is answered 413 here, from its ``Content-Length``, before anything reads it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.module_loading import import_string
from django.utils.translation import pgettext

MB = 1024 * 1024
GB = 1024 * MB


@dataclass(frozen=True, slots=True)
class RouteLimit:
    url_name: str
    what: str  # what is sent there, in French
    file_bytes: int  # the largest file the route accepts

    @property
    def body_bytes(self) -> int:
        """The file and the rest of its form."""
        return self.file_bytes + default_bytes()


def default_bytes() -> int:
    return settings.REQUEST_BODY_DEFAULT_BYTES


def _read_limit(source) -> int:
    value = import_string(source) if isinstance(source, str) else source
    return int(value() if callable(value) else value)


def route_limits() -> list[RouteLimit]:
    """Every upload route with its limits, read from the settings and the apps' own limits."""
    return [RouteLimit(name, str(what), _read_limit(source))
            for name, (what, source) in settings.REQUEST_BODY_LIMITS.items()]


def body_limit_for(path: str) -> int:
    """The largest body, in bytes, that a request to ``path`` may declare."""
    try:
        match = resolve(path)
    except Resolver404:
        return default_bytes()
    # Read each time (only for a body larger than a form): settings overridden in tests apply.
    limits = {limit.url_name: limit.body_bytes for limit in route_limits()}
    return limits.get(match.view_name, default_bytes())


def human_size(n: int) -> str:
    """A size as the 413 pages write it: "5 Mo", "2 Go", "1,5 Mo"."""
    for unit, size in ((pgettext("unité de taille", "Go"), GB), (pgettext("unité de taille", "Mo"), MB),
                       (pgettext("unité de taille", "Ko"), 1024)):
        if n >= size:
            text = f"{n / size:.1f}".removesuffix(".0").replace(".", ",")
            return f"{text}\u00a0{unit}"
    return f"{n}\u00a0" + pgettext("unité de taille", "octets")


def declared_length(request) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0  # Django reads no body for a Content-Length it cannot read either


class BodyLimitMiddleware:
    """Answers 413 to a request whose declared body is larger than its route accepts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = declared_length(request)
        if declared > default_bytes():
            limit = body_limit_for(request.path_info)
            if declared > limit:
                return too_large(request, limit=limit)
        return self.get_response(request)


def too_large(request, *, limit: int) -> HttpResponse:
    # Rendered without the request: this runs before sessions and accounts are read.
    response = HttpResponse(render_to_string("413.html", {
        "route_limit": human_size(limit),
        "form_limit": human_size(default_bytes()),
        # Several routes take the same kind of file: each kind is listed once.
        "limits": list(dict.fromkeys((limit.what, human_size(limit.file_bytes))
                                     for limit in route_limits())),
    }), status=413)
    # Its length said, so that the client reads the answer whole while its body is still unsent.
    response["Content-Length"] = len(response.content)
    return response
