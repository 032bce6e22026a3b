"""What the library holds of a person: their proposals and their agenda.

Registered with ``comcep.datarights`` in ``ResourcesConfig.ready``. A published proposal
belongs to the common pool and stays, no longer tied to its proposer; one never published
goes with the account.
"""

from __future__ import annotations

from comcep.datarights import delete_after_commit
from resources.models import Resource, ResourceEvent, SavedAction, Status, Video


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


def erase(user, *, keep_posts: bool) -> None:
    SavedAction.objects.filter(user=user).delete()
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
