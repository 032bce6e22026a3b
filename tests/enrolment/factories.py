"""Applications in any state, built through the real transitions."""

from __future__ import annotations

import itertools

from allauth.account.models import EmailAddress

from comcep.models import User
from enrolment import services, transitions
from enrolment.models import Application, Status
from tests import factories

_counter = itertools.count(1)


def make_application(
    *, status: str = Status.PENDING, operator_slug: str = "apec", region_code: str = "52",
    email: str | None = None, first_name: str = "Claire", last_name: str = "Fontaine",
    manager: User | None = None, platform_manager: User | None = None,
) -> Application:
    """An application taken to ``status`` through the state machine (region 52 is open)."""
    n = next(_counter)
    region = factories.region(region_code)
    if status != Status.WAITLISTED and region.phase == "closed":
        region.phase = "open"
        region.save(update_fields=["phase"])
    application = services.submit_application(
        first_name=first_name, last_name=last_name,
        email=email or f"candidat{n}@{'apec.fr' if operator_slug == 'apec' else 'exemple.fr'}",
        password=factories.PASSWORD, operator=factories.operator(operator_slug), region=region,
        structure_name="Centre Apec de Nantes", job_title="Consultante CEP",
    )
    if status == Status.SUBMITTED:
        return application
    if status == Status.WAITLISTED:
        region.phase = "closed"
        region.save(update_fields=["phase"])
    # What allauth does when the confirmation link is followed.
    EmailAddress.objects.filter(user=application.user).update(verified=True)
    transitions.confirm_email(application)
    if status in (Status.PENDING, Status.WAITLISTED):
        return application
    manager = manager or factories.make_operator_manager(operator_slug=operator_slug)
    if status == Status.ADMITTED:
        transitions.approve(application, actor=manager)
        return application
    transitions.refuse(application, actor=manager, category="unknown",
                       text="Nous ne trouvons pas cette personne dans nos effectifs.")
    if status == Status.REFUSED:
        return application
    transitions.appeal(application, text="Je travaille bien au centre de Nantes depuis mars.")
    if status == Status.APPEALED:
        return application
    platform_manager = platform_manager or factories.make_platform_manager()
    if status == Status.UPHELD:
        transitions.uphold(application, actor=platform_manager, text="Refus fondé.")
        return application
    transitions.request_reason(application, actor=platform_manager)
    if status == Status.REASON_REQUESTED:
        return application
    transitions.give_reason(application, actor=manager, text="Contrat terminé en février.")
    if status == Status.REASON_GIVEN:
        return application
    if status == Status.ENDED:
        transitions.overturn(application, actor=platform_manager, text="Contrat en cours.")
        transitions.end_membership(application, actor=manager, category="left_operator",
                                   text="Départ le 1er juin.")
        return application
    raise ValueError(status)
