"""An author whose post was hidden asks, once per hiding, for it to be read again: rewritten, or
with the reason they contest the hiding. Another moderator decides, and the author is told."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comcep.roles import Role
from forum import services
from forum.models import ModerationAction, ModerationReview, Notification, NotificationKind, Post
from tests import factories


@pytest.fixture
def colleague(reference_data):
    """A second moderator: the one who did not hide the post."""
    return factories.make_member(pseudonym="Vigie Bienveillante", role=Role.MODERATOR)


@pytest.fixture
def hidden(alice, bob, mod, practices, write, reply):
    topic = write(alice, practices)
    post = reply(bob, topic, "Le directeur de l'agence est nul, voilà.")
    services.hide_post(actor=mod.member, post=post, reason="Propos blessants.")
    post.refresh_from_db()
    return post


def request_url(post):
    return reverse("forum:post_review_request", args=[post.pk])


def test_the_author_of_a_hidden_post_sees_how_to_ask_for_a_review(client_for, bob, hidden):
    page = client_for(bob).get(reverse("forum:topic", args=[hidden.topic_id]) + "?page=1").text
    assert request_url(hidden) in page

    form = client_for(bob).get(request_url(hidden))
    assert form.status_code == 200
    assert "Propos blessants." in form.text and "Le directeur de l&#x27;agence est nul" in form.text


def test_nobody_else_may_ask_for_the_review_of_a_hidden_post(client_for, alice, mod, hidden, olga):
    assert client_for(alice).get(request_url(hidden)).status_code == 404
    refused = client_for(alice).post(request_url(hidden), {"kind": "contested", "reason": "Non."})
    assert refused.status_code == 404
    assert not ModerationReview.objects.exists()
    # An operator manager is no member of the community.
    assert client_for(olga).get(request_url(hidden)).status_code in (403, 404)


def test_a_visible_post_cannot_be_sent_for_review(client_for, alice, practices, write):
    post = write(alice, practices).posts.get()
    assert client_for(alice).get(request_url(post)).status_code == 404


def test_a_rewritten_post_is_restored_by_another_moderator_and_its_author_is_told(
        client_for, bob, mod, colleague, hidden):
    client = client_for(bob)
    sent = client.post(request_url(hidden), {
        "kind": "revised", "revised_body": "Je ne suis pas d'accord avec la direction.",
        "reason": "J'ai reformulé."})
    assert sent.status_code == 302
    review = ModerationReview.objects.get()
    assert (review.kind, review.outcome, review.hiding.actor) == ("revised", "pending", mod.member)

    # The moderator who hid it does not see it in their queue, nor may they decide.
    assert "J&#x27;ai reformulé." not in client_for(mod).get(reverse("forum:moderation")).text
    decide = reverse("forum:review_decide", args=[review.pk])
    assert client_for(mod).post(decide, {"decision": "restore"}).status_code == 403
    queue = client_for(colleague).get(reverse("forum:moderation")).text
    assert "J&#x27;ai reformulé." in queue and "accord avec la direction.</p>" in queue

    client_for(colleague).post(decide, {"decision": "restore", "note": "Merci pour la reformulation."})

    post = Post.objects.get(pk=hidden.pk)
    assert not post.is_hidden and post.body == "Je ne suis pas d'accord avec la direction."
    review.refresh_from_db()
    assert (review.outcome, review.decided_by) == ("restored", colleague.member)
    told = Notification.objects.get(recipient=bob.member, kind=NotificationKind.REVIEW_RESTORED)
    assert told.post_id == post.pk
    assert ModerationAction.objects.filter(action="review", actor=colleague.member).exists()
    status = client.get(request_url(hidden))
    assert status.status_code == 404  # visible again: nothing left to ask


def test_a_contested_hiding_can_be_kept_and_the_author_cannot_ask_twice(client_for, bob, colleague, hidden):
    client = client_for(bob)
    client.post(request_url(hidden), {"kind": "contested", "reason": "C'était une critique du service."})
    again = client.post(request_url(hidden), {"kind": "contested", "reason": "Je redemande."})
    assert again.status_code == 200 and "Votre demande a été envoyée" in again.text
    assert ModerationReview.objects.count() == 1

    review = ModerationReview.objects.get()
    client_for(colleague).post(reverse("forum:review_decide", args=[review.pk]),
                               {"decision": "keep", "note": "Le propos vise une personne."})
    # A second decision (a double click, a colleague at the same moment) changes nothing.
    client_for(colleague).post(reverse("forum:review_decide", args=[review.pk]), {"decision": "restore"})

    assert Post.objects.get(pk=hidden.pk).is_hidden
    assert ModerationReview.objects.get().outcome == "kept"
    assert Notification.objects.filter(recipient=bob.member, kind=NotificationKind.REVIEW_KEPT).count() == 1
    page = client.get(request_url(hidden)).text
    assert "masquage maintenu" in page and "Le propos vise une personne." in page


@pytest.mark.parametrize(("data", "message"), [
    ({"kind": "contested", "reason": "   "}, "Dites pourquoi vous contestez le masquage."),
    ({"kind": "revised", "revised_body": "Le directeur de l'agence est nul, voilà."},
     "Modifiez le message avant de le soumettre à la relecture."),
    ({"kind": "autre"}, "Sélectionnez un choix valide"),
    ({"kind": "revised", "revised_body": "Un texte bien trop long " + "x" * 30_000}, "caractères"),
])
def test_a_bad_request_is_refused_with_its_reason_and_keeps_what_was_typed(client_for, bob, hidden, data,
                                                                           message):
    response = client_for(bob).post(request_url(hidden), data)

    assert response.status_code == 200
    assert message in response.text
    assert not ModerationReview.objects.exists()


def test_only_a_moderator_decides(client_for, alice, bob, hidden):
    client_for(bob).post(request_url(hidden), {"kind": "contested", "reason": "Je conteste."})
    review = ModerationReview.objects.get()

    assert client_for(alice).post(reverse("forum:review_decide", args=[review.pk]),
                                  {"decision": "restore"}).status_code == 403
    assert Post.objects.get(pk=hidden.pk).is_hidden
