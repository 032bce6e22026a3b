"""Under the strict Content-Security-Policy, no page the site links to is broken, for anyone.

With the demo data of every app loaded, each role signs in as a person would and Chromium
follows every link from the home page (a few pages per route), then the platform manager
does the same in Django's admin. The browser reports each thing the policy blocked (an
inline script, a style attribute, an event handler, an eval, a resource from elsewhere)
as a ``securitypolicyviolation`` event and a console message: one of either fails the test,
and so does an HTML response without the policy's header.
"""

from __future__ import annotations

from collections import deque
from urllib.parse import urldefrag, urlparse

import pytest
from django.core.management import call_command
from playwright.sync_api import Error as PlaywrightError

from comcep.demo import DEMO_DOMAIN, DEMO_PASSWORD
from enrolment.demo import DEMO_TOTP_SECRET, totp_code
from tests.comcep.test_csp import PER_ROUTE, SKIP, route_key
from tests.e2e.conftest import VIEWPORTS, sign_in

MAX_PAGES = 150

# Collects what the policy blocks in each document, before any of the page's scripts run.
LISTEN = """
window.__blocked = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__blocked.push(e.effectiveDirective + " blocked " + (e.blockedURI || "inline")
    + " at " + (e.sourceFile || "?") + ":" + e.lineNumber + " " + (e.sample || ""));
}, true);
document.addEventListener("htmx:evalDisallowedError", function (e) {
  window.__blocked.push("htmx needed eval on " + e.target.outerHTML.slice(0, 120));
}, true);
"""

ROLES = {
    "visitor": None,
    "member": f"membre01@{DEMO_DOMAIN}",
    "moderator": f"animation@{DEMO_DOMAIN}",
    "operator manager": f"responsable.apec@{DEMO_DOMAIN}",
    "Carif-Oref staff": f"carif-oref.bretagne@{DEMO_DOMAIN}",
    "platform manager": f"gestion@{DEMO_DOMAIN}",
}


@pytest.fixture
def demo(reference_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the demo videos are written here
    call_command("seed_demo", verbosity=0)


def sign_in_as(page, live_server, email: str) -> None:
    """The sign-in form, the two-factor code when the role has one, then the password again,
    so that the account pages behind allauth's reauthentication open too."""
    sign_in(page, live_server, email, DEMO_PASSWORD)
    page.wait_for_load_state()
    if page.locator("#id_code").count():
        page.locator("#id_code").fill(totp_code(DEMO_TOTP_SECRET))
        page.locator("#id_code").press("Enter")
        page.wait_for_load_state()
    assert "/compte/login/" not in page.url, email
    page.goto(f"{live_server.url}/compte/reauthenticate/")
    if page.locator("#id_password").count():
        page.locator("#id_password").fill(DEMO_PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()


class Crawl:
    """Follows links from a start page, noting what the policy blocked on each page."""

    def __init__(self, page, origin: str):
        self.page = page
        self.origin = origin
        self.blocked: dict[str, list[str]] = {}
        self.without_header: list[str] = []
        self.pages: list[str] = []
        self._console: list[str] = []
        self._seen: set[str] = set()
        self._per_route: dict[str | None, int] = {}
        page.on("console", self._on_console)
        page.on("response", self._on_response)

    def _on_console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self._console.append(message.text)

    def _on_response(self, response) -> None:
        # Pages and the fragments htmx loads into them alike.
        if (response.url.startswith(self.origin)
                and response.headers.get("content-type", "").startswith("text/html")
                and "content-security-policy" not in response.headers):
            self.without_header.append(response.url)

    def run(self, start: str, within: str) -> None:
        queue = deque([self.origin + start])
        opened = 0
        while queue and opened < MAX_PAGES:
            url = queue.popleft()
            path = url[len(self.origin):]
            if url in self._seen or not path.startswith(within) or any(s in path for s in SKIP):
                continue
            self._seen.add(url)
            key = route_key(path)
            if self._per_route.get(key, 0) >= PER_ROUTE:
                continue
            self._per_route[key] = self._per_route.get(key, 0) + 1
            opened += 1
            if self._open(url):
                queue.extend(self._links())

    def _open(self, url: str) -> bool:
        """Open ``url``; True when it is an HTML page of the site, checked and ready to be read."""
        self._console.clear()
        try:
            response = self.page.goto(url, wait_until="networkidle")
        except PlaywrightError:
            # A download (an attachment, an export) is not a page. Anything else is a failure.
            answer = self.page.request.get(url)
            if answer.headers.get("content-type", "").startswith("text/html"):
                raise
            return False
        if response is None or not response.headers.get("content-type", "").startswith("text/html"):
            return False
        if not self.page.url.startswith(self.origin):
            return False
        self.pages.append(url)
        found = self.page.evaluate("window.__blocked || []") + self._console
        if found:
            self.blocked[url[len(self.origin):]] = found
        return True

    def _links(self) -> list[str]:
        hrefs = self.page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        return [urldefrag(href).url for href in hrefs
                if href.startswith(self.origin) and not urlparse(href).path.startswith("//")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", list(ROLES))
def test_no_page_breaks_the_content_security_policy(browser, live_server, demo, role):
    context = browser.new_context(locale="fr-FR", viewport=VIEWPORTS["desktop"])
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.set_default_timeout(15_000)
    if ROLES[role]:
        sign_in_as(page, live_server, ROLES[role])
    crawl = Crawl(page, live_server.url)

    crawl.run("/", "/")
    if role == "platform manager":
        crawl.run("/gestion/admin/", "/gestion/admin/")

    context.close()
    assert len(crawl.pages) >= 4, crawl.pages  # the crawl got somewhere
    if role == "platform manager":
        assert any("/gestion/admin/" in url for url in crawl.pages)
    assert crawl.blocked == {}
    assert crawl.without_header == []


@pytest.mark.django_db(transaction=True)
def test_the_crawl_sees_what_the_policy_blocks(browser, live_server, reference_data):
    """Without this, a crawl that heard nothing would pass whatever the pages did."""
    context = browser.new_context(locale="fr-FR", viewport=VIEWPORTS["desktop"])
    context.add_init_script(LISTEN)
    page = context.new_page()
    crawl = Crawl(page, live_server.url)
    crawl.run("/", "/")
    assert crawl.blocked == {}

    page.evaluate("""() => {
      document.body.insertAdjacentHTML("beforeend", '<p style="color: red">injecté</p>');
      const script = document.createElement("script");
      script.textContent = "window.ran = true";
      document.body.append(script);
    }""")
    page.wait_for_function("window.__blocked.length >= 2")

    assert page.evaluate("window.ran") is None
    blocked = page.evaluate("window.__blocked")
    context.close()
    assert any(b.startswith("style-src-attr blocked inline") for b in blocked), blocked
    assert any(b.startswith("script-src-elem blocked inline") for b in blocked), blocked
