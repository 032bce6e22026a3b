"""The library: browsing, filters, French search, proposals and their review."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comcep.models import OutboxMessage
from resources.models import Kind, Public, Resource, ResourceEvent, ServiceLevel, Status
from tests import factories
from tests.resources.factories import ResourceFactory, ThemeFactory

LIST = reverse("resources:list")


def titles(response) -> list[str]:
    return [resource.title for resource in response.context["page"]]


@pytest.fixture
def library(reference_data):
    """A small library of every kind, with themes, tags, levels, publics and regions."""
    droit = ThemeFactory(slug="droit", name="Droit de la formation")
    vae = ThemeFactory(slug="vae", name="Validation des acquis")
    return {
        "legal": ResourceFactory(
            kind=Kind.LEGAL, title="Le compte personnel de formation",
            summary="Article sur l'éligibilité des formations au CPF.",
            legal_reference="article L6323-6 du Code du travail", themes=[droit],
            tags=["cpf", "financement"], service_level=ServiceLevel.LEVEL_2,
            public=Public.EMPLOYEES,
        ),
        "old_legal": ResourceFactory(
            kind=Kind.LEGAL, title="Ancien texte sur le congé individuel de formation",
            legal_reference="article L6322-1 (abrogé)",
            valid_until=timezone.localdate() - timedelta(days=30), themes=[droit],
        ),
        "document": ResourceFactory(
            kind=Kind.DOCUMENT, title="Guide de l'entretien de niveau 1",
            summary="Accueillir et éclairer la personne : les étapes de l'accueil individualisé.",
            themes=[vae], tags=["accueil"], service_level=ServiceLevel.LEVEL_1,
            public=Public.JOBSEEKERS,
        ),
        "link": ResourceFactory(
            kind=Kind.LINK, title="Fiches métiers", url="https://example.org/metiers",
            region=factories.region("53"), tags=["métiers"], public=Public.YOUTH,
        ),
        "proposal": ResourceFactory(kind=Kind.LINK, title="Proposition non relue",
                                    url="https://example.org/proposition",
                                    status=Status.PROPOSED, published_at=None),
    }


@pytest.mark.django_db
class TestBrowsing:
    def test_a_member_sees_published_resources_only(self, client_for, alice, library):
        response = client_for(alice).get(LIST)
        assert response.status_code == 200
        assert "Guide de l'entretien de niveau 1" in titles(response)
        assert "Proposition non relue" not in titles(response)

    @pytest.mark.parametrize(("params", "expected"), [
        ({"kind": "legal"}, {"Le compte personnel de formation",
                             "Ancien texte sur le congé individuel de formation"}),
        ({"theme": "vae"}, {"Guide de l'entretien de niveau 1"}),
        ({"tag": "CPF"}, {"Le compte personnel de formation"}),
        ({"level": "1"}, {"Guide de l'entretien de niveau 1"}),
        ({"public": "youth"}, {"Fiches métiers"}),
        ({"region": "53"}, {"Fiches métiers"}),
        ({"kind": "legal", "level": "2"}, {"Le compte personnel de formation"}),
        ({"kind": "link", "region": "52"}, set()),
    ])
    def test_filters_narrow_the_list(self, client_for, alice, library, params, expected):
        assert set(titles(client_for(alice).get(LIST, params))) == expected

    def test_an_unknown_filter_value_is_ignored_not_an_error(self, client_for, alice, library):
        response = client_for(alice).get(LIST, {"kind": "nope", "region": "999", "theme": "x"})
        assert response.status_code == 200

    def test_an_outdated_legal_text_is_flagged(self, client_for, alice, library):
        client = client_for(alice)
        assert library["old_legal"].is_outdated and not library["legal"].is_outdated
        assert "Plus en vigueur" in client.get(LIST, {"kind": "legal"}).content.decode()
        page = client.get(library["old_legal"].get_absolute_url()).content.decode()
        assert "n'est plus en vigueur" in page
        page = client.get(library["legal"].get_absolute_url()).content.decode()
        assert "n'est plus en vigueur" not in page
        assert "article L6323-6 du Code du travail" in page


@pytest.mark.django_db
class TestFrenchSearch:
    @pytest.mark.parametrize(("query", "expected"), [
        ("formations", "Le compte personnel de formation"),  # French stemming
        ("eligibilite", "Le compte personnel de formation"),  # accents folded
        ("ÉLIGIBILITÉ", "Le compte personnel de formation"),
        ("accueil individualisé", "Guide de l'entretien de niveau 1"),
        ("L6323-6", "Le compte personnel de formation"),  # the legal reference
    ])
    def test_search_finds_by_words_in_french(self, client_for, alice, library, query, expected):
        assert expected in titles(client_for(alice).get(LIST, {"q": query}))

    def test_search_finds_by_tag_and_theme_names(self, client_for, alice, mod, library):
        from resources import services

        resource = Resource(kind=Kind.LINK, title="Portail national", summary="Un portail.",
                            url="https://example.org/")
        services.propose_resource(resource, actor=mod, tags=["bilan de compétences"],
                                  themes=[library["document"].themes.get()])
        client = client_for(alice)
        assert titles(client.get(LIST, {"q": "competences"})) == ["Portail national"]
        assert "Portail national" in titles(client.get(LIST, {"q": "validation acquis"}))

    def test_search_and_filter_combine(self, client_for, alice, library):
        client = client_for(alice)
        assert titles(client.get(LIST, {"q": "formation", "kind": "document"})) == []
        assert titles(client.get(LIST, {"q": "formation", "kind": "legal"}))

    def test_search_never_shows_a_proposal(self, client_for, alice, library):
        assert titles(client_for(alice).get(LIST, {"q": "proposition"})) == []

    @pytest.mark.parametrize("query", [
        "'", '"', "&|!", "():*", "a & | b", "-", "\\", "'; DROP TABLE x; --",
        "« »", "x" * 5000, "!!(((", "<script>", "%", "_", "or or or", "\"unclosed",
    ])
    def test_a_hostile_query_never_errors(self, client_for, alice, library, query):
        assert client_for(alice).get(LIST, {"q": query}).status_code == 200

    def test_a_nul_byte_in_the_query_is_a_clear_400(self, client_for, alice, library):
        response = client_for(alice).get(LIST, {"q": "bilan\x00"})
        assert response.status_code == 400
        assert "caractère refusé" in response.content.decode()


@pytest.mark.django_db
class TestAccess:
    def test_a_visitor_is_sent_to_sign_in(self, visitor, library):
        response = visitor.get(LIST)
        assert response.status_code == 302 and "/compte/login/" in response["Location"]

    def test_an_operator_manager_is_refused_the_library(self, client_for, oscar, library):
        client = client_for(oscar)
        assert client.get(LIST).status_code == 403
        assert client.get(library["legal"].get_absolute_url()).status_code == 403
        assert client.get(reverse("resources:propose")).status_code == 403
        assert client.get(reverse("resources:upload_video")).status_code == 403

    def test_a_member_cannot_see_someone_elses_proposal(self, client_for, bob, library):
        assert client_for(bob).get(library["proposal"].get_absolute_url()).status_code == 404

    def test_a_member_cannot_review(self, client_for, alice, library):
        client = client_for(alice)
        assert client.get(reverse("resources:review_queue")).status_code == 403
        proposal = library["proposal"]
        proposal.proposed_by = alice
        proposal.save()
        assert client.post(reverse("resources:publish", args=[proposal.pk])).status_code == 403
        assert client.post(reverse("resources:decline", args=[proposal.pk]),
                           {"reason": "non"}).status_code == 403
        proposal.refresh_from_db()
        assert proposal.status == Status.PROPOSED

    def test_a_member_cannot_edit_a_published_resource(self, client_for, alice, library):
        response = client_for(alice).get(reverse("resources:edit", args=[library["legal"].pk]))
        assert response.status_code == 403


@pytest.mark.django_db
class TestProposals:
    def test_a_member_proposes_and_a_moderator_publishes_and_the_member_is_told(
        self, client_for, alice, mod, library
    ):
        response = client_for(alice).post(reverse("resources:propose"), {
            "kind": "link", "title": "Portail orientation", "summary": "Un portail utile.",
            "url": "https://example.org/orientation", "service_level": "all", "public": "all",
            "tags_text": "orientation, portail",
        })
        resource = Resource.objects.get(title="Portail orientation")
        assert response.status_code == 302
        assert resource.status == Status.PROPOSED and resource.proposed_by == alice
        assert sorted(t.name for t in resource.tags.all()) == ["orientation", "portail"]

        moderator = client_for(mod)
        assert "Portail orientation" in moderator.get(reverse("resources:review_queue")).content.decode()
        moderator.post(reverse("resources:publish", args=[resource.pk]))
        resource.refresh_from_db()
        assert resource.status == Status.PUBLISHED and resource.reviewed_by == mod
        assert "Portail orientation" in titles(client_for(alice).get(LIST))
        email = OutboxMessage.objects.get(kind="resources_published")
        assert email.to_email == alice.email and "Portail orientation" in email.subject
        assert list(resource.events.values_list("to_status", flat=True)) == ["proposed", "published"]

    def test_a_moderator_declines_with_a_reason_and_the_member_receives_it(
        self, client_for, alice, mod, library
    ):
        proposal = library["proposal"]
        proposal.proposed_by = alice
        proposal.save()
        moderator = client_for(mod)
        empty = moderator.post(reverse("resources:decline", args=[proposal.pk]), {"reason": " "})
        assert empty.status_code == 200  # the form asks for a reason
        moderator.post(reverse("resources:decline", args=[proposal.pk]),
                       {"reason": "Doublon : cette ressource existe déjà."})
        proposal.refresh_from_db()
        assert proposal.status == Status.DECLINED
        assert proposal.decline_reason == "Doublon : cette ressource existe déjà."
        email = OutboxMessage.objects.get(kind="resources_declined")
        assert email.to_email == alice.email and "Doublon" in email.body_text
        page = client_for(alice).get(proposal.get_absolute_url()).content.decode()
        assert "Doublon : cette ressource existe déjà." in page

    def test_a_moderator_withdraws_a_published_resource_with_a_reason(self, client_for, alice, bob, mod,
                                                                      library):
        resource = library["document"]
        resource.proposed_by = alice
        resource.save()
        moderator = client_for(mod)
        url = reverse("resources:withdraw", args=[resource.pk])

        empty = moderator.post(url, {"reason": " "})
        assert empty.status_code == 200 and "reason" in empty.context["form"].errors
        moderator.post(url, {"reason": "Remplacé par le guide 2027."})

        resource.refresh_from_db()
        assert resource.status == Status.WITHDRAWN
        member = client_for(bob)
        assert member.get(resource.get_absolute_url()).status_code == 404
        assert "Guide de l'entretien de niveau 1" not in titles(member.get(LIST))
        assert "Guide de l'entretien de niveau 1" not in titles(member.get(LIST, {"q": "accueil"}))
        email = OutboxMessage.objects.get(kind="resources_withdrawn")
        assert email.to_email == alice.email and "Remplacé par le guide 2027." in email.body_text
        assert "Remplacé par le guide 2027." in client_for(alice).get(resource.get_absolute_url()).text

        moderator.post(reverse("resources:publish", args=[resource.pk]))
        resource.refresh_from_db()
        assert resource.status == Status.PUBLISHED
        assert member.get(resource.get_absolute_url()).status_code == 200

    def test_a_member_cannot_withdraw_a_resource(self, client_for, alice, library):
        resource = library["document"]
        url = reverse("resources:withdraw", args=[resource.pk])

        assert client_for(alice).get(url).status_code == 403
        assert client_for(alice).post(url, {"reason": "Je n'aime pas."}).status_code == 403
        resource.refresh_from_db()
        assert resource.status == Status.PUBLISHED

    def test_a_withdrawn_resource_gets_no_card_in_the_forum(self, alice, mod, library):
        from forum import services as forum
        from forum.models import Category
        from resources import services

        resource = library["document"]
        services.withdraw_resource(resource, actor=mod, reason="Obsolète.")
        category = Category.objects.create(slug="echanges", name="Échanges", position=0)

        topic = forum.create_topic(actor=alice.member, category=category, title="Un lien",
                                   body=resource.get_absolute_url(), rate_limit=False)
        assert "resource-card" not in topic.posts.get().body_html

    def test_a_moderator_edits_a_proposal_before_publishing(self, client_for, mod, library):
        proposal = library["proposal"]
        response = client_for(mod).post(reverse("resources:edit", args=[proposal.pk]), {
            "kind": "link", "title": "Titre corrigé", "summary": "Résumé corrigé",
            "url": "https://example.org/proposition",
            "service_level": "all", "public": "all",
        })
        assert response.status_code == 302, response.content.decode()[:2000]
        proposal.refresh_from_db()
        assert proposal.title == "Titre corrigé"

    def test_a_decision_is_taken_once(self, mod, expert, library, reference_data):
        from comcep.roles import Role, grant_role
        from resources import services

        grant_role(expert, Role.MODERATOR, actor=None)
        proposal = library["proposal"]
        assert services.publish_resource(Resource.objects.get(pk=proposal.pk), actor=mod)
        assert not services.decline_resource(Resource.objects.get(pk=proposal.pk), actor=expert,
                                             reason="trop tard")
        assert ResourceEvent.objects.filter(resource=proposal, to_status="declined").count() == 0

    def test_a_legal_text_needs_its_reference_and_a_link_its_address(self, client_for, alice,
                                                                    reference_data):
        client = client_for(alice)
        response = client.post(reverse("resources:propose"), {
            "kind": "legal", "title": "Texte", "summary": "…", "service_level": "all", "public": "all",
        })
        assert response.status_code == 200
        assert "référence" in response.content.decode()
        response = client.post(reverse("resources:propose"), {
            "kind": "link", "title": "Lien", "summary": "…", "service_level": "all", "public": "all",
        })
        assert "adresse" in response.content.decode()
        assert not Resource.objects.exists()

    def test_a_proposed_document_is_served_only_through_a_permission_check(
        self, client_for, alice, bob, mod, tmp_path, settings, reference_data
    ):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from tests.privatespace.helpers import PDF_BYTES

        settings.MEDIA_ROOT = tmp_path
        client_for(alice).post(reverse("resources:propose"), {
            "kind": "document", "title": "Fiche pratique", "summary": "…", "service_level": "all",
            "public": "all",
            "document_file": SimpleUploadedFile("fiche de Alice Martin.pdf", PDF_BYTES),
        })
        resource = Resource.objects.get(title="Fiche pratique")
        assert "Martin" not in resource.document.name  # stored under a random name
        url = reverse("resources:media", args=[resource.pk, "document"])
        assert client_for(bob).get(url).status_code == 404
        response = client_for(mod).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert 'filename="fiche-pratique.pdf"' in response["Content-Disposition"]


def count_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.django_db
class TestQueryBudget:
    def test_the_list_runs_the_same_number_of_queries_at_two_sizes(self, client_for, alice,
                                                                    reference_data):
        themes = [ThemeFactory(), ThemeFactory()]

        def add(count):
            for index in range(count):
                ResourceFactory(themes=themes, tags=[f"mot{index}", "commun"],
                                region=factories.region("53"))

        client = client_for(alice)
        add(3)
        client.get(LIST)  # warm the session
        small = count_queries(client, LIST)
        add(40)
        large = count_queries(client, LIST)
        assert small == large <= 16
        assert count_queries(client, LIST + "?q=ressource&kind=document") == large

    def test_a_resource_page_runs_the_same_number_of_queries_at_two_sizes(self, client_for, alice,
                                                                           reference_data):
        client = client_for(alice)
        client.get(LIST)
        few = ResourceFactory(themes=[ThemeFactory()], tags=["un"])
        many = ResourceFactory(themes=[ThemeFactory() for _ in range(25)],
                               tags=[f"mot{i}" for i in range(25)])
        assert count_queries(client, few.get_absolute_url()) == count_queries(
            client, many.get_absolute_url()) <= 14


@pytest.mark.django_db
def test_the_review_queue_runs_the_same_number_of_queries_at_two_sizes(client_for, mod, alice):
    client = client_for(mod)
    queue = reverse("resources:review_queue")
    client.get(queue)

    def propose(count):
        for index in range(count):
            ResourceFactory(status=Status.PROPOSED, proposed_by=alice, published_at=None,
                            tags=[f"mot{index}"], themes=[ThemeFactory()])

    propose(2)
    small = count_queries(client, queue)
    propose(25)
    assert count_queries(client, queue) == small <= 14


@pytest.mark.django_db
def test_the_regional_staff_list_runs_the_same_number_of_queries_at_two_sizes(client_for, rita):
    from tests.resources.factories import ActionFactory

    client = client_for(rita)
    manage = reverse("resources:actions_manage")
    client.get(manage)
    for _ in range(2):
        ActionFactory(resource__region=factories.region("53"))
    small = count_queries(client, manage)
    for _ in range(25):
        ActionFactory(resource__region=factories.region("53"))
    assert count_queries(client, manage) == small <= 12


@pytest.mark.django_db
class TestReviewButtons:
    """Which review buttons a page offers is decided by resources.permissions, per state."""

    @staticmethod
    def urls(resource) -> dict[str, str]:
        return {name: reverse(f"resources:{name}", args=[resource.pk])
                for name in ("publish", "decline", "withdraw")}

    def test_a_moderator_is_offered_what_the_state_allows(self, client_for, mod, library):
        moderator = client_for(mod)
        proposal, published = library["proposal"], library["document"]

        page = moderator.get(proposal.get_absolute_url()).text
        urls = self.urls(proposal)
        assert urls["publish"] in page and urls["decline"] in page and urls["withdraw"] not in page

        page = moderator.get(published.get_absolute_url()).text
        urls = self.urls(published)
        assert urls["withdraw"] in page
        assert urls["publish"] not in page and urls["decline"] not in page

    def test_a_proposer_is_offered_no_review_button(self, client_for, alice, library):
        proposal = library["proposal"]
        proposal.proposed_by = alice
        proposal.save()

        page = client_for(alice).get(proposal.get_absolute_url()).text
        assert not any(url in page for url in self.urls(proposal).values())


@pytest.mark.django_db
def test_a_proposer_is_shown_by_pseudonym_never_by_name_or_email(client_for, alice, bob, mod,
                                                                 library):
    resource = library["document"]
    resource.proposed_by = alice
    resource.status = Status.PROPOSED
    resource.save()

    queue = client_for(mod).get(reverse("resources:review_queue")).text
    resource.status = Status.PUBLISHED
    resource.save()
    page = client_for(bob).get(resource.get_absolute_url()).text

    for text in (queue, page):
        assert alice.member.pseudonym in text
        assert alice.email not in text and "Martin" not in text
