"""Writes of enrolment that are not a single move of the state machine."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comcep import legal
from comcep.audit import record
from comcep.models import Operator, OutboxMessage, Region, RolloutPhase, User
from enrolment import emails, transitions
from enrolment.conf import days_ago, delay
from enrolment.models import (
    REFUSED_STATES,
    ActorRole,
    Application,
    ApplicationEvent,
    PilotInvitation,
    Status,
    fold_name,
)

APPEAL_SALT = "enrolment.appeal"


class EnrolmentError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


class AddressTaken(EnrolmentError):
    """The address already has an account or an application. Never shown as such to whoever
    submitted the form: that would tell anyone who has applied to Comcep."""


TAKEN = "address already has an account or an application"  # for logs; never shown

# At most one warning per address in this time, so the form cannot be used to flood someone.
REPEATED_WARNING_INTERVAL = timedelta(hours=1)
REPEATED_KIND = "enrolment_repeated"


def similar_refusal_window() -> timedelta:
    """How far back a refusal by another operator counts: as long as refused applications are
    kept (the appeal window, then the retention period), which is what they are kept for."""
    return appeal_window() + timedelta(days=settings.REFUSED_APPLICATION_DAYS)


def similar_refused(key: str, operator: Operator):
    """The applications of the same folded name that another operator refused recently."""
    if not key:
        return Application.objects.none()
    since = timezone.now() - similar_refusal_window()
    refused_recently = ApplicationEvent.objects.filter(action="refuse", created_at__gte=since)
    return (Application.objects.filter(name_key=key, status__in=REFUSED_STATES,
                                       pk__in=refused_recently.values("application_id"))
            .exclude(operator=operator).order_by("-status_changed_at", "-pk"))


def has_similar_refusal(application: Application) -> bool:
    """For the operator's managers: only that a refusal of the same name was recorded."""
    return application.events.filter(action="similar_refused").exists()


def similar_refusals(application: Application) -> list[Application]:
    """For the platform manager: the earlier refusals themselves, with their operator and
    reason. Never handed to an operator manager's page."""
    recorded = application.events.filter(action="similar_refused").values("related_application_id")
    return list(Application.objects.with_related().filter(pk__in=recorded)
                .order_by("-status_changed_at", "-pk"))


def _address_taken(email: str) -> bool:
    return (User.objects.filter(email__iexact=email).exists()
            or Application.objects.filter(email__iexact=email).exists())


@transaction.atomic
def submit_application(
    *, first_name: str, last_name: str, email: str, password: str, operator: Operator,
    region: Region, structure_name: str, job_title: str, language: str = "fr",
) -> Application:
    """Create the applicant's account (no role yet) and their application, email unconfirmed.

    The account lets the applicant sign in to follow the application; it opens
    the community only once admitted. Raises ``AddressTaken`` when the address is in use.
    """
    email = email.strip().lower()
    key = fold_name(first_name, last_name)
    # Looked up before the address is checked, so that a taken address costs the same queries.
    earlier = list(similar_refused(key, operator)[:5])
    if _address_taken(email):
        raise AddressTaken(TAKEN)
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=email, password=password,
                                            first_name=first_name, last_name=last_name)
    except IntegrityError:  # the same address sent twice at the same moment
        raise AddressTaken(TAKEN) from None
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    legal.accept_at_application(user)  # the form's charter box is required
    now = timezone.now()
    application = Application.objects.create(
        user=user, first_name=first_name, last_name=last_name, name_key=key, email=email,
        operator=operator, region=region, structure_name=structure_name, job_title=job_title,
        charter_accepted_at=now, language=language, status=Status.SUBMITTED,
        status_changed_at=now, created_at=now,
    )
    ApplicationEvent.objects.create(
        application=application, action="submit", from_status="", to_status=Status.SUBMITTED,
        actor=user, actor_role=ActorRole.APPLICANT, created_at=now,
    )
    # Someone refused by one operator may try another under a new address. Nobody is told but
    # the platform manager (who follows the link) and, without who or why, the new operator.
    for refused in earlier:
        ApplicationEvent.objects.create(
            application=application, action="similar_refused", from_status=Status.SUBMITTED,
            to_status=Status.SUBMITTED, actor=None, actor_role=ActorRole.SYSTEM,
            related_application=refused, created_at=now,
        )
    return application


