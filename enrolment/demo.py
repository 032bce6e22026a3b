"""Demo applications in every interesting state, and TOTP for the demo managers. Idempotent."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from comcep.demo import DEMO_DOMAIN, DEMO_PASSWORD, DemoAccounts
from comcep.models import Operator, Region, User
from enrolment import services, transitions
from enrolment.models import Application, Status

# Every demo manager shares this TOTP secret: add it to any authenticator app, or run
# `./dev manage demo_totp` for the current code.
DEMO_TOTP_SECRET = "COMCEPDEMOTOTPCOMCEPDEMOTOTPAAAA"  # noqa: S105  (demo data only)

# (first, last, operator, region, structure, final status, days in that status)
APPLICATIONS = [
    ("Lucie", "Marchand", "apec", "52", "Centre Apec de Nantes", Status.PENDING, 1),
    ("Karim", "Benali", "apec", "11", "Centre Apec de Paris Montparnasse", Status.PENDING, 6),
    ("Élise", "Carpentier", "apec", "52", "Centre Apec d'Angers", Status.PENDING, 12),
    ("Romain", "Lefort", "france-travail", "11", "Agence France Travail Paris 13e", Status.PENDING, 2),
    ("Agathe", "Moulin", "apec", "11", "Centre Apec de Paris La Défense", Status.APPEALED, 1),
    ("Bastien", "Roche", "france-travail", "52", "Agence France Travail Saint-Nazaire",
     Status.REASON_REQUESTED, 3),
    ("Fanny", "Giraud", "apec", "84", "Centre Apec de Lyon", Status.WAITLISTED, 4),
]


def totp_code(secret: str, at: float | None = None) -> str:
    """The code an authenticator app shows for ``secret`` (base32) at ``at`` (now by default):
    RFC 6238 with HMAC-SHA1, the period and number of digits of the MFA settings."""
    period, digits = getattr(settings, "MFA_TOTP_PERIOD", 30), getattr(settings, "MFA_TOTP_DIGITS", 6)
    counter = int(time.time() if at is None else at) // period
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10 ** digits:0{digits}d}"


def ensure_totp(user: User, secret: str = DEMO_TOTP_SECRET) -> None:
    """TOTP with the known demo secret, plus recovery codes, stored as allauth's own activation
    stores them: its Authenticator model, secrets encrypted by its MFA adapter."""
    adapter = get_adapter()
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP,
        defaults={"data": {"secret": adapter.encrypt(secret)}})
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.RECOVERY_CODES,
        defaults={"data": {"seed": adapter.encrypt(secrets.token_hex(40)), "used_mask": 0}})


def _email(first: str, last: str) -> str:
    return f"candidat.{first.lower().replace('é', 'e').replace('É', 'e')}.{last.lower()}@{DEMO_DOMAIN}"


def _take_to(application: Application, status: str, manager: User, platform_manager: User) -> None:
    if status in (Status.PENDING, Status.WAITLISTED):
        return
    transitions.refuse(application, actor=manager, category="unknown",
                       text="Nous ne retrouvons pas cette personne dans nos effectifs.")
    transitions.appeal(application, text="Je suis en poste depuis janvier, en CDD : mon adresse "
                                         "n'était pas encore active lors de ma candidature.")
    if status == Status.REASON_REQUESTED:
        transitions.request_reason(application, actor=platform_manager,
                                   text="Pouvez-vous vérifier auprès de l'agence ?")


@transaction.atomic
def seed(accounts: DemoAccounts) -> None:
    for manager in [accounts.platform_manager, *accounts.operator_managers.values()]:
        ensure_totp(manager)
    print(f"  two-factor code for the demo managers: TOTP secret {DEMO_TOTP_SECRET} "
          "(or run ./dev manage demo_totp for the current code)")

    for first, last, slug, code, structure, status, days in APPLICATIONS:
        email = _email(first, last)
        if Application.objects.filter(email=email).exists():
            continue
        region = Region.objects.get(code=code)
        # The region's phase at the time of application decides queue or waitlist.
        application = services.submit_application(
            first_name=first, last_name=last, email=email, password=DEMO_PASSWORD,
            operator=Operator.objects.get(slug=slug), region=region, structure_name=structure,
            job_title="Conseiller·ère en évolution professionnelle",
        )
        EmailAddress.objects.filter(user=application.user).update(verified=True)
        transitions.confirm_email(application)
        _take_to(application, status, accounts.operator_managers[slug], accounts.platform_manager)
        Application.objects.filter(pk=application.pk).update(
            status_changed_at=timezone.now() - timedelta(days=days))
