"""Pages of the events. Thin: look up, check permission, call a service, render.

Every page but the calendar feed is behind ``comcep.permissions.community_only`` (a 404 for whoever is
not a member of the community); the feed is reached by its private token alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from comcep import idempotency, identity
from comcep.models import Member
from comcep.notifications import absolute_url
from comcep.permissions import community_only
from events import forms, ics, permissions, reminders, services
from events.models import Audience, Event, Preferences, QuestionVote, Registration
from forum.models import Post
from resources.models import RegionalAction, Status
from resources.views import LimitedTemporaryFileUploadHandler

PER_PAGE = 30


def _member(request) -> Member:
    return identity.member_of(request.user)


@dataclass(frozen=True, slots=True)
class Question:
    post: Post
    votes: int
    voted: bool


@community_only
def index(request):
    member = _member(request)
    form = forms.ListFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    now = timezone.now()
    events = Event.objects.visible_to(member)
    events = events.past(now) if data.get("when") == "past" else events.upcoming(now)
    if data.get("kind"):
        events = events.filter(kind=data["kind"])
    if data.get("region"):
        events = events.filter(audience=Audience.REGION, region=data["region"])
    try:
        page = max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        page = 1
    rows = list(events.for_list()[(page - 1) * PER_PAGE:page * PER_PAGE + 1])
    has_next = len(rows) > PER_PAGE
    rows = rows[:PER_PAGE]
    mine = set(Registration.objects.filter(member=member, event__in=[e.pk for e in rows])
               .values_list("event_id", flat=True))
    unread = reminders.unread_reminders(member)
    if unread:
        reminders.mark_reminders_read(member)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "events/index.html", {
        "form": form, "rows": [(event, event.pk in mine) for event in rows], "reminders": unread,
        "page": page, "has_next": has_next, "query": query.urlencode(), "past": data.get("when") == "past",
        "can_organise": permissions.can_organise(request.user), "now": now,
    })


@community_only
def new(request):
    if not permissions.can_organise(request.user):
        raise PermissionDenied
    member = _member(request)
    form = forms.EventForm(request.POST or None, user=request.user, member=member,
                           initial=forms.initial_for_group(member, request.GET.get("groupe", "")))
    if request.method == "POST" and form.is_valid():

        def create() -> str:
            event = services.create_event(actor=member, event=form.save(commit=False),
                                          cohosts=form.cohost_members)
            return reverse("events:detail", args=[event.pk])

        try:
            outcome = idempotency.once(token=form.submission_token, scope="events.new", user=request.user,
                                       create=create, content_digest=idempotency.form_digest(form))
        except idempotency.TokenRefused as error:
            form.refuse_token(error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if not outcome.replayed:
                messages.success(request, _("L'événement est publié."))
            return redirect(outcome.result)
    return render(request, "events/new.html", {"form": form}, status=400 if form.errors else 200)


def _questions(event: Event, member: Member) -> list[Question]:
    """The questions asked in the event's topic, most voted first (one query)."""
    if event.questions_topic_id is None:
        return []
    posts = (Post.objects.filter(topic_id=event.questions_topic_id, number__gt=1, is_hidden=False)
             .select_related("author")
             .annotate(votes=_vote_count(),
                       voted=Exists(QuestionVote.objects.filter(post=OuterRef("pk"), member=member)))
             .order_by("-votes", "number"))
    return [Question(post, post.votes, post.voted) for post in posts]


def _vote_count():
    counts = (QuestionVote.objects.filter(post=OuterRef("pk")).order_by().values("post")
              .annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


@community_only
def detail(request, pk: int):
    member = _member(request)
    event = permissions.event_or_404(member, pk)
    now = timezone.now()
    host_ids = set(event.hosts.values_list("pk", flat=True))
    hosts = Member.objects.filter(pk__in=host_ids).only("pk", "pseudonym", "public_id").order_by("pseudonym")
    is_host = permissions.is_host(member, event, host_ids)
    registered = Registration.objects.filter(event=event, member=member).exists()
    shows_link = permissions.sees_video_link(registered=registered or is_host, event=event, now=now)
    attendees = (list(Member.objects.filter(event_registrations__event=event)
                      .only("pseudonym").order_by("pseudonym")) if is_host else [])
    return render(request, "events/detail.html", {
        "event": event, "hosts": hosts, "is_host": is_host, "registered": registered,
        "video_url": event.video_url if shows_link else "",
        "link_opens_at": event.link_opens_at(), "is_past": event.is_past(now),
        "can_register": permissions.can_register(member, event, now),
        "questions": _questions(event, member), "attendees": attendees,
        "recording": (event.recording if event.recording and event.recording.status == Status.PUBLISHED
                      else None),
    })


@community_only
@require_POST
def register(request, pk: int):
    member = _member(request)
    event = permissions.event_or_404(member, pk)
    try:
        services.register(member=member, event_id=event.pk)
    except services.RegistrationRefused as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Vous êtes inscrit·e. Le lien de la visioconférence apparaîtra ici "
                                    "un quart d'heure avant le début."))
    return redirect("events:detail", pk=event.pk)


