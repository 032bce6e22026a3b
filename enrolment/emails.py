"""Who is told what at each step. Every email goes through the outbox.

Emails to managers carry no name, email or pseudonym: only a link to the
application, which checks who may see it.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from comcep.models import OperatorManagership, User
from comcep.notifications import queue_email
from comcep.roles import Role
from enrolment.conf import delay
from enrolment.models import Application


def absolute_url(name: str, *args) -> str:
    """The full address of a page, for links in emails."""
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def operator_managers(application: Application):
    """The active managers of the claimed operator whose scope covers the region."""
    managerships = OperatorManagership.objects.filter(
        operator_id=application.operator_id, user__is_active=True
    ).filter(Q(regions=None) | Q(regions=application.region_id))
    return User.objects.filter(pk__in=managerships.values("user_id")).order_by("pk")


def platform_managers():
    return User.objects.filter(groups__name=Role.PLATFORM_MANAGER, is_active=True).order_by("pk")


def _to_applicant(application: Application, template: str, **context) -> None:
    queue_email(
        template=f"enrolment_{template}", to=application.user, language=application.language,
        context={"application": application, "status_url": absolute_url("enrolment:status"),
                 **context},
    )


def _to_operator_managers(application: Application, template: str, **context) -> None:
    url = absolute_url("enrolment:operator_detail", application.pk)
    for manager in operator_managers(application):
        queue_email(template=f"enrolment_{template}", to=manager,
                    context={"url": url, "operator": application.operator, **context})


def _to_platform_managers(application: Application, template: str, **context) -> None:
    url = absolute_url("enrolment:platform_detail", application.pk)
    for manager in platform_managers():
        queue_email(template=f"enrolment_{template}", to=manager,
                    context={"url": url, "operator": application.operator, **context})


def application_received(application: Application) -> None:
    _to_applicant(application, "received")
    _to_operator_managers(application, "new_application")


def application_waitlisted(application: Application) -> None:
    _to_applicant(application, "waitlisted")


def application_released(application: Application) -> None:
    _to_applicant(application, "released")
    _to_operator_managers(application, "new_application")


def application_admitted(application: Application) -> None:
    _to_applicant(application, "admitted", login_url=absolute_url("account_login"))


def application_refused(application: Application) -> None:
    from enrolment.services import appeal_url

    _to_applicant(application, "refused", appeal_url=appeal_url(application),
                  appeal_days=delay("ENROLMENT_APPEAL_LINK_DAYS"))


def appeal_received(application: Application) -> None:
    _to_applicant(application, "appeal_received")
    _to_platform_managers(application, "new_appeal")


def reason_requested(application: Application) -> None:
    _to_operator_managers(application, "reason_requested")


def reason_given(application: Application) -> None:
    _to_platform_managers(application, "reason_given")


def appeal_decided(application: Application, *, overturned: bool, text: str,
                   ended: bool = False) -> None:
    _to_applicant(application, "appeal_outcome", overturned=overturned, decision_text=text,
                  login_url=absolute_url("account_login"), ended=ended,
                  reset_url=absolute_url("account_reset_password"))


def membership_ended(application: Application) -> None:
    from enrolment.services import appeal_url

    _to_applicant(application, "membership_ended", appeal_url=appeal_url(application),
                  appeal_days=delay("ENROLMENT_APPEAL_LINK_DAYS"))


def pending_reminder(application: Application, days: int) -> None:
    _to_operator_managers(application, "pending_reminder", days=days)


def pending_escalated(application: Application, days: int) -> None:
    _to_platform_managers(application, "escalated", days=days)


def operator_nudged(application: Application, days: int) -> None:
    _to_operator_managers(application, "nudged", days=days)


def reason_reminder(application: Application, days: int) -> None:
    _to_operator_managers(application, "reason_reminder", days=days)
    _to_platform_managers(application, "reason_reminder", days=days)


def pilot_invitation(email: str, region, apply_url: str) -> None:
    queue_email(template="enrolment_pilot_invitation", to=email,
                context={"region": region, "apply_url": apply_url})


def repeated_application(email: str, *, owner: User | None, language: str = "fr") -> None:
    """Someone applied with an address that already has an account or an application: its owner
    is told here, never the person who filled in the form."""
    # To the address that was typed; linked to its account when that is the account's address.
    to = owner if owner is not None and owner.email.lower() == email.lower() else email
    queue_email(template="enrolment_repeated", to=to, language=language,
                context={"login_url": absolute_url("account_login"),
                         "password_reset_url": absolute_url("account_reset_password")})
