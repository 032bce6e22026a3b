"""Applications for membership, their append-only history, and pilot invitations."""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from comcep.models import Operator, Region, Structure
from comcep.pseudonyms import skeleton
from enrolment.conf import days_ago


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("adresse e-mail à confirmer")
    WAITLISTED = "waitlisted", _("en liste d'attente")
    PENDING = "pending", _("en attente de validation par l'opérateur")
    ADMITTED = "admitted", _("acceptée")
    REFUSED = "refused", _("refusée")
    APPEALED = "appealed", _("en appel")
    REASON_REQUESTED = "reason_requested", _("motif demandé à l'opérateur")
    REASON_GIVEN = "reason_given", _("motif transmis par l'opérateur")
    UPHELD = "upheld", _("refus confirmé en appel")
    ENDED = "ended", _("adhésion terminée")


class RefusalCategory(models.TextChoices):
    NOT_CEP = "not_cep", _("n'exerce pas le conseil en évolution professionnelle")
    UNKNOWN = "unknown", _("inconnu·e de nos services")
    WRONG_OPERATOR = "wrong_operator", _("relève d'un autre opérateur")
    IDENTITY = "identity", _("identité ou adresse non vérifiable")
    OTHER = "other", _("autre motif")


class EndCategory(models.TextChoices):
    LEFT_OPERATOR = "left_operator", _("a quitté l'opérateur")
    CHANGED_JOB = "changed_job", _("n'exerce plus le CEP")
    OTHER = "other", _("autre motif")


class ActorRole(models.TextChoices):
    APPLICANT = "applicant", _("candidat·e")
    OPERATOR_MANAGER = "operator_manager", _("responsable d'opérateur")
    PLATFORM_MANAGER = "platform_manager", _("gestionnaire de la plateforme")
    SYSTEM = "system", _("Comcep")


# Where an application is no longer anybody's business but its history.
OPERATOR_VISIBLE = [s for s in Status.values if s not in (Status.SUBMITTED, Status.WAITLISTED)]
APPEAL_STATES = [Status.APPEALED, Status.REASON_REQUESTED, Status.REASON_GIVEN]
# An operator said no (an appeal may still be under way, or have upheld it).
REFUSED_STATES = [Status.REFUSED, *APPEAL_STATES, Status.UPHELD]

NAME_KEY_LENGTH = 320
_NAME_WORDS = re.compile(r"[\W_]+")


def fold_name(first_name: str, last_name: str) -> str:
    """One person's name under which "Camille Dupont", "DUPONT Camille" and "Câmille Dupont"
    meet: word by word, case, accents, punctuation and look-alike letters folded (as for
    pseudonyms), the words sorted so that which one was typed as the first name does not
    matter."""
    # Composed first, so that a decomposed accent stays inside its word.
    words = _NAME_WORDS.split(unicodedata.normalize("NFKC", f"{first_name} {last_name}"))
    return " ".join(sorted(folded for folded in map(skeleton, words) if folded))[:NAME_KEY_LENGTH]


class ApplicationQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related("operator", "region")

    def oldest_first(self):
        return self.order_by("status_changed_at", "pk")

    def newest_first(self):
        return self.order_by("-status_changed_at", "-pk")

    def waiting_since(self, status: str, before):
        return self.filter(status=status, status_changed_at__lte=before)

    def overdue(self):
        """Left pending past the escalation delay: the platform manager sees them and may chase."""
        return self.waiting_since(Status.PENDING, days_ago("ENROLMENT_ESCALATION_DAYS"))


class Application(models.Model):
    """One person's request to join, validated by the operator they name."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="application"
    )
    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)
    # ``fold_name(first_name, last_name)``: finds a refusal of the same name at another operator.
    name_key = models.CharField(max_length=NAME_KEY_LENGTH, blank=True, db_index=True, editable=False)
    email = models.EmailField(_("adresse e-mail professionnelle"))
    operator = models.ForeignKey(
        Operator, on_delete=models.PROTECT, related_name="applications", verbose_name=_("opérateur")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="applications", verbose_name=_("région")
    )
    structure_name = models.CharField(_("structure (agence)"), max_length=160)
    structure = models.ForeignKey(Structure, on_delete=models.SET_NULL, null=True, blank=True)
    job_title = models.CharField(_("fonction"), max_length=160)
    charter_accepted_at = models.DateTimeField()
    language = models.CharField(max_length=8, default="fr")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    status_changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The current refusal, appeal and answer; the events keep every version.
    refusal_category = models.CharField(max_length=30, blank=True)
    refusal_text = models.TextField(blank=True)
    appeal_text = models.TextField(blank=True)
    operator_reason = models.TextField(blank=True)
    # Each reminder goes out once per stay in a state (cleared on every move).
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="application_email_ci_unique"),
        ]
        indexes = [models.Index(fields=["operator", "status"])]

    def __str__(self) -> str:
        return f"candidature #{self.pk}"

    @property
    def email_domain(self) -> str:
        return self.email.rsplit("@", 1)[-1].lower()

    @property
    def domain_mismatch(self) -> bool:
        """The operator declared its domains and the applicant's is not one of them."""
        domains = [d.lower().lstrip("@") for d in self.operator.email_domains]
        return bool(domains) and self.email_domain not in domains

    @property
    def is_overdue(self) -> bool:
        """The row-level twin of ``ApplicationQuerySet.overdue``."""
        return (self.status == Status.PENDING
                and self.status_changed_at <= days_ago("ENROLMENT_ESCALATION_DAYS"))

    def get_refusal_category_display(self) -> str | Promise:
        return dict(RefusalCategory.choices).get(self.refusal_category, self.refusal_category)