@community_only
@require_POST
def unregister(request, pk: int):
    member = _member(request)
    event = permissions.event_or_404(member, pk)
    if services.cancel_registration(member=member, event_id=event.pk):
        messages.success(request, _("Votre inscription est annulée."))
    return redirect("events:detail", pk=event.pk)


@community_only
@require_POST
def vote(request, pk: int, post_pk: int):
    member = _member(request)
    event = permissions.event_or_404(member, pk)
    post = get_object_or_404(Post, pk=post_pk, topic_id=event.questions_topic_id, number__gt=1,
                             is_hidden=False)
    services.toggle_vote(member=member, post=post)
    return redirect(reverse("events:detail", args=[event.pk]) + "#questions")


def _calendar_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@community_only
def event_ics(request, pk: int):
    event = permissions.event_or_404(_member(request), pk)
    return _calendar_response(ics.calendar([event], name=event.title), f"evenement-{event.pk}.ics")


def feed(request, token: str):
    """A member's calendar: their registrations and their region's actions. No session: calendar
    applications fetch it by its address, whose token the member may revoke (then 404)."""
    preferences = (Preferences.objects.select_related("member").filter(feed_token=token).first()
                   if token else None)
    if preferences is None or not identity.is_active(preferences.member):
        raise Http404
    member = preferences.member
    since = timezone.now() - timedelta(days=90)
    events = Event.objects.filter(registrations__member=member, ends_at__gte=since).order_by("starts_at")
    actions = (RegionalAction.objects.filter(resource__region_id=member.region_id,
                                             resource__status=Status.PUBLISHED, ends_at__gte=since)
               .select_related("resource").order_by("starts_at") if member.region_id else [])
    return _calendar_response(ics.calendar(events, actions, name="Comcep"), "comcep.ics")


@community_only
def preferences(request):
    member = _member(request)
    prefs = services.preferences_of(member)
    form = forms.PreferencesForm(request.POST or None, initial={
        "remind_in_app": prefs.remind_in_app, "remind_by_email": prefs.remind_by_email})
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "new_feed":
            services.new_feed_token(member)
            messages.success(request, _("Une nouvelle adresse d'agenda est créée ; "
                                        "l'ancienne ne fonctionne plus."))
            return redirect("events:preferences")
        if action == "revoke_feed":
            services.revoke_feed_token(member)
            messages.success(request, _("L'adresse de votre agenda ne fonctionne plus."))
            return redirect("events:preferences")
        if form.is_valid():
            services.set_reminder_preferences(member, in_app=form.cleaned_data["remind_in_app"],
                                              by_email=form.cleaned_data["remind_by_email"])
            messages.success(request, _("Vos préférences sont enregistrées."))
            return redirect("events:preferences")
    feed_url = absolute_url(reverse("events:feed", args=[prefs.feed_token])) if prefs.feed_token else ""
    return render(request, "events/preferences.html", {"form": form, "feed_url": feed_url})


@csrf_exempt
def recording(request, pk: int):
    # The upload handlers must be chosen before anything reads the body, hence CSRF checked
    # inside, once they are set (Django's documented pattern, as resources.views.upload_video).
    if request.method == "POST":
        request.upload_handlers = [LimitedTemporaryFileUploadHandler(request)]
    return _recording(request, pk)


@csrf_protect
@community_only
def _recording(request, pk: int):
    member = _member(request)
    event = permissions.event_or_404(member, pk)
    if not permissions.is_host(member, event):
        raise PermissionDenied
    if event.recording_id is not None:
        messages.info(request, _("L'enregistrement de cet événement est déjà joint."))
        return redirect("events:detail", pk=event.pk)
    form = forms.RecordingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["video_file"]

        def create() -> str:
            with transaction.atomic():
                locked = Event.objects.select_for_update().get(pk=event.pk)
                if locked.recording_id is None:
                    services.attach_recording(actor=request.user, event=locked,
                                              uploaded_path=upload.temporary_file_path(), size=upload.size,
                                              chapters=form.cleaned_data["chapters"])
            return reverse("events:detail", args=[event.pk])

        try:
            outcome = idempotency.once(token=form.submission_token, scope="events.recording",
                                       user=request.user, create=create,
                                       content_digest=idempotency.form_digest(form))
        except idempotency.TokenRefused as error:
            form.refuse_token(error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Enregistrement reçu : la vidéo est en cours de traitement, puis "
                                        "rejoint la bibliothèque."))
            return redirect(outcome.result)
    return render(request, "events/recording.html", {"form": form, "event": event},
                  status=400 if form.errors else 200)
