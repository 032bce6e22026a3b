"""Private conversations' pages. Thin: look up, check permission, call a service, render.

Every view is behind ``comcep.permissions.community_only``: whoever is not a member of the community
gets a 404, and so does a member on a conversation they do not (or no longer) take part in.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comcep import idempotency, identity
from comcep.files import ranged_file_response
from comcep.models import Member
from comcep.permissions import community_only
from conversations import forms, permissions, services
from conversations.models import Block, Message, MessageImage, MessageKind, Participant


def _member(request) -> Member:
    return identity.member_of(request.user)


@community_only
def index(request):
    member = _member(request)
    seats = services.seats_of(member)
    others = services.others_by_conversation(member, [seat.conversation_id for seat in seats])
    rows = [(seat, others.get(seat.conversation_id, [])) for seat in seats]
    return render(request, "conversations/index.html", {"rows": rows})


@community_only
def new(request):
    member = _member(request)
    initial = {}
    named = Member.objects.active().filter(public_id=request.GET.get("avec", "")[:64]).first()
    if named is not None and named.pk != member.pk:
        initial["members"] = named.pseudonym
    form = forms.NewConversationForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid() and (image := _image_of(form, member)) is not False:
        data = form.cleaned_data

        def create() -> str:
            people = services.members_named(member, data["members"])
            conversation = services.start(actor=member, members=people, subject=data["subject"],
                                          body=data["body"], image=image)
            return reverse("conversations:detail", args=[conversation.pk])

        try:
            outcome = idempotency.once(
                token=form.submission_token, scope="conversations.new", user=request.user, create=create,
                content_digest=idempotency.digest(data["members"], data["subject"], data["body"],
                                                  *_image_digest(image)))
        except idempotency.TokenRefused as error:
            form.refuse_token(error)
        except ValidationError as error:
            form.add_error("members" if error.error_list[0].code in ("refused", "too_many") else None, error)
        else:
            return redirect(outcome.result)
    return render(request, "conversations/new.html", {"form": form})


def _image_of(form, member: Member) -> services.CleanImage | None | Literal[False]:
    """The form's image made clean (None when there is none), or False with the reason on the form."""
    upload = form.cleaned_data.get("image")
    if not upload:
        return None
    try:
        return services.clean_image(sender=member, upload=upload,
                                    description=form.cleaned_data["image_description"])
    except ValidationError as error:
        form.add_error("image", error)
        return False


def _image_digest(image: services.CleanImage | None) -> tuple[str, ...]:
    return (hashlib.sha256(image.content).hexdigest(), image.description) if image else ()


def _detail(request, seat: Participant, form=None, add_form=None, status=200):
    member = _member(request)
    conversation = seat.conversation
    thread = list(Message.objects.filter(conversation=conversation).select_related("author")
                  .prefetch_related("images"))
    people = list(Participant.objects.filter(conversation=conversation, left_at=None)
                  .select_related("member").order_by("member__pseudonym"))
    blocked = set(Block.objects.filter(blocker=member).values_list("blocked_id", flat=True))
    last_read = seat.last_read_at
    services.mark_read(seat)
    return render(request, "conversations/detail.html", {
        "conversation": conversation, "seat": seat, "thread": thread, "last_read": last_read,
        "people": [p.member for p in people], "blocked": blocked, "member": member,
        "form": form or forms.MessageForm(), "add_form": add_form or forms.AddMembersForm(),
        "kinds": MessageKind,
    }, status=status)


@community_only
def detail(request, pk):
    seat = permissions.seat_or_404(_member(request), pk)
    return _detail(request, seat)


