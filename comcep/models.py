"""What every app shares: people, the CEP landscape, the outbox and the audit log."""

from __future__ import annotations

import secrets
import uuid
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comcep import pseudonyms


class UserManager(BaseUserManager["User"]):
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

    username = None  # type: ignore[assignment]  # the stubs cannot express a removed field
    email = models.EmailField(_("adresse e-mail professionnelle"), unique=True)

    USERNAME_FIELD = "email"
    # The account's role names, cached on the instance by comcep.roles (and filled by the
    # session backend's one query); never a column.
    _comcep_roles: frozenset[str]
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # Accounts are keyed by email, so the manager is not auth's username-based one.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

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


# A member's public identifier: 16 characters from an alphabet without look-alikes, 80 bits
# drawn by the operating system's generator, so that no one lists members by counting.
PUBLIC_ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
PUBLIC_ID_LENGTH = 16
PUBLIC_ID_PATTERN = f"[{PUBLIC_ID_ALPHABET}]{{{PUBLIC_ID_LENGTH}}}"


def new_public_id() -> str:
    return "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(PUBLIC_ID_LENGTH))


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
    # What every URL naming the member carries (profile, mentions, email links), never the pk.
    public_id = models.CharField(max_length=PUBLIC_ID_LENGTH, unique=True, default=new_public_id,
                                 editable=False)
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
    # Claimed by a worker, which is handing it to the mail relay (comcep.notifications.deliver).
    SENDING = "sending", _("en cours d'envoi")
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
    # Set once, when the message is first claimed: a retry after an uncertain send carries
    # the same Message-ID, so the recipient's mail system shows it once.
    message_id = models.CharField(max_length=255, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="outbox_pending_idx",
            ),
            models.Index(
                fields=["claimed_at"],
                condition=models.Q(status="sending"),
                name="outbox_sending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"


class AuditEvent(models.Model):
    """An append-only record of an act that matters (who, when, what, why).

    A database trigger refuses UPDATE and DELETE on this table. Community acts name the
    pseudonymous member (``actor_member``), identity acts the account (``actor``), never
    both (``comcep.audit``).
    """

    actor = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    actor_member = models.ForeignKey(Member, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    action = models.CharField(max_length=80)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        constraints = [
            # A row naming both would link a pseudonym to a person.
            models.CheckConstraint(
                condition=models.Q(actor=None) | models.Q(actor_member=None),
                name="audit_account_or_member_not_both",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_id} at {self.created_at:%Y-%m-%d %H:%M}"


class LegalGround(models.TextChoices):
    JUDICIAL = "judicial", _("réquisition judiciaire")
    THREAT = "threat", _("menace grave envers une personne")
    OTHER = "other", _("autre motif (à préciser)")


class DisclosureState(models.TextChoices):
    REQUESTED = "requested", _("demandée")
    APPROVED = "approved", _("approuvée")
    REFUSED = "refused", _("refusée")
    REVEALED = "revealed", _("identité consultée")


class IdentityDisclosure(models.Model):
    """A request to lift a member's pseudonym: the one audited door to a person.

    A platform manager files it with its legal ground; a different platform manager
    approves or refuses it (four eyes, also a database constraint); the requester then
    sees the identity once. The member is told at approval, or on ``notify_member_after``
    when the law forbids telling them now (``comcep.disclosures``).
    """

    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    ground = models.CharField(_("fondement juridique"), max_length=10, choices=LegalGround.choices)
    ground_text = models.TextField(_("précisions sur le fondement"), blank=True, max_length=2000)
    content_url = models.CharField(_("adresse du contenu concerné"), max_length=500, blank=True)
    content_text = models.TextField(_("contenu concerné"), blank=True, max_length=5000)
    notify_member_after = models.DateField(
        _("prévenir le membre à partir du"), null=True, blank=True,
        help_text=_("Laisser vide pour prévenir le membre dès l'approbation. Une date seulement "
                    "si la loi interdit de le prévenir maintenant."),
    )
    state = models.CharField(max_length=10, choices=DisclosureState.choices,
                             default=DisclosureState.REQUESTED)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decision_note = models.TextField(_("commentaire de la décision"), blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    revealed_at = models.DateTimeField(null=True, blank=True)
    member_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("levée de pseudonyme")
        verbose_name_plural = _("levées de pseudonyme")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("requested_by")),
                name="disclosure_four_eyes",
            ),
            models.CheckConstraint(
                condition=~models.Q(ground="other") | ~models.Q(ground_text=""),
                name="disclosure_other_ground_explained",
            ),
        ]
        indexes = [
            models.Index(fields=["notify_member_after"], condition=models.Q(member_notified_at=None),
                         name="disclosure_to_notify_idx"),
        ]

    def __str__(self) -> str:
        return f"levée #{self.pk} ({self.state})"


class WorkerPing(models.Model):
    """A round trip through the job queue, to prove a worker is listening."""

    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)


# --- Data rights and legal pages ----------------------------------------------------


class LegalDocumentKind(models.TextChoices):
    CHARTER = "charter", _("charte de la communauté")
    PRIVACY = "privacy", _("notice de confidentialité")


class LegalDocument(models.Model):
    """One version of the charter or of the privacy notice; each edit is a new version."""

    kind = models.CharField(max_length=10, choices=LegalDocumentKind.choices)
    version = models.PositiveIntegerField()
    body = models.TextField(_("texte (Markdown)"))
    body_html = models.TextField(editable=False)
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")

    class Meta:
        ordering = ["kind", "-version"]
        verbose_name = _("document légal")
        verbose_name_plural = _("documents légaux")
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="legal_document_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"


class CharterAcceptance(models.Model):
    """A person accepted one version of the charter."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="charter_acceptances")
    document = models.ForeignKey(LegalDocument, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "document"], name="one_acceptance_per_version"),
        ]


class DataExportStatus(models.TextChoices):
    PENDING = "pending", _("en préparation")
    READY = "ready", _("prêt")
    FAILED = "failed", _("échec")


def export_path(instance, filename: str) -> str:
    return f"exports/{secrets.token_hex(16)}.zip"


class DataExport(models.Model):
    """A member's data, gathered by the worker into a zip only they can download."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="data_exports")
    status = models.CharField(max_length=10, choices=DataExportStatus.choices,
                              default=DataExportStatus.PENDING)
    file = models.FileField(upload_to=export_path, max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"export #{self.pk} ({self.status})"


class ClosedAccount(models.Model):
    """An account closed by its member or by their operator: the identity waits to be purged."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="closure")
    closed_at = models.DateTimeField(default=timezone.now)
    by_member = models.BooleanField(default=True)
    posts_kept = models.BooleanField(default=True)
    purge_after = models.DateTimeField()
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["purge_after"], condition=models.Q(purged_at=None),
                                name="closed_account_due_idx")]

    def __str__(self) -> str:
        return f"compte fermé #{self.user_id}"


# --- Idempotent form submissions (comcep.idempotency) ----------------------------------


class SubmissionToken(models.Model):
    """One use of a form that creates something: a second use of its token creates nothing.

    ``scope`` names what the form creates and where ("forum.reply:topic 42"), ``digest`` a keyed
    fingerprint of what was sent, ``result`` the address of what the first use created. Rows are
    purged after a day (``comcep.tasks.purge_submission_tokens``).
    """

    token = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=120)
    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="+")
    digest = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    result = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.scope} ({self.created_at:%Y-%m-%d %H:%M})"
