"""Where uploaded files are written, and what a full disk means to the person uploading.

Django's FileSystemStorage writes straight into the final name: a disk that fills halfway
leaves a partial file behind, outside any record and any quota. Here a file is written
beside its destination under a hidden temporary name, synced, and only then linked into
place, so it appears whole or not at all.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage
from django.utils.translation import gettext as _

# The errors a full disk (or an exhausted quota on it) raises.
NO_ROOM = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def is_disk_full(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno in NO_ROOM


def disk_full_message() -> str:
    return _("Le serveur manque de place pour enregistrer ce fichier : rien n'a été enregistré. "
             "Réessayez dans quelques minutes ; l'équipe de la plateforme est prévenue.")


def is_store_unreachable(error: BaseException) -> bool:
    """Whether the object store failed the write (unreachable, refusing, or at fault itself):
    the errors of its client library, which the local disk never raises."""
    return type(error).__module__.startswith(("botocore.", "boto3.", "s3transfer."))


def store_unreachable_message() -> str:
    return _("Le stockage des fichiers ne répond pas : rien n'a été enregistré. "
             "Réessayez dans quelques minutes ; l'équipe de la plateforme est prévenue.")


def refusal_for(error: BaseException) -> ValidationError | None:
    """The French form error for a write the storage could not take (a full disk, an object
    store that does not answer), or None for any other error, which goes up as it is."""
    import logging

    if is_disk_full(error):
        logging.getLogger(__name__).error("Media disk full: %s", error)
        return ValidationError(disk_full_message(), code="disk_full")
    if is_store_unreachable(error):
        logging.getLogger(__name__).error("Object storage unavailable: %s", error)
        return ValidationError(store_unreachable_message(), code="storage_unavailable")
    return None


@contextmanager
def disk_full_as_form_error():
    """Turn a full disk inside the block into a French ValidationError (the form shows it)."""
    try:
        yield
    except OSError as error:
        if not is_disk_full(error):
            raise
        import logging

        logging.getLogger(__name__).error("Media disk full: %s", error)
        raise ValidationError(disk_full_message(), code="disk_full") from error


class MediaStorage(FileSystemStorage):
    """FileSystemStorage whose files appear whole or not at all."""

    def _save(self, name, content):
        destination = self.path(name)
        directory = os.path.dirname(destination)
        os.makedirs(directory, exist_ok=True)
        if self.directory_permissions_mode is not None:
            os.chmod(directory, self.directory_permissions_mode)
        descriptor, partial = tempfile.mkstemp(dir=directory, prefix=".partial-")
        try:
            with os.fdopen(descriptor, "wb") as out:
                for chunk in content.chunks():
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(partial, self.file_permissions_mode if self.file_permissions_mode is not None
                     else 0o644)
            while True:
                try:
                    os.link(partial, self.path(name))  # fails if the name exists, never replaces
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
        finally:
            with suppress(FileNotFoundError):
                os.unlink(partial)
        return str(name).replace("\\", "/")


# --- Reading and removing stored files whatever the storage ---------------------------------
# The app code names files by their name in the default storage (the local disk, or object
# storage when scaled out: comcep/object_storage.py), never by a path on this machine's disk.


class StoredFile(File):
    """A stored file, open for reading, that knows its storage and its name there (as a
    FieldFile does), so that comcep.files can have the web server or the object store send it."""

    def __init__(self, name: str, *, storage=None):
        self.storage = storage if storage is not None else default_storage
        super().__init__(self.storage.open(name, "rb"), name)  # FileNotFoundError when missing


def local_path(storage, name: str) -> Path | None:
    """Where a stored file lies on this machine's disk, or None when its storage is no disk."""
    try:
        return Path(storage.path(name))
    except NotImplementedError:
        return None


@contextmanager
def local_copy(name: str, *, directory: str | Path, storage=None) -> Iterator[Path]:
    """A file on this machine's disk holding the stored file ``name``, for the tools that read
    files only (ffmpeg, the antivirus): the file itself on the local disk, otherwise a copy
    downloaded into ``directory`` and removed on leaving. FileNotFoundError when it is missing."""
    storage = storage if storage is not None else default_storage
    local = local_path(storage, name)
    if local is not None:
        if not local.is_file():
            raise FileNotFoundError(name)
        yield local
        return
    descriptor, copy_name = tempfile.mkstemp(dir=directory, prefix="stored-")
    os.close(descriptor)
    copy = Path(copy_name)
    try:
        if hasattr(storage, "download"):  # object storage: a parallel, ranged download
            storage.download(name, copy)
        else:
            with storage.open(name, "rb") as source, copy.open("wb") as out:
                shutil.copyfileobj(source, out, 1024 * 1024)
        yield copy
    finally:
        copy.unlink(missing_ok=True)


def save_file(name: str, path: str | Path, *, storage=None, replace: bool = False) -> str:
    """Store the local file ``path`` under ``name`` (whole or not at all) and return the name
    it got. With ``replace``, a file already there under that name (left by a job killed after
    storing it but before recording it) is removed first, so that the name stays the same."""
    storage = storage if storage is not None else default_storage
    if replace:
        storage.delete(name)
    with open(path, "rb") as handle:
        return storage.save(name, File(handle, name=os.path.basename(name)))


def delete_folder(folder: str, *, storage=None) -> None:
    """Delete every stored file under ``folder`` (and, on the local disk, the emptied folders)."""
    storage = storage if storage is not None else default_storage
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        storage.delete(f"{folder}/{name}")
    for sub in folders:
        delete_folder(f"{folder}/{sub}", storage=storage)
    if (local := local_path(storage, folder)) is not None:
        with suppress(OSError):
            local.rmdir()
