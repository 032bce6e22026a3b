"""The legal pages are open to everyone and say what the settings do; a member who has not
accepted the charter in force is stopped until they do, and an applicant accepts it by applying."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comcep import legal
from comcep.models import CharterAcceptance, LegalDocument, LegalDocumentKind, Region, User
from tests import factories
from tests.factories import with_totp

pytestmark = pytest.mark.django_db

PAGES = ["legal:legal_notice", "legal:privacy", "legal:retention", "legal:charter",
         "legal:accessibility"]


def new_charter(paula, body, django_capture_on_commit_callbacks):
    # The cached version is dropped after commit: run those callbacks, as a real commit would.
    with django_capture_on_commit_callbacks(execute=True):
        return legal.publish(kind=LegalDocumentKind.CHARTER, body=body, actor=paula)


@pytest.mark.parametrize("name", PAGES)
def test_each_legal_page_is_open_to_visitors_and_members_and_linked_from_every_footer(
        name, visitor, alice, client_for):
    for client in (visitor, client_for(alice)):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        footer = response.text.split('class="site-footer"', 1)[1]
        for other in PAGES:
            assert f'href="{reverse(other)}"' in footer
    # The data page is in a signed-in person's footer only.
    assert reverse("datarights:my_data") in client_for(alice).get(reverse(name)).text
    assert reverse("datarights:my_data") not in visitor.get(reverse(name)).text


def test_the_privacy_notice_states_the_periods_the_retention_job_applies(visitor, settings,
                                                                        reference_data):
    settings.CLOSED_ACCOUNT_IDENTITY_DAYS = 417
    settings.OUTBOX_RETENTION_DAYS = 83
    settings.LEGAL_CONTACT_EMAIL = "donnees@exemple.gouv.fr"
    for name in ("legal:privacy", "legal:retention"):
        text = visitor.get(reverse(name)).text
        assert "417 jours" in text and "83 jours" in text
        assert "mailto:donnees@exemple.gouv.fr" in text
        assert "CNIL" in text
    privacy = visitor.get(reverse("legal:privacy")).text
    # Who sees what: the operator never the pseudonym, the moderators never the identity.
    assert "ne voient <strong>jamais</strong> votre pseudonyme" in privacy
    assert "<strong>jamais</strong> une identité réelle" in privacy
    assert "quatre yeux" in privacy


def test_the_accessibility_statement_gives_its_status_a_contact_and_the_recourse(visitor,
                                                                                 reference_data):
    text = visitor.get(reverse("legal:accessibility")).text
    assert "partiellement conforme" in text
    assert "RGAA" in text
    assert "Défenseur des droits" in text
    assert "mailto:" in text
    # It says what the browser tests check on every page, and when it was written.
    assert "axe-core" in text and "360, 768 et 1280" in text and "sans niveau sauté" in text
    assert "7 décembre 2026" in text


def test_the_application_form_links_the_charter_and_the_privacy_notice(visitor, reference_data):
    text = visitor.get(reverse("enrolment:apply")).text
    box = text.split('name="charter"', 1)[1].split("</div>", 1)[0]
    assert f'href="{reverse("legal:charter")}"' in box
    assert f'href="{reverse("legal:privacy")}"' in box


def test_an_applicant_accepts_the_charter_in_force_by_applying(visitor, reference_data):
    Region.objects.filter(code="52").update(phase="open")
    form = {
        "first_name": "Claire", "last_name": "Fontaine", "email": "claire.fontaine@apec.fr",
        "operator": factories.operator("apec").pk, "region": factories.region("52").pk,
        "structure_name": "Centre Apec de Nantes", "job_title": "Consultante CEP",
        "password1": "un-mot-de-passe-solide", "password2": "un-mot-de-passe-solide",
        "charter": "on",
    }
    assert visitor.post(reverse("enrolment:apply"), form).status_code == 302
    user = User.objects.get(email="claire.fontaine@apec.fr")
    charter = legal.current(LegalDocumentKind.CHARTER)
    assert list(CharterAcceptance.objects.filter(user=user).values_list("document_id", flat=True)
                ) == [charter.pk]


def test_a_member_is_stopped_until_they_accept_a_new_charter_and_then_left_alone(
        alice, paula, client_for, django_capture_on_commit_callbacks):
    client = client_for(alice)
    assert client.get(reverse("community")).status_code == 200  # accepted at application
    new_charter(paula, "# Charte\n\nNouvelle règle : restez courtois.",
                django_capture_on_commit_callbacks)

    response = client.get(reverse("forum:index") + "?page=2")
    accept_url = reverse("legal:accept_charter")
    assert response.status_code == 302
    assert response["Location"].startswith(accept_url)
    assert "next=%2Fforum%2F%3Fpage%3D2" in response["Location"]
    # An htmx fragment is not swapped for the page: the browser is sent there whole.
    fragment = client.get(reverse("community"), HTTP_HX_REQUEST="true",
                          HTTP_HX_CURRENT_URL="http://testserver/forum/")
    assert fragment.status_code == 200 and fragment["HX-Redirect"].startswith(accept_url)
    # Reading the texts, taking one's data and signing out do not wait.
    for name in ("legal:charter", "legal:privacy", "datarights:my_data"):
        assert client.get(reverse(name)).status_code == 200
    assert client.get(reverse("healthz")).status_code in (200, 503)

    page = client.get(response["Location"])
    assert "Nouvelle règle : restez courtois." in page.text
    assert not CharterAcceptance.objects.filter(user=alice).exists()
    accepted = client.post(accept_url, {"version": 2, "next": "/forum/?page=2"})
    assert accepted.status_code == 302 and accepted["Location"] == "/forum/?page=2"
    assert CharterAcceptance.objects.filter(user=alice, document__version=2).exists()
    assert client.get(reverse("community")).status_code == 200
    # A fresh session (another device) does not ask again either.
    assert client_for(alice).get(reverse("community")).status_code == 200

    new_charter(paula, "# Charte\n\nTroisième version.", django_capture_on_commit_callbacks)
    again = client.get(reverse("community"))
    assert again.status_code == 302 and again["Location"].startswith(accept_url)


def test_accepting_a_version_that_is_no_longer_in_force_records_nothing(
        alice, paula, client_for, django_capture_on_commit_callbacks):
    client = client_for(alice)
    new_charter(paula, "Version 2", django_capture_on_commit_callbacks)
    new_charter(paula, "Version 3", django_capture_on_commit_callbacks)
    response = client.post(reverse("legal:accept_charter"), {"version": 2, "next": "/"})
    assert response.status_code == 200
    assert "La charte a changé entre-temps" in response.text
    assert not CharterAcceptance.objects.filter(user=alice).exists()
    assert client.get(reverse("community")).status_code == 302


def test_the_acceptance_page_sends_nobody_to_another_site(alice, paula, client_for,
                                                         django_capture_on_commit_callbacks):
    client = client_for(alice)
    new_charter(paula, "Version 2", django_capture_on_commit_callbacks)
    response = client.post(reverse("legal:accept_charter"),
                           {"version": 2, "next": "https://ailleurs.example/piege"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_member_who_joined_before_the_charter_and_never_accepted_it_is_asked(alice, client_for):
    User.objects.filter(pk=alice.pk).update(
        date_joined=legal.DEFAULT_VERSION_DATE - timedelta(days=30))
    alice.refresh_from_db()
    response = client_for(alice).get(reverse("community"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("legal:accept_charter"))


def test_staff_outside_the_community_are_not_asked_to_accept_the_members_charter(
        oscar, paula, client_for, django_capture_on_commit_callbacks):
    with_totp(oscar)
    new_charter(paula, "Version 2", django_capture_on_commit_callbacks)
    response = client_for(oscar).get(reverse("enrolment:operator_queue"))
    assert response.status_code == 200


def test_a_visitor_cannot_reach_the_acceptance_page(visitor, reference_data):
    response = visitor.post(reverse("legal:accept_charter"), {"version": 1})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not CharterAcceptance.objects.exists()


def test_the_published_version_date_is_shown_with_the_text(visitor, paula,
                                                            django_capture_on_commit_callbacks):
    new_charter(paula, "Texte v2", django_capture_on_commit_callbacks)
    text = visitor.get(reverse("legal:charter")).text
    assert "Texte v2" in text and "Version 2" in text
    assert timezone.localdate().strftime("%Y") in text


def test_the_platform_manager_publishes_a_new_version_in_the_admin_and_never_rewrites_one(
        paula, alice, client_for, django_capture_on_commit_callbacks):
    User.objects.filter(pk=paula.pk).update(is_superuser=True)
    paula.refresh_from_db()
    admin = client_for(with_totp(paula))
    add = reverse("admin:comcep_legaldocument_add")
    form = admin.get(add + "?kind=charter")
    assert form.status_code == 200
    assert "Une parole libre, entre pairs" in form.text  # starts from the text in force
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(add, {"kind": "charter",
                                    "body": "# Charte v2\n\n<script>alert(1)</script>Soyez aimables."})
    assert response.status_code == 302
    document = legal.current(LegalDocumentKind.CHARTER)
    assert document.version == 2 and document.published_by == paula
    assert "<script>" not in document.body_html and "Soyez aimables." in document.body_html

    version_one = LegalDocument.objects.get(kind="charter", version=1)
    change = reverse("admin:comcep_legaldocument_change", args=[version_one.pk])
    admin.post(change, {"kind": "charter", "body": "réécrit"})
    version_one.refresh_from_db()
    assert version_one.body != "réécrit"
    assert client_for(alice).get(reverse("community")).status_code == 302
