"""Working groups: a few members around a purpose, with a discussion and files of their own.

A group's discussion is a forum category kept for its members (``forum.Category.members_only``
and the forum's ``CategoryAccess`` rows), so its topics and posts are the forum's, with the same
editor, search, notifications and moderation; ``groups.services`` keeps those rows in step with
the active memberships. The forum knows nothing of groups.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comcep.models import Member


class Visibility(models.TextChoices):
    OPEN = "open", _("ouvert : tout membre peut le rejoindre")
    ON_REQUEST = "request", _("sur demande : l'animateur·rice du groupe accepte chaque membre")
    INVITATION = "invitation", _("sur invitation seulement : absent de l'annuaire")


# What the directory lists: a group by invitation only is found by nobody outside it.
LISTED_VISIBILITIES = (Visibility.OPEN, Visibility.ON_REQUEST)


class GroupQuerySet(models.QuerySet):
    def listed(self):
        """The groups of the directory."""
        return self.filter(visibility__in=LISTED_VISIBILITIES)

    def visible_to(self, member: Member | None):
        """The groups whose existence ``member`` may know: the listed ones and those where they
        hold a membership of any state (invited, requested, active). None for anyone outside
        the community (visitor, operator manager, staff without a pseudonym)."""
        if member is None or not member.pk:
            return self.none()
        return self.filter(Q(visibility__in=LISTED_VISIBILITIES) | Q(memberships__member=member)).distinct()

    def active_for(self, member: Member):
        """The groups where ``member`` is an active member (owner included)."""
        return self.filter(memberships__member=member, memberships__state=MembershipState.ACTIVE)

    def for_directory(self):
        """What a card of the directory shows, in one query."""
        return self.select_related("theme", "region", "owner").only(
            "name", "slug", "purpose", "visibility", "member_count", "created_at",
            "theme__name", "theme__slug", "region__name", "region__code", "owner__pseudonym",
        ).order_by("-last_activity_at", "-pk")


class Group(models.Model):
    name = models.CharField(_("nom"), max_length=120)
    slug = models.SlugField(_("identifiant"), max_length=140, unique=True)
    purpose = models.TextField(_("objet du groupe"), max_length=2000)
    visibility = models.CharField(_("accès"), max_length=12, choices=Visibility.choices,
                                  default=Visibility.OPEN)
    owner = models.ForeignKey(Member, verbose_name=_("animateur·rice"), on_delete=models.PROTECT,
                              related_name="owned_groups")
    theme = models.ForeignKey("resources.Theme", verbose_name=_("thème"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    region = models.ForeignKey("comcep.Region", verbose_name=_("région"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    # The group's discussion: a members-only forum category created with the group.
    category = models.OneToOneField("forum.Category", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    # Denormalised by groups.services, so the directory reads one row per group and never counts.
    member_count = models.PositiveIntegerField(default=0, editable=False)
    last_activity_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = GroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("groupe de travail")
        verbose_name_plural = _("groupes de travail")
        indexes = [
            models.Index(fields=["visibility", "-last_activity_at"], name="group_directory_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("groups:detail", args=[self.slug])


class MembershipRole(models.TextChoices):
    OWNER = "owner", _("animateur·rice")
    MEMBER = "member", _("membre")


class MembershipState(models.TextChoices):
    INVITED = "invited", _("invité·e")
    REQUESTED = "requested", _("demande en attente")
    ACTIVE = "active", _("membre")


class Membership(models.Model):
    """A member's place in a group. Leaving or being removed deletes the row: a former member
    is nobody to the group."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="group_memberships")
    role = models.CharField(max_length=8, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    state = models.CharField(max_length=10, choices=MembershipState.choices)
    invited_by = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    joined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "member"], name="one_membership_per_group"),
            # One owner per group, and the owner is an active member.
            models.UniqueConstraint(fields=["group"], condition=Q(role="owner"), name="one_group_owner"),
            models.CheckConstraint(condition=~Q(role="owner") | Q(state="active"),
                                   name="group_owner_is_active"),
        ]
        indexes = [models.Index(fields=["member", "state"], name="membership_member_state_idx")]

    def __str__(self) -> str:
        return f"{self.member} ∈ {self.group}"

    @property
    def is_active(self) -> bool:
        return self.state == MembershipState.ACTIVE

    @property
    def is_owner(self) -> bool:
        return self.role == MembershipRole.OWNER


def group_file_path(instance: GroupFile, filename: str) -> str:
    # Random names: nothing of the uploader or the original name survives in storage.
    import secrets
    from pathlib import PurePosixPath

    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"groups/{timezone.now():%Y/%m}/{secrets.token_hex(16)}{suffix}"


class GroupFile(models.Model):
    """A file shared in a group: scanned, stripped of its metadata (``comcep.filecleaning``),
    stored under a random name and served to the group's members only, under its title."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="files")
    uploader = models.ForeignKey(Member, on_delete=models.SET_NULL, null=True, related_name="+")
    title = models.CharField(_("titre"), max_length=180)
    file = models.FileField(upload_to=group_file_path, max_length=200)
    size = models.PositiveBigIntegerField()
    mime_type = models.CharField(max_length=120)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["group", "-created_at"], name="group_file_recent_idx")]

    def __str__(self) -> str:
        return self.title
