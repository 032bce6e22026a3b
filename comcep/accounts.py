"""How django-allauth behaves on Comcep."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from allauth.usersessions.adapter import get_adapter as get_usersessions_adapter
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from comcep import identity, navigation, notifications, roles

# Roles that see real identities: their accounts need TOTP before any queue opens.
MFA_ROLES = frozenset({roles.Role.OPERATOR_MANAGER, roles.Role.PLATFORM_MANAGER})


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts are created by the enrolment workflow, never by open sign-up.
        return getattr(settings, "ACCOUNT_OPEN_SIGNUP", False)

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return notifications.absolute_url(path.replace("UID-KEY", quote(key)))

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return notifications.absolute_url(reverse("account_confirm_email",
                                                  args=[emailconfirmation.key]))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Every account email goes through the outbox and the worker.

        Its links point to the site's configured address (``SITE_URL``), like every other email:
        allauth builds some (``signup_url``, ``password_reset_url``…) from the request's host.
        """
        context = {"email": email, **context, "current_site": site()}
        for key, value in context.items():
            if key.endswith("_url") and isinstance(value, str) and value:
                context[key] = notifications.absolute_url(value)
        message = self.render_mail(template_prefix, email, context)
        html = ""
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = content
        notifications.queue_rendered(
            kind=template_prefix.rsplit("/", 1)[-1],
            to_email=email,
            subject=message.subject,
            text=message.body,
            html=html,
        )

    def get_login_redirect_url(self, request) -> str:
        return landing_url(request.user)


@dataclass(frozen=True)
class Site:
    """What allauth's emails call ``current_site``: the platform's name and address."""

    name: str
    domain: str


def site() -> Site:
    """The site as allauth's emails name it; its domain is that of ``SITE_URL``."""
    return Site(name="Comcep", domain=urlsplit(notifications.site_url()).netloc)


def user_display(user) -> str:
    """An account as its owner reads it in allauth's messages and emails: the member's
    pseudonym, else « votre compte » (never the email address nor the real name)."""
    member = identity.member_of(user) if getattr(user, "pk", None) else None
    if member is not None and member.has_pseudonym:
        return member.pseudonym
    return str(_("votre compte"))


def needs_mfa(user) -> bool:
    """True for an account that sees real identities and has no TOTP authenticator yet."""
    return bool(roles.roles_of(user) & MFA_ROLES) and not is_mfa_enabled(
        user, types=[Authenticator.Type.TOTP]
    )


def end_all_sessions(user) -> None:
    """Sign ``user`` out everywhere (allauth.usersessions), e.g. when the account is deactivated."""
    get_usersessions_adapter().end_sessions(list(UserSession.objects.filter(user_id=user.pk)))


def landing_url(user) -> str:
    """Where a person lands after signing in: the first landing page registered by the apps
    (``navigation.register_landing``) that is theirs, the community's for its members, else home."""
    user_roles = roles.roles_of(user)
    community_member = roles.is_community_member(user)
    for landing in navigation.landings():
        if community_member and landing.rank >= navigation.COMMUNITY_LANDING_RANK:
            break
        if landing.is_for(user, user_roles):
            return reverse(landing.url_name)
    if community_member:
        member = identity.member_of(user)
        if member is None or not member.has_pseudonym:
            return reverse("choose_pseudonym")
        return reverse("community")
    return reverse("home")
