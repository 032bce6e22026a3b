from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from comcep.idempotency import IdempotentFormMixin
from comcep.personaldata_guard import PersonalDataGuardMixin
from privatespace import library, uploads
from privatespace.models import (
    Collection,
    Folder,
    LessonKind,
    PrivateFile,
)


class FavouriteForm(forms.Form):
    note = forms.CharField(label=_("Note personnelle"), required=False, max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    collection = forms.ModelChoiceField(label=_("Collection"), queryset=Collection.objects.none(),
                                        required=False, empty_label=_("— aucune —"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collection"].queryset = Collection.objects.filter(owner=user)


class NameForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=80)


class FileNameForm(forms.Form):
    name = forms.CharField(label=_("Nouveau nom"), max_length=180)


class FolderChoiceForm(forms.Form):
    folder = forms.ModelChoiceField(label=_("Dossier"), queryset=Folder.objects.none(), required=False,
                                    empty_label=_("— hors dossier —"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["folder"].queryset = Folder.objects.filter(owner=user)


class UploadForm(FolderChoiceForm):
    upload = forms.FileField(label=_("Fichier"))
    name = forms.CharField(label=_("Nom affiché (facultatif)"), max_length=180, required=False)

    field_order = ["upload", "name", "folder"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["upload"].help_text = _("Types acceptés : %(types)s.") % {
            "types": uploads.accepted_types_text()}


class ProposeForm(PersonalDataGuardMixin, forms.Form):
    personal_data_fields = ("title", "note")
    # Left empty, never filled from the file's name: that may be the uploaded one, with a real name.
    title = forms.CharField(label=_("Titre dans la bibliothèque"), required=False, max_length=200,
                            help_text=_("Le nom du fichier n'est pas repris : le document est proposé "
                                        "et téléchargé sous ce titre."))
    note = forms.CharField(label=_("Présentation pour la bibliothèque (facultatif)"),
                           required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Elle devient le résumé de la ressource, que l'animation relit."))


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=160)
    summary = forms.CharField(label=_("Résumé"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 4}))
    cover = forms.FileField(label=_("Image de couverture (JPEG, PNG, GIF ou WebP)"), required=False)
    remove_cover = forms.BooleanField(label=_("Retirer l'image de couverture"), required=False)


class NewCourseForm(IdempotentFormMixin, CourseForm):
    """A new course: sent twice (double click, resent request), it creates one course."""


class ModuleForm(forms.Form):
    title = forms.CharField(label=_("Titre du module"), max_length=160)


class LessonForm(PersonalDataGuardMixin, forms.Form):
    # A published course is read by the whole community: its lessons are checked like posts.
    personal_data_fields = ("title", "body")
    title = forms.CharField(label=_("Titre de la leçon"), max_length=160)
    kind = forms.ChoiceField(label=_("Contenu"), choices=LessonKind.choices, widget=forms.RadioSelect,
                             initial=LessonKind.TEXT)
    body = forms.CharField(
        label=_("Texte (Markdown)"), required=False, max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("**gras**, *italique*, listes avec « - », titres avec « ## », liens [texte](https://…)."),
    )
    library_resource = forms.ModelChoiceField(
        label=_("Ressource ou vidéo de la bibliothèque"), queryset=library.published_resources(),
        required=False, widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Cette ressource n'est pas publiée dans la bibliothèque.")},
    )
    own_file = forms.ModelChoiceField(label=_("Un de mes fichiers"), queryset=PrivateFile.objects.none(),
                                      required=False, empty_label=_("— choisir —"))
    # The page draws the library choice itself (_library_picker.html): its error summary
    # leads to the search box, the one control always there.
    error_targets = {"library_resource": "id_library_q"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only published resources validate; the page offers the author's favourites and a search.
        self.fields["library_resource"].queryset = library.published_resources()
        self.fields["own_file"].queryset = PrivateFile.objects.filter(owner=user)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == LessonKind.TEXT and not (data.get("body") or "").strip():
            self.add_error("body", _("Écrivez le texte de la leçon."))
        if kind == LessonKind.LIBRARY and not data.get("library_resource") \
                and "library_resource" not in self.errors:
            self.add_error("library_resource",
                           _("Choisissez une ressource de la bibliothèque : cherchez-la, ou prenez-la "
                             "parmi vos favoris."))
        if kind == LessonKind.FILE and not data.get("own_file"):
            self.add_error("own_file", _("Choisissez un de vos fichiers."))
        return data


CHOICES = 4


class QuestionForm(forms.Form):
    prompt = forms.CharField(label=_("Question"), max_length=500)
    correct = forms.TypedChoiceField(
        label=_("Bonne réponse"), coerce=int, widget=forms.RadioSelect,
        choices=[(i, _("Réponse %(n)s") % {"n": i + 1}) for i in range(CHOICES)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(CHOICES):
            self.fields[f"choice_{i}"] = forms.CharField(
                label=_("Réponse %(n)s") % {"n": i + 1}, max_length=300, required=i < 2)
            self.fields[f"feedback_{i}"] = forms.CharField(
                label=_("Commentaire si l'on choisit la réponse %(n)s") % {"n": i + 1},
                max_length=500, required=False)
        self.order_fields(["prompt"] + [f for i in range(CHOICES) for f in (f"choice_{i}", f"feedback_{i}")]
                          + ["correct"])

    def clean(self):
        data = super().clean()
        correct = data.get("correct")
        if correct is not None and not (data.get(f"choice_{correct}") or "").strip():
            self.add_error("correct", _("La bonne réponse cochée est vide."))
        return data

    def choices(self) -> list[tuple[str, bool, str]]:
        data = self.cleaned_data
        return [(data.get(f"choice_{i}", ""), data.get("correct") == i, data.get(f"feedback_{i}", ""))
                for i in range(CHOICES)]
