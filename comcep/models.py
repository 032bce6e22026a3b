"""What every app shares: people, the CEP landscape, the outbox and the audit log."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comcep import pseudonyms


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """An account. Holds the real identity, which only managers ever see."""

    username = None
    email = models.EmailField(_("adresse e-mail professionnelle"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("compte")
        verbose_name_plural = _("comptes")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        # Deliberately not the email or the name: str() ends up in logs and pages.
        return f"compte #{self.pk}"


class RolloutPhase(models.TextChoices):
    CLOSED = "closed", _("fermée (liste d'attente)")
    PILOT = "pilot", _("pilote (sur invitation)")
    OPEN = "open", _("ouverte")


class Region(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=80, unique=True)
    overseas = models.BooleanField(_("outre-mer"), default=False)
    phase = models.CharField(
        _("phase de déploiement"),
        max_length=10,
        choices=RolloutPhase.choices,
        default=RolloutPhase.CLOSED,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("région")
        verbose_name_plural = _("régions")
        permissions = [
            ("publish_region_actions", _("Publier les actions de professionnalisation de la région")),
        ]

    def __str__(self) -> str:
        return self.name


class OperatorKind(models.TextChoices):
    NATIONAL = "national", _("opérateur national")
    REGIONAL = "regional", _("opérateur régional (actifs occupés)")


class Operator(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(_("nom"), max_length=120, unique=True)
    former_name = models.CharField(_("ancien nom"), max_length=120, blank=True)
    kind = models.CharField(
        _("type"), max_length=10, choices=OperatorKind.choices, default=OperatorKind.NATIONAL
    )
    regions = models.ManyToManyField(
        Region,
        verbose_name=_("régions desservies"),
        blank=True,
        help_text=_("Laisser vide pour un opérateur présent dans toutes les régions."),
        related_name="operators",
    )
    email_domains = ArrayField(
        models.CharField(max_length=120),
        verbose_name=_("domaines e-mail"),
        default=list,
        blank=True,
    )
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("opérateur")
        verbose_name_plural = _("opérateurs")
        permissions = [
            ("manage_operator_applications", _("Traiter les candidatures de l'opérateur")),
        ]

    def __str__(self) -> str:
        return self.name

    def serves(self, region: Region) -> bool:
        """A national operator with no listed regions serves them all."""
        if self.kind == OperatorKind.NATIONAL and not self.regions.exists():
            return True
        return self.regions.filter(pk=region.pk).exists()


class Structure(models.Model):
    """An agency or local structure of an operator (e.g. a Mission locale)."""

    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="structures")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="structures")
    name = models.CharField(_("nom"), max_length=160)

    class Meta:
        ordering = ["operator", "region", "name"]
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        constraints = [
            models.UniqueConstraint(
                fields=["operator", "region", "name"], name="structure_unique_per_operator_region"
            )
        ]

    def __str__(self) -> str:
        return self.name


class MemberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(user__is_active=True).exclude(pseudonym="")


class Member(models.Model):
    """The public face of a counsellor in the community: a pseudonym.

    The operator, structure and region come from the validated application;
    they are shown to nobody unless the member opts in to show their network
    and region. The pseudonym is chosen after admission.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="member")
    pseudonym = models.CharField(_("pseudonyme"), max_length=pseudonyms.MAX_LENGTH, blank=True)
    # Folded forms enforce, in the database, that no two pseudonyms read alike.
    pseudonym_key = models.CharField(max_length=120, editable=False, null=True, unique=True)
    pseudonym_skeleton = models.CharField(max_length=120, editable=False, null=True, unique=True)
    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, null=True, blank=True)
    structure = models.ForeignKey(Structure, on_delete=models.SET_NULL, null=True, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True)
    show_network = models.BooleanField(
        _("afficher mon réseau et ma région sur mon profil"), default=False
    )
    bio = models.TextField(_("présentation"), blank=True, max_length=1000)
    joined_at = models.DateTimeField(default=timezone.now)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")

    def __str__(self) -> str:
        return self.pseudonym or f"membre #{self.pk}"

    @property
    def has_pseudonym(self) -> bool:
        return bool(self.pseudonym)


class OperatorManagership(models.Model):
    """A manager named for one operator, optionally limited to some regions."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="managerships")
    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="managerships")
    regions = models.ManyToManyField(
        Region,
        blank=True,
        verbose_name=_("régions"),
        help_text=_("Laisser vide pour toutes les régions de l'opérateur."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("responsable d'opérateur")
        verbose_name_plural = _("responsables d'opérateur")
        constraints = [
            models.UniqueConstraint(fields=["user", "operator"], name="one_managership_per_operator")
        ]


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("en attente")
    SENT = "sent", _("envoyé")
    FAILED = "failed", _("abandonné")


class OutboxMessage(models.Model):
    """An email written in the same transaction as the event that causes it.

    The worker sends it and marks it sent; a broker or mail server that is
    down delays it and loses nothing.
    """

    kind = models.CharField(max_length=80)
    recipient = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to_email = models.EmailField()
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="outbox_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"


class AuditEvent(models.Model):
    """An append-only record of an act that matters (who, when, what, why).

    A database trigger refuses UPDATE and DELETE on this table.
    """

    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=80)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_id} at {self.created_at:%Y-%m-%d %H:%M}"


class WorkerPing(models.Model):
    """A round trip through the job queue, to prove a worker is listening."""

    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
