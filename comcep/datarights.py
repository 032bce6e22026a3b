"""A member's data rights: download everything, close the account, and what expires.

``comcep`` knows no app. Each app registers, in its ``AppConfig.ready()``, what it
holds of a person:

- ``export(user, archive)`` writes that app's part of the download into ``archive``;
- ``erase(user, keep_posts=...)`` erases it when the account is closed (inside the
  closing transaction; files leave the storage after commit, through ``delete_after_commit``);
- ``purge_identity(user)`` removes what still names the person once the legal period of a
  closed account is over;
- ``purge_expired(now)`` deletes what its retention period let expire, returning counts.

The retention job (``purge_expired_data``) and the data kept page read the same
``RETENTION`` table, so the page always says what the job does.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from comcep import jobs, notifications
from comcep.audit import record
from comcep.models import (
    ClosedAccount,
    DataExport,
    DataExportStatus,
    Member,
    OutboxMessage,
    OutboxStatus,
    User,
)

logger = logging.getLogger(__name__)


# --- The registry ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Registration:
    name: str
    export: Callable | None = None
    erase: Callable | None = None
    purge_identity: Callable | None = None
    purge_expired: Callable | None = None


_registrations: dict[str, Registration] = {}


def register(name: str, *, export=None, erase=None, purge_identity=None, purge_expired=None) -> None:
    """Register what app ``name`` holds of a person (idempotent: ``ready()`` may run twice)."""
    _registrations[name] = Registration(name, export, erase, purge_identity, purge_expired)


def registrations() -> list[Registration]:
    return list(_registrations.values())


def delete_after_commit(*names: str) -> None:
    """Remove stored files once the transaction that forgot them has committed."""
    names = tuple(name for name in names if name)

    def remove():
        for name in names:
            try:
                default_storage.delete(name)
            except OSError:
                logger.warning("Could not delete a stored file; the storage keeps it for now")

    if names:
        transaction.on_commit(remove)


# --- The archive -------------------------------------------------------------------------------

class Archive:
    """The zip being written: readable JSON and CSV, and files under neutral names."""

    def __init__(self, zf: zipfile.ZipFile):
        self.zf = zf
        self._count = 0

    def add_json(self, path: str, data) -> None:
        self.zf.writestr(path, json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))

    def add_csv(self, path: str, rows: list[dict]) -> None:
        buffer = io.StringIO()
        if rows:
            writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
            writer.writeheader()
            for row in rows:
                writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
        # A BOM so that spreadsheet programs read the accents right.
        self.zf.writestr(path, "\ufeff" + buffer.getvalue())

    def add_stored_file(self, folder: str, name: str) -> str:
        """Copy a stored file into ``folder`` under a neutral name; returns that name, or ''."""
        if not name:
            return ""
        self._count += 1
        suffix = PurePosixPath(name).suffix.lower()
        if not suffix[1:].isalnum() or len(suffix) > 8:
            suffix = ""
        target = f"{folder}/fichier-{self._count:04d}{suffix}"
        try:
            with default_storage.open(name, "rb") as source, self.zf.open(target, "w") as out:
                for chunk in iter(lambda: source.read(1024 * 1024), b""):
                    out.write(chunk)
        except (OSError, FileNotFoundError):
            return ""
        return target


# --- Exports -----------------------------------------------------------------------------------

def export_days() -> int:
    return settings.DATA_EXPORT_DAYS


class ExportRefused(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


@transaction.atomic
def request_export(*, actor: User) -> DataExport:
    """Ask the worker for a zip of ``actor``'s data; one at a time."""
    User.objects.select_for_update().filter(pk=actor.pk).first()
    if DataExport.objects.filter(user=actor, status=DataExportStatus.PENDING).exists():
        raise ExportRefused(_("Votre export est déjà en préparation : vous serez prévenu·e dès "
                              "qu'il sera prêt."))
    export = DataExport.objects.create(user=actor)
    record(actor=actor, action="datarights.export_requested", target=export)
    transaction.on_commit(lambda: _dispatch_export(export.pk))
    return export


