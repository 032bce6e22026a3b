"""Receivers of the shared core."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver


@receiver(user_logged_in)
def forget_cached_roles(sender, user, **kwargs):
    user.__dict__.pop("_comcep_roles", None)
