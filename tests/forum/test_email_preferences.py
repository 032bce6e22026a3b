"""What each email preference sends when: by default, what concerns a member directly goes out
at once and the rest waits for the daily digest; a member who chose a digest gets the digest only."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from comcep.models import OutboxMessage
from forum import notify, tasks
from forum.forms import EMAIL_FREQUENCY_HELP
from forum.models import EmailFrequency, ForumProfile, WatchedTopic
from tests import factories
from tests.conftest import wait_until


def emails_to(user) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(to_email=user.email))


@pytest.mark.django_db(transaction=True)
def test_a_new_member_mentioned_in_a_post_is_emailed_at_once(worker, alice, practices, write, reply):
    newcomer = factories.make_member()
    assert not ForumProfile.objects.filter(member=newcomer.member).exists()  # never chose anything
    topic = write(alice, practices, title="Les entretiens à distance")

    reply(alice, topic, f"Qu'en pensez-vous, @[{newcomer.member.pseudonym}] ?")

    assert [message.kind for message in emails_to(newcomer)] == ["forum_notification"]
    mail = wait_until(worker.sent_mail, timeout=40, message="no email sent by the worker")[0]
    assert newcomer.email in mail
    assert "Lande Bretonne vous a mentionné" in mail
    assert "Les entretiens à distance" in mail


def test_by_default_a_reply_in_one_s_own_topic_or_to_one_s_post_goes_out_at_once(
        alice, bob, practices, write, reply):
    topic = write(alice, practices, title="Vos trames de premier entretien")
    reply(bob, topic, "Ma trame.")
    assert len(emails_to(alice)) == 1  # a reply in the topic she opened

    carol = factories.make_member()
    answer = reply(carol, topic, "Une autre idée.")
    bob_emails = len(emails_to(bob))
    reply(alice, topic, "Merci à vous deux.", reply_to=answer)

    assert len(emails_to(carol)) == 1  # a reply to her post
    assert len(emails_to(bob)) == bob_emails  # bob only watches the topic: that waits for the digest
    assert bob.member.pk in notify.digest_member_ids(EmailFrequency.DAILY)


def test_by_default_a_reply_in_a_watched_topic_waits_for_the_daily_digest(alice, bob, practices, write,
                                                                           reply):
    topic = write(bob, practices)
    WatchedTopic.objects.create(member=alice.member, topic=topic)

    reply(bob, topic, "Du nouveau dans ce sujet.")

    assert emails_to(alice) == []
    assert alice.member.pk in notify.digest_member_ids(EmailFrequency.DAILY)
    assert alice.member.pk not in notify.digest_member_ids(EmailFrequency.WEEKLY)


@pytest.mark.django_db(transaction=True)
def test_a_member_who_chose_the_daily_digest_gets_the_digest_only(worker, client_for, alice, bob,
                                                                   practices, write, reply):
    client_for(alice).post(reverse("forum:preferences"), {"email_frequency": EmailFrequency.DAILY})
    topic = write(alice, practices, title="Financer une VAE")

    reply(bob, topic, "@[Lande Bretonne], voyez le projet de transition professionnelle.")
    reply(bob, topic, "Et le compte personnel de formation.")
    assert emails_to(alice) == []  # neither the mention nor the reply in her topic went out

    tasks.send_digests.delay(EmailFrequency.DAILY)
    mails = wait_until(worker.sent_mail, timeout=40, message="no digest sent")
    assert len(mails) == 1
    assert "2 nouvelles notifications" in mails[0]
    assert "Bob le Bâtisseur vous a mentionné" in mails[0]


def test_the_preferences_page_says_what_each_choice_sends_and_when(client_for, alice):
    page = client_for(alice).get(reverse("forum:notifications")).content.decode()

    for value, _label in EmailFrequency.choices:
        assert str(EMAIL_FREQUENCY_HELP[value]).replace("'", "&#x27;") in page
    assert "Ce qui me concerne tout de suite, le reste en résumé quotidien" in page
    assert "chaque matin vers 7\u00a0h" in page
    assert "rien entre-temps, même quand on vous mentionne" in page
    # A member who never chose has the default checked.
    assert re.search(r'<input type="radio" name="email_frequency" value="direct"[^>]* checked', page)


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_the_old_default_and_keeps_other_choices_and_goes_back(reference_data):
    chosen = (EmailFrequency.DAILY, EmailFrequency.WEEKLY, EmailFrequency.NEVER, EmailFrequency.IMMEDIATELY)
    members = {frequency: factories.make_member().member for frequency in chosen}
    for frequency, member in members.items():
        ForumProfile.objects.create(member=member, email_frequency=frequency)
    before, after = [("forum", "0007_resource_citation")], [("forum", "0008_email_frequency_direct_default")]

    def frequencies() -> dict[str, str]:
        return {frequency: ForumProfile.objects.get(member=member).email_frequency
                for frequency, member in members.items()}

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        # Back to before it (later migrations of the forum unapplied first), and forward to it.
        executor = MigrationExecutor(connection)
        executor.migrate(before)
        assert frequencies()["daily"] == "daily"
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        assert frequencies() == {"daily": "direct", "weekly": "weekly", "never": "never",
                                 "immediately": "immediately"}
        executor = MigrationExecutor(connection)
        executor.migrate(before)
        assert frequencies() == {"daily": "daily", "weekly": "weekly", "never": "never",
                                 "immediately": "immediately"}
    finally:
        # The schema the other tests expect: every migration applied.
        MigrationExecutor(connection).migrate(latest)
