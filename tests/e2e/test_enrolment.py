"""The two enrolment journeys, in Chromium, at phone and desktop widths.

1. apply → confirm the email → approved by the operator → choose a pseudonym → community home;
2. apply → refused → appeal → reason requested → reason given → overturned → admitted.

Each person has their own browser context, as they would have their own device.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from comcep.models import OutboxMessage, Region
from enrolment import demo
from enrolment.models import Application, Status
from tests.e2e.conftest import ARTIFACTS, VIEWPORTS, sign_in
from tests.factories import with_totp

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PASSWORD = "un-mot-de-passe-solide"
both_widths = pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)


def totp_code() -> str:
    return demo.totp_code(SECRET)


def fits_the_screen(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def person(browser, viewport: str):
    """A second device: its own context (cookies), at the same width."""
    context = browser.new_context(locale="fr-FR", viewport=VIEWPORTS[viewport])
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def snap(other_page, name: str) -> None:
    """Screenshot of another person's device (the screenshot fixture takes the main page)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    other_page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in_with_totp(page, live_server, email: str, password: str) -> None:
    sign_in(page, live_server, email, password)
    page.locator("#id_code").fill(totp_code())
    page.locator("#id_code").press("Enter")


def apply_and_confirm(page, live_server, screenshot, email: str) -> None:
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Demander mon adhésion").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Demander mon adhésion")
    page.locator("#id_first_name").fill("Claire")
    page.locator("#id_last_name").fill("Fontaine")
    page.locator("#id_email").fill(email)
    page.locator("#id_operator").select_option(label="Apec")
    # Each region is named with its roll-out phase (« Pays de la Loire — ouverte »).
    region = page.locator("#id_region option", has_text="Pays de la Loire").text_content()
    page.locator("#id_region").select_option(label=region)
    page.locator("#id_structure_name").fill("Centre Apec de Nantes")
    page.locator("#id_job_title").fill("Consultante CEP")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("#id_charter").check()
    fits_the_screen(page)
    screenshot("apply")
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_url(re.compile(r"/compte/confirm-email/$"))

    # The confirmation email went to the outbox through allauth's adapter.
    message = OutboxMessage.objects.filter(to_email=email, kind__startswith="email_confirmation"
                                           ).latest("pk")
    path = re.search(r"/compte/confirm-email/\S+/", message.body_text).group(0)
    page.goto(live_server.url + path)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ma candidature")
    expect(page.locator("main")).to_contain_text("en attente de validation")
    screenshot("status-pending")


def choose_pseudonym_and_enter(page, live_server, screenshot, pseudonym: str) -> None:
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Choisissez votre pseudonyme")
    page.locator("#id_pseudonym").fill(pseudonym)
    page.get_by_role("button", name="Valider mon pseudonyme").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(pseudonym)
    expect(page.locator("body")).not_to_contain_text("Fontaine")
    fits_the_screen(page)
    screenshot("community")


@pytest.fixture
def setting_up(reference_data, oscar, paula):
    Region.objects.filter(code="52").update(phase="open")
    oscar.set_password(PASSWORD)
    oscar.save()
    paula.set_password(PASSWORD)
    paula.save()
    with_totp(oscar, SECRET)
    with_totp(paula, SECRET)
    return oscar, paula


@both_widths
@pytest.mark.django_db(transaction=True)
def test_apply_confirm_approved_pseudonym_community(page, browser, live_server, viewport, screenshot,
                                                    setting_up):
    oscar, _paula = setting_up
    # A fresh address each run: allauth rate-limits confirmation emails per address.
    email = f"claire.{uuid.uuid4().hex[:8]}.{viewport}@apec.fr"
    apply_and_confirm(page, live_server, screenshot, email)

    manager = person(browser, viewport)
    sign_in_with_totp(manager, live_server, oscar.email, PASSWORD)
    expect(manager.get_by_role("heading", level=1)).to_contain_text("Candidatures à valider")
    fits_the_screen(manager)
    snap(manager, f"enrolment-operator-queue-{viewport}")
    manager.get_by_role("link", name=re.compile("Claire Fontaine")).click()
    manager.get_by_role("button", name="Accepter la candidature").click()
    expect(manager.locator(".messages")).to_contain_text("Candidature acceptée")
    fits_the_screen(manager)
    snap(manager, f"enrolment-operator-approved-{viewport}")

    choose_pseudonym_and_enter(page, live_server, screenshot, "Goéland Rieur")
    assert Application.objects.get(email=email).status == Status.ADMITTED
    manager.context.close()


