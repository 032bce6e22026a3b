"""What enrolment holds of a person: their application, and when it is purged.

Registered with ``comcep.datarights`` in ``EnrolmentConfig.ready``. The application's
history is append-only (it records who decided what); purging blanks what names the
applicant on the application itself and on the account.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from enrolment.models import Application, PilotInvitation, Status
from enrolment.services import appeal_window


def export(user, archive) -> None:
    application = Application.objects.with_related().filter(user=user).first()
    if application is None:
        return
    archive.add_json("candidature/candidature.json", {
        "prenom": application.first_name, "nom": application.last_name,
        "adresse_e_mail": application.email, "operateur": application.operator.name,
        "region": application.region.name, "structure": application.structure_name,
        "fonction": application.job_title, "charte_acceptee_le": application.charter_accepted_at,
        "etat": application.get_status_display(), "deposee_le": application.created_at,
        "motif_du_refus": application.refusal_text, "texte_de_l_appel": application.appeal_text,
    })
    # The applicant's own timeline: who decided is never named.
    archive.add_csv("candidature/historique.csv", [
        {"date": event.created_at, "etape": str(event.label), "texte": event.applicant_text}
        for event in application.events.for_applicant()
    ])


def purge_identity(user) -> None:
    application = Application.objects.filter(user=user).first()
    if application is None:
        return
    PilotInvitation.objects.filter(email__iexact=application.email).delete()
    Application.objects.filter(pk=application.pk).update(
        first_name="", last_name="", name_key="", email=f"candidature-{application.pk}@supprime.invalid",
        structure_name="", job_title="", appeal_text="",
    )


def refused_past_retention(now):
    """Refused applications whose appeal window, then their retention period, are over."""
    keep = timedelta(days=settings.REFUSED_APPLICATION_DAYS)
    return (
        Application.objects.filter(status=Status.REFUSED, status_changed_at__lt=now - appeal_window() - keep)
        | Application.objects.filter(status=Status.UPHELD, status_changed_at__lt=now - keep)
    ).exclude(user__closure__purged_at__isnull=False)


def purge_expired(now) -> dict[str, int]:
    from comcep import datarights
    from comcep.models import ClosedAccount

    purged = 0
    for application in refused_past_retention(now).select_related("user"):
        closure = datarights.close_account(application.user, keep_posts=False, by_member=False,
                                           actor=None)
        ClosedAccount.objects.filter(pk=closure.pk).update(purge_after=now)
        purged += datarights.purge_identity(closure.pk)
    return {"refused_applications": purged}
