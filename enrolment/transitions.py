"""The enrolment state machine: which moves are allowed, and what each one does.

Every move claims the row with ``filter(pk=…, status=OLD).update(…)`` and goes
on only if exactly one row changed, so two managers acting at the same moment
cannot both decide: the second gets ``AlreadyDecided``. Every move writes an
``ApplicationEvent`` (the audit trail) and queues its emails in the same
transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comcep.models import Member, Structure, User
from comcep.roles import Role, grant_role
from enrolment import emails
from enrolment.models import ActorRole, Application, ApplicationEvent, Status

S = Status

# (action) → (states it may start from, state it leads to, who may do it)
TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    "confirm_email": (frozenset({S.SUBMITTED}), S.PENDING, ActorRole.APPLICANT),
    "waitlist": (frozenset({S.SUBMITTED}), S.WAITLISTED, ActorRole.APPLICANT),
    "release": (frozenset({S.WAITLISTED}), S.PENDING, ActorRole.PLATFORM_MANAGER),
    "approve": (frozenset({S.PENDING}), S.ADMITTED, ActorRole.OPERATOR_MANAGER),
    "refuse": (frozenset({S.PENDING}), S.REFUSED, ActorRole.OPERATOR_MANAGER),
    # A refused applicant, or a member whose operator ended the membership, may appeal.
    "appeal": (frozenset({S.REFUSED, S.ENDED}), S.APPEALED, ActorRole.APPLICANT),
    "request_reason": (frozenset({S.APPEALED}), S.REASON_REQUESTED, ActorRole.PLATFORM_MANAGER),
    "give_reason": (frozenset({S.REASON_REQUESTED}), S.REASON_GIVEN, ActorRole.OPERATOR_MANAGER),
    "uphold": (
        frozenset({S.APPEALED, S.REASON_REQUESTED, S.REASON_GIVEN}), S.UPHELD, ActorRole.PLATFORM_MANAGER
    ),
    "overturn": (
        frozenset({S.APPEALED, S.REASON_REQUESTED, S.REASON_GIVEN}), S.ADMITTED,
        ActorRole.PLATFORM_MANAGER,
    ),
    "end_membership": (frozenset({S.ADMITTED}), S.ENDED, ActorRole.OPERATOR_MANAGER),
}

ALREADY_DECIDED = _("Cette candidature a déjà été traitée entre-temps (par une autre personne ou "
                    "dans un autre onglet) : rien n'a été enregistré deux fois. Voici son état actuel.")


class TransitionError(Exception):
    """A move that the table does not allow from the application's state."""

    def __init__(self, message=None):
        super().__init__(message or _("Cette action n'est pas possible dans l'état actuel "
                                      "de la candidature."))
        self.message = str(self.args[0])


class AlreadyDecided(TransitionError):
    """Someone else moved the application first."""

    def __init__(self):
        super().__init__(ALREADY_DECIDED)


def _downstream(states: frozenset[str]) -> frozenset[str]:
    """The states an application can reach after leaving ``states``."""
    reached: set[str] = set()
    frontier = list(states)
    while frontier:
        state = frontier.pop()
        for sources, target, _who in TRANSITIONS.values():
            if state in sources and target not in reached:
                reached.add(target)
                frontier.append(target)
    return frozenset(reached - states)


def allowed_actions(status: str) -> set[str]:
    return {action for action, (sources, _to, _who) in TRANSITIONS.items() if status in sources}


def _move(
    application: Application, action: str, *, actor: User | None, category: str = "",
    text: str = "", **fields,
) -> ApplicationEvent:
    """Claim the row for ``action``, record the event. Raises when not allowed or lost."""
    sources, target, actor_role = TRANSITIONS[action]
    old = application.status
    if old not in sources:
        # Moved on since the page was shown (someone else decided first), or simply not allowed.
        raise AlreadyDecided() if old in _downstream(sources) else TransitionError()
    now = timezone.now()
    claimed = Application.objects.filter(pk=application.pk, status=old).update(
        status=target, status_changed_at=now, reminded_at=None, escalated_at=None, **fields
    )
    if claimed != 1:
        raise AlreadyDecided()
    application.status, application.status_changed_at = target, now
    application.reminded_at = application.escalated_at = None
    for name, value in fields.items():
        setattr(application, name, value)
    return ApplicationEvent.objects.create(
        application=application, action=action, from_status=old, to_status=target,
        actor=actor, actor_role=actor_role, category=category, text=text, created_at=now,
    )


def note(application: Application, action: str, *, actor: User | None,
         actor_role: str) -> ApplicationEvent:
    """Record a step that leaves the state as it is (a reminder, an escalation, a nudge)."""
    return ApplicationEvent.objects.create(
        application=application, action=action, from_status=application.status,
        to_status=application.status, actor=actor, actor_role=actor_role)


