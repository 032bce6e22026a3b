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


class NewConversationForm(IdempotentFormMixin, PersonalDataGuardMixin, forms.Form):
    personal_data_fields = ("subject", "body")
    members = MembersField()
    subject = forms.CharField(label=_("Objet (facultatif)"), max_length=160, required=False)
    body = BodyField()

    def clean_subject(self):
        return clean_text(self.cleaned_data["subject"])


class MessageForm(IdempotentFormMixin, PersonalDataGuardMixin, forms.Form):
    body = BodyField(label=_("Votre message"))


class AddMembersForm(forms.Form):
    members = MembersField(label=_("Ajouter"))


class ReportForm(forms.Form):
    reason = forms.CharField(label=_("Ce qui pose problème (facultatif)"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def clean_reason(self):
        return clean_text(self.cleaned_data["reason"])
