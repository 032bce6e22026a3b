"""Who may read which figures."""

from __future__ import annotations

from django.http import Http404

from comcep import roles
from comcep.models import Operator, User
from comcep.roles import Role


def is_platform_manager(user: User) -> bool:
    return roles.has_role(user, Role.PLATFORM_MANAGER)


def operators_of(user: User):
    """The operators whose network figures ``user`` may read: those they manage."""
    return roles.managed_operators(user).order_by("name")


def get_operator(user: User, slug: str) -> Operator:
    """The operator if ``user`` manages it; 404 otherwise (another operator's figures are not
    theirs to know of)."""
    operator = operators_of(user).filter(slug=slug).first()
    if operator is None:
        raise Http404
    return operator
