from __future__ import annotations

import re

from django import forms
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from comcep.idempotency import IdempotentFormMixin
from comcep.personaldata import find_personal_data
from comcep.personaldata_guard import PersonalDataGuardMixin
from forum.models import Category, EmailFrequency, FlagReason, ModerationReview, TopicKind

MAX_BODY = 20_000
MAX_TITLE = 160  # Topic.title
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str) -> str:
    return _CONTROL.sub("", value or "").strip()


class BodyField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Message"))
        kwargs.setdefault("max_length", MAX_BODY)
        kwargs.setdefault("widget", forms.Textarea(attrs={
            "rows": 8, "data-mentions": "", "data-draft": "",
        }))
        kwargs.setdefault("help_text", _("Markdown accepté. Mentionnez quelqu'un avec @[Pseudonyme]."))
        super().__init__(**kwargs)

    def clean(self, value):
        return super().clean(clean_text(value))


class TopicForm(IdempotentFormMixin, PersonalDataGuardMixin, forms.Form):
    personal_data_fields = ("title", "body")
    title = forms.CharField(label=_("Titre"), max_length=MAX_TITLE, min_length=5)
    kind = forms.ChoiceField(label=_("Type"), choices=TopicKind.choices, initial=TopicKind.DISCUSSION)
    tags = forms.CharField(label=_("Mots-clés"), required=False, max_length=200,
                           help_text=_("Séparés par des virgules, par exemple : bilan, VAE"))
    body = BodyField()

    def __init__(self, *args, session: bool = False, **kwargs):
        """``session``: an expert session, which may have its opening and closing dates."""
        super().__init__(*args, **kwargs)
        if session:
            local = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
            self.fields["session_opens_at"] = forms.DateTimeField(
                label=_("Ouverture des questions (facultatif)"), required=False, widget=local,
                input_formats=["%Y-%m-%dT%H:%M"],
                help_text=_("Avant, la session se lit mais ne reçoit pas de questions."))
            self.fields["session_closes_at"] = forms.DateTimeField(
                label=_("Clôture (facultatif)"), required=False, widget=local,
                input_formats=["%Y-%m-%dT%H:%M"],
                help_text=_("Après, la session reste lisible et ne reçoit plus de réponses."))

    def clean(self):
        data = super().clean()
        opens, closes = data.get("session_opens_at"), data.get("session_closes_at")
        if opens and closes and closes <= opens:
            self.add_error("session_closes_at", _("La clôture vient après l'ouverture."))
        return data

    def clean_title(self):
        return clean_text(self.cleaned_data["title"])

    def clean_tags(self):
        raw = self.cleaned_data["tags"]
        tags = [clean_text(t).lower()[:50] for t in raw.split(",")]
        tags = list(dict.fromkeys(t for t in tags if t))
        if len(tags) > 5:
            raise forms.ValidationError(_("Cinq mots-clés au plus."))
        return tags


class ReplyForm(IdempotentFormMixin, PersonalDataGuardMixin, forms.Form):
    body = BodyField(label=_("Votre réponse"))
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)


class EditForm(PersonalDataGuardMixin, forms.Form):
    body = BodyField()


