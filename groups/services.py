"""Every write about groups, memberships and their files, and the few reads other apps rely on.

Who belongs is kept here; who may read the group's discussion is kept by the forum
(``forum.services.grant_category_access`` / ``revoke_category_access``), in the same transaction,
so the two never disagree: an active membership is exactly an access row.
"""

from __future__ import annotations

import mimetypes
from contextlib import ExitStack

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from comcep import antivirus, audit, datarights, filecleaning, identity, notifications, storage
from comcep.models import Member
from forum import services as forum_services
from groups.models import Group, GroupFile, Membership, MembershipRole, MembershipState, Visibility

# A shared file is at most this big (the forum's images are smaller; a group shares documents).
FILE_MAX_BYTES = getattr(settings, "GROUP_FILE_MAX_BYTES", 20 * 1024 * 1024)


def is_active_member(member: Member | None, group: Group) -> bool:
    """Whether ``member`` belongs to ``group`` now (invited or requesting is not belonging)."""
    if member is None or not member.pk:
        return False
    return Membership.objects.filter(group=group, member=member, state=MembershipState.ACTIVE).exists()


def membership_of(member: Member | None, group: Group) -> Membership | None:
    if member is None or not member.pk:
        return None
    return Membership.objects.filter(group=group, member=member).first()


def _unique_slug(name: str) -> str:
    base = slugify(name)[:120] or "groupe"
    slug, n = base, 1
    while Group.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _activate(membership: Membership, *, now=None) -> None:
    membership.state = MembershipState.ACTIVE
    membership.joined_at = now or timezone.now()
    membership.save(update_fields=["state", "joined_at"])
    assert membership.group.category is not None
    forum_services.grant_category_access(membership.group.category, membership.member)
    Group.objects.filter(pk=membership.group_id).update(member_count=F("member_count") + 1)


def _drop(membership: Membership) -> None:
    """A membership ends: the row goes, and with an active one the discussion's access."""
    was_active = membership.is_active
    membership.delete()
    if was_active:
        assert membership.group.category is not None
        forum_services.revoke_category_access(membership.group.category, membership.member)
        Group.objects.filter(pk=membership.group_id).update(member_count=F("member_count") - 1)


def _lock(group: Group) -> Group:
    """The group's row, locked: two owners' acts (or a join and a removal) happen one after the other."""
    return Group.objects.select_for_update(of=("self",)).select_related("category").get(pk=group.pk)


@transaction.atomic
def create_group(*, actor: Member, name: str, purpose: str, visibility: str, theme=None,
                 region=None) -> Group:
    """A group owned by ``actor``, with its members-only discussion; ``actor`` is its first member."""
    slug = _unique_slug(name)
    category = forum_services.create_members_only_category(name=name, slug=f"groupe-{slug}",
                                                           description=purpose[:500])
    group = Group.objects.create(name=name, slug=slug, purpose=purpose, visibility=visibility,
                                 owner=actor, theme=theme, region=region, category=category)
    Membership.objects.create(group=group, member=actor, role=MembershipRole.OWNER,
                              state=MembershipState.ACTIVE, joined_at=group.created_at)
    forum_services.grant_category_access(category, actor)
    Group.objects.filter(pk=group.pk).update(member_count=1)
    group.member_count = 1
    audit.record(actor=actor, action="groups.create", target=group)
    return group


@transaction.atomic
def join(*, actor: Member, group: Group) -> Membership:
    """An open group takes ``actor`` at once; an on-request one records the request. An
    invitation is accepted by ``accept_invitation``; a group by invitation only takes no request."""
    group = _lock(group)
    existing = membership_of(actor, group)
    if existing is not None:
        if existing.state == MembershipState.INVITED:
            _activate(existing)
        return existing
    if group.visibility == Visibility.INVITATION:
        raise PermissionDenied
    membership = Membership.objects.create(group=group, member=actor, state=MembershipState.REQUESTED)
    if group.visibility == Visibility.OPEN:
        _activate(membership)
    audit.record(actor=actor, action="groups.join", target=group, data={"state": membership.state})
    return membership