def _dispatch_export(export_id: int) -> None:
    from comcep.tasks import build_data_export

    # A broker that is down is not an error: the retention sweep hands it over later.
    jobs.hand_over(build_data_export, export_id, what=f"data export {export_id}")


def pending_export_ids() -> list[int]:
    return list(DataExport.objects.filter(status=DataExportStatus.PENDING).values_list("pk", flat=True))


def _readme(user: User, export: DataExport) -> str:
    with translation.override("fr"):
        return render_to_string("comcep/account/export_readme.txt", {
            "export": export, "days": export_days(),
            "parts": [r.name for r in registrations() if r.export],
        })


def _export_account(user: User, archive: Archive) -> None:
    member = Member.objects.filter(user=user).select_related("operator", "region", "structure").first()
    profile = {
        "compte": {
            "adresse_e_mail": user.email, "prenom": user.first_name, "nom": user.last_name,
            "inscrit_le": user.date_joined, "derniere_connexion": user.last_login,
        },
    }
    if member is not None:
        profile["membre"] = {
            "pseudonyme": member.pseudonym, "presentation": member.bio,
            "afficher_reseau_et_region": member.show_network, "membre_depuis": member.joined_at,
            "operateur": member.operator.name if member.operator else "",
            "region": member.region.name if member.region else "",
            "structure": member.structure.name if member.structure else "",
        }
    archive.add_json("profil.json", profile)
    archive.add_csv("e-mails-recus.csv", [
        {"date": m.created_at, "objet": m.subject, "etat": m.get_status_display()}
        for m in OutboxMessage.objects.filter(recipient=user).order_by("created_at")
    ])
    from comcep.models import CharterAcceptance

    archive.add_csv("charte-acceptations.csv", [
        {"version": a.document.version, "acceptee_le": a.accepted_at}
        for a in CharterAcceptance.objects.filter(user=user).select_related("document")
    ])


def build_export(export_id: int) -> bool:
    """Write the zip of an export still pending; tell its member. Idempotent."""
    with transaction.atomic():
        export = (DataExport.objects.select_for_update(skip_locked=True)
                  .filter(pk=export_id, status=DataExportStatus.PENDING).select_related("user").first())
        if export is None:
            return False
        user = export.user
        buffer = io.BytesIO()
        try:
            with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                archive = Archive(zf)
                zf.writestr("LISEZ-MOI.txt", _readme(user, export))
                _export_account(user, archive)
                for registration in registrations():
                    if registration.export:
                        registration.export(user, archive)
        except Exception as exc:
            logger.exception("Data export %s failed", export_id)
            export.status, export.error = DataExportStatus.FAILED, type(exc).__name__
            export.save(update_fields=["status", "error"])
            return False
        size = buffer.tell()
        buffer.seek(0)
        export.file.save("export.zip", File(buffer), save=False)
        now = timezone.now()
        export.status, export.size, export.ready_at = DataExportStatus.READY, size, now
        export.expires_at = now + timedelta(days=export_days())
        export.save(update_fields=["file", "status", "size", "ready_at", "expires_at"])
        notifications.queue_email(template="data_export_ready", to=user,
                                  context={"export": export, "days": export_days()})
        return True


