"""The regulatory watch: members follow a legal text, a theme or a tag, and are told of changes.

A change (``LegalChange``: a new version, a text repealed or past its date, a new text) is
written once, under a key of its own, in the transaction that causes it; after commit the worker
(``resources.tasks.tell_followers``) writes one ``LibraryNotice`` per follower (a unique
constraint: a second run writes nothing more), which the notification centre shows, then claims
each notice's email (``emailed_at`` set from NULL in the transaction that queues it), so that no
email goes out twice. A daily sweep writes the texts that expired and hands over the changes
whose followers were not told; a weekly job sends each follower the week's changes in one email.
"""

from __future__ import annotations

import secrets
import unicodedata
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from comcep import identity, jobs, notices
from comcep.models import Member
from comcep.notifications import queue_email
from resources.models import (
    ChangeKind,
    Follow,
    Kind,
    LegalChange,
    LegalVersion,
    LibraryNotice,
    NoticeKind,
    Resource,
    Status,
    Theme,
    VersionStatus,
    WatchPreferences,
)

DIGEST_DAYS = 7


def fold_tag(name: str) -> str:
    """A tag as it is followed and searched: lower case, no accents, no leading #."""
    decomposed = unicodedata.normalize("NFKD", name.strip().lstrip("#").strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()[:100]


# --- Following ------------------------------------------------------------------------


def follow(member: Member, *, resource: Resource | None = None, theme: Theme | None = None,
           tag: str = "") -> Follow:
    """Follow one thing; following it again changes nothing."""
    if resource is not None:
        found, _created = Follow.objects.get_or_create(member=member, resource=resource)
    elif theme is not None:
        found, _created = Follow.objects.get_or_create(member=member, theme=theme)
    else:
        folded = fold_tag(tag)
        if not folded:
            raise ValueError("an empty tag")
        found, _created = Follow.objects.get_or_create(member=member, tag=folded)
    return found


def unfollow(member: Member, follow_id: int) -> bool:
    return Follow.objects.filter(member=member, pk=follow_id).delete()[0] > 0


def follows_of(member: Member) -> list[Follow]:
    return list(Follow.objects.filter(member=member).select_related("resource", "theme"))


def follower_ids(resource: Resource, *, of_the_text: bool = True) -> set[int]:
    """The members following ``resource`` itself, one of its themes or one of its tags."""
    tags = {fold_tag(name) for name in resource.tags.names()}
    following = Q(theme__in=resource.themes.all()) | Q(tag__in=tags)
    if of_the_text:
        following |= Q(resource=resource)
    return set(Follow.objects.filter(following)
               .values_list("member_id", flat=True))


def preferences_of(member: Member) -> WatchPreferences:
    prefs, _created = WatchPreferences.objects.get_or_create(member=member)
    return prefs


def set_preferences(member: Member, *, email_each: bool, weekly_digest: bool) -> None:
    WatchPreferences.objects.update_or_create(
        member=member, defaults={"email_each": email_each, "weekly_digest": weekly_digest})


def new_feed_token(member: Member) -> str:
    """A new private address for the member's watch feed; the previous one stops working."""
    token = secrets.token_urlsafe(32)
    WatchPreferences.objects.update_or_create(member=member, defaults={"feed_token": token})
    return token


def revoke_feed_token(member: Member) -> None:
    WatchPreferences.objects.filter(member=member).update(feed_token=None)


# --- Changes --------------------------------------------------------------------------


def record_change(kind: str, resource: Resource, *, key: str, version: LegalVersion | None = None,
                  ) -> LegalChange | None:
    """Write a change once (None when its key was already written) and have the worker tell
    its followers after commit."""
    change, created = LegalChange.objects.get_or_create(
        key=key, defaults={"kind": kind, "resource": resource, "version": version})
    if not created:
        return None
    transaction.on_commit(lambda: hand_over(change.pk))
    return change


def hand_over(change_id: int) -> bool:
    from resources.tasks import tell_followers

    return jobs.hand_over(tell_followers, change_id, what=f"legal change {change_id}")


@transaction.atomic
def add_version(resource: Resource, version: LegalVersion, *, actor) -> LegalVersion:
    """A moderator publishes a version of a legal text; its followers are told (a repealing
    version tells them the text is repealed)."""
    version.resource = resource
    version.created_by = actor
    version.save()
    kind = ChangeKind.REPEALED if version.status == VersionStatus.REPEALED else ChangeKind.NEW_VERSION
    record_change(kind, resource, key=f"{kind}:{version.pk}", version=version)
    return version


@transaction.atomic
def annotate_version(version: LegalVersion, *, actor: Member | None, practice_note: str,
                     discussion_url: str) -> None:
    """What a version changes for the practice of the CEP, by an expert or a moderator."""
    version.practice_note = practice_note.strip()
    version.practice_note_by = actor if version.practice_note else None
    version.discussion_url = discussion_url
    version.save(update_fields=["practice_note", "practice_note_by", "discussion_url"])


def text_published(resource: Resource) -> None:
    """A legal text entered the library: the followers of its themes and tags are told."""
    if resource.kind == Kind.LEGAL and resource.status == Status.PUBLISHED:
        record_change(ChangeKind.NEW_TEXT, resource, key=f"{ChangeKind.NEW_TEXT}:{resource.pk}")


def record_expired_texts(today=None) -> int:
    """The published legal texts whose date of validity has passed, each written once per date."""
    today = today or timezone.localdate()
    written = 0
    texts = Resource.objects.published().filter(kind=Kind.LEGAL, valid_until__lt=today)
    for resource in texts.only("pk", "valid_until"):
        with transaction.atomic():
            key = f"{ChangeKind.EXPIRED}:{resource.pk}:{resource.valid_until:%Y-%m-%d}"
            written += record_change(ChangeKind.EXPIRED, resource, key=key) is not None
    return written


def untold_change_ids(limit: int = 200) -> list[int]:
    """Changes whose followers were not told yet: a broker that was down, a worker killed."""
    cutoff = timezone.now() - timedelta(minutes=5)
    return list(LegalChange.objects.filter(told_at=None, happened_at__lt=cutoff)
                .order_by("pk").values_list("pk", flat=True)[:limit])


def tell_followers(change_id: int) -> tuple[int, int]:
    """Write the notices of a change and queue the emails due: (written, emailed)."""
    change = LegalChange.objects.select_related("resource").filter(pk=change_id).first()
    if change is None:
        return 0, 0
    written = 0
    if change.resource.status == Status.PUBLISHED:
        members = follower_ids(change.resource, of_the_text=change.kind != ChangeKind.NEW_TEXT)
        members -= set(LibraryNotice.objects.filter(change=change).values_list("member_id", flat=True))
        fresh = [LibraryNotice(member_id=m, kind=NoticeKind.CHANGE, resource_id=change.resource_id,
                               change=change, key=f"change:{change.pk}", created_at=change.happened_at)
                 for m in sorted(members)]
        # Two runs at once: the unique constraint keeps one notice each.
        LibraryNotice.objects.bulk_create(fresh, ignore_conflicts=True)
        written = len(fresh)
    LegalChange.objects.filter(pk=change.pk, told_at=None).update(told_at=timezone.now())
    emailed = sum(email_notice(pk) for pk in LibraryNotice.objects.filter(
        change=change, emailed_at=None).values_list("pk", flat=True))
    return written, emailed


# --- What a member is told ----------------------------------------------------------------

SUBJECTS = {
    ChangeKind.NEW_VERSION: "Nouvelle version",
    ChangeKind.EXPIRED: "Texte arrivé à échéance",
    ChangeKind.REPEALED: "Texte abrogé",
    ChangeKind.NEW_TEXT: "Nouveau texte",
}


def notify(member_id: int | None, kind: str, resource: Resource, *, key: str) -> None:
    """A notice of the library for one member (publication, refusal, cancellation), in the
    caller's transaction; its email is sent by the caller, as before."""
    if member_id is None:
        return
    LibraryNotice.objects.bulk_create(
        [LibraryNotice(member_id=member_id, kind=kind, resource=resource, key=key,
                       emailed_at=timezone.now())],
        ignore_conflicts=True)


@transaction.atomic
def email_notice(notice_id: int) -> bool:
    """Queue the email of one change's notice, once: whether one was queued."""
    claimed = LibraryNotice.objects.filter(pk=notice_id, emailed_at=None).update(emailed_at=timezone.now())
    if claimed != 1:
        return False
    notice = LibraryNotice.objects.select_related("change", "change__version", "resource").get(pk=notice_id)
    wants = WatchPreferences.objects.filter(member_id=notice.member_id).values_list(
        "email_each", flat=True).first()
    if wants is False or notice.change is None:
        return False
    member = identity.with_accounts(Member.objects.filter(pk=notice.member_id)).first()
    account = identity.deliverable_account(member) if member is not None else None
    if account is None:
        return False
    queue_email(template="resources_watch_change", to=account, context={
        "member": member, "change": notice.change, "resource": notice.resource,
        "version": notice.change.version,
        "url": reverse("resources:detail", args=[notice.resource_id]),
        "watch_url": reverse("resources:watch"),
    })
    return True


def changes_followed_by(member_id: int, since) -> list[LegalChange]:
    """The changes since ``since`` of what the member follows."""
    follows = list(Follow.objects.filter(member_id=member_id).values_list("resource_id", "theme_id", "tag"))
    if not follows:
        return []
    texts = {r for r, _t, _g in follows if r}
    themes = {t for _r, t, _g in follows if t}
    tags = {g for _r, _t, g in follows if g}
    matching = Q(resource_id__in=texts) | Q(resource__themes__in=themes)
    if tags:
        tagged = [r for r, names in _tag_names_of(since).items() if names & tags]
        matching |= Q(resource_id__in=tagged)
    return list(LegalChange.objects.filter(matching, happened_at__gte=since,
                                           resource__status=Status.PUBLISHED)
                .select_related("resource", "version").distinct().order_by("-happened_at")[:100])


def _tag_names_of(since) -> dict[int, set[str]]:
    ids = set(LegalChange.objects.filter(happened_at__gte=since).values_list("resource_id", flat=True))
    names: dict[int, set[str]] = {pk: set() for pk in ids}
    for resource in Resource.objects.filter(pk__in=ids).prefetch_related("tags"):
        names[resource.pk] = {fold_tag(tag.name) for tag in resource.tags.all()}
    return names


def send_digests(now=None) -> int:
    """The week's changes of what each follower follows, one email each, once a week at most."""
    now = now or timezone.now()
    since = now - timedelta(days=DIGEST_DAYS)
    sent = 0
    followers = set(Follow.objects.values_list("member_id", flat=True))
    refused = set(WatchPreferences.objects.filter(member_id__in=followers, weekly_digest=False)
                  .values_list("member_id", flat=True))
    for member_id in sorted(followers - refused):
        sent += _send_digest(member_id, since, now)
    return sent


@transaction.atomic
def _send_digest(member_id: int, since, now) -> bool:
    prefs, _created = WatchPreferences.objects.get_or_create(member_id=member_id)
    # The claim: a second run (or two jobs at once) in the same week sends nothing.
    claimed = WatchPreferences.objects.filter(
        Q(last_digest_at=None) | Q(last_digest_at__lt=now - timedelta(days=DIGEST_DAYS - 1)),
        pk=prefs.pk).update(last_digest_at=now)
    if claimed != 1:
        return False
    changes = changes_followed_by(member_id, since)
    if not changes:
        return False
    member = identity.with_accounts(Member.objects.filter(pk=member_id)).first()
    account = identity.deliverable_account(member) if member is not None else None
    if account is None:
        return False
    queue_email(template="resources_watch_digest", to=account, context={
        "member": member, "changes": changes, "watch_url": reverse("resources:watch"),
    })
    return True


# --- The notification centre ----------------------------------------------------------------


def _notice_text(notice: LibraryNotice) -> str:
    title = notice.resource.title
    if notice.kind == NoticeKind.PUBLISHED:
        return _("Votre ressource « %(title)s » est publiée.") % {"title": title}
    if notice.kind == NoticeKind.DECLINED:
        return _("Votre proposition « %(title)s » n'a pas été retenue.") % {"title": title}
    if notice.kind == NoticeKind.CANCELLED:
        return _("L'action « %(title)s » que vous gardiez est annulée.") % {"title": title}
    kind = notice.change.kind if notice.change is not None else ""
    if kind == ChangeKind.NEW_VERSION:
        return _("Veille : nouvelle version de « %(title)s ».") % {"title": title}
    if kind == ChangeKind.REPEALED:
        return _("Veille : « %(title)s » est abrogé.") % {"title": title}
    if kind == ChangeKind.EXPIRED:
        return _("Veille : « %(title)s » n'est plus en vigueur.") % {"title": title}
    return _("Veille : nouveau texte, « %(title)s ».") % {"title": title}


def latest_notices(member_id: int, limit: int) -> list[notices.Notice]:
    """The library's notices for the notification centre, in one query."""
    rows = (LibraryNotice.objects.filter(member_id=member_id)
            .select_related("resource", "change")
            .only("pk", "kind", "created_at", "read_at", "resource__title", "change__kind")[:limit])
    return [notices.Notice(row.created_at, _notice_text(row),
                           reverse("resources:notice_open", args=[row.pk]), row.read_at is None)
            for row in rows]


def mark_all_read(member_id: int) -> None:
    LibraryNotice.objects.filter(member_id=member_id, read_at=None).update(read_at=timezone.now())


def open_notice(member: Member, notice_id: int) -> LibraryNotice | None:
    notice = LibraryNotice.objects.filter(member=member, pk=notice_id).select_related("change").first()
    if notice is not None and notice.read_at is None:
        LibraryNotice.objects.filter(pk=notice.pk).update(read_at=timezone.now())
    return notice


# --- The « Veille » page and its feed ---------------------------------------------------------


def latest_changes(*, theme: Theme | None = None, limit: int = 50) -> list[LegalChange]:
    changes = LegalChange.objects.filter(resource__status=Status.PUBLISHED)
    if theme is not None:
        changes = changes.filter(resource__themes=theme)
    return list(changes.select_related("resource", "version").order_by("-happened_at", "-pk")[:limit])
