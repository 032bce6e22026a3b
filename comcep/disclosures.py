"""Lifting a pseudonym: the one audited door from a member to the person behind it.

A platform manager files a request stating its legal ground and the content concerned;
a *different* platform manager approves or refuses it; once approved, the requester sees
the identity once, and that reading is itself recorded. The member is told at approval,
or from the date the request gives when the law forbids telling them now (the beat task
``comcep.tasks.tell_disclosed_members``). Every step goes to the audit log under the
staff account (an identity act), never under a member.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from comcep import identity, roles
from comcep.audit import record
from comcep.models import (
    PUBLIC_ID_PATTERN,
    DisclosureState,
    IdentityDisclosure,
    Member,
)
from comcep.notifications import queue_email
from comcep.roles import Role

_PUBLIC_ID = re.compile(rf"(?<![a-z0-9])({PUBLIC_ID_PATTERN})(?![a-z0-9])")


def is_platform_manager(user) -> bool:
    return roles.has_role(user, Role.PLATFORM_MANAGER)


def find_member(reference: str) -> Member | None:
    """The member a profile address or a public identifier names (what a requisition cites)."""
    match = _PUBLIC_ID.search((reference or "").strip().lower())
    if match is None:
        return None
    return Member.objects.filter(public_id=match.group(1)).first()


def can_decide(user, disclosure: IdentityDisclosure) -> bool:
    """Four eyes: a platform manager other than the requester, while the request waits."""
    return (
        is_platform_manager(user)
        and disclosure.requested_by_id != user.pk
        and disclosure.state == DisclosureState.REQUESTED
    )


def can_reveal(user, disclosure: IdentityDisclosure) -> bool:
    return disclosure.requested_by_id == user.pk and disclosure.state == DisclosureState.APPROVED


def _data(disclosure: IdentityDisclosure) -> dict:
    return {"ground": disclosure.ground, "state": disclosure.state}


@transaction.atomic
def file_request(*, requester, member: Member, ground: str, ground_text: str = "",
                 content_url: str = "", content_text: str = "",
                 notify_member_after=None) -> IdentityDisclosure:
    if not is_platform_manager(requester):
        raise PermissionDenied
    disclosure = IdentityDisclosure.objects.create(
        requested_by=requester, member=member, ground=ground, ground_text=ground_text,
        content_url=content_url, content_text=content_text,
        notify_member_after=notify_member_after,
    )
    record(actor=requester, action="disclosure.requested", target=disclosure,
           reason=ground_text, data=_data(disclosure))
    return disclosure


def _claim(disclosure: IdentityDisclosure) -> IdentityDisclosure:
    return IdentityDisclosure.objects.select_for_update().get(pk=disclosure.pk)


@transaction.atomic
def decide(disclosure: IdentityDisclosure, *, approver, approve: bool,
           note: str = "") -> IdentityDisclosure | None:
    """Approve or refuse; None when another manager decided first. The requester may not
    decide their own request (PermissionDenied, and a database constraint behind it)."""
    if not is_platform_manager(approver) or disclosure.requested_by_id == approver.pk:
        raise PermissionDenied
    locked = _claim(disclosure)
    if locked.state != DisclosureState.REQUESTED:
        return None
    locked.state = DisclosureState.APPROVED if approve else DisclosureState.REFUSED
    locked.decided_by = approver
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    record(actor=approver, action="disclosure.approved" if approve else "disclosure.refused",
           target=locked, reason=note, data=_data(locked))
    if approve and may_tell_now(locked):
        tell_member(locked)
    return locked


def may_tell_now(disclosure: IdentityDisclosure, *, today=None) -> bool:
    today = today or timezone.localdate()
    return disclosure.notify_member_after is None or disclosure.notify_member_after <= today


@transaction.atomic
def reveal(disclosure: IdentityDisclosure, *, viewer) -> dict | None:
    """The identity behind the pseudonym, for the requester, once. None afterwards."""
    if disclosure.requested_by_id != viewer.pk or not is_platform_manager(viewer):
        raise PermissionDenied
    locked = _claim(disclosure)
    if locked.state != DisclosureState.APPROVED:
        return None
    locked.state = DisclosureState.REVEALED
    locked.revealed_at = timezone.now()
    locked.save(update_fields=["state", "revealed_at"])
    record(actor=viewer, action="disclosure.revealed", target=locked, data=_data(locked))
    account = identity.account_of(locked.member, purpose=identity.Purpose.DISCLOSURE)
    return {"first_name": account.first_name, "last_name": account.last_name,
            "email": account.email}


def tell_member(disclosure: IdentityDisclosure) -> bool:
    """Email the member that their pseudonym was lifted (once). Runs inside the caller's
    transaction, so the outbox row and the mark commit together."""
    claimed = IdentityDisclosure.objects.filter(
        pk=disclosure.pk, member_notified_at=None,
        state__in=[DisclosureState.APPROVED, DisclosureState.REVEALED],
    ).update(member_notified_at=timezone.now())
    if not claimed:
        return False
    member = identity.with_accounts(Member.objects.filter(pk=disclosure.member_id)).first()
    account = identity.deliverable_account(member)
    if account is not None:
        queue_email(template="identity_disclosed", to=account, context={
            "ground": disclosure.get_ground_display(),
            "decided_at": disclosure.decided_at,
        })
    record(actor=None, action="disclosure.member_told", target=disclosure,
           data={"emailed": account is not None})
    return True


def told_to(member) -> list[IdentityDisclosure]:
    """The liftings of ``member``'s pseudonym they have been told of (shown on their home page)."""
    if member is None:
        return []
    return list(IdentityDisclosure.objects.filter(member=member).exclude(member_notified_at=None)
                .only("pk", "ground", "decided_at").order_by("-decided_at")[:10])


def tell_due_members(*, today=None) -> int:
    """The members whose told-from date has come (beat task). Idempotent."""
    today = today or timezone.localdate()
    due = IdentityDisclosure.objects.filter(
        member_notified_at=None, notify_member_after__lte=today,
        state__in=[DisclosureState.APPROVED, DisclosureState.REVEALED],
    ).values_list("pk", flat=True)
    told = 0
    for pk in list(due):
        with transaction.atomic():
            disclosure = (IdentityDisclosure.objects.select_for_update(skip_locked=True)
                          .filter(pk=pk).first())
            if disclosure is not None and tell_member(disclosure):
                told += 1
    return told


def yearly_counts() -> list[dict]:
    """Requests filed, approved and refused, per year of filing (the public transparency page).

    Counts only: no member, no ground, no date finer than the year.
    """
    from django.db.models import Count, Q
    from django.db.models.functions import ExtractYear

    decided = [DisclosureState.APPROVED, DisclosureState.REVEALED]
    rows = (IdentityDisclosure.objects.annotate(year=ExtractYear("created_at")).values("year")
            .annotate(filed=Count("pk"), approved=Count("pk", filter=Q(state__in=decided)),
                      refused=Count("pk", filter=Q(state=DisclosureState.REFUSED)))
            .order_by("-year"))
    return [{**row, "pending": row["filed"] - row["approved"] - row["refused"]} for row in rows]
