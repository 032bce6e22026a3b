"""Thin views: look up, check permission, call a service, render."""

from __future__ import annotations

import calendar
import mimetypes
from datetime import date, timedelta
from functools import wraps
from pathlib import Path, PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from comcep import idempotency, identity, roles
from comcep.files import ranged_file_response
from comcep.models import Region
from comcep.notifications import absolute_url
from comcep.permissions import community_required, role_required
from comcep.roles import Role
from comcep.storage import StoredFile
from resources import conf, ics, permissions, services, watch
from resources.forms import (
    ActionForm,
    CancelActionForm,
    CaptionForm,
    ChaptersForm,
    DeclineForm,
    FilterForm,
    FollowTagForm,
    PracticeNoteForm,
    ProposalForm,
    ResourceForm,
    VersionForm,
    VideoUploadForm,
    WatchFilterForm,
    WatchPreferencesForm,
    WithdrawForm,
    month_bounds,
)
from resources.models import (
    Follow,
    Kind,
    LegalVersion,
    RegionalAction,
    Resource,
    SavedAction,
    Status,
    Theme,
    Video,
    VideoRendition,
    WatchPreferences,
)

PAGE_SIZE = 20


def _resource_for(user, pk: int) -> Resource:
    resource = get_object_or_404(
        Resource.objects.select_related("region", "video", "action", "proposed_by__member")
        .prefetch_related("themes", "tags"),
        pk=pk,
    )
    permissions.check_view(user, resource)
    return resource


# --- The library ----------------------------------------------------------------------


@community_required
def resource_list(request):
    form = FilterForm(request.GET or None)
    resources = form.filtered(Resource.objects.published().for_listing())
    page = Paginator(resources, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "resources/list.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "can_moderate": permissions.can_moderate(request.user),
    })


