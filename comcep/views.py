from __future__ import annotations

import logging
import sys

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from comcep import antivirus, disclosures, identity
from comcep import home as home_sections
from comcep.accounts import landing_url, needs_mfa
from comcep.cache import cache_is_reachable
from comcep.celery import app as celery_app
from comcep.forms import ProfileForm, PseudonymForm
from comcep.models import Member
from comcep.permissions import check_community_member, community_required

logger = logging.getLogger(__name__)


def home(request):
    """The landing page; people who have somewhere better to be go there."""
    if request.user.is_authenticated:
        target = landing_url(request.user)
        if target != request.path:
            return redirect(target)
    return render(request, "comcep/home.html")


@community_required
def community(request):
    """The member's home: what the apps registered for it (``comcep.home``)."""
    member = identity.member_of(request.user)
    return render(request, "comcep/community.html", {
        "member": member, "disclosures_told": disclosures.told_to(member),
        "sections": home_sections.draw(request, member),
    })


@login_required
def choose_pseudonym(request):
    """An admitted member picks their pseudonym at their first sign-in."""
    check_community_member(request.user)
    member, _created = Member.objects.get_or_create(user=request.user)
    if member.has_pseudonym:
        return redirect("community")
    form = PseudonymForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except ValidationError:
            pass  # the form now carries the error
        else:
            messages.success(
                request, _("Bienvenue dans la communauté, %(pseudonym)s !")
                % {"pseudonym": member.pseudonym}
            )
            return redirect("community")
    return render(request, "comcep/choose_pseudonym.html", {"form": form})


@community_required
def edit_profile(request):
    member = identity.member_of(request.user)
    form = ProfileForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Votre profil est enregistré."))
        return redirect("edit_profile")
    return render(request, "comcep/edit_profile.html", {"form": form, "member": member})


@login_required
def admin_login(request, extra_context=None):
    """Replaces the admin's own login form: allauth signs people in, with its MFA."""
    if needs_mfa(request.user):
        return redirect("mfa_activate_totp")
    if request.user.is_active and request.user.is_staff:
        return redirect("admin:index")
    raise PermissionDenied


@never_cache
@require_GET
def healthz(request):
    """200 when the database, the broker and the cache answer; 503 naming the part that does not."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:
        logger.exception("Health check: database")
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        checks["broker"] = "ok"
    except Exception as exc:
        logger.exception("Health check: broker")
        checks["broker"] = f"error: {type(exc).__name__}"
    # Pages are still served without the cache, but an operator must see that it is away.
    checks["cache"] = "ok" if cache_is_reachable() else "error: unreachable"
    healthy = all(value == "ok" for value in checks.values())
    # Told, not judged: with the scanner away uploads are refused, but the site still serves.
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks, "antivirus": antivirus.status()},
        status=200 if healthy else 503,
    )


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    # No context processors: whatever failed must not fail again while rendering this.
    error = sys.exc_info()[1]  # Django calls this view while handling the exception
    if isinstance(error, OperationalError | InterfaceError):
        # PostgreSQL restarting or failing over: the request's transaction was rolled back
        # whole, the next request reconnects. Say so, and when to try again.
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "5"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the static file."""
    from django.http import HttpResponsePermanentRedirect
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("favicon.ico"))
