"""The privacy contract, swept across every page a person can reach.

With the demo data of every app loaded, each persona crawls the site as a
person would (every URL pattern without parameters, then every link found),
and we assert what they must never see:

* an operator manager or a visitor: any pseudonym; any page of the community;
* a member: another member's real name or email.

New pages are covered as soon as they are linked from anywhere.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlparse

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from comcep.demo import DEMO_DOMAIN
from comcep.models import Member, Operator, User
from tests.factories import with_totp

COMMUNITY_PREFIXES = ("/communaute/", "/forum/", "/ressources/", "/espace-prive/")
SKIP = ("/compte/logout", "/langue/", "/static/", "logout", "deconnexion")
MAX_PAGES = 400
HREF = re.compile(r"""(?:href|src|hx-get)=["']([^"'#]+)""")


def _parameterless_paths(resolver=None, prefix="") -> list[str]:
    resolver = resolver or get_resolver()
    paths = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            paths += _parameterless_paths(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if "<" not in route and "(" not in route and "^" not in route:
                paths.append("/" + route.lstrip("/"))
    return sorted(set(paths))


def crawl(client: Client, skip: tuple[str, ...] = SKIP) -> dict[str, tuple[int, str]]:
    """Visit every reachable page once; return {path: (status, body)}."""
    seen: dict[str, tuple[int, str]] = {}
    queue = deque(["/", *_parameterless_paths()])
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen or any(s in path for s in skip):
            continue
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", errors="ignore")
        seen[path] = (response.status_code, text)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            for href in HREF.findall(text):
                url = urlparse(urljoin(path, href))
                if url.netloc in ("", "testserver") and url.path.startswith("/"):
                    queue.append(url.path + (f"?{url.query}" if url.query else ""))
    return seen


@pytest.fixture
def demo(reference_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the demo videos are written here
    call_command("seed_demo", verbosity=0)
    return list(Member.objects.exclude(pseudonym="").values_list("pseudonym", flat=True))


def signed_in(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email),
                       backend="django.contrib.auth.backends.ModelBackend")
    return client


def pseudonyms_in(pages, pseudonyms) -> list[tuple[str, str]]:
    found = []
    for path, (_status, text) in pages.items():
        for pseudonym in pseudonyms:
            if re.search(rf"(?<!\w){re.escape(pseudonym)}(?!\w)", text):
                found.append((path, pseudonym))
    return found


def test_operator_managers_see_no_pseudonym_and_no_community_page(demo):
    for operator in Operator.objects.filter(kind="national").values_list("slug", flat=True):
        pages = crawl(signed_in(f"responsable.{operator}@{DEMO_DOMAIN}"))

        assert pseudonyms_in(pages, demo) == [], operator
        reached = [p for p, (status, _) in pages.items()
                   if status == 200 and p.startswith(COMMUNITY_PREFIXES)]
        assert reached == [], operator


def test_a_visitor_sees_no_pseudonym_and_no_community_page(demo):
    pages = crawl(Client())

    assert pseudonyms_in(pages, demo) == []
    assert [p for p, (status, _) in pages.items()
            if status == 200 and p.startswith(COMMUNITY_PREFIXES)] == []


def test_no_community_page_carries_another_members_real_identity(demo):
    for email in [f"membre01@{DEMO_DOMAIN}", f"animation@{DEMO_DOMAIN}", f"expert@{DEMO_DOMAIN}"]:
        me = User.objects.get(email=email)
        others = User.objects.filter(member__isnull=False).exclude(pk=me.pk)
        identities = [o.email for o in others] + [f"{o.first_name} {o.last_name}" for o in others]

        pages = crawl(signed_in(email))

        assert len([p for p, (s, _) in pages.items() if s == 200]) > 10  # the crawl got somewhere
        leaks = [(path, who) for path, (_s, text) in pages.items()
                 for who in identities if who in text]
        assert leaks == [], email


def test_every_page_the_back_offices_reach_answers_without_error(demo):
    """The platform manager (with two-factor) and Carif-Oref staff crawl their whole site."""
    with_totp(User.objects.get(email=f"gestion@{DEMO_DOMAIN}"))
    for email in [f"gestion@{DEMO_DOMAIN}", f"carif-oref.bretagne@{DEMO_DOMAIN}"]:
        # The test client raises on any server error. Django's own admin is left out.
        pages = crawl(signed_in(email), skip=(*SKIP, "/gestion/admin/"))

        answered = [p for p, (status, _) in pages.items() if status == 200]
        assert len(answered) > 5, email
        assert not [p for p, (status, _) in pages.items() if status >= 500], email