def community_or_staff_required(view):
    """Members (with a pseudonym) as usual; regional staff who are not members get in too,
    for the action pages; anyone else is refused."""
    community_view = community_required(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated and not roles.is_community_member(request.user) \
                and permissions.is_regional_staff(request.user):
            return view(request, *args, **kwargs)
        return community_view(request, *args, **kwargs)

    return wrapper


@community_or_staff_required
def resource_detail(request, pk: int, start: int | None = None):
    resource = _resource_for(request.user, pk)
    video = resource.cached_video()
    if video is not None:
        video = (Video.objects.prefetch_related("renditions", "captions", "chapters")
                 .get(pk=video.pk))
    action = resource.cached_action()
    saved = action is not None and SavedAction.objects.filter(action=action,
                                                              user=request.user).exists()
    can_edit = permissions.can_edit(request.user, resource)
    member = identity.member_of(request.user)
    is_legal = resource.kind == Kind.LEGAL
    return render(request, "resources/detail.html", {
        "resource": resource, "video": video, "action": action, "saved": saved,
        "can_follow": is_legal and member is not None and permissions.can_follow(request.user),
        "following": is_legal and member is not None
        and Follow.objects.filter(member=member, resource=resource).exists(),
        "can_add_version": permissions.can_add_version(request.user, resource),
        "can_annotate": permissions.can_annotate_version(request.user, resource),
        "legal_versions": (list(resource.legal_versions.select_related("practice_note_by"))
                           if is_legal else []),
        "can_save": permissions.can_save_action(request.user),
        "can_edit": can_edit, "can_moderate": permissions.can_moderate(request.user),
        "can_publish": permissions.can_publish(request.user, resource),
        "can_decline": permissions.can_decline(request.user, resource),
        "can_withdraw": permissions.can_withdraw(request.user, resource),
        "can_retry_video": permissions.can_retry_video(request.user, video),
        "start_at": start if start is not None else _start_time(request.GET.get("t")),
        "caption_form": CaptionForm() if video and can_edit else None,
        "chapters_form": ChaptersForm(initial={"chapters": "\n".join(
            f"{c.start_label} {c.title}" for c in video.chapters.all())}) if video and can_edit else None,
    })


@community_or_staff_required
def compare_versions(request, pk: int):
    """Two versions of a legal text, the words removed and added marked in the page's text."""
    resource = _resource_for(request.user, pk)
    versions = {v.pk: v for v in LegalVersion.objects.filter(resource=resource)}
    try:
        older, newer = versions[int(request.GET.get("de", ""))], versions[int(request.GET.get("a", ""))]
    except (KeyError, ValueError):
        raise Http404 from None
    if older.effective_on > newer.effective_on:
        older, newer = newer, older
    return render(request, "resources/compare_versions.html", {
        "resource": resource, "older": older, "newer": newer,
        "parts": services.compare_versions(older, newer),
    })


def _start_time(value) -> int:
    try:
        return max(int(value or 0), 0)
    except ValueError:
        return 0


@community_required
def propose(request):
    form = ProposalForm(request.POST or None, request.FILES or None, uploader=request.user)
    if request.method == "POST" and form.is_valid():

        def create() -> str:
            resource = form.save(commit=False)
            if form.cleaned_data.get("document_file"):
                services.store_document(resource, form.cleaned_data["document_file"])
            services.propose_resource(resource, actor=request.user, tags=form.tags(),
                                      themes=form.cleaned_data["themes"])
            if resource.status == Status.PUBLISHED:
                messages.success(request, _("La ressource est publiée."))
            else:
                messages.success(request, _("Merci ! Votre proposition sera relue par l'équipe d'animation."))
            return resource.get_absolute_url()

        try:
            # Sent twice (double click, resent request), the form proposes one resource.
            outcome = idempotency.once(token=form.submission_token, scope="resources.propose",
                                       user=request.user, create=create,
                                       content_digest=idempotency.form_digest(form))
        except idempotency.TokenRefused as error:
            form.refuse_token(error)
        else:
            return redirect(outcome.result)
    return render(request, "resources/form.html", {"form": form, "title": _("Proposer une ressource")})


@community_required
def edit(request, pk: int):
    resource = _resource_for(request.user, pk)
    if resource.kind == Kind.ACTION:
        return redirect("resources:action_edit", pk=resource.pk)
    permissions.check_edit(request.user, resource)
    form = ResourceForm(request.POST or None, request.FILES or None, instance=resource,
                        video_upload=resource.is_video, uploader=request.user)
    if request.method == "POST" and form.is_valid():
        resource = form.save(commit=False)
        if form.cleaned_data.get("document_file"):
            services.store_document(resource, form.cleaned_data["document_file"])
        services.update_resource(resource, actor=request.user, tags=form.tags(),
                                 themes=form.cleaned_data["themes"])
        messages.success(request, _("Modifications enregistrées."))
        return redirect(resource)
    return render(request, "resources/form.html", {"form": form, "resource": resource,
                                                   "title": _("Modifier la ressource")})


# --- Videos -----------------------------------------------------------------------------


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Streams the upload to a temporary file, and stops reading past the size limit."""

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > conf.video_max_bytes():
            raise StopUpload(connection_reset=True)
        return super().receive_data_chunk(raw_data, start)


@csrf_exempt
def upload_video(request):
    # The upload handlers must be chosen before anything reads the body, hence
    # CSRF checked inside, once they are set (Django's documented pattern).
    too_big = int(request.META.get("CONTENT_LENGTH") or 0) > conf.video_max_bytes() + 1024**2
    if request.method == "POST" and not too_big:
        request.upload_handlers = [LimitedTemporaryFileUploadHandler(request)]
    return _upload_video(request, too_big=too_big)


@csrf_protect
@community_required
def _upload_video(request, *, too_big: bool):
    if too_big:
        return render(request, "resources/upload.html", {
            "form": VideoUploadForm(), "error": _("La vidéo dépasse la taille maximale acceptée."),
        }, status=413)
    form = VideoUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["video_file"]

        def create() -> str:
            with transaction.atomic():  # the resource with its video, or neither (even untokened)
                resource = form.save(commit=False)
                services.propose_resource(resource, actor=request.user, tags=form.tags(),
                                          themes=form.cleaned_data["themes"])
                services.attach_video(resource, upload.temporary_file_path(),
                                      original_size=upload.size)
            messages.success(request, _("Vidéo reçue : elle est en cours de traitement."))
            return resource.get_absolute_url()

        try:
            # The same video sent twice (a resent request) makes one resource and one job.
            outcome = idempotency.once(token=form.submission_token, scope="resources.upload_video",
                                       user=request.user, create=create,
                                       content_digest=idempotency.form_digest(form))
        except idempotency.TokenRefused as error:
            form.refuse_token(error)
        except ValidationError as error:  # the storage could not take it: nothing was kept
            form.add_error(None, error)
        else:
            if request.headers.get("X-Upload") == "1":
                return JsonResponse({"url": outcome.result})
            return redirect(outcome.result)
    status = 400 if request.method == "POST" else 200
    return render(request, "resources/upload.html", {"form": form}, status=status)


@community_required
def video_status(request, pk: int):
    """The state block of a video page, polled by htmx while the worker works."""
    resource = _resource_for(request.user, pk)
    video = get_object_or_404(Video.objects.prefetch_related("renditions", "captions", "chapters"),
                              resource=resource)
    response = render(request, "resources/partials/_video.html", {
        "resource": resource, "video": video, "start_at": _start_time(request.GET.get("t")),
    })
    if request.GET.get("shown") == "0" and video.ready_renditions():
        # The first rendition just became ready: swap in the player, once.
        response["HX-Retarget"] = "#video-block"
        response["HX-Reswap"] = "innerHTML"
        response["HX-Reselect"] = ".video-inner"
    return response


@require_POST
@community_required
def add_caption(request, pk: int):
    resource = _resource_for(request.user, pk)
    permissions.check_edit(request.user, resource)
    video = get_object_or_404(Video, resource=resource)
    form = CaptionForm(request.POST, request.FILES)
    if form.is_valid():
        language = form.cleaned_data["language"]
        try:
            services.attach_caption(video, form.cleaned_data["file"].read(), actor=request.user,
                                    language=language, label=form.language_label(language))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Sous-titres ajoutés."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(resource)


@require_POST
@community_required
def set_chapters(request, pk: int):
    resource = _resource_for(request.user, pk)
    permissions.check_edit(request.user, resource)
    video = get_object_or_404(Video, resource=resource)
    form = ChaptersForm(request.POST)
    if form.is_valid():
        services.set_chapters(video, form.cleaned_data["chapters"], actor=request.user)
        messages.success(request, _("Chapitres enregistrés."))
    else:
        messages.error(request, " ".join(str(e) for e in form.errors["chapters"]))
    return redirect(resource)


@require_POST
@community_required
def retry_video(request, pk: int):
    resource = _resource_for(request.user, pk)
    services.retry_video(get_object_or_404(Video, resource=resource), actor=request.user)
    messages.success(request, _("Le traitement de la vidéo est relancé."))
    return redirect(resource)


@login_required
def media(request, pk: int, name: str):
    """Serve a file of a resource to those who may see it (there is no public media URL)."""
    resource = get_object_or_404(Resource.objects.select_related("video", "region"), pk=pk)
    if not permissions.can_view(request.user, resource):
        raise Http404
    relative, download_name = _media_path(resource, name)
    try:
        handle = StoredFile(relative)
    except FileNotFoundError as error:
        raise Http404 from error
    content_type = (mimetypes.guess_type(download_name or PurePosixPath(relative).name)[0]
                    or "application/octet-stream")
    response = ranged_file_response(request, handle, content_type=content_type,
                                    download_name=download_name)
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _media_path(resource: Resource, name: str) -> tuple[str, str | None]:
    if name == "document" and resource.document:
        return resource.document.name, resource.document_name or Path(resource.document.name).name
    video = resource.cached_video()
    if video is None:
        raise Http404
    if name == "poster.jpg" and video.poster:
        return video.poster, None
    if name == "thumb.webp" and video.thumbnail:
        return video.thumbnail, None
    if name.endswith("p.mp4") and name[:-5].isdigit():
        rendition = VideoRendition.objects.filter(video=video, height=int(name[:-5])).first()
        if rendition and rendition.is_ready:
            return rendition.path, None
    if name.startswith("captions-") and name.endswith(".vtt"):
        caption = video.captions.filter(language=name[9:-4]).first()
        if caption:
            return caption.path, None
    raise Http404


# --- Moderation ---------------------------------------------------------------------------


@community_required
def review_queue(request):
    permissions.check_moderate(request.user)
    proposals = (Resource.objects.filter(status=Status.PROPOSED).for_listing()
                 .select_related("proposed_by__member").order_by("created_at"))
    return render(request, "resources/review_queue.html", {"proposals": proposals})


@require_POST
@community_required
def publish(request, pk: int):
    resource = _resource_for(request.user, pk)
    if services.publish_resource(resource, actor=request.user):
        messages.success(request, _("La ressource est publiée ; la personne qui l'a proposée est prévenue."))
    else:
        messages.warning(request, _("Cette ressource a déjà été traitée."))
    return redirect(resource)


def _review_with_reason(request, pk: int, *, form_class, decide, template: str, done: str,
                        already: str, redirect_to=None):
    """A moderator's decision that needs a reason the proposer receives (decline, withdraw)."""
    resource = _resource_for(request.user, pk)
    permissions.check_moderate(request.user)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decided = decide(resource, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if decided:
                messages.success(request, done)
            else:
                messages.warning(request, already)
            return redirect(redirect_to or resource)
    return render(request, template, {"form": form, "resource": resource})


@community_required
def decline(request, pk: int):
    return _review_with_reason(
        request, pk, form_class=DeclineForm, decide=services.decline_resource,
        template="resources/decline.html",
        done=_("La proposition est refusée ; son auteur·rice reçoit le motif."),
        already=_("Cette ressource a déjà été traitée."), redirect_to="resources:review_queue",
    )


@community_required
def withdraw(request, pk: int):
    return _review_with_reason(
        request, pk, form_class=WithdrawForm, decide=services.withdraw_resource,
        template="resources/withdraw.html",
        done=_("La ressource est retirée de la bibliothèque ; "
               "la personne qui l'avait proposée reçoit le motif."),
        already=_("Cette ressource n'est plus publiée."),
    )


# --- Regional actions ---------------------------------------------------------------------


def _actions_for(user):
    return (RegionalAction.objects.for_listing().with_saved_by(user)
            .filter(resource__status=Status.PUBLISHED))


def _region_filter(request):
    """The region asked for; a member's own region by default; "all" for every region."""
    code = request.GET.get("region")
    if code == "all":
        return None, "all"
    if code:
        region = Region.objects.filter(code=code).first()
        return region, code if region else "all"
    member = identity.member_of(request.user)
    if member is not None and member.region_id:
        return member.region, member.region.code
    staff_region = permissions.publishable_regions(request.user).first()
    if staff_region is not None:
        return staff_region, staff_region.code
    return None, "all"


@login_required
def actions(request):
    permissions.check_see_actions(request.user)

    region, region_code = _region_filter(request)
    queryset = _actions_for(request.user)
    if region is not None:
        queryset = queryset.filter(resource__region=region)
    start = _parse_date(request.GET.get("from")) or timezone.localdate()
    queryset = queryset.filter(ends_at__gte=timezone.make_aware(
        timezone.datetime.combine(start, timezone.datetime.min.time())))
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "resources/actions.html", {
        "page": page, "regions": Region.objects.all(), "region_code": region_code,
        "region": region, "from": start, "today": timezone.localdate(),
    })


def _parse_date(value):
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def actions_calendar(request, year: int | None = None, month: int | None = None):
    permissions.check_see_actions(request.user)

    today = timezone.localdate()
    year, month = year or today.year, month or today.month
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise Http404
    region, region_code = _region_filter(request)
    first, after = month_bounds(year, month)
    queryset = _actions_for(request.user).filter(starts_at__lt=after, ends_at__gte=first)
    if region is not None:
        queryset = queryset.filter(resource__region=region)
    by_day: dict[date, list] = {}
    for action in queryset:
        day = max(timezone.localtime(action.starts_at).date(), first.date())
        last = min(timezone.localtime(action.ends_at).date(), (after - timedelta(days=1)).date())
        while day <= last:
            by_day.setdefault(day, []).append(action)
            day += timedelta(days=1)
    weeks = [[(day, by_day.get(day, [])) for day in week]
             for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)]
    previous = (first - timedelta(days=1)).date()
    return render(request, "resources/calendar.html", {
        "weeks": weeks, "month": first.date(), "previous": previous, "next": after.date(),
        "regions": Region.objects.all(), "region_code": region_code, "region": region,
        "today": today, "has_actions": bool(by_day),
    })


