from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from comcep import pseudonyms, services
from comcep.models import Member


class PseudonymForm(forms.Form):
    pseudonym = forms.CharField(
        label=_("Pseudonyme"),
        max_length=pseudonyms.MAX_LENGTH,
        help_text=_("C'est le seul nom que les autres membres verront. "
                    "N'y mettez ni votre nom ni votre prénom."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member

    def clean_pseudonym(self) -> str:
        return services.validate_pseudonym(self.cleaned_data["pseudonym"], member=self.member)

    def save(self) -> Member:
        try:
            return services.set_pseudonym(self.member, self.cleaned_data["pseudonym"])
        except ValidationError as error:
            self.add_error("pseudonym", error)
            raise


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["show_network", "bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