def apply_for_membership(*, password: str, language: str = "fr", **fields) -> Application | None:
    """The application form's submission, as the visitor sees it: an application when the
    address was free, None when it was taken, in which case the owner of the address is warned
    by email instead. The caller answers both alike."""
    try:
        return submit_application(password=password, language=language, **fields)
    except AddressTaken:
        # A new account hashes the password: so does this path, to take about as long.
        make_password(password)
        warn_address_owner(fields["email"], language=language)
        return None


@transaction.atomic
def warn_address_owner(email: str, *, language: str = "fr") -> bool:
    """Tell the owner of ``email`` that someone applied with it, once an hour at most.

    The owner's rows are locked first, so two attempts at the same moment send one warning.
    Returns whether a warning was queued.
    """
    email = email.strip().lower()
    owner = User.objects.select_for_update().filter(email__iexact=email).first()
    application = (Application.objects.select_for_update(of=("self",))
                   .filter(email__iexact=email).select_related("user").first())
    if owner is None and application is not None:
        owner = application.user
    since = timezone.now() - REPEATED_WARNING_INTERVAL
    if OutboxMessage.objects.filter(kind=REPEATED_KIND, to_email__iexact=email,
                                    created_at__gte=since).exists():
        return False
    mine = application if application is not None else getattr(owner, "application", None)
    emails.repeated_application(email, owner=owner,
                                language=mine.language if mine is not None else language)
    return True


def on_email_confirmed(user: User) -> None:
    """allauth confirmed the applicant's address: the application reaches someone now."""
    application = Application.objects.filter(user=user, status=Status.SUBMITTED).first()
    if application is not None:
        # Confirmed twice at once: the first one moved it, the second has nothing to do.
        with contextlib.suppress(transitions.TransitionError):
            transitions.confirm_email(application)


# --- Appeal links ----------------------------------------------------------------------------

class AppealLinkInvalid(EnrolmentError):
    pass


def appeal_token(application: Application) -> str:
    return signing.dumps({"a": application.pk}, salt=APPEAL_SALT)


def appeal_window() -> timedelta:
    """How long a refusal may be appealed: the life of the link sent with it, and no longer from
    the status page."""
    return timedelta(days=delay("ENROLMENT_APPEAL_LINK_DAYS"))


def appeal_deadline(application: Application):
    """Until when a refused applicant may appeal (the link was signed at the refusal)."""
    return application.status_changed_at + appeal_window()


APPEALABLE = (Status.REFUSED, Status.ENDED)


def may_appeal_now(application: Application) -> bool:
    """A refusal, or the end of a membership, within the life of the link sent with it."""
    return application.status in APPEALABLE and timezone.now() <= appeal_deadline(application)


def ending_event(application: Application) -> ApplicationEvent | None:
    """The operator's ending of the membership being appealed, or None for a refusal."""
    if application.status != Status.ENDED:
        return None
    return application.events.filter(action="end_membership").order_by("-created_at", "-pk").first()


def appeal_url(application: Application) -> str:
    return emails.absolute_url("enrolment:appeal", appeal_token(application))


def application_from_appeal_token(token: str) -> Application:
    """The application a signed appeal link points at; AppealLinkInvalid if forged or expired."""
    try:
        payload = signing.loads(token, salt=APPEAL_SALT, max_age=appeal_window())
    except signing.SignatureExpired:
        raise AppealLinkInvalid(_("Ce lien d'appel a expiré. Écrivez à l'équipe de la plateforme "
                                  "si vous souhaitez toujours contester le refus.")) from None
    except signing.BadSignature:
        raise AppealLinkInvalid(_("Ce lien d'appel n'est pas valide. Utilisez le lien exact reçu "
                                  "par e-mail.")) from None
    application = Application.objects.with_related().filter(pk=payload.get("a")).first()
    if application is None:
        raise AppealLinkInvalid(_("Ce lien d'appel n'est pas valide."))
    return application


