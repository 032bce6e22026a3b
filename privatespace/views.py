"""The private space's pages: overview, favourites and collections, folders and files.

Thin views: look up through ``permissions`` (404 for what is not yours), call
a service, render or redirect. Course pages are in ``course_views``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from comcep.files import ranged_file_response
from comcep.permissions import community_required
from comcep.personaldata_guard import CONFIRM_FIELD
from privatespace import library, permissions, services
from privatespace.forms import (
    FavouriteForm,
    FileNameForm,
    FolderChoiceForm,
    NameForm,
    ProposeForm,
    UploadForm,
)
from privatespace.models import Collection, Course, Favourite, Folder, PrivateFile

# Shown in the browser; everything else is downloaded.
INLINE_KINDS = {"image", "video", "audio"}


def _messages_of(error: ValidationError) -> str:
    return " ".join(error.messages)


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                   require_https=request.is_secure()):
        return target
    return fallback


@community_required
def home(request):
    """The member's private space at a glance."""
    user = request.user
    context = {
        "storage": services.used_and_quota(user),
        "favourite_count": Favourite.objects.filter(owner=user).count(),
        "recent_favourites": Favourite.objects.of(user)[:5],
        "file_count": PrivateFile.objects.filter(owner=user).count(),
        "my_courses": Course.objects.filter(author=user).with_counts()[:5],
    }
    return render(request, "privatespace/home.html", context)


# --- Favourites ---------------------------------------------------------------------


@community_required
def favourites(request):
    user = request.user
    collection_id = request.GET.get("collection")
    items = Favourite.objects.of(user)
    current = None
    if collection_id == "aucune":
        items = items.filter(collection__isnull=True)
    elif collection_id:
        try:
            current = permissions.get_own_collection(user, int(collection_id))
        except ValueError as error:
            raise Http404 from error
        items = items.filter(collection=current)
    context = {
        "favourites": items,
        "collections": Collection.objects.filter(owner=user),
        "current": current,
        "unsorted": collection_id == "aucune",
        "collection_form": NameForm(),
    }
    return render(request, "privatespace/favourites.html", context)


def _button_response(request, obj, fallback: str):
    if request.htmx:
        html = render_to_string("privatespace/partials/_favourite_button.html",
                                {"object": obj}, request=request)
        return HttpResponse(html)
    return redirect(_safe_next(request, fallback))


@community_required
@require_POST
def add_favourite(request):
    """Save the object named by a signed token (see services.favourite_token)."""
    obj = services.object_from_token(request.user, request.POST.get("token", ""))
    if obj is None:
        raise Http404
    collection = None
    if request.POST.get("collection"):
        try:
            collection = permissions.get_own_collection(request.user, int(request.POST["collection"]))
        except ValueError as error:
            raise Http404 from error
    services.add_favourite(request.user, obj, note=request.POST.get("note", "")[:4000],
                           collection=collection)
    if not request.htmx:
        messages.success(request, _("Ajouté à vos favoris."))
    return _button_response(request, obj, fallback=services.describe(obj)[1] or "/")


@community_required
def edit_favourite(request, pk: int):
    favourite = permissions.get_own_favourite(request.user, pk)
    form = FavouriteForm(request.POST or None, user=request.user,
                         initial={"note": favourite.note, "collection": favourite.collection})
    if request.method == "POST" and form.is_valid():
        services.update_favourite(favourite, actor=request.user, note=form.cleaned_data["note"],
                                  collection=form.cleaned_data["collection"])
        messages.success(request, _("Favori enregistré."))
        return redirect("privatespace:favourites")
    return render(request, "privatespace/favourite_form.html", {"favourite": favourite, "form": form})


@community_required
@require_POST
def remove_favourite(request, pk: int):
    favourite = permissions.get_own_favourite(request.user, pk)
    obj = favourite.item
    services.remove_favourite(favourite)
    if request.htmx and obj is not None:
        return _button_response(request, obj, fallback="")
    messages.success(request, _("Retiré de vos favoris."))
    return redirect(_safe_next(request, "privatespace:favourites"))


