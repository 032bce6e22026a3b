"""The regulatory watch, from the follower's side: following a text, a theme or a tag, being told
(notification centre, email, weekly digest), the private feed; and from the side of those who
must be refused."""

from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from comcep.models import OutboxMessage
from comcep.notifications import site_url
from forum.models import Category, ResourceCitation, Topic
from resources import services, watch
from resources.models import (
    ChangeKind,
    Follow,
    Kind,
    LegalChange,
    LegalVersion,
    LibraryNotice,
    Status,
    VersionStatus,
    WatchPreferences,
)
from tests.factories import make_member
from tests.resources.factories import ResourceFactory, ThemeFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def legal_text(reference_data):
    return ResourceFactory(kind=Kind.LEGAL, title="La démission-reconversion",
                           legal_reference="article L5422-1 du Code du travail",
                           url="https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000037385896")


def new_version(client, resource, *, summary="Délai de carence supprimé.", **fields):
    data = {"effective_on": "2027-01-01", "status": VersionStatus.UPCOMING,
            "change_summary": summary, "text": "Nouvelle rédaction de l'article.", "official_url": ""}
    data.update(fields)
    return client.post(reverse("resources:add_version", args=[resource.pk]), data)


def tell_everyone() -> None:
    """What the worker does after commit, run here in the test's process."""
    for change_id in LegalChange.objects.filter(told_at=None).values_list("pk", flat=True):
        watch.tell_followers(change_id)


def emails_to(user, kind: str):
    return OutboxMessage.objects.filter(to_email=user.email, kind=kind)


# --- Following and being told -------------------------------------------------------------


def test_a_follower_of_a_text_is_told_of_its_new_version_in_the_centre_and_by_email(
        client_for, alice, bob, mod, legal_text):
    as_alice = client_for(alice)
    response = as_alice.post(reverse("resources:follow_text", args=[legal_text.pk]))
    assert response.status_code == 302
    assert "Ne plus suivre ce texte" in as_alice.get(legal_text.get_absolute_url()).content.decode()

    assert new_version(client_for(mod), legal_text).status_code == 302
    tell_everyone()

    centre = as_alice.get(reverse("forum:notifications")).content.decode()
    assert "Veille : nouvelle version de « La démission-reconversion »" in centre
    mail = emails_to(alice, "resources_watch_change").get()
    assert "Délai de carence supprimé." in mail.body_text
    assert "Lande Bretonne" in mail.body_text
    assert "Alice" not in mail.body_text and "Martin" not in mail.body_text
    # Bob follows nothing: nothing reaches him.
    assert not LibraryNotice.objects.filter(member=bob.member).exists()
    assert not emails_to(bob, "resources_watch_change").exists()

    # Opening the notice marks it read and leads to the version.
    notice = LibraryNotice.objects.get(member=alice.member)
    opened = as_alice.get(reverse("resources:notice_open", args=[notice.pk]))
    assert opened.status_code == 302 and opened.url.endswith(f"#version-{notice.change.version_id}")
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_telling_twice_writes_one_notice_and_one_email(client_for, alice, mod, legal_text):
    watch.follow(alice.member, resource=legal_text)
    new_version(client_for(mod), legal_text)
    change = LegalChange.objects.get()
    assert watch.tell_followers(change.pk) == (1, 1)
    assert watch.tell_followers(change.pk) == (0, 0)
    assert LibraryNotice.objects.filter(member=alice.member).count() == 1
    assert emails_to(alice, "resources_watch_change").count() == 1


def test_a_follower_who_wants_no_email_is_told_in_the_centre_only(client_for, alice, mod, legal_text):
    watch.follow(alice.member, resource=legal_text)
    client_for(alice).post(reverse("resources:watch"), {"action": "preferences", "weekly_digest": "on"})
    assert WatchPreferences.objects.get(member=alice.member).email_each is False
    new_version(client_for(mod), legal_text)
    tell_everyone()
    assert LibraryNotice.objects.filter(member=alice.member).exists()
    assert not emails_to(alice, "resources_watch_change").exists()


def test_a_repealing_version_tells_the_followers_the_text_is_repealed(client_for, alice, mod, legal_text):
    watch.follow(alice.member, resource=legal_text)
    new_version(client_for(mod), legal_text, status=VersionStatus.REPEALED, summary="Abrogé par la loi.")
    tell_everyone()
    assert LegalChange.objects.get().kind == ChangeKind.REPEALED
    subject = emails_to(alice, "resources_watch_change").get().subject
    assert "« La démission-reconversion » est abrogé" in subject


