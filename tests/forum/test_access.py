"""Only the community reaches the forum: operator managers get a 403 on every page."""

import pytest
from django.urls import URLPattern, reverse

from forum import notify
from forum.urls import urlpatterns

SAMPLE_KWARGS = {"pk": 1, "slug": "echanges", "tag": "vae", "ext": "jpg", "token": "x", "public_id": ""}


def every_forum_url(topic, post):
    urls = []
    for pattern in urlpatterns:
        assert isinstance(pattern, URLPattern)
        names = pattern.pattern.regex.groupindex
        kwargs = {name: SAMPLE_KWARGS[name] for name in names}
        if "pk" in kwargs:
            kwargs["pk"] = post.pk if "message" in str(pattern.pattern) else topic.pk
        if "public_id" in kwargs:
            kwargs["public_id"] = post.author.public_id
        if "token" in kwargs:
            kwargs["token"] = notify.unsubscribe_token(post.author)
        urls.append(reverse(f"forum:{pattern.name}", kwargs=kwargs))
    return urls


@pytest.mark.parametrize("manager", ["oscar", "olga"])
def test_operator_managers_get_403_on_every_forum_page(request, manager, client_for, alice,
                                                       practices, write):
    topic = write(alice, practices, body="Un échange entre pairs, loin de la hiérarchie.")
    post = topic.posts.get()
    client = client_for(request.getfixturevalue(manager))

    for url in every_forum_url(topic, post):
        assert client.get(url).status_code == 403, url
        assert client.post(url).status_code in (403, 405), url


def test_a_visitor_is_sent_to_sign_in(visitor, reference_data):
    response = visitor.get(reverse("forum:index"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_regional_staff_who_are_not_members_are_refused(client_for, rita):
    assert client_for(rita).get(reverse("forum:index")).status_code == 403


def test_a_member_sees_the_forum_in_the_community_navigation(client_for, alice):
    response = client_for(alice).get(reverse("community"))

    assert reverse("forum:index") in response.text


def test_only_moderators_reach_the_moderation_pages(client_for, alice, mod):
    assert client_for(alice).get(reverse("forum:moderation")).status_code == 403
    assert client_for(alice).get(reverse("forum:moderation_log")).status_code == 403
    assert client_for(mod).get(reverse("forum:moderation")).status_code == 200
