"""Demo working groups (``manage.py seed_demo``): an open group the first demo member runs, with a
topic in its discussion and the second member in it, an on-request group of the second member
with the third member's request waiting, and an invitation waiting for the first member."""

from __future__ import annotations

from django.db import transaction

from comcep import identity
from comcep.demo import DemoAccounts
from comcep.models import Region
from forum import services as forum_services
from groups import services
from groups.models import Group, Visibility
from resources.models import Theme

GROUPS = [
    # (owner, name, purpose, visibility, theme slug, region code)
    (0, "Ateliers collectifs en CEP",
     "Échanger nos trames d'ateliers collectifs (projet, bilan, reconversion) et les améliorer ensemble, "
     "une visio par mois.", Visibility.OPEN, None, None),
    (1, "Reconversions en Bretagne",
     "Suivre ensemble les dispositifs de reconversion bretons et partager nos retours de terrain.",
     Visibility.ON_REQUEST, None, "53"),
    (2, "Analyse de pratiques — petit groupe",
     "Un cercle restreint d'analyse de pratiques : une situation présentée, des questions, des pistes.",
     Visibility.INVITATION, None, None),
]


def seed(accounts: DemoAccounts) -> None:
    members = [identity.member_of(user) for user in accounts.members[:3]]
    if None in members or len(members) < 3:
        return
    theme = Theme.objects.first()
    with transaction.atomic():
        made = {}
        for owner, name, purpose, visibility, _theme, region_code in GROUPS:
            group = Group.objects.filter(name=name).first()
            if group is None:
                group = services.create_group(
                    actor=members[owner], name=name, purpose=purpose, visibility=visibility,
                    theme=theme if owner == 0 else None,
                    region=Region.objects.filter(code=region_code).first() if region_code else None)
                made[owner] = group
        if 0 in made:
            services.join(actor=members[1], group=made[0])
            assert made[0].category is not None
            forum_services.create_topic(
                actor=members[0], category=made[0].category, title="Votre trame d'atelier « projet »",
                body="Je dépose ici ma trame en trois temps ; dites-moi ce que vous changeriez.",
                rate_limit=False)
        if 1 in made:
            services.join(actor=members[2], group=made[1])
        if 2 in made:
            services.invite(actor=members[2], group=made[2], pseudonym=members[0].pseudonym)