def test_a_theme_follower_is_told_of_a_new_text_in_the_theme_and_a_tag_follower_whatever_the_accents(
        client_for, alice, bob, mod):
    theme = ThemeFactory(slug="dispositifs", name="Dispositifs")
    client_for(alice).post(reverse("resources:follow_theme", args=[theme.slug]))
    client_for(bob).post(reverse("resources:watch"), {"action": "tag", "tag-tag": "  #Éthique "})
    assert Follow.objects.get(member=bob.member).tag == "ethique"

    text = ResourceFactory(kind=Kind.LEGAL, status=Status.PROPOSED, title="Le bilan de compétences",
                           published_at=None, themes=[theme], tags=["ÉTHIQUE", "bilan"])
    assert services.publish_resource(text, actor=mod)
    tell_everyone()
    for user in (alice, bob):
        notice = LibraryNotice.objects.get(member=user.member)
        assert notice.change.kind == ChangeKind.NEW_TEXT and notice.resource == text


def test_following_again_changes_nothing_and_a_member_stops_following(client_for, alice, legal_text):
    as_alice = client_for(alice)
    for _attempt in range(2):
        as_alice.post(reverse("resources:follow_text", args=[legal_text.pk]))
    assert Follow.objects.filter(member=alice.member).count() == 1
    follow = Follow.objects.get(member=alice.member)
    as_alice.post(reverse("resources:unfollow", args=[follow.pk]))
    assert not Follow.objects.filter(member=alice.member).exists()


def test_an_empty_tag_is_refused_in_french_and_nothing_is_followed(client_for, alice):
    page = client_for(alice).post(reverse("resources:watch"), {"action": "tag", "tag-tag": " # "})
    assert page.status_code == 200
    assert "Écrivez un mot-clé." in page.content.decode()
    assert not Follow.objects.exists()


def test_the_daily_sweep_writes_an_expired_text_once(alice, legal_text):
    legal_text.valid_until = timezone.localdate() - timedelta(days=1)
    legal_text.save()
    watch.follow(alice.member, resource=legal_text)
    assert watch.record_expired_texts() == 1
    assert watch.record_expired_texts() == 0
    tell_everyone()
    assert LibraryNotice.objects.get(member=alice.member).change.kind == ChangeKind.EXPIRED


def test_the_proposer_finds_the_publication_of_their_resource_in_the_centre(client_for, alice, mod):
    proposal = ResourceFactory(status=Status.PROPOSED, proposed_by=alice, published_at=None,
                               title="Guide d'entretien")
    services.publish_resource(proposal, actor=mod)
    centre = client_for(alice).get(reverse("forum:notifications")).content.decode()
    assert "Votre ressource « Guide d&#x27;entretien » est publiée." in centre \
        or "Votre ressource « Guide d'entretien » est publiée." in centre


def test_mark_all_read_marks_the_library_notices_too(client_for, alice, mod, legal_text):
    watch.follow(alice.member, resource=legal_text)
    new_version(client_for(mod), legal_text)
    tell_everyone()
    client_for(alice).post(reverse("forum:notifications_read_all"))
    assert not LibraryNotice.objects.filter(member=alice.member, read_at=None).exists()


# --- The weekly digest ------------------------------------------------------------------------


def test_the_weekly_digest_gathers_the_week_once_and_only_for_those_who_want_it(
        client_for, alice, bob, mod, legal_text):
    watch.follow(alice.member, resource=legal_text)
    watch.follow(bob.member, resource=legal_text)
    watch.set_preferences(bob.member, email_each=True, weekly_digest=False)
    new_version(client_for(mod), legal_text, summary="Première modification.")
    new_version(client_for(mod), legal_text, summary="Seconde modification.", effective_on="2027-06-01")

    assert watch.send_digests() == 1
    digest = emails_to(alice, "resources_watch_digest").get()
    assert "2 changements" in digest.subject
    assert "Première modification." in digest.body_text and "Seconde modification." in digest.body_text
    assert "Alice" not in digest.body_text
    assert not emails_to(bob, "resources_watch_digest").exists()
    # A second run in the same week sends nothing more.
    assert watch.send_digests() == 0


def test_no_digest_when_nothing_followed_changed(alice, legal_text):
    watch.follow(alice.member, resource=legal_text)
    assert watch.send_digests() == 0
    assert not emails_to(alice, "resources_watch_digest").exists()


# --- The Veille page and the feed --------------------------------------------------------------


