"""What the working groups hold of a person: exported, then erased with the account.

Registered with ``comcep.datarights`` in ``GroupsConfig.ready``. The export lists the member's
memberships (every state) and the files they shared, copied under neutral names. Closing the
account ends every membership and takes back those files (``groups.services.erase_member``); a
group the member owns passes to another active member (told by email), or is closed when none
is left.
"""

from __future__ import annotations

from comcep import identity
from groups import services
from groups.models import GroupFile, Membership


def export(user, archive) -> None:
    member = identity.member_of(user)
    if member is None:
        return
    archive.add_csv("groupes/appartenances.csv", [
        {"groupe": m.group.name, "role": m.get_role_display(), "etat": m.get_state_display(),
         "depuis": m.joined_at or m.created_at}
        for m in Membership.objects.filter(member=member).select_related("group").order_by("created_at")
    ])
    rows = []
    for shared in GroupFile.objects.filter(uploader=member).select_related("group").order_by("created_at"):
        rows.append({"groupe": shared.group.name, "titre": shared.title, "partage_le": shared.created_at,
                     "fichier": archive.add_stored_file("groupes/fichiers", shared.file.name)})
    archive.add_csv("groupes/fichiers-partages.csv", rows)


def erase(user, *, keep_posts: bool) -> None:
    member = identity.member_of(user)
    if member is None:
        return
    services.erase_member(member)
