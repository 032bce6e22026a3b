"""A post that seems to carry a beneficiary's data is questioned before it is published, and a
moderator can mask a passage afterwards, the original kept only in the log for a while."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from comcep.models import SubmissionToken
from comcep.personaldata_guard import CONFIRM_FIELD
from comcep.tasks import purge_expired_data
from forum import services
from forum.models import ModerationAction, Post, PostRevision, Topic
from tests.forms import token_in

PHONE = "06 12 34 56 78"
ASKED = "semble contenir des données personnelles"
MARK = "[masqué par la modération]"



@pytest.fixture
def topic(alice, practices, write):
    return write(alice, practices, title="Accompagner une reconversion")


def reply_url(topic):
    return reverse("forum:reply", args=[topic.pk])


# --- Publishing ---------------------------------------------------------------------------------

def test_a_reply_with_a_phone_number_is_questioned_and_nothing_is_saved(client_for, bob, topic):
    client = client_for(bob)
    body = f"Elle m'a demandé de la rappeler au {PHONE} avant vendredi."
    token = token_in(client.get(reply_url(topic)))

    response = client.post(reply_url(topic), {"body": body, "submission_token": token})

    assert response.status_code == 200
    page = response.content.decode()
    assert ASKED in page
    assert f'<mark class="personal-data">{PHONE}</mark>' in page
    assert "numéro de téléphone" in page
    assert f'name="{CONFIRM_FIELD}"' in page
    # What they typed is kept, and the form keeps its token for the confirmed sending.
    assert escape(body) in page
    assert token_in(response) == token
    assert Post.objects.filter(topic=topic).count() == 1
    assert not SubmissionToken.objects.filter(token=token).exists()


def test_confirming_publishes_the_reply_once(client_for, bob, topic):
    client = client_for(bob)
    body = f"Elle m'a demandé de la rappeler au {PHONE}."
    token = token_in(client.get(reply_url(topic)))
    client.post(reply_url(topic), {"body": body, "submission_token": token})

    data = {"body": body, "submission_token": token, CONFIRM_FIELD: "on"}
    first = client.post(reply_url(topic), data)
    again = client.post(reply_url(topic), data)  # a double click on the confirmed form

    post = Post.objects.get(topic=topic, author=bob.member)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == reverse("forum:post", args=[post.pk])
    assert post.body == body


def test_a_reply_without_personal_data_is_published_without_a_question(client_for, bob, topic):
    client = client_for(bob)
    response = client.post(reply_url(topic), {
        "body": "L'article L. 6111-6 et le 3949 ; son CPF affiche 1 500 €, session du 14/10/2025."})
    assert response.status_code == 302
    assert Post.objects.filter(topic=topic).count() == 2


def test_the_passages_are_escaped(client_for, bob, topic):
    client = client_for(bob)
    body = f"<script>alert('x')</script> rappeler au {PHONE} <img src=x onerror=alert(1)>"

    page = client.post(reply_url(topic), {"body": body}).content.decode()

    assert ASKED in page
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert f'&lt;/script&gt; rappeler au <mark class="personal-data">{PHONE}</mark> &lt;img src=x' in page


def test_a_name_after_a_civility_in_a_topic_title_is_questioned(client_for, alice, practices):
    client = client_for(alice)
    url = reverse("forum:topic_new", args=[practices.slug])
    data = {"title": "Le cas de Mme Lefebvre", "kind": "discussion", "tags": "",
            "body": "Comment l'accompagner ?", "submission_token": token_in(client.get(url))}

    response = client.post(url, data)

    assert response.status_code == 200 and ASKED in response.content.decode()
    assert "Mme Lefebvre" in response.content.decode()
    assert not Topic.objects.exists()
    assert client.post(url, {**data, CONFIRM_FIELD: "on"}).status_code == 302
    assert Topic.objects.get().title == "Le cas de Mme Lefebvre"


def test_an_edit_that_adds_an_email_is_questioned(client_for, bob, topic, reply):
    post = reply(bob, topic, "Je vous envoie son CV.")
    client = client_for(bob)
    url = reverse("forum:post_edit", args=[post.pk])
    body = "Je vous envoie son CV, reçu de karim.benali78@gmail.com."

    response = client.post(url, {"body": body})

    assert response.status_code == 200 and ASKED in response.content.decode()
    post.refresh_from_db()
    assert post.body == "Je vous envoie son CV."
    assert client.post(url, {"body": body, CONFIRM_FIELD: "on"}).status_code == 302
    post.refresh_from_db()
    assert post.body == body


def test_the_empty_forms_do_not_ask(client_for, bob, topic):
    assert CONFIRM_FIELD not in client_for(bob).get(reply_url(topic)).content.decode()


# --- Redacting ----------------------------------------------------------------------------------

@pytest.fixture
def leaked(bob, topic, reply):
    return reply(bob, topic, f"Mme Lefebvre, joignable au {PHONE}, hésite encore.")


def test_a_moderator_masks_the_passages_found(client_for, mod, alice, topic, leaked):
    moderator = client_for(mod)
    url = reverse("forum:post_redact", args=[leaked.pk])
    form = moderator.get(url).content.decode()
    assert f'value="{PHONE}"' in form and 'value="Mme Lefebvre"' in form
    reader = client_for(alice)
    page_url = reverse("forum:topic", args=[topic.pk]) + "?page=1"
    assert PHONE in reader.get(page_url).content.decode()  # the page is now in the shared cache
    revision = Topic.objects.get(pk=topic.pk).revision

    response = moderator.post(url, {"passages": [PHONE, "Mme Lefebvre"], "reason": "Coordonnées"})

    assert response.status_code == 302
    leaked.refresh_from_db()
    assert leaked.body == f"{MARK}, joignable au {MARK}, hésite encore."
    assert PHONE not in leaked.body_html
    assert Topic.objects.get(pk=topic.pk).revision > revision
    page = reader.get(page_url).content.decode()
    assert PHONE not in page and "Lefebvre" not in page and MARK in page
    action = ModerationAction.objects.get(action=ModerationAction.Action.REDACT)
    assert action.original_body == f"Mme Lefebvre, joignable au {PHONE}, hésite encore."
    assert action.reason == "Coordonnées" and action.actor == mod.member


def test_a_moderator_masks_a_passage_they_choose_everywhere_it_was_published(
        client_for, mod, bob, alice, topic, reply):
    post = reply(bob, topic, "Elle habite au 12 rue des Lilas à Brest.")
    services.edit_post(post=post, body="Elle habite au 12 rue des Lilas, Brest.")
    quoting = reply(alice, topic, "> Elle habite au 12 rue des Lilas, Brest.\n\nMerci.")
    url = reverse("forum:post_redact", args=[post.pk])

    refused = client_for(mod).post(url, {"other": "rue des Tulipes"})
    assert refused.status_code == 200 and "ne figure pas" in refused.content.decode()
    client_for(mod).post(url, {"other": "12 rue des Lilas"})

    post.refresh_from_db()
    quoting.refresh_from_db()
    assert "Lilas" not in post.body and "Lilas" not in quoting.body
    # The edit history does not give it back.
    assert all("Lilas" not in r.body for r in PostRevision.objects.filter(post=post))
    history = client_for(alice).get(reverse("forum:post_history", args=[post.pk])).content.decode()
    assert "Lilas" not in history
    assert ModerationAction.objects.filter(action="redact").count() == 2


def test_a_member_cannot_redact(client_for, bob, alice, leaked):
    url = reverse("forum:post_redact", args=[leaked.pk])

    assert client_for(alice).get(url).status_code == 403
    assert client_for(alice).post(url, {"passages": [PHONE]}).status_code == 403
    assert client_for(bob).post(url, {"other": PHONE}).status_code == 403
    leaked.refresh_from_db()
    assert PHONE in leaked.body
    assert not ModerationAction.objects.exists()


def test_the_original_is_in_the_moderation_log_only_and_goes_after_the_period(
        client_for, mod, alice, topic, leaked):
    client_for(mod).post(reverse("forum:post_redact", args=[leaked.pk]), {"passages": [PHONE]})

    log = client_for(mod).get(reverse("forum:moderation_log")).content.decode()
    assert PHONE in log
    # Nowhere a member can read: the topic, the post's history, the search.
    reader = client_for(alice)
    for url in (reverse("forum:topic", args=[topic.pk]) + "?page=1",
                reverse("forum:post_history", args=[leaked.pk]),
                reverse("forum:search") + "?q=joignable"):
        assert PHONE not in reader.get(url).content.decode(), url
    assert reader.get(reverse("forum:moderation_log")).status_code == 403

    action = ModerationAction.objects.get(action="redact")
    days = settings.MODERATION_REDACTED_ORIGINAL_DAYS
    ModerationAction.objects.filter(pk=action.pk).update(
        created_at=timezone.now() - timedelta(days=days) + timedelta(hours=1))
    assert purge_expired_data.apply().get()["forum_redacted_originals"] == 0
    action.refresh_from_db()
    assert PHONE in action.original_body

    ModerationAction.objects.filter(pk=action.pk).update(
        created_at=timezone.now() - timedelta(days=days, hours=1))
    assert purge_expired_data.apply().get()["forum_redacted_originals"] == 1
    action.refresh_from_db()
    assert action.original_body == "" and action.action == "redact"  # the act stays logged
    assert PHONE not in client_for(mod).get(reverse("forum:moderation_log")).content.decode()


def test_an_author_who_erases_their_posts_takes_the_masked_original_with_them(
        client_for, mod, bob, leaked):
    from comcep import datarights

    client_for(mod).post(reverse("forum:post_redact", args=[leaked.pk]), {"passages": [PHONE]})
    assert PHONE in ModerationAction.objects.get(action="redact").original_body

    datarights.close_account(bob, keep_posts=False, by_member=True, actor=bob)

    assert ModerationAction.objects.get(action="redact").original_body == ""
