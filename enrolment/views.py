"""Thin views: look up, check permission, call a transition or service, render."""

from __future__ import annotations

from allauth.account import app_settings as account_settings
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.models import Login
from allauth.account.utils import complete_signup
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from comcep import idempotency
from comcep.accounts import landing_url
from comcep.models import Region, RolloutPhase
from comcep.permissions import manager_required
from comcep.roles import Role
from enrolment import permissions, services, transitions
from enrolment.conf import delay
from enrolment.forms import (
    AppealForm,
    ApplicationForm,
    BulkApprovalForm,
    DecisionForm,
    EndMembershipForm,
    InvitationForm,
    QueueFilterForm,
    ReasonForm,
    RefuseForm,
    RegionPhaseForm,
    RequestReasonForm,
)
from enrolment.models import (
    APPEAL_STATES,
    OPERATOR_VISIBLE,
    Application,
    PilotInvitation,
    Status,
)

PAGE_SIZE = 25


# --- Applicant ---------------------------------------------------------------------------------

def apply(request):
    """The application form; the account it creates confirms its email through allauth."""
    if request.user.is_authenticated:
        messages.info(request, _("Vous êtes déjà connecté·e : voici votre espace."))
        return redirect(landing_url(request.user))
    initial = {}
    region_code = request.GET.get("region")
    if region_code:
        initial["region"] = Region.objects.filter(code=region_code).first()
    form = ApplicationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = {}

        def create() -> str:
            created["application"] = services.apply_for_membership(
                first_name=data["first_name"], last_name=data["last_name"], email=data["email"],
                password=data["password1"], operator=data["operator"], region=data["region"],
                structure_name=data["structure_name"], job_title=data["job_title"],
                language=getattr(request, "LANGUAGE_CODE", "fr"),
            )
            return reverse("enrolment:status")

        try:
            # Sent twice (double click, resent request), the form applies once, and the second
            # request does not warn the applicant that "someone" used their address.
            # The passwords stay out of the fingerprint.
            idempotency.once(
                token=form.submission_token, scope="enrolment.apply", user=None, create=create,
                content_digest=idempotency.digest(
                    data["email"], data["first_name"], data["last_name"], data["operator"].pk,
                    data["region"].pk, data["structure_name"], data["job_title"]),
            )
        except idempotency.TokenRefused as error:
            form.refuse_token(error)
            return render(request, "enrolment/apply.html", {"form": form})
        application = created.get("application")
        if application is None:
            # The address was taken (its owner is warned by email), or this is the same form sent
            # again: the visitor gets the very answer a new applicant gets, so the form tells
            # nobody who has applied.
            return _as_after_signup(request, data["email"])
        # allauth sends the confirmation link and, once it is followed, signs the person in.
        return complete_signup(request, application.user, account_settings.EMAIL_VERIFICATION,
                               reverse("enrolment:status"))
    return render(request, "enrolment/apply.html", {"form": form})


def _as_after_signup(request, email: str):
    """What ``complete_signup`` answers a new applicant: the "confirmation sent" message, and
    the redirect to the page that says so (allauth's own answer when it hides a taken address)."""
    adapter = get_account_adapter(request)
    _leave_pending_signup(request, email)
    adapter.add_message(request, messages.INFO, "account/messages/email_confirmation_sent.txt",
                        {"email": email, "login": False, "signup": True})
    return adapter.respond_email_verification_sent(request, None)


def _leave_pending_signup(request, email: str) -> None:
    """Leave in the session the pending login a new applicant's sign-up leaves there (and so a
    session cookie), for a visitor whose application created no account.

    allauth's one public way to get there, ``perform_login(request, None, signup=True, …)``,
    also sends its own "account already exists" email, which would repeat the owner's warning
    (sent once an hour by ``services``) and break the silence of a resent form; so this reaches
    allauth's stash of the login itself, and only here.
    """
    from allauth.account.internal.stagekit import stash_login

    stash_login(request, Login(user=None, email=email, signup=True, redirect_url=reverse(
        "enrolment:status"), email_verification=account_settings.EMAIL_VERIFICATION))


@login_required
def status(request):
    """The applicant's own page: where their application stands, and its timeline."""
    application = get_object_or_404(Application.objects.with_related(), user=request.user)
    return render(request, "enrolment/status.html", {
        "application": application, "events": application.events.for_applicant(),
        "Status": Status,
        "may_appeal": services.may_appeal_now(application),
        "appeal_deadline": services.appeal_deadline(application),
    })


