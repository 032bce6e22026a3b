"""Dates in the forum's pages read in the reader's language, the month in lower case:
« 1 décembre 2026 », never « 1 Déc 2026 » (Django's "M" capitalises the French abbreviation)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.urls import reverse

from forum.models import ModerationAction, Post, PostRevision

DECEMBER_FIRST = datetime(2026, 12, 1, 10, 30, tzinfo=ZoneInfo("Europe/Paris"))


def test_a_member_s_recent_posts_moderation_log_and_history_date_in_lower_case(
        client_for, alice, mod, practices, write):
    post = write(alice, practices, body="Premier jet.").posts.get()
    client_for(alice).post(reverse("forum:post_edit", args=[post.pk]), {"body": "Version corrigée."})
    client_for(mod).post(reverse("forum:post_hide", args=[post.pk]), {"reason": "Vérification."})
    client_for(mod).post(reverse("forum:post_restore", args=[post.pk]))
    Post.objects.filter(pk=post.pk).update(created_at=DECEMBER_FIRST)
    PostRevision.objects.filter(post=post).update(created_at=DECEMBER_FIRST)
    ModerationAction.objects.filter(post=post).update(created_at=DECEMBER_FIRST)

    pages = {
        "profile": client_for(mod).get(reverse("forum:member", args=[alice.member.public_id])).text,
        "history": client_for(alice).get(reverse("forum:post_history", args=[post.pk])).text,
        "log": client_for(mod).get(reverse("forum:moderation_log")).text,
    }

    for name, page in pages.items():
        assert "1 décembre 2026" in page, name
        assert "Déc" not in page, name
    assert "Version du 1 décembre 2026 10:30" in pages["history"]


def test_a_topic_page_dates_its_posts_in_lower_case(client_for, alice, bob, practices, write):
    topic = write(alice, practices, body="Premier jet.")
    Post.objects.filter(topic=topic).update(created_at=DECEMBER_FIRST)

    page = client_for(bob).get(reverse("forum:topic", args=[topic.pk])).text

    assert "1 décembre 2026 10:30</time>" in page
    assert "Déc" not in page
