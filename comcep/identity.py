"""The identity escrow: the one door between an account (a real person) and its member
(a pseudonym).

Everything that crosses the link ``Member.user`` / ``User.member`` goes through this
module, so that each crossing is named by its purpose and can be reviewed in one place.
``tests/comcep/test_identity_escrow.py`` fails when code elsewhere reads the link
directly, outside its short allow-list.

- ``member_of(account)`` answers "who am I in the community?" for the signed-in person's
  own session, and lets services record community acts under the member (``comcep.audit``).
- ``account_of(member, purpose=...)`` reaches the account behind a pseudonym. It never
  serves to show a person: the purposes are machine ones (delivering an email, checking
  that a pseudonym does not carry its holder's name, knowing whether the account is still
  active). Showing who is behind a pseudonym to a person happens only through an approved
  ``IdentityDisclosure`` (``comcep.disclosures``), with ``Purpose.DISCLOSURE``.
"""

from __future__ import annotations

from django.db.models import QuerySet


class Purpose:
    # Emailing a member: the outbox needs the account's address; the member reads it.
    DELIVERY = "delivery"
    # A pseudonym must not contain its holder's name or email (comcep.services).
    PSEUDONYM_CHECK = "pseudonym_check"
    # Whether the account behind a member is still active (roles, notifications).
    ACCOUNT_STATE = "account_state"
    # The signed-in person's own account, reached from their own member (forum pages).
    OWN_SESSION = "own_session"
    # An approved lifting of the pseudonym, shown once to its requester.
    DISCLOSURE = "disclosure"

    ALL = frozenset({DELIVERY, PSEUDONYM_CHECK, ACCOUNT_STATE, OWN_SESSION, DISCLOSURE})


def member_of(account):
    """The member of ``account`` (the signed-in person themself), or None.

    Reads the member cached on the account by ``comcep.auth`` when there is one.
    """
    if account is None or not getattr(account, "is_authenticated", False):
        return None
    return getattr(account, "member", None)


def account_of(member, *, purpose: str):
    """The account behind ``member``, for one of the documented ``Purpose`` values."""
    if purpose not in Purpose.ALL:
        raise ValueError(f"Unknown purpose {purpose!r} for reading a member's account")
    if member is None:
        return None
    return member.user


def is_active(member) -> bool:
    """Whether the account behind ``member`` may still be written to and shown."""
    account = account_of(member, purpose=Purpose.ACCOUNT_STATE)
    return account is not None and account.is_active


def deliverable_account(member):
    """The account to email ``member`` at (``comcep.notifications.queue_email``), or None
    when the account is no longer active."""
    if not is_active(member):
        return None
    return account_of(member, purpose=Purpose.DELIVERY)


def with_accounts(members: QuerySet) -> QuerySet:
    """``members`` with their accounts read in the same query, for sending in bulk."""
    return members.select_related("user")

