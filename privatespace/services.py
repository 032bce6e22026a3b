"""Writes of the private space: favourites, collections, folders and files.

Course writes are in ``privatespace.courses``.
"""

from __future__ import annotations

import logging
from contextlib import ExitStack
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from comcep import antivirus, filecleaning, storage
from comcep.audit import record
from privatespace import uploads
from privatespace.models import Collection, Favourite, Folder, PrivateFile

logger = logging.getLogger(__name__)

FAVOURITE_SALT = "privatespace.favourite"
# A button stays usable for a day after its page was shown; access may be withdrawn after.
FAVOURITE_TOKEN_MAX_AGE = 24 * 3600


def _user_of(member):
    """Accept a Member or a User, so other apps call with whichever they hold."""
    return getattr(member, "user", member)


# --- Favourites -------------------------------------------------------------------


def describe(obj) -> tuple[str, str, str]:
    """(title, url, kind) of any model instance, for the favourite's snapshot."""
    title = getattr(obj, "title", None) or getattr(obj, "name", None) or str(obj)
    try:
        url = obj.get_absolute_url()
    except Exception:  # no get_absolute_url, or one that cannot be reversed: no link
        url = ""
    # A library resource says what it is (a video sequence, a legal text…), not just "ressource".
    kind = obj.get_kind_display() if hasattr(obj, "get_kind_display") else obj._meta.verbose_name
    return str(title)[:255], str(url)[:500], str(kind)[:80]


def favourite_token(user, obj) -> str:
    """A signed reference to ``obj`` for ``user``'s favourite button.

    The page that renders the button has already decided the user may see the
    object; the signature carries that decision to the add view, so the
    private space needs no knowledge of other apps' permission rules and a
    member cannot save (and so read the title of) something never shown to them.
    """
    ct = ContentType.objects.get_for_model(obj)
    return signing.dumps([ct.pk, obj.pk], salt=f"{FAVOURITE_SALT}:{user.pk}")


def object_from_token(user, token: str):
    """The object a favourite token names, or None when the token is bad or the object gone."""
    try:
        ct_id, obj_id = signing.loads(token, salt=f"{FAVOURITE_SALT}:{user.pk}",
                                      max_age=FAVOURITE_TOKEN_MAX_AGE)
        content_type = ContentType.objects.get_for_id(ct_id)
    except (signing.BadSignature, ValueError, TypeError, ContentType.DoesNotExist):
        return None
    model = content_type.model_class()
    if model is None:
        return None
    return model._default_manager.filter(pk=obj_id).first()


def favourite_id(member, obj) -> int | None:
    """The id of ``member``'s favourite of ``obj``, or None: what a favourite button needs, read
    without loading the favourite (it is drawn on the hottest pages)."""
    ct = ContentType.objects.get_for_model(obj)
    with connection.cursor() as cursor:
        # One indexed lookup, in SQL rather than through the ORM's query building.
        cursor.execute(f"SELECT id FROM {Favourite._meta.db_table} "  # noqa: S608  (a table name)
                       "WHERE owner_id = %s AND content_type_id = %s AND object_id = %s LIMIT 1",
                       [_user_of(member).pk, ct.pk, obj.pk])
        row = cursor.fetchone()
    return row[0] if row else None


@transaction.atomic
def add_favourite(member, obj, note: str = "", collection: Collection | None = None) -> Favourite:
    """Save ``obj`` (any model instance) to ``member``'s favourites; idempotent.

    ``member`` may be a Member or a User. Saving again keeps the favourite and
    refreshes its snapshot; a note or collection given replaces the old one.
    The caller must already have checked that the member may see ``obj``.
    """
    user = _user_of(member)
    if collection is not None and collection.owner_id != user.pk:
        raise ValidationError(_("Cette collection n'existe pas."), code="collection")
    title, url, kind = describe(obj)
    ct = ContentType.objects.get_for_model(obj)
    defaults: dict[str, Any] = {"title": title, "url": url, "kind": kind}
    if note:
        defaults["note"] = note
    if collection is not None:
        defaults["collection"] = collection
    favourite, _created = Favourite.objects.update_or_create(
        owner=user, content_type=ct, object_id=obj.pk, defaults=defaults
    )
    return favourite


