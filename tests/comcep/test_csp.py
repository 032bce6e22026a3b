"""Every page carries a strict Content-Security-Policy, and no page needs it loosened.

An injected script finds nothing it may run: no inline script, style attribute or event
handler is allowed, nor eval, nor anything from another site. So that the site keeps
working under that policy, every page reachable by any persona is read here for the inline
markup the policy would block (the browser itself checks the same in tests/e2e/test_csp.py).
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from importlib import import_module
from urllib.parse import urljoin, urlparse

import pytest
from csp.middleware import CSPMiddleware
from django.apps import apps
from django.core.management import call_command
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import Resolver404, resolve

from comcep.demo import DEMO_DOMAIN
from comcep.models import Operator, User
from forum import services
from forum.models import Category, Post, TopicKind
from forum.rendering import render
from tests import factories
from tests.factories import with_totp

# Links a crawl never follows: they end the session or only switch the language.
SKIP = ("/compte/logout", "/langue/", "/static/", "logout", "deconnexion")
# A crawl opens at most this many pages of one route (one topic page stands for all).
PER_ROUTE = 3
MAX_PAGES = 400
LINK = re.compile(r"""(?:href|hx-get)=["']([^"'#]+)""")
# Script types a browser does not run (data read by our scripts and allauth's).
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "text/template"}