def appeal(request, token: str):
    """Appeal a refusal through the signed link sent with it; no sign-in needed."""
    try:
        application = services.application_from_appeal_token(token)
    except services.AppealLinkInvalid as error:
        return render(request, "enrolment/appeal_invalid.html", {"message": error.message}, status=400)
    return _appeal_form(request, application)


@login_required
def appeal_mine(request):
    """The same appeal from the applicant's status page, signed in, within the same delay."""
    application = get_object_or_404(Application.objects.with_related(), user=request.user)
    if application.status in services.APPEALABLE and not services.may_appeal_now(application):
        return render(request, "enrolment/appeal_invalid.html", {
            "message": _("Le délai pour faire appel de ce refus est passé. Écrivez à l'équipe de la "
                         "plateforme si vous souhaitez toujours le contester."),
        }, status=400)
    return _appeal_form(request, application)


def _appeal_form(request, application):
    if application.status not in services.APPEALABLE:
        return render(request, "enrolment/appeal_invalid.html", {
            "message": _("Cette candidature n'est plus en état de recevoir un appel : "
                         "un appel a déjà été déposé ou la décision est définitive."),
        }, status=409)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            transitions.appeal(application, text=form.cleaned_data["text"])
        except transitions.TransitionError as error:
            messages.warning(request, error.message)
        else:
            return render(request, "enrolment/appeal_sent.html", {"application": application})
    return render(request, "enrolment/appeal.html", {
        "application": application, "form": form, "ending": services.ending_event(application)})


# --- Operator managers -------------------------------------------------------------------------

def _filtered(queryset, form, default_statuses):
    data = form.cleaned_data if form.is_valid() else {}
    chosen = data.get("status")
    if chosen == "all":
        pass
    elif chosen:
        queryset = queryset.filter(status=chosen)
    else:
        queryset = queryset.filter(status__in=default_statuses)
    if data.get("region"):
        queryset = queryset.filter(region=data["region"])
    if data.get("q"):
        q = data["q"]
        queryset = queryset.filter(Q(last_name__icontains=q) | Q(first_name__icontains=q)
                                   | Q(email__icontains=q) | Q(structure_name__icontains=q))
    return queryset.newest_first() if data.get("order") == "newest" else queryset.oldest_first()


@manager_required(Role.OPERATOR_MANAGER)
def operator_queue(request):
    """The applications that claim the manager's operator (and regions), filterable."""
    user = request.user
    mine = permissions.filter_operator_applications(user, Application.objects.with_related())
    statuses = [(s, label) for s, label in Status.choices if s in OPERATOR_VISIBLE]
    form = QueueFilterForm(request.GET or None, statuses=statuses)
    to_do = [Status.PENDING, Status.REASON_REQUESTED]
    page = Paginator(_filtered(mine, form, to_do), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "enrolment/operator_queue.html", {
        "form": form, "page": page,
        "pending_count": mine.filter(status=Status.PENDING).count(),
        "reason_count": mine.filter(status=Status.REASON_REQUESTED).count(),
        # "Tout sélectionner" is a link that draws the page ticked: it works without JavaScript.
        "select_all": request.GET.get("tout") == "1",
        "query_without_select": _query_without(request, "tout"),
    })


def _query_without(request, name: str) -> str:
    query = request.GET.copy()
    query.pop(name, None)
    return query.urlencode()


@require_POST
@manager_required(Role.OPERATOR_MANAGER)
def operator_bulk_approve(request):
    """Approve the ticked applications, each through its own transition and email."""
    form = BulkApprovalForm(request.POST)
    back = reverse("enrolment:operator_queue") + (
        f"?{request.POST['query']}" if request.POST.get("query") else "")
    if not form.is_valid():
        messages.error(request, _("Cochez au moins une candidature à accepter."))
        return redirect(back)
    try:
        outcome = services.approve_applications(form.cleaned_data["applications"],
                                                actor=request.user)
    except services.BulkRefused as error:
        messages.error(request, error.message)
        return redirect(back)
    if outcome.approved:
        messages.success(request, ngettext(
            "%(n)s candidature acceptée : la personne est prévenue par e-mail.",
            "%(n)s candidatures acceptées : chaque personne est prévenue par e-mail.",
            len(outcome.approved)) % {"n": len(outcome.approved)})
    for application in outcome.already_decided:
        messages.warning(request, _("%(name)s : déjà traitée entre-temps (%(status)s), rien n'a "
                                    "été enregistré deux fois.") % {
            "name": f"{application.first_name} {application.last_name}",
            "status": application.get_status_display()})
    return redirect(back)


