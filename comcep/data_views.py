"""The "Mes données" page: a signed-in person downloads what the platform holds of them, or leaves."""

from __future__ import annotations

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comcep import datarights, roles
from comcep.data_forms import CloseAccountForm
from comcep.files import ranged_file_response
from comcep.models import DataExport, DataExportStatus


def _page(request, close_form=None, status=200):
    user = request.user
    now = timezone.now()
    exports = list(DataExport.objects.filter(user=user).order_by("-created_at")[:5])
    return render(request, "comcep/account/my_data.html", {
        "pending": [e for e in exports if e.status == DataExportStatus.PENDING],
        "ready": [e for e in exports if e.status == DataExportStatus.READY
                  and e.expires_at and e.expires_at > now],
        "failed": [e for e in exports if e.status == DataExportStatus.FAILED][:1],
        "days": datarights.export_days(),
        "identity_days": datarights.identity_days(),
        "close_form": close_form or CloseAccountForm(user=user),
        "is_member": roles.is_community_member(user),
    }, status=status)


@login_required
@require_GET
def my_data(request):
    return _page(request)


@login_required
@require_POST
def request_export(request):
    try:
        datarights.request_export(actor=request.user)
    except datarights.ExportRefused as refused:
        messages.info(request, refused.message)
    else:
        messages.success(request, _("C'est noté : votre archive est en préparation. Vous recevrez "
                                    "un e-mail dès qu'elle sera prête."))
    return redirect("datarights:my_data")


@login_required
@require_GET
def download_export(request, key):
    # Someone else's link, or an expired one, is a page that does not exist.
    export = datarights.downloadable_export(request.user, key)
    if export is None:
        raise Http404
    try:
        handle = export.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    name = f"comcep-mes-donnees-{export.ready_at:%Y-%m-%d}.zip"
    response = ranged_file_response(request, handle, content_type="application/zip",
                                    download_name=name)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["POST"])
def close_account(request):
    # The password guards the account against whoever finds the session open: as many tries
    # as allauth's own re-authentication allows, no more.
    if not ratelimit.consume(request, action="reauthenticate", user=request.user):
        messages.error(request, _("Trop d'essais : réessayez dans quelques minutes."))
        return _page(request, status=429)
    form = CloseAccountForm(request.POST, user=request.user)
    if not form.is_valid():
        return _page(request, close_form=form, status=400)
    datarights.close_account(request.user, keep_posts=form.keep_posts, by_member=True,
                             actor=request.user)
    logout(request)
    messages.success(request, _("Votre compte est fermé. Merci d'avoir fait vivre la communauté."))
    return redirect("home")
