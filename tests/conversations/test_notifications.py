"""Emails of a new private message, sent by a real worker, per the member's forum preference."""

import pytest

from conversations import notify, services
from conversations.models import Block
from forum.models import EmailFrequency, ForumProfile
from tests.conftest import wait_until


def prefer(user, frequency):
    ForumProfile.objects.update_or_create(member=user.member, defaults={"email_frequency": frequency})


@pytest.mark.django_db(transaction=True)
def test_a_new_message_is_emailed_by_the_worker_with_pseudonyms_only(worker, alice, bob, converse):
    converse(bob, [alice], body="Un secret bien gardé entre nous.")

    mail = wait_until(worker.sent_mail, timeout=40, message="no email sent by the worker")[0]
    assert "Bob le Bâtisseur vous a écrit" in mail
    assert "/conversations/" in mail and "/forum/desabonnement/" in mail
    assert "Un secret bien gardé" not in mail  # as the forum's emails, never the message itself
    for secret in (bob.first_name, bob.last_name, bob.email):
        assert secret not in mail.split("To:")[0] + mail.split("\n\n", 1)[1]


def test_one_email_until_the_conversation_is_read(alice, bob, converse):
    conversation = converse(bob, [alice])
    seat = conversation.participants.get(member=bob.member)
    assert notify.message_posted(services.post_message(actor=bob.member, seat=seat, body="Et encore")) == []

    services.mark_read(conversation.participants.get(member=alice.member))
    assert notify.message_posted(conversation.messages.last()) == [alice.member.pk]


@pytest.mark.parametrize("frequency", [EmailFrequency.NEVER, EmailFrequency.DAILY])
def test_the_forum_preference_is_respected(alice, bob, converse, frequency):
    prefer(alice, frequency)
    conversation = converse(bob, [alice])
    assert notify.message_posted(conversation.messages.get()) == []


def test_a_muted_conversation_sends_nothing(client_for, alice, bob, converse):
    conversation = converse(bob, [alice])
    services.mark_read(conversation.participants.get(member=alice.member))
    services.set_muted(conversation.participants.get(member=alice.member), True)
    assert notify.message_posted(conversation.messages.get()) == []


def test_who_blocked_the_author_is_not_told(alice, bob, expert, converse):
    conversation = converse(bob, [alice, expert])
    for member in (alice, expert):
        services.mark_read(conversation.participants.get(member=member.member))
    Block.objects.create(blocker=alice.member, blocked=bob.member)
    assert notify.message_posted(conversation.messages.get()) == [expert.member.pk]
