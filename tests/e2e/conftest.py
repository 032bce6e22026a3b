"""Browser tests: headless Chromium driven by Playwright against the live server.

``./dev test`` sets COMCEP_CHROMIUM to the machine's Chromium when it has one
(CI installs Debian's); otherwise Playwright's own browser is used.
"""

from __future__ import annotations

import json
import os
from importlib.resources import files
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

# Phone, tablet and desktop widths every main journey is checked at.
VIEWPORTS = {
    "phone": {"width": 360, "height": 740},
    "tablet": {"width": 768, "height": 1024},
    "desktop": {"width": 1280, "height": 800},
}


# Every page a browser test opens is checked as it loads: axe-core's WCAG 2.1 A and AA rules,
# and nothing wider than the screen. A test fails on what any of its pages breaks. Besides the
# WCAG rules, headings never skip a level (RGAA 9.1: the outline a screen reader lists).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_EXTRA_RULES = {"heading-order": {"enabled": True}}
# Django's own administration, for the platform's staff, is held to the overflow check only:
# its stock breadcrumbs, split date fields and list-editable columns fail axe (whose checks of
# them would also add a <style> the Content-Security-Policy blocks); the accessibility
# statement lists it among the contents that are not accessible.
AXE_EXEMPT_PREFIX = "/gestion/admin/"
PAGE_CHECK = """(() => {
  if (window.top !== window || !document.contentType.includes("html")) return null;
  const overflow = document.scrollingElement
    ? document.scrollingElement.scrollWidth - window.innerWidth : 0;
  if (location.pathname.startsWith(%s))
    return {url: location.pathname + location.search, width: window.innerWidth, overflow,
            violations: []};
  return axe.run(document, {runOnly: {type: "tag", values: %s}, rules: %s,
                            resultTypes: ["violations"]})
    .then(result => ({
      url: location.pathname + location.search, width: window.innerWidth, overflow,
      violations: result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))})),
    }));
})()""" % (json.dumps(AXE_EXEMPT_PREFIX), json.dumps(AXE_TAGS), json.dumps(AXE_EXTRA_RULES))
ON_LOAD = """window.addEventListener("load", () => {
  const check = %s;
  if (check) check.then(report => window.__comcepPageReport(report)).catch(() => {});
});""" % PAGE_CHECK


def page_problems(reports: list[dict]) -> list[str]:
    problems = []
    for report in reports:
        where = f"{report['url']} at {report['width']} px"
        if report["overflow"] > 0:
            problems.append(f"{where}: {report['overflow']} px wider than the screen")
        for violation in report["violations"]:
            problems.append(f"{where}: axe {violation['id']} ({violation['impact']}): "
                            f"{violation['help']} — {', '.join(violation['nodes'])}")
    return sorted(set(problems))


@pytest.fixture(autouse=True)
def every_page_checked(request):
    """Runs axe and the overflow check on each page the test loads, and on the pages still open
    at the end of the test; fails the test on any problem found: the test's ``page`` and every
    page of the contexts it opens for other people's devices (``browser.new_context``). A tab
    the test opens beside its ``page`` is not checked (a control page that is not the site's)."""
    uses_page, uses_browser = "page" in request.fixturenames, "browser" in request.fixturenames
    if not (uses_page or uses_browser):
        yield
        return
    reports: list[dict] = []
    pages: list = []
    contexts: list = []
    script = (files("axe_playwright_python") / "axe.min.js").read_text() + ON_LOAD

    def checked(target):
        target.expose_function("__comcepPageReport", lambda report: reports.append(report))
        target.add_init_script(script=script)
        return target

    if uses_page:
        pages.append(checked(request.getfixturevalue("page")))
    browser = request.getfixturevalue("browser") if uses_browser else None
    if browser is not None:
        new_context = browser.new_context

        def new_checked_context(*args, **kwargs):
            contexts.append(checked(new_context(*args, **kwargs)))
            return contexts[-1]

        browser.new_context = new_checked_context
    try:
        yield
    finally:
        if browser is not None:
            del browser.new_context
    for page in pages + [page for context in contexts for page in context.pages]:
        if page.is_closed():
            continue
        try:
            last = page.evaluate(f"() => {PAGE_CHECK}")
        except Exception:  # the page is closing or not a document: what loaded was checked
            last = None
        if last:
            reports.append(last)
    if problems := page_problems(reports):
        pytest.fail("Pages the test opened have problems:\n" + "\n".join(problems), pytrace=False)


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    args = {
        **browser_type_launch_args,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"],
    }
    chromium = os.environ.get("COMCEP_CHROMIUM") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if chromium:
        args["executable_path"] = chromium
    return args


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR"}


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def viewport(request, page):
    """Runs the test once per width, with the page resized to it."""
    page.set_viewport_size(VIEWPORTS[request.param])
    page.set_default_timeout(15_000)
    return request.param


@pytest.fixture
def screenshot(page, request):
    """screenshot("step") saves test-artifacts/screenshots/<test>-<step>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(step: str) -> Path:
        name = request.node.name.replace("[", "-").replace("]", "").replace("/", "_")
        path = ARTIFACTS / f"{name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def sign_in(page, live_server, email: str, password: str) -> None:
    """Sign in through the real allauth form, as a person would."""
    page.goto(f"{live_server.url}/compte/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()


def open_menu_if_folded(page) -> None:
    """On a phone the navigation folds behind the Menu button."""
    toggle = page.locator(".nav-toggle")
    if toggle.is_visible():
        toggle.click()


def wait_for_js(page, expression: str, *, timeout: float = 15_000) -> None:
    """Wait until ``expression`` is true in the page. Unlike page.wait_for_function, which
    builds its predicate with ``new Function`` inside the page, this works under the site's
    Content-Security-Policy (no 'unsafe-eval')."""
    import time

    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(f"() => Boolean({expression})"):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout / 1000:.0f} s: {expression}")
        page.wait_for_timeout(100)
