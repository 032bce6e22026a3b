"""Receivers of the shared core."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver


@receiver(user_logged_in)
def forget_cached_roles(sender, user, **kwargs):
    user.__dict__.pop("_comcep_roles", None)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def deactivated_accounts_lose_their_sessions(sender, instance, **kwargs):
    # Suspending an account anywhere (admin included) signs it out everywhere.
    if not instance.is_active:
        from comcep.accounts import end_all_sessions

        end_all_sessions(instance)
