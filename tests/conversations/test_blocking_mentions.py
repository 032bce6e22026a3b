"""A member who blocked another hears nothing of them in the forum either: their @mentions
are published as written, and no notification or email reaches the member who blocked them."""

import pytest
from django.urls import reverse

from conversations import services as conversations
from forum import services as forum
from forum.models import Category, Notification


@pytest.fixture
def practices(reference_data):
    return Category.objects.create(slug="echanges", name="Échanges de pratiques", position=0)


def mention(user):
    return f"@[{user.member.pseudonym}]"


def test_a_blocked_member_s_mention_does_not_reach_the_member_who_blocked_them(alice, bob, practices):
    conversations.block(actor=alice.member, member=bob.member)

    topic = forum.create_topic(actor=bob.member, category=practices, title="Une question",
                               body=f"Qu'en pensez-vous, {mention(alice)} ?", rate_limit=False)
    forum.create_post(actor=bob.member, topic=topic, body=f"{mention(alice)}, encore vous.", rate_limit=False)

    assert not Notification.objects.filter(recipient=alice.member).exists()


def test_the_blocked_member_sees_their_mention_published_as_any_other(client_for, alice, bob, practices):
    """Bob is not told: his post shows the mention as a link to Alice's profile, as usual."""
    conversations.block(actor=alice.member, member=bob.member)
    topic = forum.create_topic(actor=bob.member, category=practices, title="Une question",
                               body=f"Bonjour {mention(alice)}.", rate_limit=False)

    page = client_for(bob).get(reverse("forum:topic", args=[topic.pk])).text

    assert reverse("forum:member", args=[alice.member.public_id]) in page


def test_an_edit_that_adds_the_mention_does_not_reach_them_either(alice, bob, practices):
    conversations.block(actor=alice.member, member=bob.member)
    topic = forum.create_topic(actor=bob.member, category=practices, title="Une question",
                               body="Bonjour.", rate_limit=False)

    forum.edit_post(post=topic.posts.get(number=1), body=f"Bonjour {mention(alice)}.")

    assert not Notification.objects.filter(recipient=alice.member).exists()


def test_others_mentioned_in_the_same_post_are_still_told(alice, bob, mod, practices):
    conversations.block(actor=alice.member, member=bob.member)

    forum.create_topic(actor=bob.member, category=practices, title="Une question",
                       body=f"{mention(alice)} et {mention(mod)}, un avis ?", rate_limit=False)

    assert list(Notification.objects.values_list("recipient_id", "kind")) == [(mod.member.pk, "mention")]


def test_after_unblocking_mentions_reach_them_again(alice, bob, practices):
    conversations.block(actor=alice.member, member=bob.member)
    conversations.unblock(actor=alice.member, member=bob.member)

    forum.create_topic(actor=bob.member, category=practices, title="Une question",
                       body=f"Bonjour {mention(alice)}.", rate_limit=False)

    assert Notification.objects.get(recipient=alice.member).kind == "mention"


def test_blocking_someone_does_not_silence_them_for_you_in_the_other_direction(alice, bob, practices):
    """Alice blocked Bob; Alice's mention of Bob still reaches Bob."""
    conversations.block(actor=alice.member, member=bob.member)

    forum.create_topic(actor=alice.member, category=practices, title="Une question",
                       body=f"Bonjour {mention(bob)}.", rate_limit=False)

    assert Notification.objects.get(recipient=bob.member).kind == "mention"
