from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from comcep.idempotency import IdempotentFormMixin
from comcep.personaldata_guard import PersonalDataGuardMixin
from conversations.models import MAX_PARTICIPANTS
from forum.forms import BodyField, clean_text


def split_names(raw: str) -> list[str]:
    return list(dict.fromkeys(name for name in (clean_text(part) for part in raw.split(",")) if name))


class MembersField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Avec"))
        kwargs.setdefault("max_length", 2000)
        kwargs.setdefault("help_text", _("Pseudonymes séparés par des virgules (%(max)s personnes au plus, "
                                         "vous compris·e).") % {"max": MAX_PARTICIPANTS})
        super().__init__(**kwargs)

    def clean(self, value):
        names = split_names(super().clean(clean_text(value)))
        if not names and self.required:
            raise forms.ValidationError(_("Indiquez au moins une personne."), code="required")
        if len(names) >= MAX_PARTICIPANTS:
            raise forms.ValidationError(_("Une conversation réunit %(max)s personnes au plus.")
                                        % {"max": MAX_PARTICIPANTS}, code="too_many")
        return names


IMAGE_TYPES = "image/jpeg,image/png,image/webp"


class ImageFields(forms.Form):
    """An image sent with a message, and the description read in its place."""

    image = forms.FileField(label=_("Image (facultatif)"), required=False,
                            help_text=_("JPEG, PNG ou WebP, 5 Mo au plus ; ses métadonnées (lieu, appareil, "
                                        "auteur) sont retirées."),
                            widget=forms.ClearableFileInput(attrs={"accept": IMAGE_TYPES}))
    image_description = forms.CharField(
        label=_("Description de l'image"), required=False, max_length=300,
        help_text=_("Ce que montre l'image, lu à sa place par les lecteurs d'écran."))

    def clean_image_description(self):
        return clean_text(self.cleaned_data["image_description"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("image") and not cleaned.get("image_description"):
            self.add_error("image_description", forms.ValidationError(
                _("Décrivez l'image en quelques mots : c'est ce que liront les personnes qui ne la "
                  "voient pas."),
                code="required"))
        return cleaned

    def _post_clean(self):
        # Django's hook after every clean(): whatever refused the form, the text comes back as
        # typed but the file does not (a browser never refills a file input), so say so there.
        super()._post_clean()
        if self.errors and self.files.get(self.add_prefix("image")) and "image" not in self.errors:
            self.add_error("image", forms.ValidationError(
                _("Choisissez l'image à nouveau : un navigateur ne garde pas un fichier d'un envoi "
                  "à l'autre."),
                code="again"))


class NewConversationForm(IdempotentFormMixin, PersonalDataGuardMixin, ImageFields):
    personal_data_fields = ("subject", "body")
    members = MembersField()
    subject = forms.CharField(label=_("Objet (facultatif)"), max_length=160, required=False)
    body = BodyField()

    def clean_subject(self):
        return clean_text(self.cleaned_data["subject"])


class MessageForm(IdempotentFormMixin, PersonalDataGuardMixin, ImageFields):
    body = BodyField(label=_("Votre message"))


class AddMembersForm(forms.Form):
    members = MembersField(label=_("Ajouter"))


class ReportForm(forms.Form):
    reason = forms.CharField(label=_("Ce qui pose problème (facultatif)"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def clean_reason(self):
        return clean_text(self.cleaned_data["reason"])