def test_the_veille_page_lists_the_changes_by_theme(client_for, alice, mod):
    work = ThemeFactory(slug="travail", name="Droit du travail")
    other = ThemeFactory(slug="formation", name="Formation")
    in_theme = ResourceFactory(kind=Kind.LEGAL, title="Texte du travail", themes=[work])
    elsewhere = ResourceFactory(kind=Kind.LEGAL, title="Texte de la formation", themes=[other])
    for text in (in_theme, elsewhere):
        new_version(client_for(mod), text)
    as_alice = client_for(alice)
    everything = as_alice.get(reverse("resources:watch")).content.decode()
    assert "Texte du travail" in everything and "Texte de la formation" in everything
    filtered = as_alice.get(reverse("resources:watch"), {"theme": "travail"}).content.decode()
    assert "Texte du travail" in filtered and "Texte de la formation" not in filtered


def test_the_feed_answers_at_its_private_address_until_it_is_revoked(client_for, alice, mod, visitor,
                                                                      legal_text):
    new_version(client_for(mod), legal_text)
    as_alice = client_for(alice)
    as_alice.post(reverse("resources:watch"), {"action": "new_feed"})
    token = WatchPreferences.objects.get(member=alice.member).feed_token
    feed_url = reverse("resources:watch_feed", args=[token])
    assert feed_url in as_alice.get(reverse("resources:watch")).content.decode()

    response = visitor.get(feed_url)  # a feed reader: no session
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    entries = ElementTree.fromstring(response.content).findall(f"{ATOM}entry")  # noqa: S314  (our own feed)
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "nouvelle version — La démission-reconversion"]
    assert b"Lande Bretonne" not in response.content and b"Alice" not in response.content

    # A new address: the old one stops.
    as_alice.post(reverse("resources:watch"), {"action": "new_feed"})
    assert visitor.get(feed_url).status_code == 404
    renewed_token = WatchPreferences.objects.get(member=alice.member).feed_token
    renewed = reverse("resources:watch_feed", args=[renewed_token])
    assert visitor.get(renewed).status_code == 200
    # Revoked: no address works.
    as_alice.post(reverse("resources:watch"), {"action": "revoke_feed"})
    assert visitor.get(renewed).status_code == 404
    assert visitor.get(reverse("resources:watch_feed", args=["None"])).status_code == 404


def test_the_feed_of_a_closed_account_stops(client_for, alice, visitor, legal_text):
    token = watch.new_feed_token(alice.member)
    alice.is_active = False
    alice.save()
    assert visitor.get(reverse("resources:watch_feed", args=[token])).status_code == 404


# --- Versions, notes and the question about a text --------------------------------------------


def test_an_expert_says_what_changes_for_the_practice_and_links_the_discussion(
        client_for, alice, expert, mod, legal_text):
    new_version(client_for(mod), legal_text)
    version = LegalVersion.objects.get()
    url = reverse("resources:version_note", args=[legal_text.pk, version.pk])
    forum_path = reverse("forum:index")
    response = client_for(expert).post(url, {"practice_note": "Le conseil doit vérifier la date.",
                                             "discussion_url": f"{site_url()}{forum_path}"})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.discussion_url == forum_path
    page = client_for(alice).get(legal_text.get_absolute_url()).content.decode()
    assert "Le conseil doit vérifier la date." in page and "Docteur Parcours" in page
    assert f'href="{forum_path}"' in page


@pytest.mark.parametrize("address", ["https://evil.example/forum/", "//evil.example/forum/",
                                     "/\\evil.example/forum/", "javascript:alert(1)", "/nulle-part/",
                                     "/forum/\tevil"])
def test_a_discussion_elsewhere_than_comcep_is_refused_and_the_note_kept(client_for, expert, mod,
                                                                         legal_text, address):
    new_version(client_for(mod), legal_text)
    version = LegalVersion.objects.get()
    response = client_for(expert).post(reverse("resources:version_note", args=[legal_text.pk, version.pk]),
                                       {"practice_note": "Ma note précieuse.", "discussion_url": address})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ma note précieuse." in page
    assert "Comcep" in page and ("discussion de Comcep" in page or "aucune page de Comcep" in page)
    version.refresh_from_db()
    assert version.practice_note == "" and version.discussion_url == ""


def test_a_version_with_neither_text_nor_link_is_refused_and_what_was_typed_kept(client_for, mod, legal_text):
    response = new_version(client_for(mod), legal_text, text="", official_url="",
                           summary="Résumé à garder")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Donnez le texte de cette version ou son lien officiel." in page
    assert 'value="Résumé à garder"' in page
    assert not LegalVersion.objects.exists() and not LegalChange.objects.exists()