def downloadable_export(user, key) -> DataExport | None:
    """The export behind a download link, for its owner alone and only until it expires."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (DataExport.objects.filter(key=key, user=user, status=DataExportStatus.READY,
                                      expires_at__gt=timezone.now()).exclude(file="").first())


# --- Closing an account ------------------------------------------------------------------------

def identity_days() -> int:
    return settings.CLOSED_ACCOUNT_IDENTITY_DAYS


@transaction.atomic
def close_account(user: User, *, keep_posts: bool, by_member: bool, actor: User | None) -> ClosedAccount:
    """Close ``user``'s account: every app erases what it holds; the identity waits its period.

    The pseudonym stays reserved (the member row keeps it, unseen), so that nobody takes it to
    speak in the former member's name.
    """
    from comcep.accounts import end_all_sessions

    locked = User.objects.select_for_update().get(pk=user.pk)
    closure = ClosedAccount.objects.filter(user=locked).first()
    if closure is not None:
        return closure
    for registration in registrations():
        if registration.erase:
            registration.erase(locked, keep_posts=keep_posts)
    for export in DataExport.objects.filter(user=locked):
        delete_after_commit(export.file.name)
    DataExport.objects.filter(user=locked).delete()
    Member.objects.filter(user=locked).update(bio="", show_network=False)
    locked.groups.clear()  # no role left: no badge, no queue
    User.objects.filter(pk=locked.pk).update(is_active=False, password=make_password(None))
    user.is_active = False
    now = timezone.now()
    closure = ClosedAccount.objects.create(
        user=locked, closed_at=now, by_member=by_member, posts_kept=keep_posts,
        purge_after=now + timedelta(days=identity_days()),
    )
    record(actor=actor, action="datarights.account_closed", target=locked,
           data={"by_member": by_member, "posts_kept": keep_posts})
    end_all_sessions(locked)
    return closure


def purge_identity(closure_id: int) -> bool:
    """The legal period of a closed account is over: nothing left names the person."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession

    with transaction.atomic():
        closure = (ClosedAccount.objects.select_for_update(skip_locked=True)
                   .filter(pk=closure_id, purged_at=None, purge_after__lte=timezone.now())
                   .select_related("user").first())
        if closure is None:
            return False
        user = closure.user
        for registration in registrations():
            if registration.purge_identity:
                registration.purge_identity(user)
        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        UserSession.objects.filter(user=user).delete()
        OutboxMessage.objects.filter(recipient=user).delete()
        User.objects.filter(pk=user.pk).update(
            email=f"compte-{user.pk}@supprime.invalid", first_name="", last_name="",
            password=make_password(None), last_login=None,
        )
        Member.objects.filter(user=user).update(operator=None, structure=None, region=None)
        ClosedAccount.objects.filter(pk=closure.pk).update(purged_at=timezone.now())
        record(actor=None, action="datarights.identity_purged", target=user)
        return True


# --- The former member -------------------------------------------------------------------------

FORMER_MEMBER_EMAIL = "ancien-membre@comcep.invalid"


def former_member() -> Member:
    """The one author every kept post of a closed account is shown under: "ancien·ne membre".

    An account that cannot sign in and holds no role; its member row reserves the name.
    """
    from comcep import pseudonyms

    label = "ancien·ne membre"
    user, created = User.objects.get_or_create(
        email=FORMER_MEMBER_EMAIL, defaults={"is_active": False, "password": make_password(None)})
    member, _created = Member.objects.get_or_create(user=user, defaults={
        "pseudonym": label, "pseudonym_key": pseudonyms.key(label),
        "pseudonym_skeleton": pseudonyms.skeleton(label),
    })
    return member


# --- Retention ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Retention:
    what: StrOrPromise
    why: StrOrPromise
    setting: str | None  # the days setting; None when the period is not a number of days
    period: StrOrPromise = ""

    @property
    def days(self) -> int | None:
        return getattr(settings, self.setting) if self.setting else None


