"""Every decision of who may see or do what in enrolment. Guardian is called only here."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from comcep import roles
from comcep.models import OperatorManagership, Region, RolloutPhase, User
from comcep.roles import Role
from enrolment.models import APPEAL_STATES, OPERATOR_VISIBLE, Application, PilotInvitation, Status


def is_operator_manager(user) -> bool:
    return roles.has_role(user, Role.OPERATOR_MANAGER)


def is_platform_manager(user) -> bool:
    return roles.has_role(user, Role.PLATFORM_MANAGER)


# --- Operator managers ------------------------------------------------------------------

def operator_scope(user: User) -> Q:
    """The applications ``user`` manages: their operators, limited to their regions where set."""
    if not is_operator_manager(user):
        return Q(pk__in=[])
    # The guardian permission is the authority; the managership carries the region limits.
    operator_ids = set(roles.managed_operators(user).values_list("pk", flat=True))
    scope = Q(pk__in=[])
    for managership in OperatorManagership.objects.filter(user=user).prefetch_related("regions"):
        if managership.operator_id not in operator_ids:
            continue
        region_ids = [region.pk for region in managership.regions.all()]
        part = Q(operator_id=managership.operator_id)
        if region_ids:
            part &= Q(region_id__in=region_ids)
        scope |= part
    return scope


def filter_operator_applications(user: User, queryset: QuerySet[Application]) -> QuerySet[Application]:
    """What an operator manager may see: in scope, email confirmed, region open."""
    return queryset.filter(operator_scope(user), status__in=OPERATOR_VISIBLE)


def get_operator_application(user: User, pk: int) -> Application:
    """The application if ``user`` may see it as an operator manager; 404 otherwise."""
    application = filter_operator_applications(user, Application.objects.with_related()).filter(
        pk=pk).first()
    if application is None:
        raise Http404
    return application


def can_decide(user: User, application: Application) -> bool:
    return application.status == Status.PENDING and _in_operator_scope(user, application)


def can_give_reason(user: User, application: Application) -> bool:
    return application.status == Status.REASON_REQUESTED and _in_operator_scope(user, application)


def can_end_membership(user: User, application: Application) -> bool:
    return application.status == Status.ADMITTED and _in_operator_scope(user, application)


def check(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _in_operator_scope(user: User, application: Application) -> bool:
    return filter_operator_applications(user, Application.objects.filter(pk=application.pk)).exists()


# --- Platform managers -------------------------------------------------------------------

def filter_platform_applications(user: User, queryset: QuerySet[Application]) -> QuerySet[Application]:
    if not is_platform_manager(user):
        return queryset.none()
    return queryset


def get_platform_application(user: User, pk: int) -> Application:
    application = filter_platform_applications(user, Application.objects.with_related()).filter(
        pk=pk).first()
    if application is None:
        raise Http404
    return application


def can_handle_appeal(user: User, application: Application) -> bool:
    return is_platform_manager(user) and application.status in APPEAL_STATES


def can_request_reason(user: User, application: Application) -> bool:
    return is_platform_manager(user) and application.status == Status.APPEALED


def can_nudge_operator(user: User, application: Application) -> bool:
    """An application left pending past the escalation delay: the platform manager may chase
    the operator's managers (the decision stays theirs)."""
    return is_platform_manager(user) and application.is_overdue


# --- Applicants -----------------------------------------------------------------------------

def is_invited(region: Region, email: str) -> bool:
    return PilotInvitation.objects.filter(region=region, email__iexact=email).exists()


def may_apply_in(region: Region, email: str) -> bool:
    """A pilot region takes applications only from people the platform manager invited."""
    return region.phase != RolloutPhase.PILOT or is_invited(region, email)


def region_accepts_applications(region: Region, email: str) -> bool:
    """Whether an application goes to the operator's queue now (else: the waitlist)."""
    if region.phase == RolloutPhase.OPEN:
        return True
    return region.phase == RolloutPhase.PILOT and is_invited(region, email)