def policy_of(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def route_key(path: str) -> str | None:
    """The route a path belongs to (its query's names included), or None if none matches."""
    url = urlparse(path)
    try:
        match = resolve(url.path)
    except Resolver404:
        return None
    names = sorted({pair.split("=")[0] for pair in url.query.split("&") if pair})
    return f"{match.route}?{'&'.join(names)}"


def links_in(html: str, base: str, host: str) -> list[str]:
    """Same-site paths a page links to (anchors, and the fragments htmx loads)."""
    found = []
    for href in LINK.findall(html):
        url = urlparse(urljoin(base, href.replace("&amp;", "&")))
        if url.netloc in ("", host) and url.path.startswith("/") and not url.path.startswith("//"):
            found.append(url.path + (f"?{url.query}" if url.query else ""))
    return found


class InlineMarkup(HTMLParser):
    """What in a page the policy would block: inline scripts, styles and event handlers."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocked: list[str] = []
        self._script_has_src = True

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script":
            kind = (names.get("type") or "").split(";")[0].strip().lower()
            self._script_has_src = "src" in names or kind in DATA_SCRIPT_TYPES
        if tag == "style":
            self.blocked.append("<style> element")
        for name, value in attrs:
            if name == "style":
                self.blocked.append(f'<{tag} style="{value}">')
            elif name.startswith("on") or name.startswith(("hx-on", "data-hx-on")):
                self.blocked.append(f"<{tag} {name}=…>")
            elif name in ("href", "src", "action", "formaction") and (value or "").strip(
            ).lower().startswith("javascript:"):
                self.blocked.append(f"<{tag} {name}=javascript:…>")
            elif name in ("hx-vals", "hx-vars", "data-hx-vals") and (value or "").lstrip(
            ).startswith(("js:", "javascript:")):
                self.blocked.append(f"<{tag} {name}=js:…>")

    def handle_data(self, data):
        if self.lasttag == "script" and not self._script_has_src and data.strip():
            self.blocked.append(f"inline <script>{data.strip()[:60]}</script>")
            self._script_has_src = True


def inline_markup(html: str) -> list[str]:
    parser = InlineMarkup()
    parser.feed(html)
    return parser.blocked


def crawl(client: Client, start: str = "/", within: str = "/") -> dict[str, object]:
    """Every page reachable from ``start`` by following links (a few per route): {path: response}."""
    seen: dict[str, object] = {}
    per_route: dict[str, int] = {}
    queue = deque([start])
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen or not path.startswith(within) or any(s in path for s in SKIP):
            continue
        key = route_key(path)
        if key is not None and per_route.get(key, 0) >= PER_ROUTE:
            continue
        per_route[key] = per_route.get(key, 0) + 1
        response = client.get(path)
        seen[path] = response
        if response.status_code in (301, 302, 303, 307, 308):
            queue.extend(links_in(f'href="{response["Location"]}"', path, "testserver"))
        elif response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            queue.extend(links_in(response.content.decode(), path, "testserver"))
    return seen


def assert_strict(response, path: str) -> None:
    assert "Content-Security-Policy" in response, path
    policy = policy_of(response)
    header = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header, path
    assert policy["script-src"] == ["'self'"], path
    assert policy["style-src"] == ["'self'"], path
    assert policy["default-src"] == ["'self'"], path
    assert policy["object-src"] == ["'none'"], path
    assert policy["base-uri"] == ["'none'"], path
    assert policy["frame-ancestors"] == ["'none'"], path
    assert policy["form-action"] == ["'self'"], path
    # Nothing from another site, of any kind.
    assert all(s in ("'self'", "'none'", "blob:") for sources in policy.values() for s in sources), path


@pytest.fixture
def demo(reference_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the demo videos are written here
    call_command("seed_demo", verbosity=0)


def signed_in(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email), backend="comcep.auth.Backend")
    return client


def test_every_page_any_persona_reaches_carries_the_strict_policy_and_no_inline_markup(demo):
    manager = with_totp(User.objects.get(email=f"gestion@{DEMO_DOMAIN}"))
    operator = Operator.objects.filter(kind="national").order_by("name").first()
    personas = {
        "visitor": (Client(), "/", "/"),
        "member": (signed_in(f"membre01@{DEMO_DOMAIN}"), "/", "/"),
        "moderator": (signed_in(f"animation@{DEMO_DOMAIN}"), "/", "/"),
        "operator manager": (signed_in(f"responsable.{operator.slug}@{DEMO_DOMAIN}"), "/", "/"),
        "Carif-Oref staff": (signed_in(f"carif-oref.bretagne@{DEMO_DOMAIN}"), "/", "/"),
        "platform manager": (signed_in(manager.email), "/", "/"),
        "admin": (signed_in(manager.email), "/gestion/admin/", "/gestion/admin/"),
    }
    blocked = {}
    for persona, (client, start, within) in personas.items():
        pages = crawl(client, start, within)

        html = {p: r for p, r in pages.items()
                if r.status_code == 200 and r.get("Content-Type", "").startswith("text/html")}
        assert len(html) >= 4, persona  # the crawl got somewhere
        for path, response in pages.items():
            if response.get("Content-Type", "").startswith("text/html"):
                assert_strict(response, f"{persona}: {path}")
        for path, response in html.items():
            if found := inline_markup(response.content.decode()):
                blocked[f"{persona}: {path}"] = found
    assert blocked == {}


def test_error_pages_carry_the_policy_too(visitor, alice, client_for):
    not_found = visitor.get("/cette-page-n-existe-pas/")
    refused = client_for(alice).get("/gestion/admin/")

    assert not_found.status_code == 404
    assert_strict(not_found, "404")
    assert inline_markup(not_found.content.decode()) == []
    assert "Content-Security-Policy" in refused


def test_the_server_error_page_needs_no_inline_style(rf):
    from comcep.views import error_500

    assert inline_markup(error_500(rf.get("/")).content.decode()) == []


def test_a_response_with_a_policy_of_its_own_keeps_it():
    """An uploaded file is served sandboxed: the site's policy must not replace that."""
    sandboxed = HttpResponse(b"\x89PNG", content_type="image/png")
    sandboxed["Content-Security-Policy"] = "sandbox"

    response = CSPMiddleware(lambda request: sandboxed)(RequestFactory().get("/fichier"))

    assert response["Content-Security-Policy"] == "sandbox"


def test_the_two_factor_qr_code_is_drawn_without_a_data_url(alice, visitor):
    visitor.post("/compte/login/", {"login": alice.email, "password": factories.PASSWORD})
    # Setting up two-factor asks for the password again (allauth's reauthentication).
    visitor.post("/compte/reauthenticate/", {"password": factories.PASSWORD})
    page = visitor.get("/compte/2fa/totp/activate/")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="totp-qr"' in html and "<svg" in html
    assert "data:image" not in html
    assert inline_markup(html) == []


def test_a_table_aligned_in_markdown_is_aligned_by_class_not_by_style():
    html = render("| gauche | centre | droite | libre |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |").html

    assert "style=" not in html
    assert '<th class="align-left">gauche</th>' in html
    assert '<td class="align-center">2</td>' in html
    assert '<td class="align-right">3</td>' in html
    assert "<td>4</td>" in html


def test_posts_written_before_the_policy_lose_their_style_attributes(alice):
    category = Category.objects.create(slug="echanges", name="Échanges de pratiques", position=0)
    topic = services.create_topic(actor=alice.member, category=category, title="Un tableau",
                                  body="Un tableau.", kind=TopicKind.DISCUSSION, tags=[],
                                  rate_limit=False)
    Post.objects.filter(topic=topic).update(
        body_html='<table><tr><th style="text-align:center">a</th><td style="text-align:right">1</td>'
                  "<td>2</td></tr></table>")
    migration = import_module("forum.migrations.0005_csp_table_alignment")

    migration.to_classes(apps, None)

    assert Post.objects.get(topic=topic).body_html == (
        '<table><tr><th class="align-center">a</th><td class="align-right">1</td>'
        "<td>2</td></tr></table>")
