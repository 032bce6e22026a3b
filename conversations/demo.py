"""Demo content of the private conversations: two exchanges between demo members, so that the
first demo member finds a conversation with an unread reply (``manage.py seed_demo``)."""

from __future__ import annotations

from django.db import transaction

from comcep import identity
from comcep.demo import DemoAccounts
from conversations import services
from conversations.models import Participant

EXCHANGES = [
    ("Préparer un atelier collectif", [
        (0, "Bonjour ! J'ai vu ton message sur les ateliers collectifs. Tu accepterais de me partager "
            "ta trame de déroulé ?"),
        (1, "Avec plaisir. Je te l'envoie en fichier ici demain, et on peut en parler en visio si "
            "tu veux."),
    ]),
    ("Entretiens à distance", [
        (2, "Est-ce que ton opérateur vous laisse choisir l'outil de visio pour les entretiens ?"),
        (0, "Oui, on a le choix. Je t'envoie la liste de ce qu'on a testé."),
    ]),
]


def seed(accounts: DemoAccounts) -> None:
    members = [identity.member_of(user) for user in accounts.members[:3]]
    if None in members:
        return
    with transaction.atomic():
        for subject, messages in EXCHANGES:
            (first_author, first_body), *replies = messages
            starter = members[first_author]
            if Participant.objects.filter(member=starter, conversation__subject=subject).exists():
                continue
            others = [members[author] for author, _body in replies if members[author] != starter]
            conversation = services.start(actor=starter, members=others, subject=subject, body=first_body)
            for author, body in replies:
                seat = Participant.objects.select_related("conversation").get(
                    conversation=conversation, member=members[author])
                services.post_message(actor=members[author], seat=seat, body=body)