ACTION_LABELS = {
    "submit": _("Candidature déposée"),
    "confirm_email": _("Adresse e-mail confirmée, candidature transmise à l'opérateur"),
    "waitlist": _("Adresse e-mail confirmée, région pas encore ouverte : liste d'attente"),
    "release": _("Région ouverte : candidature transmise à l'opérateur"),
    "approve": _("Candidature acceptée par l'opérateur"),
    "refuse": _("Candidature refusée par l'opérateur"),
    "appeal": _("Appel déposé"),
    "request_reason": _("Motif du refus demandé à l'opérateur"),
    "give_reason": _("Motif transmis par l'opérateur"),
    "uphold": _("Refus confirmé en appel (définitif)"),
    "overturn": _("Refus infirmé en appel : candidature acceptée"),
    "end_membership": _("Adhésion terminée par l'opérateur"),
    "reminded": _("Rappel envoyé aux responsables de l'opérateur"),
    "escalated": _("Signalée à l'équipe de la plateforme (attente trop longue)"),
    "reason_reminded": _("Rappel : motif toujours attendu"),
    "nudged": _("Responsables de l'opérateur relancés par l'équipe de la plateforme"),
    # Worded for the operator's managers, who see it too: neither who refused nor why.
    "similar_refused": _("Une candidature au même nom a été refusée récemment par un autre "
                         "opérateur (homonymie possible)"),
}


# What the applicant's own timeline leaves out (internal steps), and whose text it shows.
HIDDEN_FROM_APPLICANT = {"reminded", "escalated", "reason_reminded", "nudged", "similar_refused"}
TEXT_SHOWN_TO_APPLICANT = {"refuse", "appeal", "uphold", "overturn"}


class ApplicationEventQuerySet(models.QuerySet):
    def for_applicant(self):
        """The applicant's own timeline: without the internal steps."""
        return self.exclude(action__in=HIDDEN_FROM_APPLICANT)


class ApplicationEvent(models.Model):
    """One step of an application (who, when, what, why). Append-only in the database."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_role = models.CharField(max_length=20, choices=ActorRole.choices)
    category = models.CharField(max_length=30, blank=True)
    text = models.TextField(blank=True)
    # The other application a step is about ("similar_refused": the earlier refusal). Only the
    # platform manager's page follows it.
    related_application = models.ForeignKey(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ApplicationEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            # Each application's steps in order, with what the statistics read of them: the
            # funnel and the decision delays (stats.queries) read this index alone.
            models.Index(fields=["application", "created_at"], include=["action", "to_status"],
                         name="application_steps_in_order"),
        ]
        verbose_name = _("étape de candidature")
        verbose_name_plural = _("étapes de candidature")

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}→{self.to_status}"

    @property
    def label(self) -> str | Promise:
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def applicant_text(self) -> str:
        """The text the applicant may read (never the operator's answer to the platform)."""
        return self.text if self.action in TEXT_SHOWN_TO_APPLICANT else ""

    def get_category_display(self) -> str | Promise:
        labels = {**dict(RefusalCategory.choices), **dict(EndCategory.choices)}
        return labels.get(self.category, self.category)


class PilotInvitation(models.Model):
    """Someone the platform manager invited to apply while their region is in pilot."""

    email = models.EmailField(_("adresse e-mail professionnelle"))
    region = models.ForeignKey(Region, on_delete=models.CASCADE, verbose_name=_("région"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation pilote")
        verbose_name_plural = _("invitations pilotes")
        constraints = [
            models.UniqueConstraint(Lower("email"), "region", name="pilot_invitation_unique"),
        ]

    def __str__(self) -> str:
        return f"invitation #{self.pk}"