@transaction.atomic
def invite(*, actor: Member, group: Group, pseudonym: str) -> Membership:
    """The owner invites a member by pseudonym; one who asked to join is let in at once."""
    from comcep.pseudonyms import key as pseudonym_key

    group = _lock(group)
    invitee = Member.objects.active().filter(pseudonym_key=pseudonym_key(pseudonym)).first()
    if invitee is None or not identity.is_active(invitee):
        raise ValidationError(_("Aucun membre ne porte ce pseudonyme."), code="unknown")
    existing = membership_of(invitee, group)
    if existing is not None and existing.state != MembershipState.REQUESTED:
        raise ValidationError(_("%(pseudonym)s fait déjà partie du groupe ou y est déjà invité·e.")
                              % {"pseudonym": invitee.pseudonym}, code="already")
    if existing is not None:
        existing.invited_by = actor
        existing.save(update_fields=["invited_by"])
        _activate(existing)
        membership = existing
    else:
        membership = Membership.objects.create(group=group, member=invitee, state=MembershipState.INVITED,
                                               invited_by=actor)
    audit.record(actor=actor, action="groups.invite", target=group)
    return membership


@transaction.atomic
def accept_invitation(*, actor: Member, group: Group) -> None:
    group = _lock(group)
    membership = membership_of(actor, group)
    if membership is None or membership.state != MembershipState.INVITED:
        raise PermissionDenied
    _activate(membership)
    audit.record(actor=actor, action="groups.accept_invitation", target=group)


@transaction.atomic
def decline_invitation(*, actor: Member, group: Group) -> None:
    membership = membership_of(actor, _lock(group))
    if membership is None or membership.state != MembershipState.INVITED:
        raise PermissionDenied
    _drop(membership)


@transaction.atomic
def decide_request(*, actor: Member, group: Group, member: Member, accept: bool) -> None:
    """The owner lets in, or turns down, a member who asked to join."""
    group = _lock(group)
    membership = membership_of(member, group)
    if membership is None or membership.state != MembershipState.REQUESTED:
        raise ValidationError(_("Cette demande n'est plus en attente."), code="gone")
    if accept:
        _activate(membership)
    else:
        _drop(membership)
    audit.record(actor=actor, action="groups.accept_request" if accept else "groups.refuse_request",
                 target=group)


@transaction.atomic
def remove_member(*, actor: Member, group: Group, member: Member) -> None:
    """The owner takes a member (or an invitation) out of the group; the owner stays."""
    group = _lock(group)
    membership = membership_of(member, group)
    if membership is None:
        raise ValidationError(_("Ce membre ne fait plus partie du groupe."), code="gone")
    if membership.is_owner:
        raise ValidationError(_("L'animateur·rice ne peut pas être retiré·e du groupe."), code="owner")
    _drop(membership)
    audit.record(actor=actor, action="groups.remove", target=group)


@transaction.atomic
def leave(*, actor: Member, group: Group) -> None:
    """A member leaves and loses access at once; the owner first hands the group over."""
    group = _lock(group)
    membership = membership_of(actor, group)
    if membership is None:
        raise PermissionDenied
    if membership.is_owner:
        raise ValidationError(
            _("Confiez d'abord l'animation du groupe à un autre membre : "
              "un groupe a toujours un·e animateur·rice."),
            code="owner")
    _drop(membership)
    audit.record(actor=actor, action="groups.leave", target=group)


@transaction.atomic
def hand_over(*, actor: Member, group: Group, member: Member) -> None:
    """The owner makes another active member the owner, and stays a member."""
    group = _lock(group)
    new_owner = membership_of(member, group)
    if new_owner is None or not new_owner.is_active or new_owner.is_owner:
        raise ValidationError(_("Choisissez un membre actif du groupe."), code="not_member")
    Membership.objects.filter(group=group, role=MembershipRole.OWNER).update(role=MembershipRole.MEMBER)
    new_owner.role = MembershipRole.OWNER
    new_owner.save(update_fields=["role"])
    Group.objects.filter(pk=group.pk).update(owner=member)
    audit.record(actor=actor, action="groups.hand_over", target=group)


