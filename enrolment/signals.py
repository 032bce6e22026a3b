"""Receivers of enrolment."""

from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from enrolment import services


@receiver(email_confirmed)
def application_email_confirmed(sender, request, email_address, **kwargs):
    services.on_email_confirmed(email_address.user)