def _operator_context(user, application, **overrides) -> dict:
    return {
        "application": application,
        "events": application.events.select_related("actor"),
        "can_decide": permissions.can_decide(user, application),
        "can_give_reason": permissions.can_give_reason(user, application),
        "can_end": permissions.can_end_membership(user, application),
        "similar_refused": services.has_similar_refusal(application),
        "refuse_form": RefuseForm(), "reason_form": ReasonForm(), "end_form": EndMembershipForm(),
        **overrides,
    }


@manager_required(Role.OPERATOR_MANAGER)
def operator_detail(request, pk: int):
    application = permissions.get_operator_application(request.user, pk)
    return render(request, "enrolment/operator_detail.html",
                  _operator_context(request.user, application))


def _moved_on(request, application, status):
    """The page was shown in ``status`` and someone moved the application since: say so, do nothing.

    Returns the redirect to send back, or None when the application still waits for the act.
    """
    if application.status == status:
        return None
    messages.warning(request, transitions.ALREADY_DECIDED)
    return redirect("enrolment:operator_detail", pk=application.pk)


def _act(request, application, move, detail_url_name, success_message, **kwargs):
    """Run ``move`` (a transition or service taking ``actor``), tell the outcome, back to detail."""
    try:
        move(application, actor=request.user, **kwargs)
    except (transitions.AlreadyDecided, services.NudgeRefused) as error:
        messages.warning(request, error.message)
    except transitions.TransitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success_message)
    return redirect(detail_url_name, pk=application.pk)


@require_POST
@manager_required(Role.OPERATOR_MANAGER)
def operator_approve(request, pk: int):
    application = permissions.get_operator_application(request.user, pk)
    if moved_on := _moved_on(request, application, Status.PENDING):
        return moved_on
    permissions.check(permissions.can_decide(request.user, application))
    return _act(request, application, transitions.approve, "enrolment:operator_detail",
                _("Candidature acceptée : la personne est prévenue par e-mail."))


@require_POST
@manager_required(Role.OPERATOR_MANAGER)
def operator_refuse(request, pk: int):
    application = permissions.get_operator_application(request.user, pk)
    if moved_on := _moved_on(request, application, Status.PENDING):
        return moved_on
    permissions.check(permissions.can_decide(request.user, application))
    form = RefuseForm(request.POST)
    if not form.is_valid():
        return render(request, "enrolment/operator_detail.html",
                      _operator_context(request.user, application, refuse_form=form,
                                        open_refuse=True), status=400)
    return _act(request, application, transitions.refuse, "enrolment:operator_detail",
                _("Candidature refusée : la personne est prévenue et peut faire appel."),
                category=form.cleaned_data["category"], text=form.cleaned_data["text"])


@require_POST
@manager_required(Role.OPERATOR_MANAGER)
def operator_give_reason(request, pk: int):
    application = permissions.get_operator_application(request.user, pk)
    if moved_on := _moved_on(request, application, Status.REASON_REQUESTED):
        return moved_on
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Le motif est obligatoire."))
        return redirect("enrolment:operator_detail", pk=pk)
    return _act(request, application, transitions.give_reason, "enrolment:operator_detail",
                _("Motif transmis à l'équipe de la plateforme."), text=form.cleaned_data["text"])


@require_POST
@manager_required(Role.OPERATOR_MANAGER)
def operator_end_membership(request, pk: int):
    application = permissions.get_operator_application(request.user, pk)
    permissions.check(permissions.can_end_membership(request.user, application))
    form = EndMembershipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez une raison et des précisions."))
        return redirect("enrolment:operator_detail", pk=pk)
    return _act(request, application, transitions.end_membership, "enrolment:operator_detail",
                _("Adhésion terminée : le compte est désactivé et toutes ses sessions fermées."),
                category=form.cleaned_data["category"], text=form.cleaned_data["text"])


# --- Platform managers -------------------------------------------------------------------------

@manager_required(Role.PLATFORM_MANAGER)
def platform_queue(request):
    """Appeals to handle, and pending applications escalated for being left too long."""
    everything = permissions.filter_platform_applications(request.user,
                                                          Application.objects.with_related())
    statuses = [(s, label) for s, label in Status.choices if s != Status.SUBMITTED]
    form = QueueFilterForm(request.GET or None, statuses=statuses)
    page = Paginator(_filtered(everything, form, APPEAL_STATES), PAGE_SIZE).get_page(
        request.GET.get("page"))
    escalated = everything.overdue().oldest_first()[:50]
    return render(request, "enrolment/platform_queue.html", {
        "form": form, "page": page, "escalated": escalated,
        "escalation_days": delay("ENROLMENT_ESCALATION_DAYS"),
        "appeal_count": everything.filter(status__in=APPEAL_STATES).count(),
    })


