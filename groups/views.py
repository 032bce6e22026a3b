"""Working groups' pages. Thin: look up, check permission, call a service, render.

Every view is behind ``comcep.permissions.community_only`` (404 for the staff); a group's own pages
answer its active members only (``active_membership_or_404``). Its discussion is the forum's:
the topic list is read through ``forum.pages`` like a category's, and its topics and posts are
the forum's pages, which keep the category to its members.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comcep import idempotency, identity
from comcep.files import neutral_name, protect, ranged_file_response
from comcep.models import Member
from comcep.permissions import community_only
from forum import html as forum_html
from forum import pages as forum_pages
from forum import queries as forum_queries
from groups import forms, permissions, services
from groups.models import Group, GroupFile, Membership, MembershipState

DIRECTORY_PAGE = 30
FILES_SHOWN = 5


def _member(request) -> Member:
    return identity.member_of(request.user)


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@community_only
def directory(request):
    """The open and on-request groups, by last activity, filtered by theme and region."""
    member = _member(request)
    form = forms.DirectoryFilterForm(request.GET or None)
    groups = Group.objects.listed().for_directory()
    if form.is_valid():
        if form.cleaned_data["theme"]:
            groups = groups.filter(theme=form.cleaned_data["theme"])
        if form.cleaned_data["region"]:
            groups = groups.filter(region=form.cleaned_data["region"])
    page = _page_number(request)
    start = (page - 1) * DIRECTORY_PAGE
    shown = list(groups[start:start + DIRECTORY_PAGE + 1])
    states = dict(Membership.objects.filter(member=member, group__in=[g.pk for g in shown])
                  .values_list("group_id", "state"))
    return render(request, "groups/directory.html", {
        "form": form, "rows": [(group, states.get(group.pk, "")) for group in shown[:DIRECTORY_PAGE]],
        "page": page, "has_next": len(shown) > DIRECTORY_PAGE,
        "query": request.GET.urlencode() if form.is_valid() else "",
    })


@community_only
def mine(request):
    """The member's groups, the invitations waiting for their answer and their requests."""
    memberships = list(Membership.objects.filter(member=_member(request)).select_related("group")
                       .order_by("-group__last_activity_at"))
    by_state: dict[str, list[Membership]] = {state: [] for state in MembershipState.values}
    for membership in memberships:
        by_state[membership.state].append(membership)
    return render(request, "groups/mine.html", {
        "active": by_state[MembershipState.ACTIVE], "invited": by_state[MembershipState.INVITED],
        "requested": by_state[MembershipState.REQUESTED],
    })


@community_only
def new(request):
    member = _member(request)
    form = forms.GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def create() -> str:
            group = services.create_group(actor=member, name=data["name"], purpose=data["purpose"],
                                          visibility=data["visibility"], theme=data["theme"],
                                          region=data["region"])
            return reverse("groups:detail", args=[group.slug])

        try:
            outcome = idempotency.once(
                token=form.submission_token, scope="groups.new", user=request.user, create=create,
                content_digest=idempotency.digest(data["name"], data["purpose"], data["visibility"]))
        except idempotency.TokenRefused as error:
            form.refuse_token(error)
        else:
            return redirect(outcome.result)
    return render(request, "groups/new.html", {"form": form})


@community_only
def detail(request, slug):
    """The group's home: its purpose and its discussion, the forum's topic list of its category."""
    member = _member(request)
    membership = permissions.active_membership_or_404(member, slug)
    group = membership.group
    category = group.category
    assert category is not None
    page = _page_number(request)
    pages_count = forum_queries.page_count(category.topic_count, forum_queries.TOPICS_PER_PAGE)
    if page > pages_count:
        raise Http404
    rows = forum_pages.category_rows(category, page)
    topic_rows = forum_html.topic_rows(rows, forum_pages.last_read_of(member, [row.pk for row in rows]))
    files = list(group.files.only("pk", "title", "size", "created_at", "group_id")[:FILES_SHOWN])
    return render(request, "groups/detail.html", {
        "group": group, "membership": membership, "category": category, "topic_rows": topic_rows,
        "page": page, "pages": pages_count, "files": files,
    })


@community_only
@require_POST
def join(request, slug):
    member = _member(request)
    group = permissions.visible_group_or_404(member, slug)
    membership = services.join(actor=member, group=group)
    if membership.state == MembershipState.ACTIVE:
        messages.success(request, _("Bienvenue dans le groupe « %(name)s ».") % {"name": group.name})
        return redirect("groups:detail", slug=group.slug)
    messages.success(request, _("Votre demande est envoyée à l'animateur·rice du groupe."))
    return redirect("groups:mine")


@community_only
@require_POST
def answer_invitation(request, slug):
    """Accept or decline an invitation: a 404 for anyone the group did not invite."""
    member = _member(request)
    group = permissions.visible_group_or_404(member, slug)
    membership = services.membership_of(member, group)
    if membership is None or membership.state != MembershipState.INVITED:
        raise Http404
    if request.POST.get("answer") == "accept":
        services.accept_invitation(actor=member, group=group)
        messages.success(request, _("Bienvenue dans le groupe « %(name)s ».") % {"name": group.name})
        return redirect("groups:detail", slug=group.slug)
    services.decline_invitation(actor=member, group=group)
    messages.success(request, _("Invitation déclinée."))
    return redirect("groups:mine")


