"""A post of a group's discussion flagged by a member of the group: the platform's moderators,
who are not in the group, act on that post and read it with the post before and after it, nothing
else of the group (written from the refused side: the rest of the group stays a 404)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from forum import services as forum_services
from forum.models import Flag, FlagStatus, Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagged(alice, bob, make_group, group_topic):
    """A group of alice and bob, a thread of four posts; alice flags bob's third post."""
    group = make_group(alice, members=[bob])
    topic = group_topic(alice, group, title="Trame confidentielle", body="Premier message du groupe.")
    second = forum_services.create_post(actor=bob.member, topic=topic, body="Deuxième, avant le signalé.",
                                        rate_limit=False)
    third = forum_services.create_post(actor=bob.member, topic=topic, body="Troisième, le message signalé.",
                                       rate_limit=False)
    fourth = forum_services.create_post(actor=alice.member, topic=topic, body="Quatrième, juste après.",
                                        rate_limit=False)
    fifth = forum_services.create_post(actor=alice.member, topic=topic, body="Cinquième, bien plus loin.",
                                       rate_limit=False)
    other = group_topic(alice, group, title="Autre sujet du groupe", body="Un sujet que nul n'a signalé.")
    forum_services.flag_post(actor=alice.member, post=third, reason="rude", text="Propos blessants.")
    posts = [topic.posts.get(number=1), second, third, fourth, fifth]
    return {"group": group, "topic": topic, "posts": posts, "other": other}


def _context_url(post):
    return reverse("forum:flag_context", args=[post.pk])


def test_a_moderator_reads_the_flagged_post_and_its_neighbours_only(client_for, mod, flagged):
    first, second, third, fourth, fifth = flagged["posts"]
    client = client_for(mod)

    queue = client.get(reverse("forum:moderation")).text
    assert "Troisième, le message signalé." in queue
    assert _context_url(third) in queue

    page = client.get(_context_url(third))
    assert page.status_code == 200
    assert "Deuxième, avant le signalé." in page.text
    assert "Troisième, le message signalé." in page.text
    assert "Quatrième, juste après." in page.text
    assert "Premier message du groupe." not in page.text
    assert "Cinquième, bien plus loin." not in page.text
    assert "Autre sujet du groupe" not in page.text


def test_the_rest_of_the_group_stays_closed_to_the_moderator(client_for, mod, flagged):
    first, second, third, fourth, fifth = flagged["posts"]
    group, topic, other = flagged["group"], flagged["topic"], flagged["other"]
    client = client_for(mod)

    for url in (reverse("groups:detail", args=[group.slug]),
                reverse("forum:category", args=[group.category.slug]),
                reverse("forum:topic", args=[topic.pk]), reverse("forum:topic", args=[other.pk]),
                reverse("forum:post", args=[fifth.pk]),
                # An unflagged post is no more readable through the moderators' own pages.
                _context_url(fifth), _context_url(second), reverse("forum:post_redact", args=[fifth.pk])):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Cinquième, bien plus loin." not in response.text


def test_a_moderator_may_not_act_on_an_unflagged_post_of_the_group(client_for, mod, flagged):
    fifth = flagged["posts"][4]
    client = client_for(mod)

    hide = client.post(reverse("forum:post_hide", args=[fifth.pk]), {"reason": "Au hasard"})
    assert hide.status_code == 404
    assert client.post(reverse("forum:post_redact", args=[fifth.pk]),
                       {"reason": "x", "chosen": "loin"}).status_code == 404
    assert client.post(reverse("forum:flags_dismiss", args=[fifth.pk])).status_code == 404
    fifth.refresh_from_db()
    assert not fifth.is_hidden


def test_a_moderator_hides_the_flagged_post_then_it_leaves_their_reach(client_for, mod, bob, flagged):
    third = flagged["posts"][2]
    client = client_for(mod)

    response = client.post(reverse("forum:post_hide", args=[third.pk]), {"reason": "Propos blessants."})
    assert response.status_code == 302
    third.refresh_from_db()
    assert third.is_hidden
    assert Flag.objects.get(post=third).status == FlagStatus.UPHELD
    # The flag is handled: the context is no longer the moderator's to read.
    assert client.get(_context_url(third)).status_code == 404
    assert "Troisième, le message signalé." not in client.get(reverse("forum:moderation")).text
    # Its author, in the group, sees it hidden with the reason.
    authors_view = client_for(bob).get(reverse("forum:post", args=[third.pk]), follow=True)
    assert "Propos blessants." in authors_view.text


def test_dismissing_the_flags_closes_the_context(client_for, mod, flagged):
    third = flagged["posts"][2]
    client = client_for(mod)

    assert client.post(reverse("forum:flags_dismiss", args=[third.pk])).status_code == 302
    assert Flag.objects.get(post=third).status == FlagStatus.DISMISSED
    assert client.get(_context_url(third)).status_code == 404
    assert not Post.objects.get(pk=third.pk).is_hidden


def test_a_member_who_is_not_a_moderator_gets_no_context(client_for, bob, flagged):
    """Even in the group: the context page is the moderators' (403 for a member who reads the post
    elsewhere, 404 for anyone else)."""
    third = flagged["posts"][2]
    from tests import factories

    assert client_for(bob).get(_context_url(third)).status_code == 403
    assert client_for(factories.make_member()).get(_context_url(third)).status_code in (403, 404)


def test_the_authors_review_request_is_read_in_context_by_another_moderator(client_for, mod, bob, flagged):
    from comcep.roles import Role
    from tests import factories

    third = flagged["posts"][2]
    client_for(mod).post(reverse("forum:post_hide", args=[third.pk]), {"reason": "Propos blessants."})
    third.refresh_from_db()
    forum_services.request_review(author=bob.member, post=third, kind="contested", revised_body="",
                                  reason="Je rapportais une citation.")
    colleague = client_for(factories.make_member(pseudonym="Autre Phare", role=Role.MODERATOR))

    queue = colleague.get(reverse("forum:moderation")).text
    assert _context_url(third) in queue
    page = colleague.get(_context_url(third))
    assert page.status_code == 200 and "Troisième, le message signalé." in page.text
    assert "Cinquième, bien plus loin." not in page.text
