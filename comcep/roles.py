"""The roles of docs/design.md, as groups plus guardian object permissions.

One person may hold several roles, except that an operator manager is never a
member of the community: the hierarchy does not take part.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from comcep.audit import record
from comcep.cache import LocalCopies, db_scoped_key
from comcep.models import Member, Operator, OperatorManagership, Region, User


class Role:
    MEMBER = "member"
    EXPERT = "expert"
    MODERATOR = "moderator"
    OPERATOR_MANAGER = "operator_manager"
    REGIONAL_STAFF = "regional_staff"
    PLATFORM_MANAGER = "platform_manager"

    ALL = (MEMBER, EXPERT, MODERATOR, OPERATOR_MANAGER, REGIONAL_STAFF, PLATFORM_MANAGER)
    # Roles that take part in the community, and so never go with OPERATOR_MANAGER.
    COMMUNITY = frozenset({MEMBER, EXPERT, MODERATOR})
    LABELS = {
        MEMBER: _("membre"),
        EXPERT: _("expert·e"),
        MODERATOR: _("animateur·rice"),
        OPERATOR_MANAGER: _("responsable d'opérateur"),
        REGIONAL_STAFF: _("équipe Carif-Oref"),
        PLATFORM_MANAGER: _("gestionnaire de la plateforme"),
    }


MANAGE_APPLICATIONS = "comcep.manage_operator_applications"
PUBLISH_REGION_ACTIONS = "comcep.publish_region_actions"


def ensure_groups() -> None:
    for name in Role.ALL:
        Group.objects.get_or_create(name=name)


def roles_of(user) -> frozenset[str]:
    """The roles of a user, read once per request and kept on the user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_comcep_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._comcep_roles = cached
    return cached


def has_role(user, role: str) -> bool:
    return role in roles_of(user)


def forget_roles(user) -> None:
    """Drop the roles kept on ``user`` by roles_of (after a change, or at sign-in)."""
    user.__dict__.pop("_comcep_roles", None)


# Badges: who holds a role that shows next to a pseudonym. Few people do, every topic page
# needs them, and they rarely change: kept in the shared cache, dropped whenever anyone's
# groups change (comcep.signals), and re-read at most BADGE_HOLDERS_TTL seconds later where
# the cache is per process. Each process also keeps its copy for up to BADGE_LOCAL_SECONDS.
BADGE_ROLES = (Role.EXPERT, Role.MODERATOR)
BADGE_HOLDERS_TTL = 60
BADGE_LOCAL_SECONDS = 5
_local_badges = LocalCopies(size=2)


def _badge_holders_key() -> str:
    return db_scoped_key("roles:badge-holders")


def badge_holders() -> dict[int, frozenset[str]]:
    """The badge roles of every member who has one, by member id."""
    key = _badge_holders_key()
    # The local copy's key names a window of BADGE_LOCAL_SECONDS: it lapses with its window.
    local_key = f"{key}:{int(time.monotonic() // BADGE_LOCAL_SECONDS)}"
    holders = _local_badges.get(local_key)
    if holders is not None:
        return holders
    holders = cache.get(key)
    if holders is None:
        holders = {}
        for member_id, role in Member.objects.filter(user__groups__name__in=BADGE_ROLES).values_list(
                "pk", "user__groups__name"):
            holders[member_id] = holders.get(member_id, frozenset()) | {role}
        cache.set(key, holders, BADGE_HOLDERS_TTL)
    _local_badges.put(local_key, holders)
    return holders


def forget_badge_holders() -> None:
    def forget():
        _local_badges.clear()
        cache.delete(_badge_holders_key())

    forget()
    # Again after the commit, so that a page read in between does not keep the old list.
    transaction.on_commit(forget)


def check_compatible(user: User, role: str) -> None:
    """Raise ValidationError when ``user`` may not hold ``role`` with the roles they have."""
    current = roles_of(user)
    if role == Role.OPERATOR_MANAGER and current & Role.COMMUNITY:
        raise ValidationError(
            _("Un·e membre de la communauté ne peut pas être responsable d'opérateur : "
              "la hiérarchie ne participe pas au forum."),
            code="role_conflict",
        )
    if role in Role.COMMUNITY and Role.OPERATOR_MANAGER in current:
        raise ValidationError(
            _("Un·e responsable d'opérateur ne peut pas rejoindre la communauté : "
              "la hiérarchie ne participe pas au forum."),
            code="role_conflict",
        )


@transaction.atomic
def grant_role(user: User, role: str, *, actor: User | None, reason: str = "") -> None:
    """Give a role, refusing the combinations the design forbids. Audited."""
    if role not in Role.ALL:
        raise ValueError(f"Unknown role {role!r}")
    check_compatible(user, role)
    group, _created = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    forget_roles(user)
    record(actor=actor, action="role.granted", target=user, reason=reason, data={"role": role})


@transaction.atomic
def revoke_role(user: User, role: str, *, actor: User | None, reason: str = "") -> None:
    user.groups.remove(*Group.objects.filter(name=role))
    forget_roles(user)
    record(actor=actor, action="role.revoked", target=user, reason=reason, data={"role": role})


@transaction.atomic
def name_operator_manager(
    user: User,
    operator: Operator,
    *,
    actor: User | None,
    regions: Iterable[Region] = (),
) -> OperatorManagership:
    """Name ``user`` manager of ``operator`` (optionally limited to ``regions``)."""
    grant_role(user, Role.OPERATOR_MANAGER, actor=actor)
    managership, _created = OperatorManagership.objects.get_or_create(user=user, operator=operator)
    managership.regions.set(regions)
    assign_perm(MANAGE_APPLICATIONS, user, operator)
    record(
        actor=actor, action="operator_manager.named", target=user,
        data={"operator": operator.slug, "regions": [r.code for r in regions]},
    )
    return managership


@transaction.atomic
def remove_operator_manager(user: User, operator: Operator, *, actor: User | None) -> None:
    OperatorManagership.objects.filter(user=user, operator=operator).delete()
    remove_perm(MANAGE_APPLICATIONS, user, operator)
    if not OperatorManagership.objects.filter(user=user).exists():
        revoke_role(user, Role.OPERATOR_MANAGER, actor=actor)
    record(actor=actor, action="operator_manager.removed", target=user,
           data={"operator": operator.slug})


@transaction.atomic
def name_regional_staff(user: User, region: Region, *, actor: User | None) -> None:
    """Let ``user`` publish the professionalisation actions of ``region``."""
    grant_role(user, Role.REGIONAL_STAFF, actor=actor)
    assign_perm(PUBLISH_REGION_ACTIONS, user, region)
    record(actor=actor, action="regional_staff.named", target=user, data={"region": region.code})


def managed_operators(user: User) -> QuerySet[Operator]:
    """The operators whose applications ``user`` may handle."""
    if not has_role(user, Role.OPERATOR_MANAGER):
        return Operator.objects.none()
    return get_objects_for_user(user, MANAGE_APPLICATIONS, klass=Operator, accept_global_perms=False)


def staff_regions(user: User) -> QuerySet[Region]:
    """The regions whose actions ``user`` may publish."""
    if not has_role(user, Role.REGIONAL_STAFF):
        return Region.objects.none()
    return get_objects_for_user(user, PUBLISH_REGION_ACTIONS, klass=Region, accept_global_perms=False)


def is_community_member(user) -> bool:
    """May read and post in the community (forum, resources, private space)."""
    roles = roles_of(user)
    return bool(roles & Role.COMMUNITY) and Role.OPERATOR_MANAGER not in roles
