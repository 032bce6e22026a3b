"""What the library holds of a person: their proposals, their agenda and their watch (what they
follow, their notices, their preferences).

Registered with ``comcep.datarights`` in ``ResourcesConfig.ready``. A published proposal
belongs to the common pool and stays, no longer tied to its proposer; one never published
goes with the account.
"""

from __future__ import annotations

from comcep import identity
from comcep.datarights import delete_after_commit
from resources.models import (
    Follow,
    LegalVersion,
    LibraryNotice,
    Resource,
    ResourceEvent,
    SavedAction,
    Status,
    Video,
    WatchPreferences,
)


def export(user, archive) -> None:
    archive.add_csv("ressources/propositions.csv", [
        {"titre": r.title, "type": r.get_kind_display(), "etat": r.get_status_display(),
         "resume": r.summary, "proposee_le": r.created_at, "motif_du_refus": r.decline_reason}
        for r in Resource.objects.filter(proposed_by=user).order_by("created_at")
    ])
    archive.add_csv("ressources/agenda.csv", [
        {"action": s.action.resource.title, "ajoutee_le": s.created_at}
        for s in SavedAction.objects.filter(user=user).select_related("action__resource")
    ])
    member = identity.member_of(user)
    if member is None:
        return
    archive.add_csv("ressources/veille_suivis.csv", [
        {"texte": f.resource.title if f.resource else "", "theme": f.theme.name if f.theme else "",
         "mot_cle": f.tag, "depuis_le": f.created_at}
        for f in Follow.objects.filter(member=member).select_related("resource", "theme")
    ])
    archive.add_csv("ressources/notifications.csv", [
        {"ressource": n.resource.title, "type": n.get_kind_display(), "le": n.created_at,
         "lue_le": n.read_at}
        for n in LibraryNotice.objects.filter(member=member).select_related("resource")
    ])
    archive.add_csv("ressources/notes_pour_la_pratique.csv", [
        {"texte": v.resource.title, "version_du": v.effective_on, "note": v.practice_note}
        for v in LegalVersion.objects.filter(practice_note_by=member).select_related("resource")
    ])


def erase(user, *, keep_posts: bool) -> None:
    SavedAction.objects.filter(user=user).delete()
    member = identity.member_of(user)
    if member is not None:
        Follow.objects.filter(member=member).delete()
        LibraryNotice.objects.filter(member=member).delete()
        WatchPreferences.objects.filter(member=member).delete()  # the feed's address stops too
        # A practice note is the community's, as a post kept is; its author's pseudonym goes.
        LegalVersion.objects.filter(practice_note_by=member).update(practice_note_by=None)
    unpublished = Resource.objects.filter(proposed_by=user).exclude(
        status__in=[Status.PUBLISHED, Status.WITHDRAWN])
    delete_after_commit(*unpublished.exclude(document="").values_list("document", flat=True))
    for video in Video.objects.filter(resource__in=unpublished).prefetch_related("renditions",
                                                                               "captions"):
        delete_after_commit(video.source, video.poster, video.thumbnail,
                            *(r.path for r in video.renditions.all()),
                            *(c.path for c in video.captions.all()))
    unpublished.delete()
    Resource.objects.filter(proposed_by=user).update(proposed_by=None)
    ResourceEvent.objects.filter(actor=user).update(actor=None)
