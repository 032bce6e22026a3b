"""Topics, replies, quotes, mentions, reactions, accepted answers, pins and locks."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from forum import services
from forum.models import Category, Post, Reaction, Topic, TopicKind


def test_a_member_starts_a_topic_with_tags(client_for, alice, practices):
    response = client_for(alice).post(reverse("forum:topic_new", args=[practices.slug]), {
        "title": "Bilan de compétences et CEP", "kind": "question", "tags": "Bilan, VAE, bilan",
        "body": "Comment **articulez**-vous les deux ?",
    })

    topic = Topic.objects.get()
    assert response.status_code == 302
    assert topic.author == alice.member and topic.kind == TopicKind.QUESTION
    assert sorted(topic.tags.names()) == ["bilan", "vae"]
    assert topic.post_count == 1
    assert "<strong>articulez</strong>" in topic.posts.get().body_html
    practices.refresh_from_db()
    assert (practices.topic_count, practices.post_count) == (1, 1)


def test_a_member_cannot_start_a_topic_in_expert_sessions(client_for, alice, expert, mod,
                                                           expert_sessions):
    url = reverse("forum:topic_new", args=[expert_sessions.slug])
    data = {"title": "Une session VAE", "kind": "discussion", "body": "Posez vos questions."}

    assert client_for(alice).get(url).status_code == 403
    assert client_for(alice).post(url, data).status_code == 403
    assert client_for(expert).post(url, data).status_code == 302
    assert client_for(mod).get(url).status_code == 200


def test_a_member_may_still_reply_in_an_expert_session(client_for, alice, expert, expert_sessions, write):
    topic = write(expert, expert_sessions, title="Session : la VAE réformée")

    response = client_for(alice).post(reverse("forum:reply", args=[topic.pk]), {"body": "Ma question."})

    assert response.status_code == 302
    assert topic.posts.count() == 2


def test_the_topic_list_is_sorted_by_last_activity_with_unread_markers(client_for, alice, bob,
                                                                      practices, write, reply):
    older = write(alice, practices, title="Le plus ancien des sujets")
    newer = write(bob, practices, title="Un sujet plus récent")
    reply(bob, older, "Une réponse fait remonter le sujet.")

    page = client_for(alice).get(reverse("forum:category", args=[practices.slug])).text

    assert page.index("Le plus ancien des sujets") < page.index("Un sujet plus récent")
    assert "1 non lu" in page  # alice read her own topic, not bob's reply
    assert "nouveau" in page  # bob's topic, never opened by alice
    assert newer.title in page


def test_the_topic_page_opens_at_the_first_unread_post(client_for, alice, bob, practices, write, reply):
    topic = write(alice, practices)
    for n in range(60):
        reply(bob, topic, f"Réponse numéro {n}")
    client = client_for(alice)
    services.mark_read(alice.member, topic, 55)

    response = client.get(reverse("forum:topic", args=[topic.pk]))

    # The right page at once, no redirect: the page's script brings post 56 into view.
    assert response.status_code == 200
    page = response.text
    assert 'id="p56"' in page and 'id="p50"' not in page
    assert 'data-start-at="p56"' in page
    # Asked for by number, a page is that page, with no place to jump to.
    first_page = client.get(reverse("forum:topic", args=[topic.pk]) + "?page=1").text
    assert 'id="p1"' in first_page and "data-start-at" not in first_page


def test_reading_a_page_marks_it_read(client_for, alice, bob, practices, write, reply):
    topic = write(bob, practices)
    reply(bob, topic)
    client = client_for(alice)

    client.get(reverse("forum:topic", args=[topic.pk]) + "?page=1")

    page = client.get(reverse("forum:index")).text
    assert "non lu" not in page and "nouveau" not in page


def test_reply_with_a_quote_and_a_mention(client_for, alice, bob, mod, practices, write):
    topic = write(alice, practices, body="Qui utilise les fiches ROME 4.0 ?")
    first = topic.posts.get()
    client = client_for(bob)

    form = client.get(reverse("forum:reply", args=[topic.pk]) + f"?citer={first.pk}").text
    assert "Lande Bretonne" in form and f"/forum/message/{first.pk}/" in form

    body = f"> **Lande Bretonne** a écrit ([message n°1](/forum/message/{first.pk}/)) :\n> Qui ?\n\n" \
           "Moi ! Et @[Phare du Forum] aussi je crois."
    client.post(reverse("forum:reply", args=[topic.pk]), {"body": body, "reply_to": first.pk})

    post = Post.objects.get(number=2)
    assert post.reply_to == first
    assert "<blockquote>" in post.body_html
    assert f'href="/forum/membres/{mod.member.public_id}/"' in post.body_html
    kinds = {(n.recipient_id, n.kind) for n in mod.member.forum_notifications.all()}
    assert kinds == {(mod.member.pk, "mention")}
    assert alice.member.forum_notifications.get().kind == "quote"


def test_thanks_are_counted_once_per_member(client_for, alice, bob, practices, write):
    topic = write(alice, practices)
    post = topic.posts.get()
    client = client_for(bob)

    client.post(reverse("forum:post_thank", args=[post.pk]))
    client.post(reverse("forum:post_thank", args=[post.pk]))

    post.refresh_from_db()
    assert post.thanks_count == 1
    assert client_for(alice).post(reverse("forum:post_thank", args=[post.pk])).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_thanks_sent_at_the_same_moment_are_counted_without_a_race(alice, bob, practices, write):
    topic = write(alice, practices)
    post = topic.posts.get()
    barrier = threading.Barrier(6)

    def thank():
        barrier.wait()
        try:
            services.thank_post(actor=bob.member, post=post)
        finally:
            connection.close()

    threads = [threading.Thread(target=thank) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    post.refresh_from_db()
    assert post.thanks_count == 1 == Reaction.objects.count()


def test_the_asker_accepts_an_answer(client_for, alice, bob, practices, write, reply):
    topic = write(alice, practices, kind=TopicKind.QUESTION)
    answer = reply(bob, topic, "Voici la réponse.")

    client_for(alice).post(reverse("forum:post_accept", args=[answer.pk]))

    topic.refresh_from_db()
    assert topic.accepted_post == answer
    assert bob.member.forum_notifications.filter(kind="accepted").exists()
    assert "réponse acceptée" in client_for(bob).get(reverse("forum:topic", args=[topic.pk]) + "?page=1").text


def test_nobody_but_the_asker_accepts_an_answer(client_for, alice, bob, mod, practices, write, reply):
    question = write(alice, practices, kind=TopicKind.QUESTION)
    discussion = write(alice, practices)
    answer = reply(bob, question)
    discussion_reply = reply(bob, discussion)

    assert client_for(bob).post(reverse("forum:post_accept", args=[answer.pk])).status_code == 403
    assert client_for(mod).post(reverse("forum:post_accept", args=[answer.pk])).status_code == 403
    assert client_for(alice).post(reverse("forum:post_accept",
                                          args=[discussion_reply.pk])).status_code == 403


def test_a_locked_topic_refuses_replies_except_from_moderators(client_for, alice, bob, mod, practices, write):
    topic = write(alice, practices)
    client_for(mod).post(reverse("forum:topic_moderate", args=[topic.pk]), {"action": "lock"})

    url = reverse("forum:reply", args=[topic.pk])
    assert client_for(bob).post(url, {"body": "Et moi ?"}).status_code == 403
    assert client_for(mod).post(url, {"body": "Clos."}).status_code == 302


def test_a_pinned_topic_stays_on_top(client_for, alice, bob, mod, practices, write):
    pinned = write(alice, practices, title="Charte du forum à lire")
    write(bob, practices, title="Une discussion plus récente")

    client_for(mod).post(reverse("forum:topic_moderate", args=[pinned.pk]), {"action": "pin"})

    page = client_for(bob).get(reverse("forum:category", args=[practices.slug])).text
    assert page.index("Charte du forum à lire") < page.index("Une discussion plus récente")


def test_members_cannot_lock_pin_or_move(client_for, alice, practices, write):
    topic = write(alice, practices)
    client = client_for(alice)

    assert client.post(reverse("forum:topic_moderate", args=[topic.pk]), {"action": "pin"}).status_code == 403
    assert client.get(reverse("forum:topic_move", args=[topic.pk])).status_code == 403


def test_expert_and_moderator_badges_show_next_to_the_pseudonym(client_for, alice, expert, mod,
                                                                 practices, write, reply):
    topic = write(alice, practices)
    reply(expert, topic, "Mon avis d'expert.")
    reply(mod, topic, "Merci à vous.")

    page = client_for(alice).get(reverse("forum:topic", args=[topic.pk]) + "?page=1").text

    assert "badge-expert" in page and "badge-moderator" in page


def test_a_profile_shows_the_same_badges_as_the_posts(client_for, alice, expert, mod):
    client = client_for(alice)

    def profile(user):
        return client.get(reverse("forum:member", args=[user.member.public_id])).text

    assert "badge-expert" in profile(expert) and "badge-moderator" not in profile(expert)
    assert "badge-moderator" in profile(mod) and "badge-expert" not in profile(mod)
    assert "badge-" not in profile(alice)


def test_a_profile_shows_the_pseudonym_and_never_a_real_identity(client_for, alice, bob, practices, write):
    write(alice, practices, title="Mon premier sujet")

    page = client_for(bob).get(reverse("forum:member", args=[alice.member.public_id])).text

    assert "Lande Bretonne" in page and "Mon premier sujet" in page
    for secret in ("Alice", "Martin", "alice.martin@apec.fr", "Apec", "Bretagne"):
        assert secret not in page


def test_a_profile_shows_network_and_region_when_the_member_opts_in(client_for, alice, bob):
    alice.member.show_network = True
    alice.member.save()

    page = client_for(bob).get(reverse("forum:member", args=[alice.member.public_id])).text

    assert "Apec" in page and "Bretagne" in page
    assert "Martin" not in page


def test_mention_autocomplete_offers_pseudonyms_only(client_for, alice, bob):
    data = client_for(bob).get(reverse("forum:member_autocomplete") + "?q=lan").json()

    assert data == {"results": ["Lande Bretonne"]}


def test_a_new_member_is_rate_limited(client_for, alice, practices, write, settings):
    topic = write(alice, practices)
    for _ in range(services.NEW_MEMBER_POSTS - 1):
        services.create_post(actor=alice.member, topic=topic, body="Encore moi.")

    response = client_for(alice).post(reverse("forum:reply", args=[topic.pk]), {"body": "Une de trop."})

    assert response.status_code == 200
    assert "réessayez un peu plus tard" in response.text
    assert topic.posts.count() == services.NEW_MEMBER_POSTS


def test_a_moderator_moves_a_topic_with_its_counts(client_for, alice, mod, practices, write, reply):
    other = Category.objects.create(slug="autre", name="Autre")
    topic = write(alice, practices)
    reply(alice, topic)

    client_for(mod).post(reverse("forum:topic_move", args=[topic.pk]), {"category": other.pk})

    practices.refresh_from_db()
    other.refresh_from_db()
    assert (practices.topic_count, practices.post_count) == (0, 0)
    assert (other.topic_count, other.post_count) == (1, 2)


def test_thanking_through_htmx_swaps_the_button_only(client_for, alice, bob, practices, write):
    post = write(alice, practices).posts.get()

    response = client_for(bob).post(reverse("forum:post_thank", args=[post.pk]), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert response.text.startswith(f'<div class="thanks" id="thanks-{post.pk}">')
    assert 'aria-pressed="true"' in response.text and "Merci · 1" in response.text


def test_the_index_counts_a_new_topic_and_reply_at_once(client_for, alice, bob, practices, write):
    as_bob = client_for(bob)
    topic = write(alice, practices)
    before = as_bob.get(reverse("forum:index")).content.decode()
    assert "1 sujet · 1 message" in before
    services.create_post(actor=bob.member, topic=topic, body="Une réponse.", rate_limit=False)
    write(alice, practices, title="Un second sujet")
    after = as_bob.get(reverse("forum:index")).content.decode()
    assert "2 sujets · 3 messages" in after
