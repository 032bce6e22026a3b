"""The platform managers' pages for lifting a pseudonym. Thin: comcep.disclosures decides."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from comcep import disclosures
from comcep.disclosure_forms import DisclosureDecisionForm, DisclosureRequestForm
from comcep.models import DisclosureState, IdentityDisclosure
from comcep.permissions import manager_required
from comcep.roles import Role

# Platform managers only, once their account has two-factor authentication.
platform_manager_required = manager_required(Role.PLATFORM_MANAGER)


def _disclosures():
    # Neither the member's account nor their pseudonym: the pages name members by public id.
    return IdentityDisclosure.objects.select_related("requested_by", "decided_by").only(
        "pk", "ground", "ground_text", "content_url", "content_text", "state", "created_at",
        "decided_at", "revealed_at", "notify_member_after", "member_notified_at", "decision_note",
        "member__public_id", "requested_by__first_name", "requested_by__last_name",
        "decided_by__first_name", "decided_by__last_name",
    ).select_related("member")


@platform_manager_required
def disclosure_list(request):
    return render(request, "comcep/disclosures/list.html", {
        "disclosures": _disclosures()[:200],
    })


@platform_manager_required
def disclosure_request(request):
    form = DisclosureRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        disclosure = disclosures.file_request(
            requester=request.user, member=data["member_reference"], ground=data["ground"],
            ground_text=data["ground_text"], content_url=data["content_url"],
            content_text=data["content_text"], notify_member_after=data["notify_member_after"],
        )
        messages.success(request, _("Demande enregistrée : une autre personne gestionnaire "
                                    "de la plateforme doit l'approuver."))
        return redirect("disclosures:detail", disclosure.pk)
    return render(request, "comcep/disclosures/request.html", {"form": form})


@platform_manager_required
def disclosure_detail(request, pk: int):
    disclosure = get_object_or_404(_disclosures(), pk=pk)
    return render(request, "comcep/disclosures/detail.html", {
        "disclosure": disclosure,
        "can_decide": disclosures.can_decide(request.user, disclosure),
        "can_reveal": disclosures.can_reveal(request.user, disclosure),
        "is_requester": disclosure.requested_by_id == request.user.pk,
        "decision_form": DisclosureDecisionForm(),
    })


@require_POST
@platform_manager_required
def disclosure_decide(request, pk: int):
    disclosure = get_object_or_404(IdentityDisclosure, pk=pk)
    # The service refuses the requester (four eyes) with PermissionDenied.
    form = DisclosureDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez une décision."))
        return redirect("disclosures:detail", pk)
    approve = form.cleaned_data["decision"] == "approve"
    decided = disclosures.decide(disclosure, approver=request.user, approve=approve,
                                 note=form.cleaned_data["note"])
    if decided is None:
        messages.warning(request, _("Cette demande a déjà été tranchée."))
    elif approve:
        messages.success(request, _("Levée approuvée : la personne qui l'a demandée peut "
                                    "consulter l'identité, une seule fois."))
    else:
        messages.success(request, _("Levée refusée."))
    return redirect("disclosures:detail", pk)


@never_cache
@require_POST
@platform_manager_required
def disclosure_reveal(request, pk: int):
    """The identity, shown once to the requester; the page is not kept by the browser."""
    disclosure = get_object_or_404(IdentityDisclosure, pk=pk)
    # Only its requester, and only once approved (a refused or waiting request shows nothing).
    if disclosure.requested_by_id != request.user.pk or disclosure.state not in (
            DisclosureState.APPROVED, DisclosureState.REVEALED):
        raise PermissionDenied
    person = disclosures.reveal(disclosure, viewer=request.user)
    response = render(request, "comcep/disclosures/identity.html", {
        "disclosure": disclosure, "person": person,
    })
    response["Cache-Control"] = "no-store"
    return response
