"""Forms of the lifting of a pseudonym (comcep.disclosures)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comcep import disclosures
from comcep.models import LegalGround


class DisclosureRequestForm(forms.Form):
    member_reference = forms.CharField(
        label=_("Profil du membre concerné"), max_length=300,
        help_text=_("L'adresse de son profil ou son identifiant public, tels que cités par la "
                    "demande reçue."),
    )
    ground = forms.ChoiceField(label=_("Fondement juridique"), choices=LegalGround.choices)
    ground_text = forms.CharField(
        label=_("Précisions sur le fondement"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Références de la réquisition, nature de la menace… Obligatoire pour « autre motif »."),
    )
    content_url = forms.CharField(label=_("Adresse du contenu concerné"), required=False,
                                  max_length=500)
    content_text = forms.CharField(label=_("Contenu concerné"), required=False, max_length=5000,
                                   widget=forms.Textarea(attrs={"rows": 4}))
    notify_member_after = forms.DateField(
        label=_("Prévenir le membre à partir du"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Laisser vide pour prévenir le membre dès l'approbation. Une date seulement "
                    "si la loi interdit de le prévenir maintenant."),
    )

    def clean_member_reference(self):
        member = disclosures.find_member(self.cleaned_data["member_reference"])
        if member is None:
            raise forms.ValidationError(_("Aucun membre ne correspond à cette adresse."),
                                        code="unknown")
        return member

    def clean_notify_member_after(self):
        value = self.cleaned_data["notify_member_after"]
        if value is not None and value <= timezone.localdate():
            raise forms.ValidationError(_("Choisissez une date à venir, ou laissez vide."),
                                        code="past")
        return value

    def clean(self):
        data = super().clean()
        if data.get("ground") == LegalGround.OTHER and not data.get("ground_text", "").strip():
            self.add_error("ground_text", _("Précisez le fondement de la demande."))
        if not data.get("content_url", "").strip() and not data.get("content_text", "").strip():
            self.add_error("content_url", _("Indiquez le contenu concerné (adresse ou texte)."))
        return data


class DisclosureDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Décision"), widget=forms.RadioSelect, choices=[
        ("approve", _("Approuver la levée")), ("refuse", _("Refuser la levée")),
    ])
    note = forms.CharField(label=_("Commentaire"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))
