import pytest
from django.urls import reverse

from tests import factories
from tests.factories import with_totp


def test_the_landing_page_speaks_french_by_default(visitor, reference_data):
    response = visitor.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.status_code == 200
    assert '<html lang="fr">' in response.text
    assert "Aller au contenu" in response.text  # skip link
    assert 'name="viewport"' in response.text


def test_the_language_switch_turns_the_site_to_english(visitor, reference_data):
    response = visitor.post(reference("set_language"), {"language": "en", "next": "/"},
                            follow=True)

    assert '<html lang="en">' in response.text
    assert "Skip to content" in response.text


def reference(name):
    return reverse(name)


def test_an_unknown_page_answers_a_french_404(visitor, reference_data):
    response = visitor.get("/nulle-part/")

    assert response.status_code == 404
    assert "Page introuvable" in response.text


def test_a_visitor_is_sent_to_sign_in_before_the_community(visitor, reference_data):
    response = visitor.get(reverse("community"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_an_operator_manager_is_refused_the_community_in_french(client_for, oscar):
    response = client_for(oscar).get(reverse("community"))

    assert response.status_code == 403
    assert "Accès refusé" in response.text


def test_regional_staff_who_are_not_members_are_refused_the_community(client_for, rita):
    assert client_for(rita).get(reverse("community")).status_code == 403


def test_a_member_reaches_the_community_under_their_pseudonym(client_for, alice):
    response = client_for(alice).get(reverse("community"))

    assert response.status_code == 200
    assert "Lande Bretonne" in response.text
    assert "Martin" not in response.text
    assert "alice.martin@apec.fr" not in response.text


def test_a_newly_admitted_member_chooses_a_pseudonym_first(client_for, reference_data):
    newcomer = factories.make_member(pseudonym="")
    client = client_for(newcomer)

    assert client.get(reverse("community")).url == reverse("choose_pseudonym")
    response = client.post(reverse("choose_pseudonym"), {"pseudonym": "Vent du Large"})
    assert response.url == reverse("community")
    newcomer.member.refresh_from_db()
    assert newcomer.member.pseudonym == "Vent du Large"


def test_a_refused_pseudonym_is_explained_and_kept_in_the_form(client_for, alice, reference_data):
    newcomer = factories.make_member(pseudonym="")

    response = client_for(newcomer).post(reverse("choose_pseudonym"),
                                         {"pseudonym": "Lаnde Bretonne"})

    assert response.status_code == 200
    assert "Lаnde Bretonne" in response.text  # what was typed is kept
    assert "alphabets" in response.text or "ressemble" in response.text


def test_signing_in_lands_a_member_in_the_community(visitor, alice):
    response = visitor.post(reverse("account_login"),
                            {"login": "alice.martin@apec.fr", "password": factories.PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("community")


def test_the_admin_login_goes_through_allauth(visitor, reference_data):
    response = visitor.get("/gestion/admin/login/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.django_db
def test_healthz_reports_database_broker_and_cache(visitor):
    response = visitor.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok", "checks": {"database": "ok", "broker": "ok", "cache": "ok"}, "antivirus": "off"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_broker_is_unreachable(visitor, settings):
    from comcep.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = visitor.get("/healthz")
    finally:
        app.conf.broker_url = original

    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")


def test_a_server_error_shows_a_french_page_without_details(rf):
    from comcep.views import error_500

    response = error_500(rf.get("/"))

    assert response.status_code == 500
    assert "Une erreur est survenue" in response.content.decode()
    assert "Traceback" not in response.content.decode()


def test_the_admin_asks_a_platform_manager_without_two_factor_to_set_it_up(client_for, paula):
    client = client_for(paula)

    assert client.get("/gestion/admin/").status_code == 302
    response = client.get("/gestion/admin/login/")
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_the_admin_opens_for_a_platform_manager_with_two_factor(client_for, paula):
    response = client_for(with_totp(paula)).get("/gestion/admin/")

    assert response.status_code == 200


def test_a_member_never_gets_the_admin_login_form(client_for, alice):
    response = client_for(alice).get("/gestion/admin/login/")

    assert response.status_code == 403


def test_the_manager_navigation_follows_the_roles_registered_by_the_apps(client_for, alice, rita):
    manage_url = reverse("resources:actions_manage")

    # rita's page is a refusal, but the navigation still shows what her role opens.
    assert f'href="{manage_url}"' in client_for(rita).get(reverse("community")).text
    member_page = client_for(alice).get(reverse("community")).text
    assert f'href="{manage_url}"' not in member_page
    assert f'href="{reverse("enrolment:operator_queue")}"' not in member_page
    assert f'href="{reverse("forum:index")}"' in member_page
