"""Receivers of the shared core."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver


@receiver(user_logged_in)
def forget_cached_roles(sender, user, **kwargs):
    from comcep.roles import forget_roles

    forget_roles(user)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def deactivated_accounts_lose_their_sessions(sender, instance, **kwargs):
    # Suspending an account anywhere (admin included) signs it out everywhere.
    if not instance.is_active:
        from comcep.accounts import end_all_sessions

        end_all_sessions(instance)


def _groups_changed(sender, action, **kwargs):
    # Roles are groups: whoever changes them (role services, admin), badges shown next to
    # pseudonyms follow.
    if action in ("post_add", "post_remove", "post_clear"):
        from comcep.roles import forget_badge_holders

        forget_badge_holders()


def connect_group_changes() -> None:
    from comcep.models import User

    m2m_changed.connect(_groups_changed, sender=User.groups.through, dispatch_uid="comcep-groups-changed")
