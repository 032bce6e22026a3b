"""What the events hold of a member: exported, then erased with the account.

Registered with ``comcep.datarights`` in ``EventsConfig.ready``. The export lists the member's
registrations, reminders, votes and preferences; closing the account erases them (the seats
they held are given back). Events a member created stay, under « ancien·ne membre ».
"""

from __future__ import annotations

from django.db.models import F

from comcep import identity
from comcep.datarights import former_member
from events.models import Event, Preferences, QuestionVote, Registration, Reminder


def export(user, archive) -> None:
    member = identity.member_of(user)
    if member is None:
        return
    archive.add_csv("evenements/inscriptions.csv", [
        {"evenement": r.event.title, "debut": r.event.starts_at, "inscrit_le": r.created_at}
        for r in Registration.objects.filter(member=member).select_related("event")
    ])
    archive.add_csv("evenements/rappels.csv", [
        {"evenement": r.event.title, "rappel": r.get_kind_display(), "le": r.created_at}
        for r in Reminder.objects.filter(member=member).select_related("event")
    ])
    archive.add_csv("evenements/votes.csv", [
        {"question": v.post_id, "le": v.created_at} for v in QuestionVote.objects.filter(member=member)
    ])
    prefs = Preferences.objects.filter(member=member).first()
    if prefs is not None:
        archive.add_json("evenements/preferences.json", {
            "rappels_sur_le_site": prefs.remind_in_app, "rappels_par_email": prefs.remind_by_email,
            "agenda_actif": prefs.feed_token is not None})


def erase(user, *, keep_posts: bool) -> None:
    member = identity.member_of(user)
    if member is None:
        return
    held = list(Registration.objects.filter(member=member).values_list("event_id", flat=True))
    Registration.objects.filter(member=member).delete()
    for event_id in held:
        Event.objects.filter(pk=event_id).update(registered_count=F("registered_count") - 1)
    Reminder.objects.filter(member=member).delete()
    QuestionVote.objects.filter(member=member).delete()
    Preferences.objects.filter(member=member).delete()
    former = former_member()
    Event.objects.filter(created_by=member).update(created_by=former)
    for event in Event.objects.filter(hosts=member):
        event.hosts.remove(member)
        event.hosts.add(former)
