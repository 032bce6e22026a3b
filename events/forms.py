from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comcep.idempotency import IdempotentFormMixin
from comcep.models import Member, Region
from events import permissions
from events.models import Audience, Event, Kind
from forum.forms import clean_text
from resources import conf as resource_conf
from resources.forms import ChaptersForm


def split_names(raw: str) -> list[str]:
    return list(dict.fromkeys(name for name in (clean_text(part) for part in raw.split(",")) if name))


def initial_for_group(member: Member, slug: str) -> dict:
    """A meeting of the group ``slug`` chosen in advance (the link of the group's page), when
    ``member`` owns it; nothing otherwise."""
    group = permissions.groups_for(member).filter(slug=slug[:140]).first() if slug else None
    if group is None:
        return {}
    return {"group": group.pk, "kind": Kind.GROUP_MEETING, "audience": Audience.GROUP}


class EventForm(IdempotentFormMixin, forms.ModelForm):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    start_time = forms.TimeField(label=_("Heure de début"),
                                 widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    video_url = forms.URLField(
        label=_("Adresse de la visioconférence"), max_length=500, assume_scheme="https",
        help_text=_("L'adresse de la salle (BigBlueButton, Jitsi, Teams…), en https. Seules les personnes "
                    "inscrites la voient, un quart d'heure avant le début."))
    cohosts = forms.CharField(
        label=_("Co-animation (facultatif)"), required=False, max_length=1000,
        help_text=_("Pseudonymes d'expert·es ou d'animateur·rices, séparés par des virgules. "
                    "Vous animez l'événement que vous créez."))

    class Meta:
        model = Event
        fields = ["kind", "title", "description", "duration_minutes", "audience", "region", "group",
                  "capacity", "video_url"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6}),
                   "kind": forms.RadioSelect, "audience": forms.RadioSelect}
        help_texts = {
            "description": _("En Markdown, comme dans le forum."),
        }

    def __init__(self, *args, user, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        for_everyone = permissions.can_organise_for_everyone(user)
        groups = permissions.groups_for(member)
        kinds = [Kind.WEBINAR, Kind.EXPERT_SESSION] if for_everyone else []
        audiences = [Audience.EVERYONE, Audience.REGION] if for_everyone else []
        group_field = cast(forms.ModelChoiceField, self.fields["group"])
        group_field.queryset = groups
        group_field.required = False
        group_field.help_text = _("Pour une réunion d'un groupe dont vous êtes l'animateur·rice.")
        if groups.exists():
            kinds.append(Kind.GROUP_MEETING)
            audiences.append(Audience.GROUP)
        else:
            del self.fields["group"]
        cast(forms.ChoiceField, self.fields["kind"]).choices = [(k.value, k.label) for k in kinds]
        cast(forms.ChoiceField, self.fields["audience"]).choices = [(a.value, a.label) for a in audiences]
        self.fields["kind"].initial = kinds[0].value
        self.fields["audience"].initial = audiences[0].value
        region_field = cast(forms.ModelChoiceField, self.fields["region"])
        region_field.queryset = permissions.regions_for(user)
        region_field.required = False
        if not for_everyone:
            del self.fields["region"]
        self.fields["video_url"].widget.attrs["placeholder"] = "https://"
        self.cohost_members: list[Member] = []

    def clean_title(self):
        return clean_text(self.cleaned_data["title"])

    def clean_cohosts(self):
        names = split_names(self.cleaned_data["cohosts"])
        members = {m.pseudonym.casefold(): m for m in Member.objects.active().filter(pseudonym__in=names)}
        refused = [n for n in names if n.casefold() not in members
                   or not permissions.may_host(members[n.casefold()])]
        if refused:
            raise forms.ValidationError(
                _("Ces pseudonymes ne sont pas ceux d'expert·es ou d'animateur·rices : %(names)s.")
                % {"names": ", ".join(refused)}, code="refused")
        self.cohost_members = list(members.values())
        return names

    def clean(self):
        data = super().clean()
        if data.get("audience") == Audience.REGION and not data.get("region"):
            self.add_error("region", _("Choisissez la région à laquelle l'événement s'adresse."))
        if data.get("audience") == Audience.GROUP and not data.get("group"):
            self.add_error("group", _("Choisissez le groupe dont c'est la réunion."))
        if (data.get("kind") == Kind.GROUP_MEETING) != (data.get("audience") == Audience.GROUP):
            self.add_error("kind", _("Une réunion de groupe s'adresse à un groupe, et un groupe n'a que des "
                                     "réunions de groupe."))
        if data.get("audience") != Audience.REGION:
            data["region"] = None
        if data.get("audience") != Audience.GROUP:
            data["group"] = None
        if data.get("date") and data.get("start_time"):
            starts_at = timezone.make_aware(datetime.combine(data["date"], data["start_time"]))
            if starts_at <= timezone.now():
                self.add_error("date", _("L'événement doit commencer plus tard qu'à présent."))
            data["starts_at"] = starts_at
        return data

    def _post_clean(self):
        super()._post_clean()
        if "starts_at" in self.cleaned_data:
            self.instance.starts_at = self.cleaned_data["starts_at"]
        self.instance.region = self.cleaned_data.get("region")
        self.instance.group = self.cleaned_data.get("group")


class PreferencesForm(forms.Form):
    remind_in_app = forms.BooleanField(label=_("Sur le site (dans la page des événements)"), required=False)
    remind_by_email = forms.BooleanField(label=_("Par e-mail"), required=False)


class RecordingForm(IdempotentFormMixin, ChaptersForm):
    video_file = forms.FileField(label=_("Fichier vidéo de l'enregistrement"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        accept = ",".join(f".{ext}" for ext in resource_conf.video_extensions())
        self.fields["video_file"].widget.attrs.update({"accept": f"video/*,{accept}"})
        self.fields["video_file"].help_text = _("Formats : %(formats)s. Taille maximale : %(size)s Mo.") % {
            "formats": ", ".join(resource_conf.video_extensions()),
            "size": resource_conf.video_max_bytes() // 1024**2}

    def clean_video_file(self):
        upload = self.cleaned_data["video_file"]
        if Path(upload.name).suffix.lower().lstrip(".") not in resource_conf.video_extensions():
            raise forms.ValidationError(_("Ce type de fichier n'est pas une vidéo acceptée."))
        if upload.size > resource_conf.video_max_bytes():
            raise forms.ValidationError(_("La vidéo est trop volumineuse."))
        if upload.size == 0:
            raise forms.ValidationError(_("Le fichier est vide."))
        return upload


class ListFilter(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), required=False,
                             choices=[("", _("Tous les types")), *Kind.choices])
    region = forms.ModelChoiceField(label=_("Région"), required=False, queryset=Region.objects.all(),
                                    empty_label=_("Toutes les régions"))
    when = forms.ChoiceField(label=_("Quand"), required=False,
                             choices=[("", _("À venir")), ("past", _("Passés"))])