# --- Regions and pilot invitations -------------------------------------------------------------

@transaction.atomic
def set_region_phase(region: Region, phase: str, *, actor: User) -> int:
    """Change a region's roll-out phase; waitlisted applications it now admits go to the queues.

    Returns how many applications were released.
    """
    if phase not in RolloutPhase.values:
        raise EnrolmentError(_("Phase inconnue."))
    old = region.phase
    Region.objects.filter(pk=region.pk).update(phase=phase)
    region.phase = phase
    record(actor=actor, action="region.phase_changed", target=region,
           data={"from": old, "to": phase})
    return release_waitlisted(region, actor=actor)


def releasable(region: Region, phase: str):
    """The waitlisted applications of ``region`` that going to ``phase`` sends to the operators:
    all of them when it opens, those of invited people in pilot, none while closed. The same
    rule as ``permissions.region_accepts_applications``, for a whole region at once, so that the
    number the platform manager confirms is the number released."""
    waiting = Application.objects.filter(region=region, status=Status.WAITLISTED)
    if phase == RolloutPhase.OPEN:
        return waiting
    if phase == RolloutPhase.PILOT:
        return waiting.filter(Exists(PilotInvitation.objects.filter(
            region=region, email__iexact=OuterRef("email"))))
    return waiting.none()


def release_waitlisted(region: Region, *, actor: User | None, email: str | None = None) -> int:
    released = 0
    waiting = releasable(region, region.phase).select_related("user", "operator", "region")
    if email:
        waiting = waiting.filter(email__iexact=email)
    for application in waiting.order_by("status_changed_at", "pk"):
        try:
            transitions.release(application, actor=actor)
        except transitions.TransitionError:
            continue
        released += 1
    return released


@transaction.atomic
def invite_pilot_member(*, email: str, region: Region, actor: User) -> PilotInvitation:
    """Let ``email`` apply in a pilot region; a waitlisted application of theirs goes ahead."""
    email = email.strip().lower()
    invitation, created = PilotInvitation.objects.get_or_create(
        email=email, region=region, defaults={"invited_by": actor})
    if created:
        record(actor=actor, action="region.pilot_invited", target=region)
        apply = emails.absolute_url("enrolment:apply")
        emails.pilot_invitation(email, region, f"{apply}?region={region.code}")
        release_waitlisted(region, actor=actor, email=email)
    return invitation


# --- Reminders ---------------------------------------------------------------------------------

def _claim(application_id: int, status: str, field: str) -> bool:
    """Mark a reminder as sent, once: two beat runs never send it twice."""
    return Application.objects.filter(pk=application_id, status=status, **{field: None}).update(
        **{field: timezone.now()}) == 1


def due_reminders() -> dict[str, list[int]]:
    """The ids of the applications each reminder is due for."""
    applications = Application.objects.all()
    due = {
        "pending": applications.waiting_since(
            Status.PENDING, days_ago("ENROLMENT_REMINDER_DAYS")).filter(reminded_at=None),
        "escalate": applications.overdue().filter(escalated_at=None),
        "reason": applications.waiting_since(
            Status.REASON_REQUESTED, days_ago("ENROLMENT_REASON_REMINDER_DAYS"),
        ).filter(reminded_at=None),
    }
    return {name: list(queryset.values_list("pk", flat=True)) for name, queryset in due.items()}


def _remind(application_id: int, *, status: str, field: str, action: str, notify,
            days: str) -> bool:
    """Send one reminder of an application still in ``status``, once (``field`` claims it)."""
    application = Application.objects.with_related().filter(pk=application_id).first()
    if application is None or not _claim(application_id, status, field):
        return False
    transitions.note(application, action, actor=None, actor_role=ActorRole.SYSTEM)
    notify(application, delay(days))
    return True


