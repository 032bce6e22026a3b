"""Scanning uploads with ClamAV's daemon (clamd) before anyone else can fetch them.

``CLAMAV_ADDRESS`` names the daemon: ``unix:///run/clamav/clamd.ctl`` or
``tcp://127.0.0.1:3310``; empty means no scanner, and uploads are taken
unscanned. A file clamd flags is copied into the quarantine folder
(``quarantine`` beside ``MEDIA_ROOT``, never served), recorded in the audit log
under the uploader's account, and refused with a French message; when the
daemon cannot answer, the upload is refused too, so nothing unscanned is ever
stored while a scanner is configured.

The client speaks clamd's INSTREAM protocol itself (a few lines): the PyPI
clients either send 1 KiB chunks, let socket errors escape mid-stream, or carry
a copyleft licence.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import struct
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

CHUNK = 64 * 1024
MAX_REPLY = 4096


class ScanError(Exception):
    """clamd could not give a verdict (it answered with an error)."""


class ScannerUnavailable(ScanError):
    """clamd could not be reached, or did not answer in time."""


@dataclass(frozen=True, slots=True)
class Verdict:
    clean: bool
    signature: str = ""


def configured() -> bool:
    return bool(address())


def address() -> str:
    return getattr(settings, "CLAMAV_ADDRESS", "") or ""


def timeout() -> float:
    return float(getattr(settings, "CLAMAV_TIMEOUT", 60))


def quarantine_dir() -> Path:
    return Path(getattr(settings, "CLAMAV_QUARANTINE_DIR", Path(settings.MEDIA_ROOT).parent / "quarantine"))


def _connect() -> socket.socket:
    parts = urlsplit(address())
    try:
        if parts.scheme == "unix":
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout())
            sock.connect(parts.path)
            return sock
        if parts.scheme == "tcp" and parts.hostname:
            return socket.create_connection((parts.hostname, parts.port or 3310), timeout=timeout())
    except OSError as error:
        raise ScannerUnavailable(f"clamd at {address()}: {error}") from error
    raise ScanError(f"CLAMAV_ADDRESS must be unix:///path or tcp://host:port, not {address()!r}")


def _reply(sock: socket.socket) -> str:
    """One NUL-terminated reply (the ``z`` form of the commands), bounded in size."""
    data = b""
    while not data.endswith(b"\0"):
        try:
            piece = sock.recv(MAX_REPLY)
        except OSError as error:
            raise ScannerUnavailable(f"clamd did not answer: {error}") from error
        if not piece:
            break
        data += piece
        if len(data) > MAX_REPLY:
            raise ScanError("clamd's reply is too long")
    return data.rstrip(b"\0").decode("utf-8", "replace").strip()


def ping() -> bool:
    """True when the configured daemon answers PONG."""
    try:
        with _connect() as sock:
            sock.sendall(b"zPING\0")
            return _reply(sock) == "PONG"
    except (ScanError, OSError):
        return False


def scan_stream(stream: BinaryIO) -> Verdict:
    """Send ``stream`` (read from where it stands to its end) to clamd and read its verdict."""
    with _connect() as sock:
        try:
            sock.sendall(b"zINSTREAM\0")
            while chunk := stream.read(CHUNK):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
        except OSError as error:
            # clamd closes the stream early when it exceeds its StreamMaxLength; its reply says so.
            try:
                reply = _reply(sock)
            except ScanError:
                reply = ""
            if reply.endswith("ERROR"):
                raise ScanError(f"clamd: {reply}") from error
            raise ScannerUnavailable(f"clamd stopped reading: {error}") from error
        reply = _reply(sock)
    # "stream: OK", "stream: Eicar-Signature FOUND", "INSTREAM size limit exceeded. ERROR"
    if reply.endswith(" FOUND"):
        return Verdict(clean=False, signature=reply.removeprefix("stream:").removesuffix("FOUND").strip())
    if reply == "stream: OK":
        return Verdict(clean=True)
    if not reply:
        raise ScannerUnavailable("clamd closed the connection without a verdict")
    raise ScanError(f"clamd: {reply}")


def _quarantine(stream: BinaryIO) -> tuple[str, str]:
    """Copy the flagged bytes under a neutral name; (file name, sha256)."""
    folder = quarantine_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{timezone.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex}.quarantined"
    digest = hashlib.sha256()
    stream.seek(0)
    fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as target:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            target.write(chunk)
    return name, digest.hexdigest()


def _account(uploader):
    # The audit log is kept by account (a Member is recorded as its user), never by pseudonym.
    return getattr(uploader, "user", uploader)


def _record(uploader, *, where: str, signature: str, name: str, sha256: str, size: int) -> None:
    from comcep.audit import record
    from comcep.models import AuditEvent

    actor = _account(uploader)
    data = {"where": where, "signature": signature, "quarantine": name, "sha256": sha256, "size": size}
    if not connection.in_atomic_block:
        record(actor=actor, action="antivirus.blocked", reason=signature, data=data)
        return
    # The refusal rolls back the caller's transaction; the record of it must stay, so it is
    # written on a connection of its own and committed at once.
    own = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with own.cursor() as cursor:
            # The caller's transaction may lock the uploader's row, which this insert's foreign
            # key check waits on: give up on the row (the log line below stays) rather than wait.
            cursor.execute("SET lock_timeout = '2s'")
            cursor.execute(
                f"INSERT INTO {AuditEvent._meta.db_table} "  # noqa: S608 - a table name, no input
                "(actor_id, action, target_type, target_id, reason, data, created_at) "
                "VALUES (%s, %s, '', '', %s, %s::jsonb, now())",
                [getattr(actor, "pk", None), "antivirus.blocked", signature, json.dumps(data)],
            )
        own.commit()
    except DatabaseError as error:
        logger.error("Antivirus block not written to the audit log (%s): %s", error, data)
    finally:
        own.close()


def blocked_message(signature: str) -> str:
    return _("Ce fichier a été bloqué par l'antivirus (signature %(signature)s) ; "
             "il n'a pas été enregistré.") % {"signature": signature}


def unavailable_message() -> str:
    return _("L'analyse antivirus est impossible pour le moment : le fichier n'a pas été "
             "enregistré. Réessayez dans quelques minutes.")


def check_stream(stream: BinaryIO, *, uploader, where: str) -> Verdict:
    """Scan an open binary file; quarantine and audit it when flagged. Raises ScanError.

    For callers that are not a form (the video job); upload paths call scan_upload.
    """
    if not configured():
        return Verdict(clean=True)
    stream.seek(0)
    try:
        verdict = scan_stream(stream)
    finally:
        stream.seek(0)
    if not verdict.clean:
        name, sha256 = _quarantine(stream)
        size = stream.tell()
        stream.seek(0)
        _record(uploader, where=where, signature=verdict.signature, name=name, sha256=sha256, size=size)
        logger.warning("Upload blocked by the antivirus (%s, %s): %s", where, verdict.signature, name)
    return verdict


def scan_upload(uploaded, *, uploader, where: str) -> None:
    """Refuse, with a French ValidationError, an upload the antivirus flags or cannot scan.

    ``uploaded`` is an UploadedFile (or any open binary file); ``uploader`` the
    account or member sending it; ``where`` names the upload path in the audit
    log (``privatespace.file``, ``forum.image``…). A flagged file is copied into
    quarantine and recorded before the error is raised; nothing is stored by the
    caller then. With no scanner configured, every file passes.
    """
    if not configured():
        return
    try:
        verdict = check_stream(uploaded, uploader=uploader, where=where)
    except ScanError as error:
        logger.error("Antivirus scan impossible (%s): %s", where, error)
        raise ValidationError(unavailable_message(), code="antivirus_unavailable") from error
    if not verdict.clean:
        raise ValidationError(blocked_message(verdict.signature), code="infected")


def status() -> str:
    """'off' (no scanner configured), 'ok' or 'down', for the health check and the launcher."""
    if not configured():
        return "off"
    return "ok" if ping() else "down"
