"""Watching, the notification centre, and emails per preference, sent by a real worker."""

import pytest
from django.urls import reverse

from forum import notify, tasks
from forum.models import EmailFrequency, ForumProfile, Notification, WatchedCategory
from tests.conftest import wait_until


def prefer(user, frequency):
    ForumProfile.objects.update_or_create(member=user.member, defaults={"email_frequency": frequency})


def test_watchers_of_a_topic_are_told_of_replies(alice, bob, practices, write, reply):
    topic = write(alice, practices)

    reply(bob, topic, "Une réponse.")

    notification = Notification.objects.get(recipient=alice.member)
    assert (notification.kind, notification.actor) == ("reply", bob.member)
    assert not Notification.objects.filter(recipient=bob.member).exists()


def test_watchers_of_a_category_are_told_of_new_topics(alice, bob, practices, write):
    WatchedCategory.objects.create(member=alice.member, category=practices)

    write(bob, practices, title="Un nouveau sujet à suivre")

    assert Notification.objects.get(recipient=alice.member).kind == "new_topic"


def test_a_member_who_stops_watching_is_not_told(client_for, alice, bob, practices, write, reply):
    topic = write(alice, practices)
    client_for(alice).post(reverse("forum:topic_watch", args=[topic.pk]), {"watch": "0"})

    reply(bob, topic)

    assert not Notification.objects.filter(recipient=alice.member).exists()


def test_the_notification_centre_counts_unread_and_marks_read(client_for, alice, bob, practices, write,
                                                                reply):
    topic = write(alice, practices)
    reply(bob, topic, "Première réponse.")
    reply(bob, topic, "Deuxième réponse.")
    client = client_for(alice)

    page = client.get(reverse("forum:notifications")).text
    assert 'class="count"' in page and ">2<" in page
    assert "Bob le Bâtisseur a répondu" in page

    notification = Notification.objects.filter(recipient=alice.member).first()
    response = client.get(reverse("forum:notification_open", args=[notification.pk]))
    assert response.url == reverse("forum:post", args=[notification.post_id])
    assert ">1<" in client.get(reverse("forum:index")).text

    client.post(reverse("forum:notifications_read_all"))
    assert 'class="count"' not in client.get(reverse("forum:index")).text


def test_nobody_opens_someone_else_s_notification(client_for, alice, bob, practices, write, reply):
    topic = write(alice, practices)
    reply(bob, topic)
    notification = Notification.objects.get(recipient=alice.member)

    assert client_for(bob).get(reverse("forum:notification_open", args=[notification.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_an_immediate_email_goes_through_the_worker_with_pseudonyms_only(worker, alice, bob, practices,
                                                                         write, reply):
    prefer(alice, EmailFrequency.IMMEDIATELY)
    topic = write(alice, practices, title="Les entretiens à distance")

    reply(bob, topic, "Le téléphone libère la parole, @[Lande Bretonne].")

    mail = wait_until(worker.sent_mail, timeout=40, message="no email sent by the worker")[0]
    assert "Bob le Bâtisseur vous a mentionné" in mail
    assert "Les entretiens à distance" in mail
    assert "/forum/desabonnement/" in mail
    for secret in (bob.first_name, bob.last_name, bob.email):
        assert secret not in mail.split("To:")[0] + mail.split("\n\n", 1)[1]


@pytest.mark.django_db(transaction=True)
def test_daily_digests_gather_notifications_and_are_sent_once(worker, alice, bob, practices, write, reply):
    prefer(alice, EmailFrequency.DAILY)
    topic = write(alice, practices, title="Vos trames de premier entretien")
    reply(bob, topic, "Ma trame.")
    reply(bob, topic, "Et une autre.")

    tasks.send_digests.delay(EmailFrequency.DAILY)
    mails = wait_until(worker.sent_mail, timeout=40, message="no digest sent")
    tasks.send_digests.delay(EmailFrequency.DAILY)  # a second run sends nothing more

    assert len(mails) == 1
    assert "2 nouvelles notifications" in mails[0]
    assert "Vos trames de premier entretien" in mails[0]
    wait_until(lambda: not notify.digest_member_ids(EmailFrequency.DAILY))
    assert len(worker.sent_mail()) == 1


def test_members_who_chose_never_get_no_email(alice, bob, practices, write, reply):
    from comcep.models import OutboxMessage

    prefer(alice, EmailFrequency.NEVER)
    topic = write(alice, practices)
    reply(bob, topic, "@[Lande Bretonne] ?")

    assert not OutboxMessage.objects.exists()
    assert notify.digest_member_ids(EmailFrequency.DAILY) == []


def test_the_unsubscribe_link_works_without_signing_in(visitor, alice):
    url = reverse("forum:unsubscribe", args=[notify.unsubscribe_token(alice.member)])

    assert "Me désabonner" in visitor.get(url).text
    visitor.post(url)

    assert alice.member.forum_profile.email_frequency == EmailFrequency.NEVER


def test_a_forged_unsubscribe_link_is_refused(visitor, alice):
    assert visitor.get(reverse("forum:unsubscribe", args=[f"{alice.member.pk}:forged"])).status_code == 404


def test_a_member_chooses_their_email_frequency(client_for, alice):
    client_for(alice).post(reverse("forum:preferences"), {"email_frequency": "weekly"})

    assert alice.member.forum_profile.email_frequency == EmailFrequency.WEEKLY