@community_only
@require_POST
def reply(request, pk):
    member = _member(request)
    seat = permissions.seat_or_404(member, pk)
    form = forms.MessageForm(request.POST, request.FILES)
    if form.is_valid() and (image := _image_of(form, member)) is not False:
        body = form.cleaned_data["body"]

        def create() -> str:
            message = services.post_message(actor=member, seat=seat, body=body, image=image)
            return f"{reverse('conversations:detail', args=[pk])}#m{message.pk}"

        try:
            outcome = idempotency.once(token=form.submission_token, scope=f"conversations.reply:{pk}",
                                       user=request.user, create=create,
                                       content_digest=idempotency.digest(body, *_image_digest(image)))
        except idempotency.TokenRefused as error:
            form.refuse_token(error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(outcome.result)
    return _detail(request, seat, form=form, status=400)


@community_only
@require_POST
def add(request, pk):
    member = _member(request)
    seat = permissions.seat_or_404(member, pk)
    form = forms.AddMembersForm(request.POST)
    if form.is_valid():
        try:
            services.add_members(actor=member, seat=seat,
                                 members=services.members_named(member, form.cleaned_data["members"]))
        except ValidationError as error:
            form.add_error("members", error)
        else:
            messages.success(request, _("Les personnes sont ajoutées à la conversation."))
            return redirect("conversations:detail", pk=pk)
    return _detail(request, seat, add_form=form, status=400)


@community_only
@require_POST
def leave(request, pk):
    seat = permissions.seat_or_404(_member(request), pk)
    services.leave(seat=seat)
    messages.success(request, _("Vous avez quitté la conversation."))
    return redirect("conversations:index")


@community_only
@require_POST
def mute(request, pk):
    seat = permissions.seat_or_404(_member(request), pk)
    muted = request.POST.get("muted") == "1"
    services.set_muted(seat, muted)
    messages.success(request, _("Vous ne recevrez plus de notification pour cette conversation.") if muted
                     else _("Vous recevrez à nouveau les notifications de cette conversation."))
    return redirect("conversations:detail", pk=pk)


@community_only
def report(request, pk, message_pk):
    member = _member(request)
    seat = permissions.seat_or_404(member, pk)
    message = get_object_or_404(Message, pk=message_pk, conversation_id=seat.conversation_id,
                                kind=MessageKind.TEXT)
    if message.author_id == member.pk:
        raise Http404
    form = forms.ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.report(actor=member, message=message, reason=form.cleaned_data["reason"])
        messages.success(request, _("Merci : le message est signalé aux animateur·rice·s."))
        return redirect("conversations:detail", pk=pk)
    return render(request, "conversations/report.html", {"form": form, "message": message,
                                                         "conversation": seat.conversation})


@community_only
def reported(request, report_pk):
    """For a moderator: the reported message and the one before and after it, nothing more."""
    item = permissions.report_or_404(request.user, report_pk)
    return render(request, "conversations/reported.html", {
        "report": item, "thread": services.context_of(item.message), "kinds": MessageKind})


@community_only
@require_POST
def block(request, public_id):
    member = _member(request)
    other = get_object_or_404(Member.objects.active(), public_id=public_id)
    if request.POST.get("block") == "0":
        services.unblock(actor=member, member=other)
        messages.success(request, _("%(name)s peut à nouveau vous écrire.") % {"name": other.pseudonym})
    else:
        services.block(actor=member, member=other)
        messages.success(request, _("%(name)s ne peut plus vous écrire ni vous ajouter à une "
                                           "conversation, et ses mentions ne vous sont plus signalées.")
                         % {"name": other.pseudonym})
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect("conversations:index")


@community_only
def reports(request):
    """For a moderator: the latest reported private messages."""
    if not permissions.can_moderate_reports(request.user):
        raise Http404
    items = list(services.latest_reports())
    return render(request, "conversations/reports.html", {"reports": items})


IMAGE_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


@community_only
def image(request, pk, ext):
    """An image of a message, for the conversation's present participants (and a moderator
    reading a report of it or of a message beside it); a 404 for everyone else."""
    attached = get_object_or_404(MessageImage.objects.select_related("message"), pk=pk, extension=ext)
    if not permissions.can_see_image(request.user, _member(request), attached):
        raise Http404
    content_type = IMAGE_TYPES.get(attached.extension, "application/octet-stream")
    response = ranged_file_response(request, attached.image.open("rb"), content_type=content_type)
    # Never kept by a shared cache; a participant who leaves loses it at the next load.
    response["Cache-Control"] = "private, no-store"
    return response
