"""Loading the signed-in person once per request.

Every page needs the account, its member profile (pseudonym) and its roles.
Django's backend loads the account alone, and the profile and the roles then
cost a query each; this backend reads all three in one query. The query is
written once, from the models' own column lists, rather than built by the ORM
on each request: on every page of the site, compiling it cost more than
running it.
"""

from __future__ import annotations

from functools import cache

from allauth.account.auth_backends import AuthenticationBackend
from django.db import connection

from comcep.models import Member, User

USER_FIELDS = [field.attname for field in User._meta.concrete_fields]
MEMBER_FIELDS = [field.attname for field in Member._meta.concrete_fields]


@cache
def _user_sql() -> str:
    q = connection.ops.quote_name
    user_columns = ", ".join(f"u.{q(f.column)}" for f in User._meta.concrete_fields)
    member_columns = ", ".join(f"m.{q(f.column)}" for f in Member._meta.concrete_fields)
    memberships = User.groups.through._meta.db_table
    return (
        f"SELECT {user_columns}, {member_columns}, "
        f"ARRAY(SELECT g.name FROM auth_group g JOIN {q(memberships)} ug ON ug.group_id = g.id "
        f"WHERE ug.user_id = u.id) "
        f"FROM {q(User._meta.db_table)} u LEFT JOIN {q(Member._meta.db_table)} m ON m.user_id = u.id "
        f"WHERE u.id = %s"
    )


def load_user(user_id) -> User | None:
    """The account with its member profile cached on it and its role names, or None."""
    with connection.cursor() as cursor:
        cursor.execute(_user_sql(), [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    n = len(USER_FIELDS)
    user = User.from_db(connection.alias, USER_FIELDS, row[:n])
    member_row = row[n:n + len(MEMBER_FIELDS)]
    member = None
    if member_row[0] is not None:
        member = Member.from_db(connection.alias, MEMBER_FIELDS, member_row)
    # As select_related("member") would: user.member answers without a query (or raises when absent).
    Member.user.field.remote_field.set_cached_value(user, member)
    if member is not None:
        Member.user.field.set_cached_value(member, user)
    user._comcep_roles = frozenset(row[-1])  # read by comcep.roles.roles_of
    return user


class Backend(AuthenticationBackend):
    """allauth's email login, with the session's user loaded with profile and roles."""

    def get_user(self, user_id):
        try:
            user = load_user(int(user_id))
        except (TypeError, ValueError):
            return None
        if user is None or not self.user_can_authenticate(user):
            return None
        return user