RETENTION = [
    Retention(_("Votre compte et votre profil de membre"),
              _("Vous permettre de participer à la communauté."), None,
              _("tant que votre compte est ouvert")),
    Retention(_("Vos messages, sujets, fichiers, favoris et parcours"),
              _("Le service que vous utilisez ; vous pouvez les télécharger à tout moment."), None,
              _("tant que votre compte est ouvert ; à la fermeture, effacés (vos messages restent "
                "signés « ancien·ne membre » si vous le choisissez)")),
    Retention(_("Votre identité après la fermeture de votre compte (nom, adresse e-mail, "
                "candidature)"),
              _("Répondre à une réquisition judiciaire portant sur vos messages passés "
                "(obligation légale)."), "CLOSED_ACCOUNT_IDENTITY_DAYS"),
    Retention(_("Les candidatures refusées, après la fin du délai d'appel"),
              _("Traiter une contestation tardive ou une nouvelle candidature."),
              "REFUSED_APPLICATION_DAYS"),
    Retention(_("L'adresse IP et le navigateur de vos sessions"),
              _("Sécurité : vous montrer vos sessions ouvertes et repérer un accès anormal."),
              "SESSION_IP_RETENTION_DAYS"),
    Retention(_("Les sessions expirées"), _("Vous garder connecté·e."), None,
              _("jusqu'à leur expiration, puis effacées chaque nuit")),
    Retention(_("Les notifications du forum"), _("Vous signaler les réponses et mentions."),
              "NOTIFICATION_RETENTION_DAYS"),
    Retention(_("Le texte d'origine d'un passage masqué par l'équipe d'animation (par exemple "
                "les coordonnées d'un bénéficiaire), dans le journal de modération"),
              _("Permettre à l'équipe d'animation de vérifier ce qui a été masqué."),
              "MODERATION_REDACTED_ORIGINAL_DAYS"),
    Retention(_("Les e-mails envoyés (journal d'envoi)"),
              _("Prouver qu'un e-mail est parti et le renvoyer en cas d'échec."),
              "OUTBOX_RETENTION_DAYS"),
    Retention(_("Votre export de données"), _("Vous laisser le télécharger."), "DATA_EXPORT_DAYS"),
    Retention(_("Le journal d'audit (qui a fait quoi, sans contenu)"),
              _("Rendre des comptes sur les actes qui comptent (obligation de sécurité)."), None,
              _("conservé ; il ne contient ni nom ni contenu publié")),
]


# What an address reads once masked (the column takes no empty value).
MASKED_IP = "0.0.0.0"  # noqa: S104 - a stored value, not an address to bind


def _days_ago(days: int):
    return timezone.now() - timedelta(days=days)


def purge_expired() -> dict[str, int]:
    """Everything whose retention period is over goes; returns what was purged, by kind."""
    from allauth.usersessions.models import UserSession
    from django.contrib.sessions.models import Session

    now = timezone.now()
    counts: dict[str, int] = {}
    counts["sessions"], _detail = Session.objects.filter(expire_date__lt=now).delete()
    live = Session.objects.values("session_key")
    counts["user_sessions"], _detail = UserSession.objects.exclude(session_key__in=live).delete()
    counts["ip_addresses"] = (
        UserSession.objects.filter(created_at__lt=_days_ago(settings.SESSION_IP_RETENTION_DAYS))
        .exclude(ip=MASKED_IP).update(ip=MASKED_IP, user_agent="")
    )
    counts["outbox"], _detail = OutboxMessage.objects.filter(
        status__in=[OutboxStatus.SENT, OutboxStatus.FAILED],
        created_at__lt=_days_ago(settings.OUTBOX_RETENTION_DAYS)).delete()
    expired = DataExport.objects.filter(expires_at__lt=now) | DataExport.objects.filter(
        status=DataExportStatus.FAILED, created_at__lt=_days_ago(settings.DATA_EXPORT_DAYS))
    with transaction.atomic():
        names = list(expired.values_list("file", flat=True))
        counts["exports"], _detail = expired.delete()
        delete_after_commit(*names)
    counts["identities"] = sum(
        purge_identity(pk) for pk in ClosedAccount.objects.filter(
            purged_at=None, purge_after__lte=now).values_list("pk", flat=True))
    for registration in registrations():
        if registration.purge_expired:
            with transaction.atomic():
                counts.update(registration.purge_expired(now))
    # Exports whose job never reached the worker (broker down) are handed to it again.
    for export_id in pending_export_ids():
        _dispatch_export(export_id)
    return counts