@transaction.atomic
def remind_pending(application_id: int) -> bool:
    return _remind(application_id, status=Status.PENDING, field="reminded_at", action="reminded",
                   notify=emails.pending_reminder, days="ENROLMENT_REMINDER_DAYS")


@transaction.atomic
def escalate_pending(application_id: int) -> bool:
    return _remind(application_id, status=Status.PENDING, field="escalated_at", action="escalated",
                   notify=emails.pending_escalated, days="ENROLMENT_ESCALATION_DAYS")


@transaction.atomic
def remind_reason(application_id: int) -> bool:
    return _remind(application_id, status=Status.REASON_REQUESTED, field="reminded_at",
                   action="reason_reminded", notify=emails.reason_reminder,
                   days="ENROLMENT_REASON_REMINDER_DAYS")


# How often the platform manager may chase an operator about one application.
NUDGE_INTERVAL = timedelta(days=1)


class NudgeRefused(EnrolmentError):
    pass


@transaction.atomic
def nudge_operator(application: Application, *, actor: User) -> ApplicationEvent:
    """The platform manager chases the operator's managers about an application left pending.

    Once a day at most: the row is locked, so two managers clicking together send one email.
    """
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status != Status.PENDING:
        raise NudgeRefused(_("Cette candidature n'attend plus de décision de l'opérateur."))
    last = locked.events.filter(action="nudged").order_by("-created_at").first()
    if last is not None and timezone.now() - last.created_at < NUDGE_INTERVAL:
        raise NudgeRefused(_("L'opérateur a déjà été relancé au sujet de cette candidature "
                             "aujourd'hui."))
    event = transitions.note(locked, "nudged", actor=actor, actor_role=ActorRole.PLATFORM_MANAGER)
    waited = (timezone.now() - locked.status_changed_at).days
    emails.operator_nudged(application, waited)
    return event


# --- Approving several applications at once ------------------------------------------------------

# A page of the queue at most: a batch is what a manager has in front of them.
BULK_APPROVAL_LIMIT = 100


class BulkRefused(EnrolmentError):
    """The batch names an application its sender may not act on: nothing is done."""


@dataclass(frozen=True, slots=True)
class BulkOutcome:
    """What happened to each application of a batch, for the manager's message."""

    approved: list[Application]
    already_decided: list[Application]


def approve_applications(ids: list[int], *, actor: User) -> BulkOutcome:
    """Approve the applications ``ids`` together, each through its own transition (its own
    event and email).

    The whole batch is refused, before anything is done, when one of them is not the actor's to
    see (another operator's, another region's, or no such application), so that nothing is left
    half done and nothing tells whether someone else's application exists. An application that
    is no longer pending (decided in another tab, or this very batch sent twice) is left as it
    is and reported: nothing is decided twice.
    """
    from enrolment.permissions import filter_operator_applications

    wanted = set(ids)
    if not wanted or len(wanted) > BULK_APPROVAL_LIMIT:
        raise BulkRefused(_("Choisissez entre 1 et %(n)s candidatures.") % {"n": BULK_APPROVAL_LIMIT})
    with transaction.atomic():
        # Locked in a stable order, so that two batches sharing rows never wait on each other.
        visible = list(filter_operator_applications(actor, Application.objects.filter(pk__in=wanted))
                       .select_related("user", "operator", "region").order_by("pk")
                       .select_for_update(of=("self",)))
        if {application.pk for application in visible} != wanted:
            raise BulkRefused(_("Une des candidatures choisies ne relève pas de vous : aucune "
                                "n'a été acceptée. Rechargez la liste et recommencez."))
        approved, already_decided = [], []
        for application in visible:
            if application.status != Status.PENDING:
                already_decided.append(application)
                continue
            transitions.approve(application, actor=actor)
            approved.append(application)
    return BulkOutcome(approved=approved, already_decided=already_decided)
