"""Every absolute address in an email comes from the site's configured address (SITE_URL),
which `./dev up` derives from PORT: never the host a request came by, nor port 8000."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from comcep import notifications
from comcep.models import OutboxMessage
from devtools import launcher
from tests import factories

SITE = "http://localhost:8765"
LINK = re.compile(r"https?://[^\s\"'<>]+")


def links_of(message: OutboxMessage) -> list[str]:
    return LINK.findall(message.body_text) + LINK.findall(message.body_html)


def assert_all_on_site(message: OutboxMessage) -> None:
    links = links_of(message)
    assert links, f"no link in the {message.kind} email"
    strays = [link for link in links if link != SITE and not link.startswith(f"{SITE}/")]
    assert not strays, f"links of the {message.kind} email not on {SITE}: {strays}"


@pytest.fixture
def site_on_8765(settings):
    settings.SITE_URL = SITE


def test_a_notification_emails_links_point_to_the_configured_site(site_on_8765, db):
    for template, context in [("welcome", {}), ("data_export_ready", {"days": 7})]:
        assert_all_on_site(notifications.queue_email(template=template, to="a@exemple.fr",
                                                     context=context))


def test_a_password_reset_emails_link_points_to_the_configured_site_not_the_requests_host(
        site_on_8765, visitor, alice):
    visitor.post(reverse("account_reset_password"), {"email": "alice.martin@apec.fr"})

    message = OutboxMessage.objects.get(kind="password_reset_key", to_email="alice.martin@apec.fr")
    assert_all_on_site(message)
    assert any(link.startswith(f"{SITE}{reverse('account_reset_password')}key/")
               for link in links_of(message))
    assert "testserver" not in message.body_text


def test_the_link_to_reset_a_password_actually_opens_the_reset_page(site_on_8765, visitor, alice):
    visitor.post(reverse("account_reset_password"), {"email": "alice.martin@apec.fr"})
    message = OutboxMessage.objects.get(kind="password_reset_key", to_email="alice.martin@apec.fr")
    link = next(link for link in links_of(message) if "/key/" in link)

    response = visitor.get(link.removeprefix(SITE), follow=True)

    assert response.status_code == 200
    assert "password1" in response.content.decode()


def test_the_email_to_an_unknown_address_points_to_the_configured_site(site_on_8765, visitor,
                                                                        reference_data):
    visitor.post(reverse("account_reset_password"), {"email": "inconnu@exemple.fr"})

    message = OutboxMessage.objects.get(to_email="inconnu@exemple.fr")
    assert_all_on_site(message)


def test_an_address_confirmation_emails_link_points_to_the_configured_site(site_on_8765, visitor,
                                                                           reference_data):
    user = factories.UserFactory(email="pas.confirme@apec.fr")
    EmailAddress.objects.filter(user=user).update(verified=False)

    visitor.post(reverse("account_login"),
                 {"login": "pas.confirme@apec.fr", "password": factories.PASSWORD})

    message = OutboxMessage.objects.get(to_email="pas.confirme@apec.fr")
    assert_all_on_site(message)
    # allauth's sign-off names the site by the same address.
    assert "localhost:8765" in message.body_text


def test_dev_up_serves_and_links_to_localhost_on_the_chosen_port():
    assert launcher.site_url({"PORT": "8765"}) == "http://localhost:8765"


def test_dev_up_defaults_to_port_8000():
    assert launcher.site_url({}) == "http://localhost:8000"
    assert launcher.site_url({"PORT": ""}) == "http://localhost:8000"


def test_a_given_site_url_wins_over_the_port():
    assert launcher.site_url({"SITE_URL": "https://comcep.example/", "PORT": "8765"}) == \
        "https://comcep.example"
