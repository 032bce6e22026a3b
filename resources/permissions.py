"""Every decision about who may see or do what in the library. Guardian is called only here."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from comcep import roles
from comcep.models import Region
from comcep.roles import PUBLISH_REGION_ACTIONS, Role
from resources.models import Kind, Resource, Status, VideoState


def can_moderate(user) -> bool:
    """Moderators review, edit, publish and decline proposed resources."""
    return roles.is_community_member(user) and roles.has_role(user, Role.MODERATOR)


def can_view(user, resource: Resource) -> bool:
    """Published resources are for the community; a proposal for its proposer and moderators."""
    if resource.status == Status.PUBLISHED:
        # Regional staff who are not members still see the (public) actions of every region.
        return roles.is_community_member(user) or (resource.kind == Kind.ACTION and is_regional_staff(user))
    if can_moderate(user):
        return True
    if resource.proposed_by_id is not None and resource.proposed_by_id == user.pk:
        return True
    return can_manage_action_of(user, resource)


def check_view(user, resource: Resource) -> None:
    """404, so that a proposal nobody may see does not reveal that it exists."""
    if not can_view(user, resource):
        raise Http404


def can_edit(user, resource: Resource) -> bool:
    if resource.kind == Kind.ACTION:
        return can_manage_action_of(user, resource)
    if can_moderate(user):
        return True
    # A proposer may still amend their proposal until it is reviewed.
    return resource.status == Status.PROPOSED and resource.proposed_by_id == user.pk


def check_edit(user, resource: Resource) -> None:
    check_view(user, resource)
    if not can_edit(user, resource):
        raise PermissionDenied


def check_moderate(user) -> None:
    if not can_moderate(user):
        raise PermissionDenied


# What a moderator may do to a resource, in its state (the services re-check the state
# when they claim the row, so two moderators never both decide).


def can_publish(user, resource: Resource) -> bool:
    """A proposal, or a declined or withdrawn resource on second thoughts; never an action."""
    return (can_moderate(user) and resource.status != Status.PUBLISHED
            and resource.kind != Kind.ACTION)


def can_decline(user, resource: Resource) -> bool:
    return can_moderate(user) and resource.status == Status.PROPOSED


def can_withdraw(user, resource: Resource) -> bool:
    """A published resource leaves the library; an action is cancelled instead."""
    return (can_moderate(user) and resource.status == Status.PUBLISHED
            and resource.kind != Kind.ACTION)


def can_retry_video(user, video) -> bool:
    return can_moderate(user) and video is not None and video.state == VideoState.FAILED


def can_propose(user) -> bool:
    return roles.is_community_member(user)


# --- Regional actions -----------------------------------------------------------


def can_publish_for(user, region: Region | None) -> bool:
    """Regional staff publish for the regions they hold the guardian permission on, only."""
    if region is None or not roles.has_role(user, Role.REGIONAL_STAFF):
        return False
    return user.has_perm(PUBLISH_REGION_ACTIONS, region)


def check_publish_for(user, region: Region | None) -> None:
    if not can_publish_for(user, region):
        raise PermissionDenied


def publishable_regions(user):
    return roles.staff_regions(user)


def is_regional_staff(user) -> bool:
    return roles.has_role(user, Role.REGIONAL_STAFF)


def can_manage_action_of(user, resource: Resource) -> bool:
    return resource.kind == Kind.ACTION and can_publish_for(user, resource.region)


def can_see_actions(user) -> bool:
    """Members browse actions; regional staff see them to manage theirs."""
    return roles.is_community_member(user) or is_regional_staff(user)


def check_see_actions(user) -> None:
    if not can_see_actions(user):
        raise PermissionDenied


def can_save_action(user) -> bool:
    return roles.is_community_member(user)


# --- The regulatory watch ------------------------------------------------------------------


def can_follow(user) -> bool:
    """Members follow texts, themes and tags (staff who are not members have no notices)."""
    return roles.is_community_member(user)


def can_add_version(user, resource: Resource) -> bool:
    """Moderators publish the versions of a published legal text."""
    return can_moderate(user) and resource.kind == Kind.LEGAL and resource.status == Status.PUBLISHED


def can_annotate_version(user, resource: Resource) -> bool:
    """Experts and moderators say what a version changes for the practice of the CEP."""
    return (roles.is_community_member(user) and resource.kind == Kind.LEGAL
            and resource.status == Status.PUBLISHED
            and (roles.has_role(user, Role.MODERATOR) or roles.has_role(user, Role.EXPERT)))
