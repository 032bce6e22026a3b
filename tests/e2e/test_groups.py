"""A working group in a browser at phone, tablet and desktop widths: a member creates a group by
invitation, invites a colleague by pseudonym (a wrong one told in French), organises the group's
first meeting from its page; the colleague accepts the invitation and finds the group's
discussion and its coming meeting."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from groups.models import Group, Membership, MembershipState
from tests import factories
from tests.e2e.conftest import open_menu_if_folded, sign_in


def field(page, label: str):
    """The form field labelled ``label``, required (its label then ends in an asterisk) or not."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.django_db(transaction=True)
def test_create_a_group_invite_a_colleague_who_accepts(page, live_server, viewport, screenshot, alice, bob):
    sign_in(page, live_server, alice.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/")
    open_menu_if_folded(page)
    page.locator("header").get_by_role("link", name="Groupes").click()
    page.get_by_role("link", name="Mes groupes").first.click()
    page.get_by_role("link", name="Créer un groupe").click()
    field(page, "Nom").fill("Ateliers jeunes publics")
    page.get_by_label("Objet du groupe").fill("Partager nos trames d'ateliers pour les 16-25 ans.")
    page.get_by_label("sur invitation seulement").check()
    screenshot("1-new-group")
    page.get_by_role("button", name="Créer le groupe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ateliers jeunes publics")
    assert fits_the_screen(page)
    group = Group.objects.get()

    # Invite: a pseudonym nobody bears is told in French and kept; then bob's.
    page.get_by_role("link", name="Membres").click()
    page.get_by_label("Pseudonyme du membre à inviter").fill("Personne Inconnue")
    page.get_by_role("button", name="Inviter").click()
    expect(page.locator("main")).to_contain_text("Aucun membre ne porte ce pseudonyme.")
    expect(page.get_by_label("Pseudonyme du membre à inviter")).to_have_value("Personne Inconnue")
    page.get_by_label("Pseudonyme du membre à inviter").fill(bob.member.pseudonym)
    page.get_by_role("button", name="Inviter").click()
    expect(page.locator(".messages")).to_contain_text(f"{bob.member.pseudonym} est invité·e.")
    expect(page.get_by_role("heading", name="Invitations en attente")).to_be_visible()
    assert fits_the_screen(page)
    screenshot("2-invited")

    # The group's first meeting, organised from its page, the group chosen in advance.
    page.get_by_role("link", name="Discussion").click()
    page.get_by_role("link", name="Organiser une réunion du groupe").click()
    expect(field(page, "Groupe")).to_have_value(str(group.pk))
    expect(page.get_by_label("réunion de groupe")).to_be_checked()
    field(page, "Titre").fill("Première réunion de l'atelier")
    field(page, "Description").fill("Tour de table et *calendrier*.")
    field(page, "Date").fill((timezone.localdate() + timedelta(days=7)).isoformat())
    page.get_by_label("Heure de début").fill("14:00")
    page.get_by_label("Durée (minutes)").fill("60")
    page.get_by_label("Nombre de places").fill("12")
    page.get_by_label("Adresse de la visioconférence").fill("https://meet.jit.si/atelier-jeunes")
    assert fits_the_screen(page)
    page.get_by_role("button", name="Publier l'événement").click()
    expect(page.locator(".messages")).to_contain_text("L'événement est publié.")

    # Bob accepts the invitation from his groups and lands in the group.
    page.context.clear_cookies()
    sign_in(page, live_server, bob.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/groupes/mes-groupes/")
    invitation = page.locator(".group-card", has_text="Ateliers jeunes publics")
    expect(invitation).to_contain_text("Partager nos trames")
    assert fits_the_screen(page)
    screenshot("3-invitation")
    invitation.get_by_role("button", name="Accepter l'invitation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ateliers jeunes publics")
    meetings = page.locator(".group-events")
    expect(meetings.get_by_role("link", name="Première réunion de l'atelier")).to_be_visible()
    expect(page.get_by_role("link", name="Organiser une réunion du groupe")).to_have_count(0)
    expect(page.get_by_role("heading", name="Discussion")).to_be_visible()
    assert fits_the_screen(page)
    screenshot("4-member")
    assert Membership.objects.get(group=group, member=bob.member).state == MembershipState.ACTIVE
