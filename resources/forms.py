from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit

from django import forms
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comcep import antivirus, filecleaning
from comcep.idempotency import IdempotentFormMixin
from comcep.models import Region
from comcep.notifications import site_url
from resources import conf
from resources.models import Kind, LegalVersion, Public, RegionalAction, Resource, ServiceLevel, Theme


class FilterForm(forms.Form):
    """The library's filters; every field optional, bad values are ignored."""

    q = forms.CharField(label=_("Rechercher"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("ex. : validation des acquis")}))
    kind = forms.ChoiceField(label=_("Type"), required=False,
                             choices=[("", _("Tous les types")), *Kind.choices])
    theme = forms.ModelChoiceField(label=_("Thème"), required=False, queryset=Theme.objects.all(),
                                   to_field_name="slug", empty_label=_("Tous les thèmes"))
    tag = forms.CharField(label=_("Mot-clé"), required=False, max_length=100)
    level = forms.ChoiceField(label=_("Niveau du CEP"), required=False,
                              choices=[("", _("Tous les niveaux")), *ServiceLevel.choices])
    public = forms.ChoiceField(label=_("Public"), required=False,
                               choices=[("", _("Tous les publics")), *Public.choices])
    region = forms.ModelChoiceField(label=_("Région"), required=False, queryset=Region.objects.all(),
                                    to_field_name="code", empty_label=_("Toutes les régions"))

    def filtered(self, queryset):
        from resources.search import search

        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["theme"]:
            queryset = queryset.filter(themes=data["theme"])
        if data["tag"]:
            queryset = queryset.filter(tags__name__folded=data["tag"].strip())
        if data["level"]:
            queryset = queryset.filter(service_level=data["level"])
        if data["public"]:
            queryset = queryset.filter(public=data["public"])
        if data["region"]:
            queryset = queryset.filter(region=data["region"])
        return search(queryset, data["q"])


def _split_tags(text: str) -> list[str]:
    return [tag.strip()[:100] for tag in text.split(",") if tag.strip()][:15]


