"""The demo managers' second factor: the code `./dev manage demo_totp` prints opens the session."""

from io import StringIO

from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from enrolment import demo
from tests import factories


def _demo_manager():
    manager = factories.make_operator_manager(operator_slug="apec")
    demo.ensure_totp(manager)
    demo.ensure_totp(manager)  # seeding again keeps the same factors
    return manager


def _sign_in(manager, code: str) -> Client:
    client = Client()
    client.post(reverse("account_login"), {"login": manager.email, "password": factories.PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": code})
    return client


def test_the_code_printed_by_demo_totp_signs_a_demo_manager_in(reference_data):
    manager = _demo_manager()
    printed = StringIO()
    call_command("demo_totp", stdout=printed)

    client = _sign_in(manager, printed.getvalue().strip())

    assert client.get(reverse("enrolment:operator_queue")).status_code == 200
    assert Authenticator.objects.filter(user=manager).count() == 2  # TOTP and recovery codes


def test_a_wrong_code_leaves_the_demo_manager_outside(reference_data):
    manager = _demo_manager()
    wrong = f"{(int(demo.totp_code(demo.DEMO_TOTP_SECRET)) + 500_000) % 1_000_000:06d}"

    assert _sign_in(manager, wrong).get(reverse("enrolment:operator_queue")).status_code != 200


def test_a_demo_manager_s_recovery_code_signs_them_in_once(reference_data):
    manager = _demo_manager()
    codes = Authenticator.objects.get(user=manager, type=Authenticator.Type.RECOVERY_CODES).wrap()
    code = codes.get_unused_codes()[0]

    assert _sign_in(manager, code).get(reverse("enrolment:operator_queue")).status_code == 200
    assert _sign_in(manager, code).get(reverse("enrolment:operator_queue")).status_code != 200


def test_the_demo_code_is_the_one_of_rfc_6238():
    # RFC 6238, appendix B: the ASCII secret "12345678901234567890", SHA-1, at T = 59 s and
    # 1111111109 s (the last six of its eight digits).
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert demo.totp_code(secret, at=59) == "287082"
    assert demo.totp_code(secret, at=1111111109) == "081804"