def test_from_a_text_a_member_opens_a_question_about_it(client_for, alice, legal_text):
    Category.objects.create(slug="questions-vives", name="Questions vives du métier", position=1)
    legal_text.tags.set(["démission"])
    as_alice = client_for(alice)
    page = as_alice.get(legal_text.get_absolute_url()).content.decode()
    ask = reverse("forum:topic_new", args=["questions-vives"]) + f"?ressource={legal_text.pk}"
    assert f'href="{ask}"' in page
    form = as_alice.get(ask).content.decode()
    assert "Question sur « La démission-reconversion »" in form
    assert legal_text.get_absolute_url() in form and 'value="question" selected' in form

    response = as_alice.post(reverse("forum:topic_new", args=["questions-vives"]), {
        "title": "Question sur « La démission-reconversion »", "kind": "question", "tags": "démission",
        "body": f"{legal_text.get_absolute_url()}\n\nLe délai s'applique-t-il aux CDD ?"})
    assert response.status_code == 302
    topic = Topic.objects.get()
    assert ResourceCitation.objects.filter(post__topic=topic, resource=legal_text).exists()


# --- Those who must be refused ----------------------------------------------------------------


def test_a_plain_member_can_neither_publish_a_version_nor_write_a_note(client_for, bob, mod, legal_text):
    as_bob = client_for(bob)
    assert new_version(as_bob, legal_text).status_code == 403
    assert not LegalVersion.objects.exists()
    new_version(client_for(mod), legal_text)
    version = LegalVersion.objects.get()
    response = as_bob.post(reverse("resources:version_note", args=[legal_text.pk, version.pk]),
                           {"practice_note": "Vandalisme", "discussion_url": ""})
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.practice_note == ""


def test_a_member_cannot_undo_nor_open_what_is_someone_elses(client_for, alice, bob, mod, legal_text):
    follow = watch.follow(alice.member, resource=legal_text)
    new_version(client_for(mod), legal_text)
    tell_everyone()
    notice = LibraryNotice.objects.get(member=alice.member)
    as_bob = client_for(bob)
    assert as_bob.post(reverse("resources:unfollow", args=[follow.pk])).status_code == 404
    assert Follow.objects.filter(pk=follow.pk).exists()
    assert as_bob.get(reverse("resources:notice_open", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_only_legal_texts_are_followed(client_for, alice):
    document = ResourceFactory(kind=Kind.DOCUMENT)
    assert client_for(alice).post(reverse("resources:follow_text", args=[document.pk])).status_code == 404
    assert not Follow.objects.exists()


def test_staff_outside_the_community_have_no_watch(client_for, oscar, rita, paula, legal_text):
    for user in (oscar, rita, paula):
        client = client_for(user)
        assert client.get(reverse("resources:watch")).status_code in (403, 404)
        assert client.post(reverse("resources:follow_text", args=[legal_text.pk])).status_code in (403, 404)
    assert not Follow.objects.exists()


def test_a_visitor_is_sent_to_sign_in(visitor, legal_text):
    response = visitor.get(reverse("resources:watch"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


# --- Data rights ------------------------------------------------------------------------------


def test_closing_the_account_takes_the_watch_with_it(client_for, reference_data, mod, legal_text):
    from comcep import datarights

    leaving = make_member(pseudonym="Vent du Large")
    watch.follow(leaving.member, resource=legal_text)
    watch.follow(leaving.member, tag="cpf")
    token = watch.new_feed_token(leaving.member)
    for registration in datarights.registrations():
        if registration.name == "ressources":
            registration.erase(leaving, keep_posts=True)
    assert not Follow.objects.filter(member=leaving.member).exists()
    assert not WatchPreferences.objects.filter(feed_token=token).exists()


def test_the_community_home_shows_the_latest_legal_changes_as_soon_as_they_happen(client_for, alice, mod,
                                                                                   legal_text):
    as_alice = client_for(alice)
    assert 'id="home-watch-title"' not in as_alice.get(reverse("community")).content.decode()
    new_version(client_for(mod), legal_text, summary="Délai de carence supprimé.")
    home = as_alice.get(reverse("community")).content.decode()
    assert 'id="home-watch-title"' in home and "La démission-reconversion" in home
    assert "Délai de carence supprimé." in home
    new_version(client_for(mod), legal_text, summary="Un second changement.", effective_on="2028-01-01")
    assert "Un second changement." in as_alice.get(reverse("community")).content.decode()
    # A text taken out of the library leaves the home with its changes.
    services.withdraw_resource(legal_text, actor=mod, reason="Doublon")
    assert "La démission-reconversion" not in as_alice.get(reverse("community")).content.decode()



def test_the_veille_page_gives_valid_html_datetimes(client_for, alice, mod, legal_text):
    import re

    new_version(client_for(mod), legal_text)
    page = client_for(alice).get(reverse("resources:watch")).content.decode()
    stamps = re.findall(r'<time[^>]* datetime="([^"]+)"', page)
    assert stamps and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}", s) for s in stamps)
