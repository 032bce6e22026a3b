"""How django-allauth behaves on Comcep."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse

from comcep import notifications, roles


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Accounts are created by the enrolment workflow, never by open sign-up.
        return getattr(settings, "ACCOUNT_OPEN_SIGNUP", False)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Every account email goes through the outbox and the worker."""
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


def landing_url(user) -> str:
    """Where a person lands after signing in, by role."""
    if roles.is_community_member(user):
        member = getattr(user, "member", None)
        if member is None or not member.has_pseudonym:
            return reverse("choose_pseudonym")
        return reverse("community")
    return reverse("home")