def _create_named(request, create, *, done: str, missing: str):
    """Create a collection or folder with ``create`` (a service) from the posted name;
    the new object, or None once the member has been told why not."""
    form = NameForm(request.POST)
    if not form.is_valid():
        messages.error(request, missing)
        return None
    try:
        obj = create(actor=request.user, name=form.cleaned_data["name"])
    except ValidationError as error:
        messages.error(request, _messages_of(error))
        return None
    messages.success(request, done)
    return obj


def _rename_page(request, obj, rename, *, template: str, done: str, back: str):
    """The rename page of a collection or folder; ``rename`` is the service to call."""
    form = NameForm(request.POST or None, initial={"name": obj.name})
    if request.method == "POST" and form.is_valid():
        try:
            rename(obj, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error("name", error)
        else:
            messages.success(request, done)
            return redirect(back)
    return render(request, template, {obj._meta.model_name: obj, "form": form})


@community_required
@require_POST
def create_collection(request):
    _create_named(request, services.create_collection, done=_("Collection créée."),
                  missing=_("Donnez un nom à la collection."))
    return redirect("privatespace:favourites")


@community_required
def edit_collection(request, pk: int):
    collection = permissions.get_own_collection(request.user, pk)
    return _rename_page(request, collection, services.rename_collection,
                        template="privatespace/collection_form.html", done=_("Collection renommée."),
                        back="privatespace:favourites")


@community_required
@require_POST
def delete_collection(request, pk: int):
    collection = permissions.get_own_collection(request.user, pk)
    services.delete_collection(collection)
    messages.success(request, _("Collection supprimée ; ses favoris sont conservés."))
    return redirect("privatespace:favourites")


@community_required
@require_POST
def move_collection(request, pk: int):
    collection = permissions.get_own_collection(request.user, pk)
    services.move_collection(collection, actor=request.user, direction=request.POST.get("direction"))
    return redirect("privatespace:favourites")


def _ids(request) -> list[int]:
    try:
        return [int(value) for value in request.POST.getlist("order")]
    except ValueError as error:
        raise Http404 from error


@community_required
@require_POST
def reorder_collections(request):
    services.reorder_collections(actor=request.user, ids=_ids(request))
    return HttpResponse(status=204)


# --- Files ----------------------------------------------------------------------------------


def _to_files(folder_id: int | None = None):
    """Back to the files page, opened on the folder ``folder_id`` when there is one."""
    response = redirect("privatespace:files")
    if folder_id:
        response["Location"] += f"?dossier={folder_id}"
    return response


def _files_page(request, *, current: Folder | None, form: UploadForm, status: int = 200):
    user = request.user
    items = PrivateFile.objects.of(user)
    if current is not None:
        items = items.filter(folder=current)
    return render(request, "privatespace/files.html", {
        "files": items, "folders": Folder.objects.filter(owner=user), "current": current,
        "form": form, "folder_form": NameForm(), "storage": services.used_and_quota(user),
    }, status=status)


@community_required
def files(request):
    current = None
    folder_id = request.GET.get("dossier")
    if folder_id:
        try:
            current = permissions.get_own_folder(request.user, int(folder_id))
        except ValueError as error:
            raise Http404 from error
    return _files_page(request, current=current, form=UploadForm(user=request.user,
                                                                 initial={"folder": current}))


@community_required
@require_POST
def upload_file(request):
    user = request.user
    form = UploadForm(request.POST, request.FILES, user=user)
    if form.is_valid():
        try:
            private_file = services.upload_file(
                actor=user, uploaded=form.cleaned_data["upload"], folder=form.cleaned_data["folder"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as error:
            form.add_error("upload", error)
        else:
            messages.success(request, _("« %(name)s » est enregistré dans votre espace.")
                             % {"name": private_file.name})
            return _to_files(private_file.folder_id)
    return _files_page(request, current=None, form=form, status=400)


@community_required
def file_detail(request, key):
    return _file_page(request, permissions.get_own_file(request.user, key))


def _file_page(request, private_file, *, propose_form=None, status=200):
    return render(request, "privatespace/file_detail.html", {
        "file": private_file,
        "rename_form": FileNameForm(initial={"name": private_file.name}),
        "move_form": FolderChoiceForm(user=request.user, initial={"folder": private_file.folder}),
        # Nothing of the file's own name is offered: it may be the uploaded one, with a real name.
        "propose_form": propose_form or ProposeForm(),
        "proposal": library.proposal_of(private_file),
        "used_in_lessons": private_file.lessons.select_related("module__course"),
    }, status=status)


@never_cache
@community_required
def download_file(request, key):
    """The only way to a file's bytes: its owner, and nobody else (404)."""
    private_file = permissions.get_own_file(request.user, key)
    return file_response(request, private_file)


def file_response(request, private_file: PrivateFile, *,
                  download_name: str | None = None) -> HttpResponseBase:
    """The file's bytes; a byte range when asked, so that a personal video can be sought in.

    It is named ``download_name``, or by default by the name its owner sees: pass a
    neutral name whenever someone else may fetch it. Only images, sounds and videos are
    shown in the browser; anything else (a PDF too) is a download, sandboxed and with its
    type fixed (comcep.files).
    """
    try:
        handle = private_file.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    filename = download_name
    if filename is None:
        filename = private_file.name
        extension = private_file.extension
        if extension and not filename.lower().endswith(extension):
            filename += extension
    response = ranged_file_response(request, handle, content_type=private_file.mime_type,
                                    download_name=filename,
                                    as_attachment=private_file.kind not in INLINE_KINDS)
    response["Cache-Control"] = "private, no-store"
    return response


@community_required
@require_POST
def rename_file(request, key):
    private_file = permissions.get_own_file(request.user, key)
    form = FileNameForm(request.POST)
    if form.is_valid():
        services.rename_file(private_file, name=form.cleaned_data["name"])
        messages.success(request, _("Fichier renommé."))
    else:
        messages.error(request, _("Donnez un nom au fichier."))
    return redirect(private_file.get_absolute_url())


@community_required
@require_POST
def move_file(request, key):
    private_file = permissions.get_own_file(request.user, key)
    form = FolderChoiceForm(request.POST, user=request.user)
    if form.is_valid():
        services.move_file(private_file, actor=request.user, folder=form.cleaned_data["folder"])
        messages.success(request, _("Fichier déplacé."))
    else:
        messages.error(request, _("Ce dossier n'existe pas."))
    return redirect(private_file.get_absolute_url())


@community_required
@require_POST
def delete_file(request, key):
    private_file = permissions.get_own_file(request.user, key)
    services.delete_file(private_file)
    messages.success(request, _("Fichier supprimé."))
    return redirect("privatespace:files")


@community_required
@require_POST
def propose_file(request, key):
    private_file = permissions.get_own_file(request.user, key)
    try:
        if request.POST.get("withdraw"):
            services.withdraw_file_proposal(private_file, actor=request.user)
            messages.success(request, _("Proposition retirée."))
        else:
            form = ProposeForm(request.POST)
            if not form.is_valid() and form.has_error(CONFIRM_FIELD):
                # What looks like a beneficiary's data: asked first, with what was typed.
                return _file_page(request, private_file, propose_form=form, status=400)
            data = form.cleaned_data if form.is_valid() else {}
            services.propose_file_to_library(private_file, actor=request.user, note=data.get("note", ""),
                                             title=data.get("title", ""))
            messages.success(request, _("Fichier proposé à la bibliothèque : l'équipe d'animation "
                                        "l'examinera, et vous serez prévenu·e de sa décision."))
    except ValidationError as error:
        messages.error(request, _messages_of(error))
    return redirect(private_file.get_absolute_url())


@community_required
@require_POST
def create_folder(request):
    folder = _create_named(request, services.create_folder, done=_("Dossier créé."),
                           missing=_("Donnez un nom au dossier."))
    return _to_files(folder.pk if folder is not None else None)


@community_required
def edit_folder(request, pk: int):
    folder = permissions.get_own_folder(request.user, pk)
    return _rename_page(request, folder, services.rename_folder,
                        template="privatespace/folder_form.html", done=_("Dossier renommé."),
                        back="privatespace:files")


@community_required
@require_POST
def delete_folder(request, pk: int):
    folder = permissions.get_own_folder(request.user, pk)
    services.delete_folder(folder)
    messages.success(request, _("Dossier supprimé ; ses fichiers sont revenus à la racine."))
    return redirect("privatespace:files")
