"""The account pages and emails as a person meets them: titled once, the site named, the
account named by its pseudonym, the code field a phone's number pad, the way in through the
application form, and the icon browsers ask for."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from comcep.models import OutboxMessage
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_has_its_own_title_and_leads_to_the_application_form(visitor,
                                                                               reference_data):
    page = visitor.get(reverse("account_login")).text
    assert "<title>Se connecter · Comcep</title>" in page
    assert "Comcep · Comcep" not in page
    assert f'href="{reverse("enrolment:apply")}"' in page
    assert reverse("account_signup") not in page


def test_signing_in_says_so_under_the_pseudonym(visitor, alice):
    response = visitor.post(reverse("account_login"),
                            {"login": alice.email, "password": factories.PASSWORD}, follow=True)
    page = response.content.decode()
    assert f"Connexion avec {alice.member.pseudonym} réussie" in page
    assert "compte #" not in page


def test_the_second_factor_s_code_field_opens_the_number_pad(visitor, oscar):
    oscar.set_password(factories.PASSWORD)
    oscar.save()
    factories.with_totp(oscar, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    page = visitor.post(reverse("account_login"), {"login": oscar.email,
                                                   "password": factories.PASSWORD}, follow=True)
    text = page.content.decode()
    assert 'id="id_code"' in text and 'inputmode="numeric"' in text
    assert "Comcep · Comcep" not in text


def test_a_password_reset_email_names_the_site_and_not_an_account_number(visitor, alice):
    visitor.post(reverse("account_reset_password"), {"email": alice.email})
    message = OutboxMessage.objects.get(to_email=alice.email)
    for text in (message.subject, message.body_text, message.body_html):
        assert "compte #" not in text and "c'est  !" not in text and "utiliser  !" not in text
    assert "Comcep" in message.body_text


def test_browsers_asking_for_favicon_ico_get_the_icon(visitor):
    response = visitor.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.ico")
    assert (Path(settings.BASE_DIR) / "static" / "favicon.ico").stat().st_size > 0
