"""The forum's email preferences in a browser, at phone and desktop widths: each choice says
when emails go out and what waits for the digest."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from forum.models import EmailFrequency, ForumProfile
from tests import factories
from tests.e2e.conftest import sign_in

# Each choice is named by its title, then what it means.
DAILY = re.compile("^Résumé quotidien")
WIDTHS = pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)


@WIDTHS
@pytest.mark.django_db(transaction=True)
def test_a_member_reads_what_each_email_setting_means_and_picks_the_digest(page, live_server, viewport,
                                                                            screenshot, alice):
    sign_in(page, live_server, alice.email, factories.PASSWORD)
    page.goto(f"{live_server.url}/forum/notifications/")

    group = page.get_by_role("group", name="Recevoir les notifications par e-mail")
    default = group.get_by_role("radio", name=re.compile("^Ce qui me concerne tout de suite"))
    expect(default).to_be_checked()
    expect(group).to_contain_text("Un e-mail dès qu'on vous mentionne")
    expect(group).to_contain_text("rien entre-temps, même quand on vous mentionne")
    screenshot("preferences")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]

    group.get_by_role("radio", name=DAILY).check()
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.locator(".messages")).to_contain_text("Vos préférences sont enregistrées.")
    expect(group.get_by_role("radio", name=DAILY)).to_be_checked()
    assert ForumProfile.objects.get(member=alice.member).email_frequency == EmailFrequency.DAILY