@both_widths
@pytest.mark.django_db(transaction=True)
def test_refused_appealed_reason_requested_given_overturned_admitted(
        page, browser, live_server, viewport, screenshot, setting_up):
    oscar, paula = setting_up
    email = f"claire.appel.{uuid.uuid4().hex[:8]}.{viewport}@apec.fr"
    apply_and_confirm(page, live_server, screenshot, email)

    # The operator refuses, with a category and a reason.
    manager = person(browser, viewport)
    sign_in_with_totp(manager, live_server, oscar.email, PASSWORD)
    manager.get_by_role("link", name=re.compile("Claire Fontaine")).click()
    manager.locator("summary", has_text="Refuser").click()
    manager.locator("#id_refuse_category").select_option(value="unknown")
    manager.locator("#id_refuse_text").fill("Personne inconnue au centre de Nantes.")
    manager.get_by_role("button", name="Refuser la candidature").click()
    expect(manager.locator(".messages")).to_contain_text("Candidature refusée")

    # The applicant follows the signed link of the refusal email and appeals.
    refusal = OutboxMessage.objects.get(to_email=email, kind="enrolment_refused")
    appeal_path = re.search(r"/candidature/appel/\S+/", refusal.body_text).group(0)
    page.goto(live_server.url + appeal_path)
    expect(page.locator("main")).to_contain_text("Personne inconnue au centre de Nantes.")
    page.locator("#id_text").fill("J'ai rejoint le centre de Nantes en mars, en CDD.")
    page.get_by_role("button", name="Envoyer mon appel").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Votre appel est envoyé")
    screenshot("appeal-sent")

    # The platform manager asks the operator for its reason.
    platform = person(browser, viewport)
    sign_in_with_totp(platform, live_server, paula.email, PASSWORD)
    expect(platform.get_by_role("heading", level=1)).to_contain_text("Appels")
    platform.get_by_role("link", name=re.compile("Claire Fontaine")).click()
    expect(platform.locator("main")).to_contain_text("J'ai rejoint le centre de Nantes en mars")
    platform.get_by_role("button", name="Demander son motif à l'opérateur").click()
    expect(platform.locator(".messages")).to_contain_text("Motif demandé")

    # The operator's manager sees the request in their queue and answers it.
    manager.goto(live_server.url + "/candidature/operateur/")
    expect(manager.locator("main")).to_contain_text("motif demandé")
    manager.get_by_role("link", name=re.compile("Claire Fontaine")).click()
    manager.locator("#id_reason_text").fill("Son contrat n'apparaissait pas encore dans nos outils.")
    manager.get_by_role("button", name="Transmettre le motif").click()
    expect(manager.locator(".messages")).to_contain_text("Motif transmis")
    fits_the_screen(manager)
    snap(manager, f"enrolment-operator-reason-given-{viewport}")

    # The platform manager reads the answer and overturns the refusal.
    platform.reload()
    expect(platform.locator("main")).to_contain_text("Son contrat n'apparaissait pas encore")
    platform.get_by_label("Refus infirmé : la personne est admise").check()
    platform.locator("#id_decision_text").fill("Contrat vérifié avec l'opérateur.")
    platform.get_by_role("button", name="Enregistrer la décision").click()
    expect(platform.locator(".messages")).to_contain_text("Refus infirmé")
    expect(platform.locator(".timeline")).to_contain_text("Motif transmis par l'opérateur")
    fits_the_screen(platform)
    snap(platform, f"enrolment-platform-decided-{viewport}")

    choose_pseudonym_and_enter(page, live_server, screenshot, "Albatros Curieux")
    application = Application.objects.get(email=email)
    assert list(application.events.values_list("action", flat=True)) == [
        "submit", "confirm_email", "refuse", "appeal", "request_reason", "give_reason", "overturn"]
    manager.context.close()
    platform.context.close()
