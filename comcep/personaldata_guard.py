"""Ask the author before publishing a text that looks like it carries a beneficiary's data.

A form with :class:`PersonalDataGuardMixin` scans its ``personal_data_fields`` when it is sent.
When :func:`comcep.personaldata.find_personal_data` finds something and the author has not
ticked the confirmation box, the form is invalid: it is shown again with what was typed, an
explanation, and the passages found, highlighted. Ticking the box ("this is not a beneficiary's
data") publishes it. Nothing is stored before that: the guard runs in ``clean()``, so a view
saves nothing and claims no submission token (the same token serves the confirmed sending).

Every passage is escaped here: a post may hold ``<script>`` next to a phone number.
"""

from __future__ import annotations

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from comcep.personaldata import Finding, Kind, find_personal_data

CONFIRM_FIELD = "confirm_no_personal_data"
CONTEXT = 30  # characters shown on each side of a passage

KIND_LABELS = {
    Kind.PHONE: _("numéro de téléphone"),
    Kind.EMAIL: _("adresse e-mail"),
    Kind.NIR: _("numéro de sécurité sociale"),
    Kind.IBAN: _("IBAN"),
    Kind.BIRTH_DATE: _("date de naissance"),
    Kind.CIVIL_NAME: _("nom d'une personne"),
}


def excerpt(text: str, finding: Finding) -> tuple[str, str, str]:
    """The passage with a little of what surrounds it, as (before, passage, after)."""
    start, end = max(0, finding.start - CONTEXT), min(len(text), finding.end + CONTEXT)
    before = ("…" if start else "") + text[start:finding.start]
    after = text[finding.end:end] + ("…" if end < len(text) else "")
    return before.replace("\n", " "), finding.text, after.replace("\n", " ")


def findings_html(items: list[tuple[str, str, Finding]]):
    """Each passage in its context, the passage in <mark>; everything from the text escaped."""
    rows = []
    for label, text, finding in items:
        before, passage, after = excerpt(text, finding)
        rows.append((label, KIND_LABELS.get(finding.kind, finding.kind), before, passage, after))
    return format_html_join(
        " ",
        '<span class="personal-data-finding">{} ({}) : « {}<mark class="personal-data">{}</mark>{} »'
        "</span>",
        rows,
    )


class PersonalDataGuardMixin:
    """Refuses, until the author confirms, a text where personal data seems to appear."""

    personal_data_fields: tuple[str, ...] = ("body",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.personal_data_findings: list[tuple[str, str, Finding]] = []
        # The box appears only once something was found: an empty form does not ask.
        if self.is_bound:
            self.fields[CONFIRM_FIELD] = forms.BooleanField(
                label=_("J'ai vérifié : ce texte ne contient pas de données personnelles "
                        "d'un bénéficiaire"),
                required=False,
            )

    def clean(self):
        data = super().clean()
        for name in self.personal_data_fields:
            text = data.get(name) or ""
            label = self.fields[name].label
            self.personal_data_findings += [(label, text, f) for f in find_personal_data(text)]
        if not self.personal_data_findings:
            self.fields.pop(CONFIRM_FIELD, None)
            return data
        help_text = format_html("{} {}", _("Passages repérés :"),
                                findings_html(self.personal_data_findings))
        # The bound field copied the field's help text when the form was cleaned.
        self.fields[CONFIRM_FIELD].help_text = self[CONFIRM_FIELD].help_text = help_text
        if not data.get(CONFIRM_FIELD):
            self.add_error(CONFIRM_FIELD, forms.ValidationError(
                _("Ce texte semble contenir des données personnelles d'un bénéficiaire (passages "
                  "surlignés). Retirez-les ou anonymisez-les ; si ce n'en sont pas, cochez la case "
                  "pour publier quand même."),
                code="personal_data",
            ))
        return data
