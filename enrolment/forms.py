from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from comcep.idempotency import IdempotentFormMixin
from comcep.models import Operator, Region, RolloutPhase
from enrolment.models import EndCategory, RefusalCategory
from enrolment.permissions import may_apply_in


class RegionWithPhaseField(forms.ModelChoiceField):
    """Each region named with its roll-out phase, so the applicant knows before sending whether
    the application goes to the operator now, waits, or needs an invitation."""

    def label_from_instance(self, obj) -> str:
        return f"{obj.name} — {obj.get_phase_display()}"


class ApplicationForm(IdempotentFormMixin, forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=150,
                                 widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    last_name = forms.CharField(label=_("Nom"), max_length=150,
                                widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    email = forms.EmailField(
        label=_("Adresse e-mail professionnelle"),
        help_text=_("Celle de votre employeur : vous recevrez un lien pour la confirmer."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    operator = forms.ModelChoiceField(label=_("Opérateur"), queryset=Operator.objects.none(),
                                      empty_label=_("— choisir —"))
    region = RegionWithPhaseField(
        label=_("Région"), queryset=Region.objects.none(), empty_label=_("— choisir —"),
        help_text=_("Comcep ouvre région par région. Ouverte : votre demande part chez votre "
                    "opérateur dès l'adresse confirmée. Pilote : seules les personnes invitées "
                    "candidatent. Fermée : votre demande attend l'ouverture et vous serez "
                    "prévenu·e."))
    structure_name = forms.CharField(label=_("Structure (agence, antenne…)"), max_length=160)
    job_title = forms.CharField(label=_("Fonction"), max_length=160,
                                widget=forms.TextInput(attrs={"autocomplete": "organization-title"}))
    password1 = forms.CharField(
        label=_("Mot de passe"), strip=False,
        help_text=_("Au moins 10 caractères. Il vous servira à suivre votre candidature."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(label=_("Mot de passe (confirmation)"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    charter = forms.BooleanField(
        label=_("J'accepte la charte de la communauté et la notice de confidentialité : mon nom, "
                "mon adresse et ma structure ne sont vus que par mon opérateur et l'équipe de la "
                "plateforme ; dans la communauté, je n'apparais que sous pseudonyme."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operator"].queryset = Operator.objects.filter(is_active=True)
        self.fields["region"].queryset = Region.objects.order_by("overseas", "name")
        # The texts being accepted, one click away (in a new tab: the form stays filled in).
        self.fields["charter"].help_text = format_html(
            _('Lire <a href="{}" target="_blank" rel="noopener">la charte de la communauté</a> '
              'et <a href="{}" target="_blank" rel="noopener">la notice de confidentialité</a> '
              "(nouvel onglet)."),
            reverse("legal:charter"), reverse("legal:privacy"))

    def clean_email(self) -> str:
        # Whether the address is taken is not the form's to say: the answer would tell anyone
        # who has applied. ``services.apply_for_membership`` handles it out of sight.
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        operator, region, email = data.get("operator"), data.get("region"), data.get("email")
        if operator and region and not operator.serves(region):
            self.add_error("region", _("%(operator)s n'intervient pas dans cette région : vérifiez "
                                       "l'opérateur ou la région.") % {"operator": operator.name})
        if region and email and not may_apply_in(region, email):
            self.add_error("region", _("La région %(region)s est en phase pilote : seules les "
                                       "personnes invitées par l'équipe de la plateforme peuvent "
                                       "candidater pour l'instant.") % {"region": region.name})
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Les deux mots de passe ne correspondent pas."))
        elif p1:
            try:
                password_validation.validate_password(p1)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class OwnIds:
    """Ids of its own for a form that shares a page, and the field name ``text``, with others
    (refusal and end of membership; request for a reason and decision on an appeal): no id
    appears twice, so each label and aria-describedby reaches its own field. The names
    posted stay the same."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class RefuseForm(OwnIds, forms.Form):
    id_prefix = "refuse"
    category = forms.ChoiceField(label=_("Catégorie du refus"),
                                 choices=[("", _("— choisir —")), *RefusalCategory.choices])
    text = forms.CharField(
        label=_("Motif"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
        help_text=_("Transmis à la personne, qui pourra faire appel."),
    )


class ReasonForm(OwnIds, forms.Form):
    id_prefix = "reason"
    text = forms.CharField(label=_("Motif du refus, pour l'équipe de la plateforme"),
                           widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class EndMembershipForm(OwnIds, forms.Form):
    id_prefix = "end"
    category = forms.ChoiceField(label=_("Raison"),
                                 choices=[("", _("— choisir —")), *EndCategory.choices])
    text = forms.CharField(label=_("Précisions"), widget=forms.Textarea(attrs={"rows": 2}),
                           max_length=2000)


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Pourquoi contestez-vous ce refus ?"), widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        help_text=_("Votre exposé est lu par l'équipe de la plateforme, qui peut demander son "
                    "motif à l'opérateur."),
    )


class RequestReasonForm(OwnIds, forms.Form):
    id_prefix = "request"
    text = forms.CharField(label=_("Message à l'opérateur (facultatif)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class DecisionForm(OwnIds, forms.Form):
    id_prefix = "decision"
    decision = forms.ChoiceField(
        label=_("Décision"), widget=forms.RadioSelect,
        choices=[("overturn", _("Refus infirmé : la personne est admise")),
                 ("uphold", _("Refus confirmé (définitif)"))],
    )
    text = forms.CharField(label=_("Motivation (transmise à la personne)"),
                           widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class RegionPhaseForm(forms.Form):
    phase = forms.ChoiceField(label=_("Phase"), choices=RolloutPhase.choices)
    # The number of applications the preview said would be released: sent back to confirm.
    expected = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail professionnelle"))
    region = forms.ModelChoiceField(label=_("Région pilote"),
                                    queryset=Region.objects.filter(phase=RolloutPhase.PILOT))


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("État"), required=False)
    region = forms.ModelChoiceField(label=_("Région"), queryset=Region.objects.all(), required=False,
                                    empty_label=_("toutes"))
    q = forms.CharField(label=_("Rechercher (nom, e-mail, structure)"), required=False,
                        max_length=100)
    order = forms.ChoiceField(label=_("Ordre"), required=False,
                              choices=[("oldest", _("les plus anciennes d'abord")),
                                       ("newest", _("les plus récentes d'abord"))])

    def __init__(self, *args, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("à traiter"))] + list(statuses) + [
            ("all", _("toutes"))]


class BulkApprovalForm(forms.Form):
    """The applications ticked in the operator queue. Whose they are is the service's to check."""

    applications = forms.TypedMultipleChoiceField(
        label=_("Candidatures à accepter"), coerce=int, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins une candidature à accepter.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any id is accepted here: the service refuses the whole batch if one is not the
        # manager's, with the same answer whether it exists or not.
        self.fields["applications"].choices = [
            (value, value) for value in self.data.getlist("applications")
            if str(value).isdigit()] if self.is_bound else []