@community_only
def members(request, slug):
    """Who is in the group; for its owner, the invitations, requests and what to do with them."""
    membership = permissions.active_membership_or_404(_member(request), slug)
    group = membership.group
    invite_form = forms.InviteForm(request.POST or None)
    if request.method == "POST":
        permissions.check_manage(membership)
        if invite_form.is_valid():
            try:
                invited = services.invite(actor=membership.member, group=group,
                                          pseudonym=invite_form.cleaned_data["pseudonym"])
            except ValidationError as error:
                invite_form.add_error("pseudonym", error)
            else:
                messages.success(request, _("%(pseudonym)s est invité·e.")
                                 % {"pseudonym": invited.member.pseudonym}
                                 if invited.state == MembershipState.INVITED
                                 else _("%(pseudonym)s fait maintenant partie du groupe.")
                                 % {"pseudonym": invited.member.pseudonym})
                return redirect("groups:members", slug=group.slug)
    people = list(group.memberships.select_related("member").only(
        "role", "state", "joined_at", "created_at", "group_id", "member__pseudonym", "member__public_id")
        .order_by("-role", "member__pseudonym"))
    manage = permissions.can_manage(membership)
    return render(request, "groups/members.html", {
        "group": group, "membership": membership, "can_manage": manage, "invite_form": invite_form,
        "active": [p for p in people if p.state == MembershipState.ACTIVE],
        "invited": [p for p in people if p.state == MembershipState.INVITED] if manage else [],
        "requested": [p for p in people if p.state == MembershipState.REQUESTED] if manage else [],
    }, status=400 if request.method == "POST" else 200)


def _named_member(group: Group, request) -> Member:
    """The member a management form names, by public identifier, among the group's memberships."""
    found = (Member.objects.filter(public_id=request.POST.get("member", "")[:64],
                                   group_memberships__group=group).first())
    if found is None:
        raise Http404
    return found


@community_only
@require_POST
def manage(request, slug, action):
    """The owner's acts on a membership: accept or refuse a request, remove, hand over."""
    membership = permissions.active_membership_or_404(_member(request), slug)
    permissions.check_manage(membership)
    group = membership.group
    other = _named_member(group, request)
    acts = {
        "accepter": lambda: services.decide_request(actor=membership.member, group=group, member=other,
                                                    accept=True),
        "refuser": lambda: services.decide_request(actor=membership.member, group=group, member=other,
                                                   accept=False),
        "retirer": lambda: services.remove_member(actor=membership.member, group=group, member=other),
        "confier": lambda: services.hand_over(actor=membership.member, group=group, member=other),
    }
    if action not in acts:
        raise Http404
    try:
        acts[action]()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, {
            "accepter": _("%(pseudonym)s fait maintenant partie du groupe."),
            "refuser": _("La demande de %(pseudonym)s est refusée."),
            "retirer": _("%(pseudonym)s ne fait plus partie du groupe."),
            "confier": _("%(pseudonym)s anime maintenant le groupe."),
        }[action] % {"pseudonym": other.pseudonym})
    return redirect("groups:members", slug=group.slug)


@community_only
@require_POST
def leave(request, slug):
    membership = permissions.active_membership_or_404(_member(request), slug)
    try:
        services.leave(actor=membership.member, group=membership.group)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("groups:members", slug=slug)
    messages.success(request, _("Vous avez quitté le groupe « %(name)s ».") % {"name": membership.group.name})
    return redirect("groups:mine")


@community_only
def files(request, slug):
    membership = permissions.active_membership_or_404(_member(request), slug)
    group = membership.group
    form = forms.FileForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.upload_file(actor=membership.member, group=group, uploaded=form.cleaned_data["file"],
                                     title=form.cleaned_data["title"])
            except ValidationError as error:
                form.add_error("file", error)
            else:
                messages.success(request, _("Le fichier est partagé avec le groupe."))
                return redirect("groups:files", slug=group.slug)
        status = 400
    shared = list(group.files.select_related("uploader").only(
        "title", "size", "created_at", "mime_type", "group_id", "uploader__pseudonym"))
    return render(request, "groups/files.html", {"group": group, "membership": membership, "form": form,
                                                 "files": shared}, status=status)


@community_only
def file_serve(request, slug, pk):
    membership = permissions.active_membership_or_404(_member(request), slug)
    shared = get_object_or_404(GroupFile, pk=pk, group=membership.group)
    extension = "." + shared.file.name.rsplit(".", 1)[-1] if "." in shared.file.name else ""
    response = ranged_file_response(request, shared.file.open("rb"), content_type=shared.mime_type,
                                    download_name=neutral_name(shared.title, extension))
    response["Cache-Control"] = "private, no-store"
    return protect(response)


@community_only
@require_POST
def file_delete(request, slug, pk):
    """Its uploader or the group's owner takes a file back."""
    membership = permissions.active_membership_or_404(_member(request), slug)
    shared = get_object_or_404(GroupFile, pk=pk, group=membership.group)
    if shared.uploader_id != membership.member_id:
        permissions.check_manage(membership)
    services.delete_file(shared=shared)
    messages.success(request, _("Le fichier est retiré."))
    return redirect("groups:files", slug=slug)
