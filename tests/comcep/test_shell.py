"""The page shell's header and footer, kept by each process per kind of reader: what is a
person's own never crosses to another (their CSRF token, the page they are on), and what differs
by role, language or page is drawn for each."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGOUT_TOKEN = re.compile(
    r'action="/compte/logout/"[^>]*>\s*<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"')
NEXT = re.compile(r'<input name="next" type="hidden" value="([^"]*)">')


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_each_person_gets_their_own_token_in_the_shell_and_it_signs_them_out(client_for, alice, bob):
    as_alice, as_bob = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    as_alice.force_login(alice, backend="comcep.auth.Backend")
    as_bob.force_login(bob, backend="comcep.auth.Backend")
    forum = reverse("forum:index")
    alice_token = LOGOUT_TOKEN.search(page(as_alice, forum))[1]
    bob_token = LOGOUT_TOKEN.search(page(as_bob, forum))[1]
    assert alice_token != bob_token
    # Bob's token does not sign Alice out; her own does.
    assert as_alice.post(reverse("account_logout"), {"csrfmiddlewaretoken": bob_token}).status_code == 403
    as_alice.post(reverse("account_logout"), {"csrfmiddlewaretoken": alice_token})
    assert as_alice.get(forum).status_code == 302


def test_the_language_switch_comes_back_to_the_page_it_is_on_escaped(client_for, alice):
    as_alice = client_for(alice)
    first = NEXT.search(page(as_alice, reverse("forum:index") + '?q="><script>'))[1]
    assert first == "/forum/?q=%22%3E%3Cscript%3E" or first == "/forum/?q=&quot;&gt;&lt;script&gt;"
    assert NEXT.search(page(as_alice, reverse("resources:list")))[1] == reverse("resources:list")


def test_the_current_entry_and_the_roles_links_follow_the_page_and_the_person(client_for, alice, oscar):
    as_alice = client_for(alice)
    forum = page(as_alice, reverse("forum:index"))
    library = page(as_alice, reverse("resources:list"))
    assert re.search(r'href="/forum/"\s+aria-current="page"', forum)
    assert not re.search(r'href="/forum/"\s+aria-current="page"', library)
    assert re.search(r'href="/ressources/"\s+aria-current="page"', library)
    # The forum adds its notifications link after the community's links, with the reader's count.
    assert "notifications-link" in forum and "notifications-link" not in library
    # An operator manager sees no community link, whatever a member saw before.
    manager = page(client_for(oscar), reverse("account_email"))
    assert 'href="/forum/"' not in manager and 'href="/ressources/"' not in manager


def test_the_shell_speaks_the_readers_language(client_for, alice):
    as_alice = client_for(alice)
    french = page(as_alice, reverse("forum:index"))
    as_alice.post(reverse("set_language"), {"language": "en", "next": "/forum/"})
    english = page(as_alice, reverse("forum:index"))
    assert "Se déconnecter" in french and "Se déconnecter" not in english
    assert "Sign out" in english or "Log out" in english


def test_the_section_and_its_page_are_marked_each_their_way(client_for, alice):
    as_alice = client_for(alice)
    assert re.search(r'href="/forum/"\s+aria-current="page"', page(as_alice, reverse("forum:index")))
    inside = page(as_alice, reverse("forum:search"))
    assert re.search(r'href="/forum/"\s+aria-current="true"', inside)
    assert re.search(r'href="/forum/"\s+aria-current="page"', page(as_alice, reverse("forum:index")))


def test_the_htmx_header_carries_a_token_the_site_accepts(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice, backend="comcep.auth.Backend")
    text = page(client, reverse("forum:index"))
    token = re.search(r'data-hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', text)[1]
    assert token == LOGOUT_TOKEN.search(text)[1]
    response = client.post(reverse("account_logout"), HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 302
    assert client.get(reverse("forum:index")).status_code == 302
