"""The legal pages, open to everyone, and the page where a member accepts the charter."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from comcep import datarights, legal
from comcep.models import LegalDocumentKind


def _contact() -> dict:
    return {"contact_email": settings.LEGAL_CONTACT_EMAIL, "publisher": settings.LEGAL_PUBLISHER,
            "host": settings.LEGAL_HOST}


def _retention_rows() -> list[dict]:
    # Read from the same table as the retention job, so the page says what the job does.
    return [{"what": r.what, "why": r.why, "days": r.days, "period": r.period}
            for r in datarights.RETENTION]


@require_GET
def charter(request):
    return render(request, "comcep/legal/document.html", {
        "document": legal.current(LegalDocumentKind.CHARTER), "kind": "charter", **_contact(),
    })


@require_GET
def privacy(request):
    return render(request, "comcep/legal/document.html", {
        "document": legal.current(LegalDocumentKind.PRIVACY), "kind": "privacy",
        "retention": _retention_rows(), **_contact(),
    })


@require_GET
def retention(request):
    return render(request, "comcep/legal/retention.html",
                  {"retention": _retention_rows(), **_contact()})


@require_GET
def legal_notice(request):
    return render(request, "comcep/legal/legal_notice.html", _contact())


@require_GET
def accessibility(request):
    return render(request, "comcep/legal/accessibility.html", _contact())


@require_GET
def transparency(request):
    from comcep import disclosures

    return render(request, "comcep/legal/transparency.html",
                  {"years": disclosures.yearly_counts(), **_contact()})


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return "/"


@login_required
@require_http_methods(["GET", "POST"])
def accept_charter(request):
    """The charter in force, and a button to accept it; then back where the member was going."""
    target = _safe_next(request)
    document = legal.current(LegalDocumentKind.CHARTER)
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = 0
        try:
            legal.accept_charter(actor=request.user, version=version)
        except legal.LegalError as error:
            messages.error(request, error.message)
            document = legal.current(LegalDocumentKind.CHARTER)
        else:
            legal.remember_acceptance(request, version)
            messages.success(request, _("Merci : vous avez accepté la charte de la communauté."))
            return redirect(target)
    already = legal.has_accepted_current_charter(request.user)
    return render(request, "comcep/legal/accept_charter.html", {
        "document": document, "next": target, "already": already,
    })