def _action_for(user, pk: int) -> RegionalAction:
    action = get_object_or_404(RegionalAction.objects.select_related("resource", "resource__region"),
                               resource__pk=pk)
    permissions.check_see_actions(user)
    if not action.resource.is_published:
        raise Http404
    return action


@login_required
def action_ics(request, pk: int):
    action = _action_for(request.user, pk)
    url = absolute_url(action.resource.get_absolute_url())  # the site's address, not the request's host
    response = HttpResponse(ics.calendar_for(action, url=url), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="action-{action.resource.pk}.ics"'
    return response


@require_POST
@community_required
def action_save(request, pk: int):
    action = _action_for(request.user, pk)
    if request.POST.get("unsave"):
        services.unsave_action(action, actor=request.user)
        messages.success(request, _("L'action est retirée de votre agenda."))
    else:
        services.save_action(action, actor=request.user)
        messages.success(request, _("L'action est dans votre agenda : "
                                    "vous serez prévenu·e en cas d'annulation."))
    return redirect(action.resource)


@role_required(Role.REGIONAL_STAFF)
def actions_manage(request):
    regions = permissions.publishable_regions(request.user)
    actions = (RegionalAction.objects.filter(resource__region__in=regions)
               .select_related("resource", "resource__region").order_by("-starts_at"))
    return render(request, "resources/actions_manage.html", {"actions": actions, "regions": regions})


@role_required(Role.REGIONAL_STAFF)
def action_create(request):
    regions = permissions.publishable_regions(request.user)
    form = ActionForm(request.POST or None, regions=regions)
    if request.method == "POST":
        # Judged on the region asked for, not on the form's list: a refusal is a 403.
        asked = Region.objects.filter(pk=request.POST.get("region") or None).first()
        if asked is not None:
            permissions.check_publish_for(request.user, asked)
        if form.is_valid():
            resource, action = Resource(kind=Kind.ACTION), RegionalAction()
            form.apply(resource, action)
            services.publish_action(resource, action, actor=request.user,
                                    themes=form.cleaned_data["themes"])
            messages.success(request, _("L'action est publiée."))
            return redirect("resources:actions_manage")
    return render(request, "resources/action_form.html", {"form": form,
                                                          "title": _("Publier une action")})


@role_required(Role.REGIONAL_STAFF)
def action_edit(request, pk: int):
    action = get_object_or_404(RegionalAction.objects.select_related("resource"), resource__pk=pk)
    resource = action.resource
    permissions.check_publish_for(request.user, resource.region)
    previous_region = resource.region
    regions = permissions.publishable_regions(request.user)
    form = ActionForm(request.POST or None, regions=regions, instance=action)
    if request.method == "POST" and form.is_valid():
        form.apply(resource, action)
        services.update_action(resource, action, actor=request.user, themes=form.cleaned_data["themes"],
                               previous_region=previous_region)
        messages.success(request, _("L'action est modifiée."))
        return redirect("resources:actions_manage")
    return render(request, "resources/action_form.html", {"form": form, "action": action,
                                                          "title": _("Modifier l'action")})


@role_required(Role.REGIONAL_STAFF)
def action_cancel(request, pk: int):
    action = get_object_or_404(RegionalAction.objects.select_related("resource", "resource__region"),
                               resource__pk=pk)
    permissions.check_publish_for(request.user, action.resource.region)
    form = CancelActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.cancel_action(action, actor=request.user, reason=form.cleaned_data["reason"]):
            messages.success(request, _("L'action est annulée ; "
                                        "les membres qui la suivaient sont prévenus."))
        return redirect("resources:actions_manage")
    return render(request, "resources/action_cancel.html", {"form": form, "action": action})



# --- The regulatory watch ----------------------------------------------------------------


def _follower(request):
    if not permissions.can_follow(request.user):
        raise Http404
    return identity.member_of(request.user)


@community_required
@require_POST
def follow_text(request, pk: int):
    """Follow a legal text (or stop following it), from its page."""
    resource = _resource_for(request.user, pk)
    member = _follower(request)
    if resource.kind != Kind.LEGAL or not resource.is_published:
        raise Http404
    if request.POST.get("action") == "unfollow":
        Follow.objects.filter(member=member, resource=resource).delete()
        messages.success(request, _("Vous ne suivez plus ce texte."))
    else:
        watch.follow(member, resource=resource)
        messages.success(request, _("Vous suivez ce texte : chaque changement vous sera signalé."))
    return redirect(resource)


@community_required
@require_POST
def follow_theme(request, slug: str):
    theme = get_object_or_404(Theme, slug=slug)
    watch.follow(_follower(request), theme=theme)
    messages.success(request, _("Vous suivez le thème « %(name)s ».") % {"name": theme.name})
    return redirect("resources:watch")


@community_required
@require_POST
def unfollow(request, pk: int):
    if not watch.unfollow(_follower(request), pk):
        raise Http404
    messages.success(request, _("Vous ne le suivez plus."))
    return redirect("resources:watch")


@community_required
def watch_page(request):
    """« Veille » : the latest changes of the legal texts, by theme; what the member follows,
    how they are told, and the private address of their feed."""
    member = _follower(request)
    filters = WatchFilterForm(request.GET or None)
    theme = filters.cleaned_data["theme"] if filters.is_valid() else None
    tag_form = FollowTagForm(prefix="tag")
    prefs = watch.preferences_of(member)
    prefs_form = WatchPreferencesForm(initial={"email_each": prefs.email_each,
                                               "weekly_digest": prefs.weekly_digest})
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "new_feed":
            watch.new_feed_token(member)
            messages.success(request, _("Une nouvelle adresse de flux est créée ; "
                                        "l'ancienne ne fonctionne plus."))
            return redirect("resources:watch")
        if action == "revoke_feed":
            watch.revoke_feed_token(member)
            messages.success(request, _("L'adresse de votre flux ne fonctionne plus."))
            return redirect("resources:watch")
        if action == "tag":
            tag_form = FollowTagForm(request.POST, prefix="tag")
            if tag_form.is_valid():
                watch.follow(member, tag=tag_form.cleaned_data["tag"])
                messages.success(request, _("Vous suivez le mot-clé #%(tag)s.")
                                 % {"tag": tag_form.cleaned_data["tag"]})
                return redirect("resources:watch")
        else:
            prefs_form = WatchPreferencesForm(request.POST)
            if prefs_form.is_valid():
                watch.set_preferences(member, **prefs_form.cleaned_data)
                messages.success(request, _("Vos préférences sont enregistrées."))
                return redirect("resources:watch")
    follows = watch.follows_of(member)
    followed_themes = {f.theme_id for f in follows if f.theme_id}
    feed_url = (absolute_url(reverse("resources:watch_feed", args=[prefs.feed_token]))
                if prefs.feed_token else "")
    return render(request, "resources/watch.html", {
        "changes": watch.latest_changes(theme=theme), "filters": filters, "theme": theme,
        "follows": follows, "themes": [t for t in Theme.objects.all() if t.pk not in followed_themes],
        "tag_form": tag_form, "prefs_form": prefs_form, "feed_url": feed_url,
    })


def watch_feed(request, token: str):
    """The watch as an Atom feed. No session: feed readers fetch it by its address, whose token
    the member may revoke (then 404)."""
    prefs = (WatchPreferences.objects.select_related("member").filter(feed_token=token).first()
             if token else None)
    if prefs is None or not identity.is_active(prefs.member):
        raise Http404
    theme = Theme.objects.filter(slug=request.GET.get("theme", "")).first()
    feed = Atom1Feed(title=_("Comcep — veille juridique"), link=absolute_url(reverse("resources:watch")),
                     description=_("Les derniers changements des textes juridiques."), language="fr")
    for change in watch.latest_changes(theme=theme):
        url = absolute_url(reverse("resources:detail", args=[change.resource_id]))
        summary = change.version.change_summary if change.version else change.resource.summary
        feed.add_item(title=f"{change.get_kind_display()} — {change.resource.title}", link=url,
                      description=summary, pubdate=change.happened_at, updateddate=change.happened_at,
                      unique_id=f"{url}#change-{change.pk}")
    return HttpResponse(feed.writeString("utf-8"), content_type="application/atom+xml; charset=utf-8")


@community_required
def notice_open(request, pk: int):
    """A notice of the notification centre: marked read, then its resource."""
    member = identity.member_of(request.user)
    notice = watch.open_notice(member, pk)
    if notice is None:
        raise Http404
    url = reverse("resources:detail", args=[notice.resource_id])
    if notice.change is not None and notice.change.version_id:
        url += f"#version-{notice.change.version_id}"
    return redirect(url)


@community_required
def add_version(request, pk: int):
    resource = _resource_for(request.user, pk)
    if not permissions.can_add_version(request.user, resource):
        raise PermissionDenied
    form = VersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        watch.add_version(resource, form.save(commit=False), actor=request.user)
        messages.success(request, _("La version est publiée ; celles et ceux qui suivent le texte "
                                    "sont prévenus."))
        return redirect(resource)
    return render(request, "resources/version_form.html", {"resource": resource, "form": form})


@community_required
def version_note(request, pk: int, version_pk: int):
    """An expert or a moderator says what a version changes for the CEP, and links its discussion."""
    resource = _resource_for(request.user, pk)
    version = get_object_or_404(LegalVersion, pk=version_pk, resource=resource)
    if not permissions.can_annotate_version(request.user, resource):
        raise PermissionDenied
    form = PracticeNoteForm(request.POST or None, initial={
        "practice_note": version.practice_note, "discussion_url": version.discussion_url})
    if request.method == "POST" and form.is_valid():
        watch.annotate_version(version, actor=identity.member_of(request.user), **form.cleaned_data)
        messages.success(request, _("La note est enregistrée."))
        return redirect(f"{resource.get_absolute_url()}#version-{version.pk}")
    return render(request, "resources/version_note.html", {"resource": resource, "version": version,
                                                           "form": form})