class ReviewRequestForm(PersonalDataGuardMixin, forms.Form):
    """The author of a hidden post: their rewritten text to read again, or their reason to
    contest the hiding."""

    personal_data_fields = ("revised_body", "reason")
    kind = forms.ChoiceField(label=_("Votre demande"), widget=forms.RadioSelect, choices=[
        (ModerationReview.Kind.REVISED, _("J'ai modifié mon message : relisez-le")),
        (ModerationReview.Kind.CONTESTED, _("Je conteste le masquage")),
    ], initial=ModerationReview.Kind.REVISED)
    revised_body = BodyField(label=_("Votre message modifié"), required=False,
                             help_text=_("Markdown accepté. Utilisé si vous avez modifié votre message."))
    reason = forms.CharField(label=_("Un mot pour l'équipe d'animation"), required=False,
                             max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Obligatoire pour contester : dites pourquoi."))

    def clean_reason(self):
        return clean_text(self.cleaned_data["reason"])


class ReviewDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Décision"), widget=forms.RadioSelect, choices=[
        ("restore", _("Rétablir le message")), ("keep", _("Maintenir le masquage")),
    ])
    note = forms.CharField(label=_("Un mot pour l'auteur·rice (facultatif)"), required=False,
                           max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_note(self):
        return clean_text(self.cleaned_data["note"])


class FlagForm(forms.Form):
    reason = forms.ChoiceField(label=_("Raison"), choices=FlagReason.choices, widget=forms.RadioSelect)
    text = forms.CharField(label=_("Précisions (facultatif)"), required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Raison (montrée à l'auteur·rice)"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class MoveForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Nouvelle catégorie"), queryset=Category.objects.public())


class MergeForm(forms.Form):
    target = forms.IntegerField(label=_("Numéro du sujet qui reçoit les messages"), min_value=1,
                                help_text=_("Le numéro figure dans l'adresse du sujet : "
                                            "/forum/sujet/<numéro>/"))


# When each preference sends what (forum.notify; the digests' hours are the beat entries of
# comcep/settings.py).
EMAIL_FREQUENCY_HELP = {
    EmailFrequency.DIRECT: _("Un e-mail dès qu'on vous mentionne, qu'on vous cite ou qu'on répond "
                             "dans un sujet que vous avez ouvert ou à l'un de vos messages. Le reste "
                             "(réponses dans les sujets que vous suivez, nouveaux sujets des "
                             "catégories suivies, mercis, réponses acceptées, modération) arrive "
                             "dans un résumé chaque matin vers 7 h."),
    EmailFrequency.IMMEDIATELY: _("Un e-mail pour chaque notification, dès qu'elle arrive."),
    EmailFrequency.DAILY: _("Un seul e-mail chaque matin vers 7 h avec toutes vos notifications "
                            "pas encore lues ni envoyées ; rien entre-temps, même quand on vous "
                            "mentionne."),
    EmailFrequency.WEEKLY: _("Un seul e-mail le lundi vers 7 h 30 avec toutes vos notifications "
                             "pas encore lues ni envoyées ; rien entre-temps, même quand on vous "
                             "mentionne."),
    EmailFrequency.NEVER: _("Aucun e-mail du forum : vos notifications vous attendent sur cette page."),
}


class PreferencesForm(forms.Form):
    email_frequency = forms.ChoiceField(
        label=_("Recevoir les notifications par e-mail"), choices=EmailFrequency.choices,
        widget=forms.RadioSelect,
        help_text=_("Un résumé ne part que s'il y a du nouveau ; ce que vous avez déjà lu ici n'y "
                    "figure pas."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["email_frequency"]
        assert isinstance(field, forms.ChoiceField)
        # Each choice with what it means: when emails go out, what waits for the digest.
        field.choices = [
            (value, format_html('<span><strong>{}</strong><br><span class="help">{}</span></span>',
                                capfirst(label), EMAIL_FREQUENCY_HELP[EmailFrequency(value)]))
            for value, label in EmailFrequency.choices
        ]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False, max_length=200)
    category = forms.ModelChoiceField(label=_("Catégorie"), queryset=Category.objects.public(),
                                      required=False, empty_label=_("Toutes"))
    tag = forms.CharField(label=_("Mot-clé"), required=False, max_length=50)
    author = forms.CharField(label=_("Auteur·rice (pseudonyme)"), required=False, max_length=40)
    since = forms.DateField(label=_("Depuis le"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Jusqu'au"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, reader=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A members-only category is searched by its members only: for anyone else it is no
        # choice, as if it did not exist.
        if reader is not None:
            field = self.fields["category"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = Category.objects.readable_by(reader)


class AttachmentForm(forms.Form):
    image = forms.FileField(label=_("Image"))
    # What a screen reader says in place of the image: its alt text in the post.
    description = forms.CharField(label=_("Description de l'image"), required=False, max_length=200)

    def clean_description(self):
        return " ".join(clean_text(self.cleaned_data["description"]).split())


class RedactForm(forms.Form):
    """The passages of a post a moderator masks: those the guard finds, or one they copy."""

    passages = forms.MultipleChoiceField(label=_("Passages repérés"), required=False,
                                         widget=forms.CheckboxSelectMultiple)
    other = forms.CharField(label=_("Autre passage à masquer"), required=False, max_length=500,
                            help_text=_("Copiez-le exactement tel qu'il figure dans le message."))
    reason = forms.CharField(label=_("Raison (pour le journal de modération)"), required=False,
                             max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, body: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.body = body
        found = list(dict.fromkeys(finding.text for finding in find_personal_data(body)))
        passages = self.fields["passages"]
        assert isinstance(passages, forms.MultipleChoiceField)
        passages.choices = [(text, text) for text in found]
        self.fields["passages"].initial = found

    def clean(self):
        data = super().clean()
        chosen = list(data.get("passages") or [])
        other = clean_text(data.get("other", ""))
        if other and other not in self.body:
            self.add_error("other", _("Ce passage ne figure pas dans le message : copiez-le exactement."))
        elif other:
            chosen.append(other)
        if not chosen and not self.errors:
            raise forms.ValidationError(_("Choisissez au moins un passage à masquer."))
        data["chosen"] = chosen
        return data
