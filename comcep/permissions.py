"""Who may reach the shared pages: the community, the back offices."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from comcep import identity, roles


def check_community_member(user) -> None:
    """Raise PermissionDenied unless ``user`` takes part in the community."""
    if not roles.is_community_member(user):
        raise PermissionDenied


def community_required(view):
    """Only admitted members with a pseudonym; operator managers never get in."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        check_community_member(user)
        member = identity.member_of(user)
        if member is None or not member.has_pseudonym:
            return redirect("choose_pseudonym")
        return view(request, *args, **kwargs)

    return wrapper


def community_only(view):
    """As ``community_required``, but every other signed-in person gets a 404, not a 403: the
    pages of a member's private exchanges (conversations, working groups, events) do not even
    tell the staff of the operators, of the platform or of a Carif-Oref that they exist."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not roles.is_community_member(user):
            raise Http404
        member = identity.member_of(user)
        if member is None:
            raise Http404
        if not member.has_pseudonym:
            return redirect("choose_pseudonym")
        return view(request, *args, **kwargs)

    return wrapper


def role_required(*required: str):
    """Only people holding one of ``required`` roles."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not roles.roles_of(request.user) & set(required):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def manager_required(role: str):
    """Only ``role`` (``role_required``), and only once the account has two-factor
    authentication: the roles that see real identities (comcep.accounts.MFA_ROLES)."""
    from comcep.accounts import needs_mfa  # it imports allauth's models: not before the apps load

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if needs_mfa(request.user):
                messages.warning(request, _(
                    "Votre compte donne accès à des identités réelles : activez d'abord "
                    "l'authentification à deux facteurs (application TOTP)."
                ))
                return redirect("mfa_activate_totp")
            return view(request, *args, **kwargs)

        return role_required(role)(wrapper)

    return decorator