def _admit(application: Application, *, actor: User) -> None:
    """Open the community to the applicant; the pseudonym is chosen at first sign-in."""
    structure, _created = Structure.objects.get_or_create(
        operator=application.operator, region=application.region, name=application.structure_name
    )
    Application.objects.filter(pk=application.pk).update(structure=structure)
    application.structure = structure
    user = application.user
    grant_role(user, Role.MEMBER, actor=actor, reason=f"candidature #{application.pk} acceptée")
    Member.objects.get_or_create(
        user=user,
        defaults={"operator": application.operator, "region": application.region,
                  "structure": structure},
    )


def appeals_an_ending(application: Application) -> bool:
    """Whether the application's latest appeal contests the end of a membership (not a refusal)."""
    latest = application.events.filter(action="appeal").order_by("-created_at", "-pk").first()
    return latest is not None and latest.from_status == S.ENDED


def _reopen_account(application: Application, *, actor: User) -> None:
    """The end of the membership was overturned: the account opens again, its identity no longer
    waits to be purged. Its password was made unusable at the closing, so the person chooses a
    new one (the email says how); the private space erased then is not brought back."""
    from comcep.audit import record
    from comcep.models import ClosedAccount

    user = application.user
    User.objects.filter(pk=user.pk).update(is_active=True)
    user.is_active = True
    ClosedAccount.objects.filter(user=user, purged_at=None).delete()
    record(actor=actor, action="enrolment.membership_restored", target=user,
           data={"application": application.pk})


@transaction.atomic
def confirm_email(application: Application) -> ApplicationEvent:
    """The applicant confirmed their address: to the operator's queue, or the waitlist."""
    from enrolment.permissions import region_accepts_applications

    if region_accepts_applications(application.region, application.email):
        event = _move(application, "confirm_email", actor=application.user)
        emails.application_received(application)
    else:
        event = _move(application, "waitlist", actor=application.user)
        emails.application_waitlisted(application)
    return event


@transaction.atomic
def release(application: Application, *, actor: User | None) -> ApplicationEvent:
    """The region opened: the waitlisted application joins the operator's queue."""
    event = _move(application, "release", actor=actor)
    emails.application_released(application)
    return event


@transaction.atomic
def approve(application: Application, *, actor: User) -> ApplicationEvent:
    event = _move(application, "approve", actor=actor)
    _admit(application, actor=actor)
    emails.application_admitted(application)
    return event


@transaction.atomic
def refuse(application: Application, *, actor: User, category: str, text: str) -> ApplicationEvent:
    if not category or not text.strip():
        raise TransitionError(_("Un refus demande une catégorie et un motif rédigé."))
    event = _move(application, "refuse", actor=actor, category=category, text=text,
                  refusal_category=category, refusal_text=text)
    emails.application_refused(application)
    return event


@transaction.atomic
def appeal(application: Application, *, text: str) -> ApplicationEvent:
    if not text.strip():
        raise TransitionError(_("Expliquez en quelques mots pourquoi vous faites appel."))
    event = _move(application, "appeal", actor=application.user, text=text, appeal_text=text)
    emails.appeal_received(application)
    return event


@transaction.atomic
def request_reason(application: Application, *, actor: User, text: str = "") -> ApplicationEvent:
    event = _move(application, "request_reason", actor=actor, text=text)
    emails.reason_requested(application)
    return event


@transaction.atomic
def give_reason(application: Application, *, actor: User, text: str) -> ApplicationEvent:
    if not text.strip():
        raise TransitionError(_("Le motif est obligatoire."))
    event = _move(application, "give_reason", actor=actor, text=text, operator_reason=text)
    emails.reason_given(application)
    return event


@transaction.atomic
def uphold(application: Application, *, actor: User, text: str) -> ApplicationEvent:
    if not text.strip():
        raise TransitionError(_("Motivez la décision."))
    ended = appeals_an_ending(application)
    event = _move(application, "uphold", actor=actor, text=text)
    emails.appeal_decided(application, overturned=False, text=text, ended=ended)
    return event


@transaction.atomic
def overturn(application: Application, *, actor: User, text: str) -> ApplicationEvent:
    if not text.strip():
        raise TransitionError(_("Motivez la décision."))
    ended = appeals_an_ending(application)
    event = _move(application, "overturn", actor=actor, text=text)
    if ended:
        _reopen_account(application, actor=actor)
    _admit(application, actor=actor)
    emails.appeal_decided(application, overturned=True, text=text, ended=ended)
    return event


@transaction.atomic
def end_membership(application: Application, *, actor: User, category: str, text: str,
                   keep_posts: bool = True) -> ApplicationEvent:
    """The member left the operator: the account closes as when a member deletes it.

    Their private space goes; their posts stay under "ancien·ne membre" (``keep_posts``).
    """
    from comcep import datarights
    from comcep.accounts import end_all_sessions

    if not category or not text.strip():
        raise TransitionError(_("Indiquez une catégorie et un motif."))
    event = _move(application, "end_membership", actor=actor, category=category, text=text)
    user = application.user
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    emails.membership_ended(application)
    datarights.close_account(user, keep_posts=keep_posts, by_member=False, actor=actor)
    end_all_sessions(user)
    return event
