from allauth.account.models import EmailAddress
from django.urls import reverse

from comcep.models import OutboxMessage
from tests import factories


def test_an_account_whose_email_is_unconfirmed_cannot_get_in(visitor, reference_data):
    user = factories.UserFactory(email="pas.confirme@apec.fr")
    EmailAddress.objects.filter(user=user).update(verified=False)

    response = visitor.post(reverse("account_login"),
                            {"login": "pas.confirme@apec.fr", "password": factories.PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in visitor.session
    # The confirmation email goes through the outbox, like every email.
    assert OutboxMessage.objects.filter(to_email="pas.confirme@apec.fr").exists()


def test_after_repeated_wrong_passwords_even_the_right_one_is_refused_for_a_while(visitor, alice):
    for attempt in range(6):
        visitor.post(reverse("account_login"),
                     {"login": "alice.martin@apec.fr", "password": f"faux-{attempt}"})

    response = visitor.post(reverse("account_login"),
                            {"login": "alice.martin@apec.fr", "password": factories.PASSWORD})

    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in visitor.session


def test_open_sign_up_is_closed_accounts_come_from_applications(visitor, reference_data):
    response = visitor.post(reverse("account_signup"), {
        "email": "intrus@exemple.fr", "password1": "Un-mot-de-passe-solide-42",
        "password2": "Un-mot-de-passe-solide-42"})

    assert not factories.User.objects.filter(email="intrus@exemple.fr").exists()
    assert response.status_code in (200, 302, 403)