@manager_required(Role.PLATFORM_MANAGER)
def platform_detail(request, pk: int):
    application = permissions.get_platform_application(request.user, pk)
    return _platform_page(request, application)


def _platform_page(request, application, *, decision_form=None):
    return render(request, "enrolment/platform_detail.html", {
        "application": application,
        "events": application.events.select_related("actor"),
        "can_request_reason": permissions.can_request_reason(request.user, application),
        "can_nudge": permissions.can_nudge_operator(request.user, application),
        "can_decide": permissions.can_handle_appeal(request.user, application),
        "similar_refusals": services.similar_refusals(application),
        "request_form": RequestReasonForm(), "decision_form": decision_form or DecisionForm(),
    })


@require_POST
@manager_required(Role.PLATFORM_MANAGER)
def platform_request_reason(request, pk: int):
    application = permissions.get_platform_application(request.user, pk)
    form = RequestReasonForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    return _act(request, application, transitions.request_reason, "enrolment:platform_detail",
                _("Motif demandé : les responsables de l'opérateur sont prévenus."), text=text)


@require_POST
@manager_required(Role.PLATFORM_MANAGER)
def platform_nudge(request, pk: int):
    application = permissions.get_platform_application(request.user, pk)
    permissions.check(permissions.can_nudge_operator(request.user, application))
    return _act(request, application, services.nudge_operator, "enrolment:platform_detail",
                _("Les responsables de l'opérateur sont relancés par e-mail."))


@require_POST
@manager_required(Role.PLATFORM_MANAGER)
def platform_decide(request, pk: int):
    application = permissions.get_platform_application(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        if permissions.can_handle_appeal(request.user, application):
            # Shown again with its errors and the motivation already written.
            return _platform_page(request, application, decision_form=form)
        messages.error(request, _("Choisissez une décision et motivez-la."))
        return redirect("enrolment:platform_detail", pk=pk)
    if form.cleaned_data["decision"] == "overturn":
        move, done = transitions.overturn, _("Refus infirmé : la personne est admise et prévenue.")
    else:
        move, done = transitions.uphold, _("Refus confirmé : la personne est prévenue.")
    return _act(request, application, move, "enrolment:platform_detail", done,
                text=form.cleaned_data["text"])


@manager_required(Role.PLATFORM_MANAGER)
def regions(request):
    """Roll-out phase of each region, and the pilot invitations."""
    all_regions = list(Region.objects.order_by("overseas", "name"))
    waitlisted = dict(Application.objects.filter(status=Status.WAITLISTED).values("region_id")
                      .annotate(n=Count("pk")).values_list("region_id", "n"))
    for region in all_regions:
        region.waitlisted = waitlisted.get(region.pk, 0)
    return render(request, "enrolment/regions.html", {
        "regions": all_regions, "phase_form": RegionPhaseForm(),
        "invitation_form": InvitationForm(),
        "invitations": PilotInvitation.objects.select_related("region")[:100],
    })


@require_POST
@manager_required(Role.PLATFORM_MANAGER)
def region_phase(request, pk: int):
    """Two steps: the phase chosen, the page says how many waitlisted applications it would send
    to the operators; confirmed with that number, the phase changes and they go."""
    region = get_object_or_404(Region, pk=pk)
    form = RegionPhaseForm(request.POST)
    if not form.is_valid():
        raise Http404
    phase = form.cleaned_data["phase"]
    releasing = services.releasable(region, phase).count()
    confirmed = form.cleaned_data["expected"]
    if confirmed is None or confirmed != releasing:
        # First step, or the waitlist moved since the preview: confirm the number as it is now.
        return render(request, "enrolment/region_confirm.html", {
            "region": region, "phase": phase, "phase_label": RolloutPhase(phase).label,
            "releasing": releasing, "changed": confirmed is not None,
        })
    released = services.set_region_phase(region, phase, actor=request.user)
    messages.success(request, ngettext(
        "%(region)s : phase « %(phase)s ». %(n)s candidature en attente transmise aux opérateurs.",
        "%(region)s : phase « %(phase)s ». %(n)s candidatures en attente transmises aux "
        "opérateurs.", released) % {
        "region": region.name, "phase": region.get_phase_display(), "n": released})
    return redirect("enrolment:regions")


@require_POST
@manager_required(Role.PLATFORM_MANAGER)
def invite(request):
    form = InvitationForm(request.POST)
    if form.is_valid():
        services.invite_pilot_member(email=form.cleaned_data["email"],
                                     region=form.cleaned_data["region"], actor=request.user)
        messages.success(request, _("Invitation envoyée."))
    else:
        messages.error(request, _("Indiquez une adresse e-mail et une région en phase pilote."))
    return redirect("enrolment:regions")