@transaction.atomic
def update_favourite(favourite: Favourite, *, actor, note: str, collection: Collection | None) -> None:
    if collection is not None and collection.owner_id != actor.pk:
        raise ValidationError(_("Cette collection n'existe pas."), code="collection")
    favourite.note = note
    favourite.collection = collection
    favourite.save(update_fields=["note", "collection"])


def remove_favourite(favourite: Favourite) -> None:
    favourite.delete()


def _clean_name(name: str, what: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Donnez un nom à %(what)s.") % {"what": what}, code="required")
    return name


@transaction.atomic
def create_collection(*, actor, name: str) -> Collection:
    """A new collection, placed last."""
    name = _clean_name(name, _("la collection"))
    last = Collection.objects.filter(owner=actor).aggregate(m=Max("position"))["m"]
    try:
        with transaction.atomic():
            return Collection.objects.create(owner=actor, name=name,
                                             position=0 if last is None else last + 1)
    except IntegrityError as error:
        raise ValidationError(_("Vous avez déjà une collection de ce nom."), code="duplicate") from error


@transaction.atomic
def rename_collection(collection: Collection, *, name: str) -> None:
    collection.name = _clean_name(name, _("la collection"))
    try:
        with transaction.atomic():
            collection.save(update_fields=["name"])
    except IntegrityError as error:
        raise ValidationError(_("Vous avez déjà une collection de ce nom."), code="duplicate") from error


def delete_collection(collection: Collection) -> None:
    """The favourites stay, outside any collection."""
    collection.delete()


def reorder(queryset, ids: list[int]) -> None:
    """Give the rows of ``queryset`` the order of ``ids``; rows not named keep theirs, after."""
    rows = {row.pk: row for row in queryset}
    ordered = [rows[i] for i in ids if i in rows]
    ordered += [row for row in sorted(rows.values(), key=lambda r: (r.position, r.pk))
                if row not in ordered]
    for position, row in enumerate(ordered):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])


def move(queryset, obj, direction: str) -> None:
    """Move ``obj`` one step "up" or "down" among ``queryset`` (its siblings)."""
    if direction not in ("up", "down"):
        return
    siblings = list(queryset.order_by("position", "pk").values_list("pk", flat=True))
    index = siblings.index(obj.pk)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(siblings):
        siblings[index], siblings[target] = siblings[target], siblings[index]
    reorder(queryset.select_for_update(), siblings)


@transaction.atomic
def move_collection(collection: Collection, *, actor, direction: str) -> None:
    move(Collection.objects.filter(owner=actor), collection, direction)


@transaction.atomic
def reorder_collections(*, actor, ids: list[int]) -> None:
    reorder(Collection.objects.filter(owner=actor).select_for_update(), ids)


# --- Folders and files -----------------------------------------------------------------


@transaction.atomic
def create_folder(*, actor, name: str) -> Folder:
    name = _clean_name(name, _("le dossier"))
    try:
        with transaction.atomic():
            return Folder.objects.create(owner=actor, name=name)
    except IntegrityError as error:
        raise ValidationError(_("Vous avez déjà un dossier de ce nom."), code="duplicate") from error


@transaction.atomic
def rename_folder(folder: Folder, *, name: str) -> None:
    folder.name = _clean_name(name, _("le dossier"))
    try:
        with transaction.atomic():
            folder.save(update_fields=["name"])
    except IntegrityError as error:
        raise ValidationError(_("Vous avez déjà un dossier de ce nom."), code="duplicate") from error


@transaction.atomic
def delete_folder(folder: Folder) -> None:
    """Its files are kept, moved back to the top level."""
    folder.files.update(folder=None)
    folder.delete()


def _lock_owner(user) -> None:
    # Serialises a member's uploads so two at once cannot both fit the last free bytes.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()


