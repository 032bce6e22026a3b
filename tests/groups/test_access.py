"""Who may not see a group's content, written from the refused side: a 404 on every page of the
group, its topics and posts, its files and search results, for a non-member, a former member,
one invited who has not accepted, one who asked to join, a moderator, operator managers and
staff; a visitor is sent to sign in."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from forum import search
from forum.models import Notification, Post
from groups import services
from groups.models import Visibility


def group_urls(group, topic, shared=None):
    post = topic.posts.get(number=1)
    urls = [
        reverse("groups:detail", args=[group.slug]),
        reverse("groups:members", args=[group.slug]),
        reverse("groups:files", args=[group.slug]),
        reverse("forum:category", args=[group.category.slug]),
        reverse("forum:topic_new", args=[group.category.slug]),
        reverse("forum:topic", args=[topic.pk]),
        reverse("forum:reply", args=[topic.pk]),
        reverse("forum:post", args=[post.pk]),
        reverse("forum:post_history", args=[post.pk]),
        reverse("forum:post_favourite", args=[post.pk]),
        reverse("forum:post_flag", args=[post.pk]),
    ]
    if shared is not None:
        urls.append(reverse("groups:file", args=[group.slug, shared.pk]))
    return urls


def post_urls(group, topic):
    post = topic.posts.get(number=1)
    return [
        reverse("groups:leave", args=[group.slug]),
        reverse("groups:manage", args=[group.slug, "retirer"]),
        reverse("forum:reply", args=[topic.pk]),
        reverse("forum:post_thank", args=[post.pk]),
        reverse("forum:topic_watch", args=[topic.pk]),
        reverse("forum:category_watch", args=[group.category.slug]),
        reverse("forum:post_edit", args=[post.pk]),
    ]


def _shared(group, user):
    return services.upload_file(actor=user.member, group=group,
                                uploaded=SimpleUploadedFile("notes.txt", b"Notes du groupe", "text/plain"),
                                title="Notes du groupe")


def assert_refused(client, group, topic, shared=None):
    posts_before = Post.objects.filter(topic=topic).count()
    for url in group_urls(group, topic, shared):
        assert client.get(url).status_code == 404, url
    for url in post_urls(group, topic):
        assert client.post(url, {"body": "Je m'invite.", "member": "x"}).status_code == 404, url
    assert Post.objects.filter(topic=topic).count() == posts_before


def test_a_member_outside_the_group_gets_a_404_on_all_of_it(client_for, alice, bob, make_group, group_topic):
    group = make_group(alice)
    topic = group_topic(alice, group)
    assert_refused(client_for(bob), group, topic, _shared(group, alice))


def test_a_member_who_leaves_loses_access_at_once(client_for, alice, bob, make_group, group_topic):
    group = make_group(alice, members=[bob])
    topic = group_topic(alice, group)
    shared = _shared(group, alice)
    client = client_for(bob)
    assert client.get(reverse("forum:topic", args=[topic.pk])).status_code == 200

    assert client.post(reverse("groups:leave", args=[group.slug])).status_code == 302

    assert_refused(client, group, topic, shared)


def test_a_removed_member_loses_access_and_the_notifications_of_the_group(client_for, alice, bob, make_group,
                                                                         group_topic):
    group = make_group(alice, members=[bob])
    topic = group_topic(bob, group)
    from forum import services as forum_services

    forum_services.create_post(actor=alice.member, topic=topic, body="Merci pour la trame.", rate_limit=False)
    assert Notification.objects.filter(recipient=bob.member, topic=topic).exists()

    client_for(alice).post(reverse("groups:manage", args=[group.slug, "retirer"]),
                           {"member": bob.member.public_id})

    assert not Notification.objects.filter(recipient=bob.member, topic=topic).exists()
    assert_refused(client_for(bob), group, topic)


@pytest.mark.parametrize("state", ["invited", "requested"])
def test_invited_or_requesting_is_not_belonging(client_for, alice, bob, make_group, group_topic, state):
    group = make_group(alice, Visibility.ON_REQUEST)
    topic = group_topic(alice, group)
    if state == "invited":
        services.invite(actor=alice.member, group=group, pseudonym=bob.member.pseudonym)
    else:
        services.join(actor=bob.member, group=group)

    assert_refused(client_for(bob), group, topic, _shared(group, alice))


def test_a_moderator_outside_the_group_gets_a_404(client_for, alice, mod, make_group, group_topic):
    group = make_group(alice)
    topic = group_topic(alice, group)
    assert_refused(client_for(mod), group, topic)


@pytest.mark.parametrize("staff", ["oscar", "olga", "paula", "rita"])
def test_operator_managers_and_staff_get_a_404_everywhere(request, client_for, alice, make_group, group_topic,
                                                          staff):
    group = make_group(alice)
    topic = group_topic(alice, group)
    shared = _shared(group, alice)
    client = client_for(request.getfixturevalue(staff))

    for url in [reverse("groups:directory"), reverse("groups:mine"), reverse("groups:new"),
                reverse("groups:detail", args=[group.slug]), reverse("groups:files", args=[group.slug]),
                reverse("groups:file", args=[group.slug, shared.pk])]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("groups:join", args=[group.slug])).status_code == 404
    for url in group_urls(group, topic, shared):
        assert client.get(url).status_code in (403, 404), url  # the forum refuses them as a whole


def test_a_visitor_is_sent_to_sign_in(visitor, alice, make_group):
    group = make_group(alice)
    response = visitor.get(reverse("groups:detail", args=[group.slug]))
    assert response.status_code == 302 and "/compte/" in response.url


def test_a_group_by_invitation_is_a_404_to_those_it_did_not_invite(client_for, alice, bob, make_group):
    group = make_group(alice, Visibility.INVITATION)
    client = client_for(bob)

    assert client.post(reverse("groups:join", args=[group.slug])).status_code == 404
    assert client.post(reverse("groups:answer_invitation", args=[group.slug]),
                       {"answer": "accept"}).status_code == 404
    assert group.name not in client.get(reverse("groups:directory")).text
    assert not services.is_active_member(bob.member, group)


def test_the_public_forum_never_shows_the_group_discussion(client_for, alice, bob, mod, make_group,
                                                           group_topic):
    group = make_group(alice, members=[bob])
    topic = group_topic(alice, group, title="Trame confidentielle", body="Un compte rendu confidentiel.")

    for user in (alice, bob, mod):  # its members included: the public pages are shared by all
        client = client_for(user)
        for url in [reverse("forum:index"), reverse("forum:search") + "?q=confidentiel",
                    reverse("forum:member", args=[alice.member.public_id])]:
            page = client.get(url).text.replace("q=confidentiel", "").replace('value="confidentiel"', "")
            assert "confidentiel" not in page, (user, url)
    assert search.search_posts(search.Filters(q="confidentiel", reader=bob.member.pk)) == []
    assert topic.title not in client_for(mod).get(reverse("forum:index")).text


def test_a_group_search_finds_its_posts_for_members_only(client_for, alice, bob, expert, make_group,
                                                         group_topic):
    group = make_group(alice, members=[bob])
    group_topic(alice, group, title="Trame confidentielle", body="Un compte rendu confidentiel.")
    url = reverse("forum:search") + f"?q=confidentiel&category={group.category.pk}"

    assert "Trame confidentielle" in client_for(bob).get(url).text
    # For anyone else the group's category is no choice: the form refuses it, nothing is found.
    assert "Trame confidentielle" not in client_for(expert).get(url).text
    services.leave(actor=bob.member, group=group)
    assert "Trame confidentielle" not in client_for(bob).get(url).text


def test_a_mention_of_a_non_member_tells_them_nothing(alice, bob, make_group, group_topic):
    group = make_group(alice)
    group_topic(alice, group, body=f"Il faudrait demander à @{bob.member.pseudonym} ce qu'il en pense.")
    assert not Notification.objects.filter(recipient=bob.member).exists()
