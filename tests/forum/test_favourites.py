"""Members save topics and posts to their private space's favourites."""

import re

from django.urls import reverse

from privatespace.models import Favourite


def token_in(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def test_a_member_saves_a_topic_to_favourites_from_its_page(client_for, alice, bob, practices, write):
    topic = write(bob, practices, title="Financer une VAE")
    client = client_for(alice)

    page = client.get(f"{topic.get_absolute_url()}?page=1").content.decode()
    client.post(reverse("privatespace:add_favourite"), {"token": token_in(page)})

    favourite = Favourite.objects.get(owner=alice)
    assert favourite.title == "Financer une VAE"
    assert favourite.url == topic.get_absolute_url()
    assert "Financer une VAE" in client.get(reverse("privatespace:favourites")).content.decode()


def test_a_member_saves_a_post_to_favourites(client_for, alice, bob, practices, write, reply):
    topic = write(bob, practices, title="Posture de neutralité")
    post = reply(bob, topic, body="La **neutralité** se travaille.")
    client = client_for(alice)

    page = client.get(reverse("forum:post_favourite", args=[post.pk])).content.decode()
    assert "<strong>neutralité</strong>" in page
    client.post(reverse("privatespace:add_favourite"), {"token": token_in(page)})

    favourite = Favourite.objects.get(owner=alice)
    assert favourite.title == "Posture de neutralité — message n°2"
    assert favourite.url == post.get_absolute_url()


def test_a_hidden_post_cannot_be_reached_to_be_saved(client_for, alice, bob, mod, practices, write,
                                                     reply):
    from forum import services

    topic = write(bob, practices)
    post = reply(bob, topic)
    services.hide_post(actor=mod.member, post=post, reason="Hors charte")

    response = client_for(alice).get(reverse("forum:post_favourite", args=[post.pk]))

    assert response.status_code == 404


def test_an_operator_manager_cannot_reach_a_posts_favourite_page(client_for, oscar, bob, practices,
                                                                 write):
    topic = write(bob, practices)

    response = client_for(oscar).get(reverse("forum:post_favourite", args=[topic.posts.first().pk]))

    assert response.status_code == 403