def upload_file(*, actor, uploaded, folder: Folder | None = None, name: str = "") -> PrivateFile:
    """Check and store an upload in ``actor``'s space.

    Raises ValidationError (in French) when it is empty, too big, over the
    quota, of a type not accepted (judged by content) or an image bomb. The
    stored file and its row appear together or not at all.
    """
    if folder is not None and folder.owner_id != actor.pk:
        raise ValidationError(_("Ce dossier n'existe pas."), code="folder")
    display_name = " ".join((name or uploaded.name or "").split())[:180] or _("Fichier sans nom")
    stored_name = None
    # Scanned before the transaction: the scan takes a while, and must not hold the owner's lock.
    antivirus.scan_upload(uploaded, uploader=actor, where="privatespace.file")
    try:
        with ExitStack() as stack, transaction.atomic():
            _lock_owner(actor)
            used = PrivateFile.objects.used_bytes(actor)
            sniffed = uploads.validate_upload(uploaded, used_bytes=used)
            # What is stored (and counted) is the copy without its authors' names: the file
            # may become a lesson file other members fetch.
            cleaned = stack.enter_context(filecleaning.clean_file(uploaded, name=uploaded.name or ""))
            uploads.check_room(cleaned.size, used_bytes=used)
            private_file = PrivateFile(owner=actor, folder=folder, name=display_name,
                                       size=cleaned.size, kind=sniffed.kind,
                                       mime_type=cleaned.content_type or sniffed.mime_type)
            private_file.file.save(cleaned.name, cleaned, save=False)
            stored_name = private_file.file.name
            private_file.save()
    except Exception as error:
        # Nothing half-written: a stored file whose row was not saved goes too.
        if stored_name:
            default_storage.delete(stored_name)
        if (refusal := storage.refusal_for(error)) is not None:
            raise refusal from error
        raise
    return private_file


@transaction.atomic
def rename_file(private_file: PrivateFile, *, name: str) -> None:
    private_file.name = _clean_name(name, _("le fichier"))[:180]
    private_file.save(update_fields=["name", "updated_at"])


@transaction.atomic
def move_file(private_file: PrivateFile, *, actor, folder: Folder | None) -> None:
    if folder is not None and folder.owner_id != actor.pk:
        raise ValidationError(_("Ce dossier n'existe pas."), code="folder")
    private_file.folder = folder
    private_file.save(update_fields=["folder", "updated_at"])


@transaction.atomic
def delete_file(private_file: PrivateFile) -> None:
    """The row goes now, the stored bytes once the deletion is committed."""
    stored_name = private_file.file.name
    private_file.delete()
    transaction.on_commit(lambda: default_storage.delete(stored_name))


@transaction.atomic
def propose_file_to_library(private_file: PrivateFile, *, actor, note: str = "", title: str = "") -> None:
    """Offer the file to the library in one step ("versement au pot commun").

    The library gets its own copy as a proposal (a document, or a video sent
    through its video pipeline), which moderators review in their queue; the
    member is told of the outcome as for any proposal. ``note`` presents the
    file (it becomes the proposal's summary). Raises ValidationError (in
    French) when the library does not take such a file, or it is already
    proposed.
    """
    from privatespace import library

    current = library.proposal_of(private_file)
    if current is not None and current.status != "declined":
        raise ValidationError(_("Ce fichier est déjà proposé à la bibliothèque."), code="already")
    # The title is the member's word only: the file's own name may be the uploaded one
    # ("CV_Prénom_Nom.pdf"), which the library and its moderators must not see.
    resource = library.propose_file(private_file, actor=actor, title=title.strip(), summary=note)
    private_file.proposed_at = timezone.now()
    private_file.proposal_note = note
    private_file.proposed_resource_id = resource.pk
    private_file.save(update_fields=["proposed_at", "proposal_note", "proposed_resource_id"])
    record(actor=actor, action="privatespace.file_proposed", target=private_file,
           data={"resource": resource.pk})


@transaction.atomic
def withdraw_file_proposal(private_file: PrivateFile, *, actor) -> None:
    """Take the proposal back while it waits for review; once reviewed, it is the library's."""
    from privatespace import library

    current = library.proposal_of(private_file)
    if current is not None and current.status != "declined" \
            and not library.withdraw_proposal(current, actor=actor):
        raise ValidationError(_("La bibliothèque a déjà relu cette proposition."), code="reviewed")
    private_file.proposed_at = None
    private_file.proposal_note = ""
    private_file.proposed_resource_id = None
    private_file.save(update_fields=["proposed_at", "proposal_note", "proposed_resource_id"])
    record(actor=actor, action="privatespace.file_proposal_withdrawn", target=private_file)


def used_and_quota(user) -> dict:
    used = PrivateFile.objects.used_bytes(user)
    quota = uploads.quota_bytes()
    return {"used": used, "quota": quota, "percent": min(100, round(used * 100 / quota)) if quota else 100}

