"""One way to write the audit log.

Community acts (the forum, the private space, resources proposed and curated by members)
are recorded under the pseudonymous member who did them, never their account: reading the
log must not link a pseudonym to a person. Identity acts (enrolment, sign-in, roles, staff
work, lifting a pseudonym) are recorded under the account. A row never names both (a
database constraint on ``AuditEvent``).
"""

from __future__ import annotations

from typing import Any

from django.db import models

COMMUNITY_ACTION_PREFIXES = ("forum.", "privatespace.", "resource.")


def is_community_action(action: str) -> bool:
    return action.startswith(COMMUNITY_ACTION_PREFIXES)


def _actors(actor, action: str):
    """(account, member) to record for ``actor``: at most one of them is set."""
    from comcep import identity
    from comcep.models import Member

    if not getattr(actor, "pk", None):
        return None, None
    if isinstance(actor, Member):
        return None, actor
    if is_community_action(action):
        member = identity.member_of(actor)
        if member is not None:
            return None, member
    return actor, None


def record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
):
    """Append an event. ``actor`` is an account or a member; for a community action an
    account is recorded as its member (when it has one)."""
    from comcep.models import AuditEvent

    account, member = _actors(actor, action)
    return AuditEvent.objects.create(
        actor=account,
        actor_member=member,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        reason=reason,
        data=data or {},
    )
