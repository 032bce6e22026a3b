"""Loading the signed-in person once per request.

Every page needs the account, its member profile (pseudonym) and its roles.
Django's backend loads the account alone, and the profile and the roles then
cost a query each; this backend reads all three in one query.
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.models import Group
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef

from comcep.models import User


class Backend(AuthenticationBackend):
    """allauth's email login, with the session's user loaded with profile and roles."""

    def get_user(self, user_id):
        user = (
            User._default_manager.select_related("member")
            .annotate(role_names=ArraySubquery(
                Group.objects.filter(user=OuterRef("pk")).values("name")))
            .filter(pk=user_id)
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        user._comcep_roles = frozenset(user.role_names)  # read by comcep.roles.roles_of
        return user
