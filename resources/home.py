"""The library's sections of the community home: the new resources, and the coming regional
professionalisation actions of the member's region.

The new resources are the same for every member: kept in the shared cache under the library's
``generation`` (``comcep.home``), which moves whenever a resource is saved, deleted or changes
state (each move writes a ``ResourceEvent``). The actions are those of the member's region,
read per request in one query (a cancellation is seen at once).

The reserved slot ``comcep.home.LEGAL_CHANGES`` is the library's too: the latest changes of its
regulatory watch, the same for every member, kept under the watch's own generation, which moves
when a change is written or a version edited.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from comcep import home
from comcep.models import Member
from resources.models import Kind, LegalChange, LegalVersion, RegionalAction, Resource, ResourceEvent, Status

GENERATION = "library"
WATCH_GENERATION = "watch"
LEGAL_CHANGES_COUNT = 5
NEW_COUNT = 5
ACTIONS_COUNT = 4


class NewResource(NamedTuple):
    pk: int
    title: str
    kind: str  # its label
    published_at: datetime | None


def _build_new_resources() -> list[NewResource]:
    labels = dict(Kind.choices)
    # The regional actions have a section of their own.
    rows = (Resource.objects.published().exclude(kind=Kind.ACTION).order_by("-published_at", "-pk")
            .values_list("pk", "title", "kind", "published_at")[:NEW_COUNT])
    return [NewResource(pk, title, str(labels.get(kind, kind)), published_at)
            for pk, title, kind, published_at in rows]


def new_resources() -> dict:
    return {"resources": home.cached(("library-new", home.generation(GENERATION), NEW_COUNT),
                                     _build_new_resources)}


def region_actions(request, member: Member) -> dict:
    actions = (RegionalAction.objects.filter(resource__status=Status.PUBLISHED, cancelled_at=None,
                                             ends_at__gte=timezone.now())
               .select_related("resource__region")
               .only("pk", "starts_at", "ends_at", "online", "place", "resource__id", "resource__title",
                     "resource__region__name")
               .order_by("starts_at", "pk"))
    if member.region_id:
        actions = actions.filter(resource__region_id=member.region_id)
    return {"actions": list(actions[:ACTIONS_COUNT]), "own_region": bool(member.region_id)}


class LegalChangeRow(NamedTuple):
    resource_id: int
    version_id: int | None
    title: str
    kind: str  # its label
    happened_at: datetime
    summary: str


def _build_legal_changes() -> list[LegalChangeRow]:
    from resources import watch

    return [LegalChangeRow(change.resource_id, change.version_id, change.resource.title,
                           str(change.get_kind_display()), change.happened_at,
                           change.version.change_summary if change.version else "")
            for change in watch.latest_changes(limit=LEGAL_CHANGES_COUNT)]


def legal_changes() -> dict | None:
    rows = home.cached(("watch-latest", home.generation(WATCH_GENERATION), home.generation(GENERATION),
                        LEGAL_CHANGES_COUNT), _build_legal_changes)
    return {"changes": rows} if rows else None


def _library_changed(sender, **kwargs) -> None:
    home.bump(GENERATION)


def _watch_changed(sender, **kwargs) -> None:
    home.bump(WATCH_GENERATION)


def register() -> None:
    home.register("library", rank=30, template="resources/home_new_resources.html", shared=new_resources)
    home.register("regional actions", rank=25, template="resources/home_actions.html",
                  context=region_actions)
    home.register(home.LEGAL_CHANGES, rank=home.LEGAL_CHANGES_RANK,
                  template="resources/home_legal_changes.html", shared=legal_changes)
    for model in (Resource, ResourceEvent):
        post_save.connect(_library_changed, sender=model, dispatch_uid=f"home-{model.__name__}-saved")
        post_delete.connect(_library_changed, sender=model, dispatch_uid=f"home-{model.__name__}-deleted")
    for watched in (LegalChange, LegalVersion):
        post_save.connect(_watch_changed, sender=watched, dispatch_uid=f"home-{watched.__name__}-saved")
        post_delete.connect(_watch_changed, sender=watched, dispatch_uid=f"home-{watched.__name__}-deleted")