def upload_file(*, actor: Member, group: Group, uploaded, title: str = "") -> GroupFile:
    """Share a file in a group, under the forum's rules for uploads: a size limit, the antivirus,
    and its metadata stripped (what cannot be cleaned is refused). French ValidationErrors."""
    if uploaded.size == 0:
        raise ValidationError(_("Ce fichier est vide."), code="empty")
    if uploaded.size > FILE_MAX_BYTES:
        raise ValidationError(_("Ce fichier dépasse %(mb)s Mo.") % {"mb": FILE_MAX_BYTES // (1024 * 1024)},
                              code="too_big")
    shown = " ".join((title or uploaded.name or "").split())[:180] or _("Fichier sans nom")
    # Scanned before the transaction: the scan takes a while.
    antivirus.scan_upload(uploaded, uploader=actor, where="groups.file")
    stored_name = None
    try:
        with ExitStack() as stack, transaction.atomic():
            cleaned = stack.enter_context(filecleaning.clean_file(uploaded, name=uploaded.name or ""))
            mime_type = (cleaned.content_type or mimetypes.guess_type(cleaned.name or "")[0]
                         or "application/octet-stream")
            shared = GroupFile(group=group, uploader=actor, title=shown, size=cleaned.size,
                               mime_type=mime_type)
            shared.file.save(cleaned.name, cleaned, save=False)
            stored_name = shared.file.name
            shared.save()
            Group.objects.filter(pk=group.pk).update(last_activity_at=timezone.now())
    except Exception as error:
        if stored_name:
            default_storage.delete(stored_name)
        if (refusal := storage.refusal_for(error)) is not None:
            raise refusal from error
        raise
    return shared


@transaction.atomic
def delete_file(*, shared: GroupFile) -> None:
    stored_name = shared.file.name
    shared.delete()
    transaction.on_commit(lambda: default_storage.delete(stored_name))


def _tell_new_owner(owner: Member, group: Group) -> None:
    """The member a group passed to when its owner closed their account learns it by email
    (queued in the caller's transaction), under pseudonyms only."""
    account = identity.deliverable_account(owner)
    if account is None:
        return
    notifications.queue_email(template="groups_handed_over", to=account, context={
        "member": owner, "group": group, "url": reverse("groups:detail", args=[group.slug]),
        "members_url": reverse("groups:members", args=[group.slug]),
    })


@transaction.atomic
def erase_member(member: Member) -> None:
    """A closed account leaves every group (``groups.datarights``): each membership ends with its
    discussion's access (as ``leave`` does), the files the member shared go with their stored
    files once the transaction commits, and a group they own passes to its longest-standing
    other active member, who is told by email, or is closed (deleted with its files) when none
    is left. The group's discussion keeps the posts the forum keeps, unreachable once nobody
    belongs."""
    stored: list[str] = []
    for membership in list(Membership.objects.filter(member=member).select_related("group")):
        group = _lock(membership.group)
        membership.group = group
        if membership.is_owner:
            successor = (Membership.objects.filter(group=group, state=MembershipState.ACTIVE)
                         .exclude(member=member).select_related("member")
                         .order_by("joined_at", "pk").first())
            if successor is None:
                stored += list(group.files.values_list("file", flat=True))
                audit.record(actor=member, action="groups.close", target=group)
                _drop(membership)
                group.delete()
                continue
            Membership.objects.filter(pk=membership.pk).update(role=MembershipRole.MEMBER)
            membership.role = MembershipRole.MEMBER
            Membership.objects.filter(pk=successor.pk).update(role=MembershipRole.OWNER)
            Group.objects.filter(pk=group.pk).update(owner=successor.member_id)
            audit.record(actor=member, action="groups.hand_over", target=group)
            _tell_new_owner(successor.member, group)
        _drop(membership)
    shared = GroupFile.objects.filter(uploader=member)
    stored += list(shared.values_list("file", flat=True))
    shared.delete()
    Membership.objects.filter(invited_by=member).update(invited_by=None)
    datarights.delete_after_commit(*stored)
