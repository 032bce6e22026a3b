"""Links and wordings the core templates need without naming another app."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from comcep import extras
from comcep.timesince import one_unit_since

register = template.Library()


@register.simple_tag
def apply_url() -> str:
    """Where joining the platform starts (``COMCEP_APPLY_URL_NAME``), or "" when no app serves it."""
    name = getattr(settings, "COMCEP_APPLY_URL_NAME", "")
    if not name:
        return ""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def object_extras(context, obj, slot: str):
    """What other apps registered to show with ``obj`` in ``slot`` (``comcep.extras``)."""
    return extras.render(context.get("request"), obj, slot)


@register.filter
def since(moment, now=None) -> str:
    """« il y a 3 heures », « à l'instant » under a minute (timesince alone says « 0 minute »)."""
    if not moment:
        return ""
    now = now or timezone.now()
    if now - moment < timedelta(minutes=1):
        return _("à l'instant")
    return _("il y a %(duration)s") % {"duration": one_unit_since(moment, now)}


@register.filter
def duration(seconds) -> str:
    """A length given in seconds as one reads it: « 45 s », « 12 min 05 s », « 1 h 02 min »
    (a number and its unit never apart); "" for nothing or a value that is not a number."""
    try:
        total = round(float(seconds))
    except (TypeError, ValueError, OverflowError):
        return ""
    if total < 0:
        return ""
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    if minutes:
        return _("%(minutes)d min %(seconds)02d s") % {"minutes": minutes, "seconds": secs}
    return _("%(seconds)d s") % {"seconds": secs}
