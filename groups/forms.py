from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from comcep.idempotency import IdempotentFormMixin
from comcep.models import Region
from forum.forms import clean_text
from groups.models import Group, Visibility
from resources.models import Theme


class GroupForm(IdempotentFormMixin, forms.ModelForm):
    visibility = forms.ChoiceField(label=_("Qui peut rejoindre le groupe"), choices=Visibility.choices,
                                   widget=forms.RadioSelect, initial=Visibility.OPEN)

    class Meta:
        model = Group
        fields = ["name", "purpose", "visibility", "theme", "region"]
        labels = {"purpose": _("Objet du groupe")}
        help_texts = {
            "purpose": _("Ce que le groupe travaille, pour qui, à quel rythme : l'annuaire le montre."),
            "theme": _("Facultatif : pour être trouvé dans l'annuaire."),
            "region": _("Facultatif : un groupe régional."),
        }
        widgets = {"purpose": forms.Textarea(attrs={"rows": 5})}

    def clean_name(self) -> str:
        name = " ".join(clean_text(self.cleaned_data["name"]).split())
        if len(name) < 3:
            raise forms.ValidationError(_("Donnez au groupe un nom d'au moins 3 caractères."))
        return name

    def clean_purpose(self) -> str:
        purpose = clean_text(self.cleaned_data["purpose"]).strip()
        if len(purpose) < 10:
            raise forms.ValidationError(
                _("Décrivez l'objet du groupe en quelques mots (10 caractères au moins)."))
        return purpose


class DirectoryFilterForm(forms.Form):
    theme = forms.ModelChoiceField(label=_("Thème"), queryset=Theme.objects.all(), required=False,
                                   empty_label=_("Tous"), to_field_name="slug")
    region = forms.ModelChoiceField(label=_("Région"), queryset=Region.objects.all(), required=False,
                                    empty_label=_("Toutes"), to_field_name="code")


class InviteForm(forms.Form):
    pseudonym = forms.CharField(label=_("Pseudonyme du membre à inviter"), max_length=40)


class FileForm(forms.Form):
    file = forms.FileField(label=_("Fichier"), help_text=_(
        "PDF, documents Office ou OpenDocument, images, texte. "
        "Les métadonnées (auteur·rice…) sont retirées."))
    title = forms.CharField(label=_("Titre"), max_length=180, required=False,
                            help_text=_("Facultatif : le nom sous lequel les membres le verront."))
