from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Année"), coerce=int, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        now = timezone.localdate().year
        self.fields["year"].choices = [(y, y) for y in range(now, now - 5, -1)]

    def chosen_year(self) -> int:
        if self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return timezone.localdate().year


class CostShareForm(forms.Form):
    year = forms.IntegerField(label=_("Année de la répartition"), min_value=2020, max_value=2100)
    as_of = forms.DateField(label=_("Date du décompte des membres"),
                            widget=forms.DateInput(attrs={"type": "date"}))