class ResourceForm(forms.ModelForm):
    """A resource as a member proposes it or a moderator edits it (not a video's file)."""

    tags_text = forms.CharField(label=_("Mots-clés"), required=False, max_length=500,
                                help_text=_("Séparés par des virgules."))
    document_file = forms.FileField(label=_("Document (PDF, bureautique)"), required=False)
    url = forms.URLField(label=_("Adresse du lien"), required=False, max_length=500,
                         assume_scheme="https")

    class Meta:
        model = Resource
        fields = ["kind", "title", "summary", "body", "themes", "service_level", "public", "region",
                  "source", "url", "legal_reference", "valid_until", "issued_on"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 6}),
            "themes": forms.CheckboxSelectMultiple,
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    DOCUMENT_EXTENSIONS = (".pdf", ".odt", ".ods", ".odp", ".doc", ".docx", ".xls", ".xlsx",
                           ".ppt", ".pptx", ".txt", ".csv", ".rtf")

    def __init__(self, *args, video_upload: bool = False, uploader=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.uploader = uploader
        if self.instance.pk:
            self.fields["tags_text"].initial = ", ".join(t.name for t in self.instance.tags.all())
        kinds = Kind.video_kinds() if video_upload else [
            k for k in Kind.values if k not in (*Kind.video_kinds(), Kind.ACTION)
        ]
        if self.instance.pk:
            kinds = [self.instance.kind] if self.instance.kind in Kind.video_kinds() else kinds
        cast(forms.ChoiceField, self.fields["kind"]).choices = [(k, Kind(k).label) for k in kinds]
        if video_upload:
            for name in ("url", "legal_reference", "valid_until", "document_file"):
                del self.fields[name]

    def clean_document_file(self):
        upload = self.cleaned_data.get("document_file")
        if upload:
            if Path(upload.name).suffix.lower() not in self.DOCUMENT_EXTENSIONS:
                raise forms.ValidationError(_("Ce type de document n'est pas accepté."))
            if upload.size > conf.document_max_bytes():
                raise forms.ValidationError(_("Le document est trop volumineux."))
            antivirus.scan_upload(upload, uploader=self.uploader, where="resources.document")
            # Refused here, with its reason beside the field, when it cannot be cleaned.
            upload = filecleaning.clean_file(upload, name=upload.name)
        return upload

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Kind.LINK and not data.get("url"):
            self.add_error("url", _("Un lien a besoin de son adresse."))
        if kind == Kind.LEGAL and not data.get("legal_reference"):
            self.add_error("legal_reference", _("Un texte juridique a besoin de sa référence."))
        if kind == Kind.DOCUMENT and not data.get("document_file") and not self.instance.document:
            self.add_error("document_file", _("Joignez le document."))
        return data

    def tags(self) -> list[str]:
        return _split_tags(self.cleaned_data.get("tags_text", ""))


class ProposalForm(IdempotentFormMixin, ResourceForm):
    """A new proposal: sent twice (double click, resent request), it proposes once."""


class VideoUploadForm(IdempotentFormMixin, ResourceForm):
    video_file = forms.FileField(label=_("Fichier vidéo"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, video_upload=True, **kwargs)
        accept = ",".join(f".{ext}" for ext in conf.video_extensions())
        self.fields["video_file"].widget.attrs.update(
            {"accept": f"video/*,{accept}", "data-max-bytes": conf.video_max_bytes(),
             "data-max-seconds": conf.video_max_seconds()}
        )
        self.fields["video_file"].help_text = _(
            "Formats : %(formats)s. Taille maximale : %(size)s Mo, durée maximale : %(minutes)s min."
        ) % {"formats": ", ".join(conf.video_extensions()), "size": conf.video_max_bytes() // 1024**2,
             "minutes": conf.video_max_seconds() // 60}

    def clean_video_file(self):
        upload = self.cleaned_data["video_file"]
        if Path(upload.name).suffix.lower().lstrip(".") not in conf.video_extensions():
            raise forms.ValidationError(_("Ce type de fichier n'est pas une vidéo acceptée."))
        if upload.size > conf.video_max_bytes():
            raise forms.ValidationError(_("La vidéo est trop volumineuse."))
        if upload.size == 0:
            raise forms.ValidationError(_("Le fichier est vide."))
        return upload


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Motif du refus (transmis à la personne qui l'a proposée)"),
                             max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Pourquoi la retirer ? (transmis à la personne qui l'a proposée)"),
                             max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class CaptionForm(forms.Form):
    LANGUAGES = {"fr": "Français", "en": "English"}  # each named in its own language

    file = forms.FileField(label=_("Sous-titres (fichier WebVTT .vtt)"))
    language = forms.ChoiceField(label=_("Langue"), choices=list(LANGUAGES.items()))

    def language_label(self, language: str) -> str:
        return self.LANGUAGES[language]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > conf.caption_max_bytes():
            raise forms.ValidationError(_("Le fichier de sous-titres est trop volumineux."))
        return upload


_CHAPTER_LINE = re.compile(r"^\s*(?:(\d{1,2}):)?(\d{1,2}):(\d{2})\s+(.+?)\s*$")


class ChaptersForm(forms.Form):
    chapters = forms.CharField(
        label=_("Chapitres"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Un chapitre par ligne : début puis titre, par exemple « 2:30 Le cadre légal »."),
    )

    def clean_chapters(self) -> list[tuple[str, int]]:
        result = []
        for number, line in enumerate(self.cleaned_data["chapters"].splitlines(), start=1):
            if not line.strip():
                continue
            match = _CHAPTER_LINE.match(line)
            if not match:
                raise forms.ValidationError(_("Ligne %(line)d : écrivez « minutes:secondes titre ».")
                                            % {"line": number})
            hours, minutes, seconds, title = match.groups()
            if int(seconds) > 59:
                raise forms.ValidationError(_("Ligne %(line)d : secondes invalides.") % {"line": number})
            result.append((title[:120], int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)))
        return sorted(result, key=lambda chapter: chapter[1])


class ActionForm(forms.Form):
    """A regional action: what its resource holds and what the action itself holds."""

    title = forms.CharField(label=_("Titre"), max_length=200)
    summary = forms.CharField(label=_("Description"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4}))
    region = forms.ModelChoiceField(label=_("Région"), queryset=Region.objects.none())
    public = forms.ChoiceField(label=_("Public"), choices=Public.choices, initial=Public.COUNSELLORS)
    themes = forms.ModelMultipleChoiceField(label=_("Thèmes"), queryset=Theme.objects.all(),
                                            required=False, widget=forms.CheckboxSelectMultiple)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"},
                                                                    format="%Y-%m-%d"))
    start_time = forms.TimeField(label=_("Heure de début"), widget=forms.TimeInput(
        attrs={"type": "time"}, format="%H:%M"))
    end_date = forms.DateField(label=_("Date de fin (si plusieurs jours)"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end_time = forms.TimeField(label=_("Heure de fin"), widget=forms.TimeInput(
        attrs={"type": "time"}, format="%H:%M"))
    online = forms.BooleanField(label=_("À distance (en ligne)"), required=False)
    place = forms.CharField(label=_("Lieu"), max_length=200, required=False)
    organiser = forms.CharField(label=_("Organisateur"), max_length=200)
    registration_url = forms.URLField(label=_("Lien d'inscription"), required=False, max_length=500,
                                      assume_scheme="https")
    capacity = forms.IntegerField(label=_("Nombre de places"), required=False, min_value=1,
                                  max_value=100000)

    def __init__(self, *args, regions, instance: RegionalAction | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(instance)
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["region"]).queryset = regions
        if regions.count() == 1:
            self.fields["region"].initial = regions.first()

    @staticmethod
    def initial_from(action: RegionalAction) -> dict:
        start = timezone.localtime(action.starts_at)
        end = timezone.localtime(action.ends_at)
        resource = action.resource
        return {
            "title": resource.title, "summary": resource.summary, "region": resource.region,
            "public": resource.public, "themes": list(resource.themes.all()),
            "date": start.date(), "start_time": start.time(),
            "end_date": end.date() if end.date() != start.date() else None, "end_time": end.time(),
            "online": action.online, "place": action.place, "organiser": action.organiser,
            "registration_url": action.registration_url, "capacity": action.capacity,
        }

    def clean(self):
        data = super().clean()
        if not all(data.get(name) for name in ("date", "start_time", "end_time")):
            return data
        start = timezone.make_aware(datetime.combine(data["date"], data["start_time"]))
        end = timezone.make_aware(datetime.combine(data.get("end_date") or data["date"],
                                                   data["end_time"]))
        if end <= start:
            self.add_error("end_time", _("La fin doit venir après le début."))
        if end - start > timedelta(days=31):
            self.add_error("end_date", _("Une action dure au plus un mois."))
        if not data.get("online") and not data.get("place"):
            self.add_error("place", _("Indiquez le lieu, ou cochez « À distance »."))
        data["starts_at"], data["ends_at"] = start, end
        return data

    def apply(self, resource: Resource, action: RegionalAction) -> None:
        data = self.cleaned_data
        resource.title = data["title"]
        resource.summary = data["summary"]
        resource.region = data["region"]
        resource.public = data["public"]
        resource.source = data["organiser"]
        action.starts_at, action.ends_at = data["starts_at"], data["ends_at"]
        for name in ("online", "place", "organiser", "registration_url", "capacity"):
            setattr(action, name, data[name])


class CancelActionForm(forms.Form):
    reason = forms.CharField(label=_("Motif de l'annulation (transmis aux membres)"), required=False,
                             max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    first = timezone.make_aware(datetime.combine(datetime(year, month, 1).date(), time.min))
    nxt = datetime(year + (month == 12), month % 12 + 1, 1).date()
    return first, timezone.make_aware(datetime.combine(nxt, time.min))


# --- The regulatory watch ----------------------------------------------------------------


class VersionForm(forms.ModelForm):
    """A new version of a legal text, by a moderator: its followers are told."""

    official_url = forms.URLField(label=_("Lien officiel"), required=False, assume_scheme="https",
                                  max_length=500)

    class Meta:
        model = LegalVersion
        fields = ["effective_on", "status", "change_summary", "text", "official_url"]
        widgets = {
            "effective_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "change_summary": forms.TextInput(),
            "text": forms.Textarea(attrs={"rows": 8}),
        }

    def clean(self):
        data = super().clean()
        if not data.get("text", "").strip() and not data.get("official_url"):
            raise forms.ValidationError(
                _("Donnez le texte de cette version ou son lien officiel."), code="text_or_link")
        return data


def _site_path(value: str) -> str:
    """An address of this site, kept as its path: the discussion lives in the community."""
    value = value.strip()
    if not value:
        return ""
    # A backslash or a control character lets a browser read "/\\host" as another site.
    if "\\" in value or any(ord(c) < 32 for c in value):
        raise forms.ValidationError(_("Donnez l'adresse d'une discussion de Comcep."), code="foreign")
    parts = urlsplit(value)
    site = urlsplit(site_url())
    if (parts.scheme or parts.netloc) and (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
        raise forms.ValidationError(_("Donnez l'adresse d'une discussion de Comcep."), code="foreign")
    if not parts.path.startswith("/") or parts.path.startswith("//"):
        raise forms.ValidationError(_("Donnez l'adresse d'une discussion de Comcep."), code="foreign")
    try:
        resolve(parts.path)
    except Resolver404:
        raise forms.ValidationError(_("Cette adresse ne mène à aucune page de Comcep."),
                                    code="unknown") from None
    return parts.path + (f"#{parts.fragment}" if parts.fragment else "")


class PracticeNoteForm(forms.Form):
    practice_note = forms.CharField(
        label=_("Ce qui change pour la pratique du CEP"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}))
    discussion_url = forms.CharField(
        label=_("Adresse de la discussion du forum"), required=False, max_length=300,
        help_text=_("Copiez l'adresse du sujet du forum qui en parle."))

    def clean_discussion_url(self) -> str:
        return _site_path(self.cleaned_data["discussion_url"])


class FollowTagForm(forms.Form):
    tag = forms.CharField(label=_("Suivre un mot-clé"), max_length=100,
                          help_text=_("Par exemple : posture, CPF, VAE."))

    def clean_tag(self) -> str:
        from resources.watch import fold_tag

        tag = fold_tag(self.cleaned_data["tag"])
        if not tag:
            raise forms.ValidationError(_("Écrivez un mot-clé."), code="empty")
        return tag


class WatchPreferencesForm(forms.Form):
    email_each = forms.BooleanField(label=_("Un e-mail à chaque changement de ce que je suis"),
                                    required=False)
    weekly_digest = forms.BooleanField(label=_("Le résumé de la veille chaque semaine, par e-mail"),
                                       required=False)


class WatchFilterForm(forms.Form):
    theme = forms.ModelChoiceField(label=_("Thème"), required=False, queryset=Theme.objects.all(),
                                   to_field_name="slug", empty_label=_("Tous les thèmes"))
