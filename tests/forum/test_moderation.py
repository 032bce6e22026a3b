"""Flags, the moderation queue, hiding with a reason shown to the author, and the log."""

from django.urls import reverse

from forum.models import Flag, FlagStatus, ModerationAction, Post, TopicKind


def test_a_member_flags_a_post_once(client_for, alice, bob, practices, write):
    post = write(alice, practices).posts.get()
    client = client_for(bob)

    client.post(reverse("forum:post_flag", args=[post.pk]), {"reason": "rude", "text": "Agressif."})
    client.post(reverse("forum:post_flag", args=[post.pk]), {"reason": "identity"})

    flag = Flag.objects.get()
    assert (flag.member, flag.reason, flag.status) == (bob.member, "identity", FlagStatus.OPEN)


def test_nobody_flags_their_own_post(client_for, alice, practices, write):
    post = write(alice, practices).posts.get()

    assert client_for(alice).post(reverse("forum:post_flag", args=[post.pk]),
                                  {"reason": "spam"}).status_code == 403


def test_a_moderator_hides_a_flagged_post_and_its_author_sees_the_reason(client_for, alice, bob, mod,
                                                                          practices, write, reply):
    topic = write(alice, practices)
    post = reply(bob, topic, "Le directeur de l'agence de Rennes est nul.")
    client_for(alice).post(reverse("forum:post_flag", args=[post.pk]), {"reason": "rude"})
    moderator = client_for(mod)

    queue = moderator.get(reverse("forum:moderation")).text
    assert "directeur de l&#x27;agence" in queue or "directeur de l'agence" in queue

    moderator.post(reverse("forum:post_hide", args=[post.pk]), {"reason": "Propos visant une personne."})

    post.refresh_from_db()
    assert post.is_hidden and post.hidden_reason == "Propos visant une personne."
    assert Flag.objects.get().status == FlagStatus.UPHELD
    assert ModerationAction.objects.get().action == "hide"
    url = reverse("forum:topic", args=[topic.pk]) + "?page=1"
    author_view = client_for(bob).get(url).text
    assert "Propos visant une personne." in author_view and "est nul" in author_view
    reader_view = client_for(alice).get(url).text
    assert "Message masqué" in reader_view and "est nul" not in reader_view
    assert "Propos visant une personne." not in reader_view
    assert bob.member.forum_notifications.filter(kind="moderation").exists()
    assert "Aucun signalement" in moderator.get(reverse("forum:moderation")).text


def test_a_moderator_restores_a_post_and_the_log_keeps_both(client_for, alice, mod, practices, write):
    post = write(alice, practices).posts.get()
    moderator = client_for(mod)
    moderator.post(reverse("forum:post_hide", args=[post.pk]), {"reason": "Vérification."})

    moderator.post(reverse("forum:post_restore", args=[post.pk]))

    assert not Post.objects.get(pk=post.pk).is_hidden
    log = moderator.get(reverse("forum:moderation_log")).text
    assert "message masqué" in log and "message rétabli" in log


def test_a_moderator_dismisses_flags(client_for, alice, bob, mod, practices, write):
    post = write(alice, practices).posts.get()
    client_for(bob).post(reverse("forum:post_flag", args=[post.pk]), {"reason": "off_topic"})

    client_for(mod).post(reverse("forum:flags_dismiss", args=[post.pk]))

    assert Flag.objects.get().status == FlagStatus.DISMISSED
    assert not Post.objects.get(pk=post.pk).is_hidden


def test_members_cannot_hide_restore_or_dismiss(client_for, alice, bob, practices, write):
    post = write(alice, practices).posts.get()
    client = client_for(bob)

    for name in ("forum:post_hide", "forum:post_restore", "forum:flags_dismiss"):
        assert client.post(reverse(name, args=[post.pk]), {"reason": "x"}).status_code == 403
    assert not Post.objects.get(pk=post.pk).is_hidden


def test_a_moderator_merges_two_topics(client_for, alice, bob, mod, practices, write, reply):
    from forum.models import Topic

    target = write(alice, practices, title="Le CPF en pratique")
    reply(bob, target, "Première réponse.")
    source = write(bob, practices, title="Le CPF, encore")
    reply(alice, source, "Doublon.")

    response = client_for(mod).post(reverse("forum:topic_merge", args=[source.pk]), {"target": target.pk})

    assert response.status_code == 302
    assert not Topic.objects.filter(pk=source.pk).exists()
    target.refresh_from_db()
    practices.refresh_from_db()
    assert target.post_count == 4
    assert list(target.posts.order_by("number").values_list("number", flat=True)) == [1, 2, 3, 4]
    assert target.posts.get(number=3).headline == ""
    assert (practices.topic_count, practices.post_count) == (1, 4)
    assert ModerationAction.objects.get().action == "merge"
    assert client_for(alice).get(reverse("forum:topic_merge", args=[target.pk])).status_code == 403


def test_the_flag_page_shows_the_post_as_readers_see_it_not_its_markdown(client_for, alice, bob,
                                                                         practices, write, reply):
    post = reply(bob, write(alice, practices), "Un **point** important.")

    page = client_for(alice).get(reverse("forum:post_flag", args=[post.pk])).text

    assert "<strong>point</strong>" in page
    assert "**point**" not in page


def test_a_hidden_accepted_answer_no_longer_solves_its_topic(client_for, alice, bob, mod,
                                                            practices, write, reply):
    topic = write(alice, practices, kind=TopicKind.QUESTION)
    answer = reply(bob, topic, "Voici la réponse.")
    client_for(alice).post(reverse("forum:post_accept", args=[answer.pk]))
    topic.refresh_from_db()
    assert topic.accepted_post == answer

    client_for(mod).post(reverse("forum:post_hide", args=[answer.pk]), {"reason": "Hors sujet."})

    topic.refresh_from_db()
    assert topic.accepted_post is None
    page = client_for(bob).get(reverse("forum:topic", args=[topic.pk]) + "?page=1").text
    assert "résolue" not in page
