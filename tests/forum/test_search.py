"""French full-text search: accents folded, stems matched, ranked, highlighted, filtered, never an error."""

import datetime

import pytest
from django.urls import reverse

from forum import search
from forum.models import Category

HOSTILE = [
    "'", '"', "\\", "&", "|", "!", "(", ")", ":*", "a & | b", "!!!", "'; DROP TABLE forum_post; --",
    "<script>alert(1)</script>", "((((", "-", "- - -", "\"\"\"", "OR", "or or",
    "*", "%", "_", "😀", "a" * 500, "\u202e", "\\x00", "&#0;", "<->", "<2>", "foo <-> bar", "@@",
]


@pytest.fixture
def corpus(alice, bob, practices, write, reply):
    evaluation = write(alice, practices, title="Évaluation des compétences transférables",
                       body="Comment évaluer les compétences d'une personne en reconversion ?",
                       tags=["bilan"])
    reply(bob, evaluation, "Les *compétences* se révèlent souvent en situation.")
    write(bob, practices, title="Financement par le CPF", body="Le compte personnel de formation.",
          tags=["cpf"])
    return evaluation


def test_accents_and_word_forms_are_folded(corpus):
    results = search.search_posts(search.Filters(q="evaluation competence"))

    assert results and results[0].topic.pk == corpus.pk
    # Highlighted on the folded text, shown with its accents.
    assert "<mark>évaluer</mark>" in results[0].excerpt_html
    assert "<mark>compétences</mark>" in results[0].excerpt_html


def test_the_title_match_ranks_first(corpus):
    results = search.search_posts(search.Filters(q="compétences"))

    assert [post.number for post in results][:1] == [1]
    assert len(results) == 2


def test_filters_by_category_tag_author_and_date(corpus, bob, practices):
    other = Category.objects.create(slug="autre", name="Autre")
    today = datetime.date.today()

    assert search.search_posts(search.Filters(q="compétences", category=other.pk)) == []
    assert len(search.search_posts(search.Filters(q="compétences", category=practices.pk))) == 2
    assert len(search.search_posts(search.Filters(q="compétences", tag="BILAN"))) == 2
    assert search.search_posts(search.Filters(q="compétences", tag="cpf")) == []
    only_bob = search.search_posts(search.Filters(q="compétences", author="bob le bâtisseur"))
    assert [p.author.pk for p in only_bob] == [bob.member.pk]
    tomorrow = today + datetime.timedelta(days=1)
    assert search.search_posts(search.Filters(q="compétences", since=tomorrow)) == []
    assert len(search.search_posts(search.Filters(q="compétences", until=today))) == 2


def test_hidden_posts_are_never_found(corpus, mod):
    from forum import services

    services.hide_post(actor=mod.member, post=corpus.posts.get(number=2), reason="Hors charte")

    assert [p.number for p in search.search_posts(search.Filters(q="situation"))] == []


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_return_results_or_nothing_never_an_error(client_for, alice, corpus, query):
    response = client_for(alice).get(reverse("forum:search"), {"q": query})

    assert response.status_code == 200


@pytest.mark.parametrize("query", ["\x00", "évaluation\x00"])
def test_a_nul_byte_in_the_query_is_a_clear_400_not_an_error(client_for, alice, corpus, query):
    response = client_for(alice).get(reverse("forum:search"), {"q": query})

    assert response.status_code == 400
    assert "caractère refusé" in response.content.decode()


def test_the_excerpt_escapes_what_members_wrote(alice, practices, write):
    write(alice, practices, title="Un titre sans risque", body="<b>onboarding</b> & <i>entretien</i>")

    result = search.search_posts(search.Filters(q="entretien"))[0]

    assert "<b>" not in result.excerpt_html and "<i>" not in result.excerpt_html
    assert "&amp;" in result.excerpt_html
    assert "<mark>entretien</mark>" in result.excerpt_html


def test_the_search_page_shows_ranked_highlighted_results(client_for, bob, corpus):
    page = client_for(bob).get(reverse("forum:search"), {"q": "evaluer"}).text

    assert "Évaluation des compétences transférables" in page
    assert "<mark>" in page


def test_an_old_post_is_found_when_the_last_month_has_too_few_matches(alice, practices, write):
    from datetime import timedelta

    from django.utils import timezone

    from forum.models import Post

    old = write(alice, practices, title="Archives du groupe", body="Un outil ancien : le portfolio.")
    Post.objects.filter(topic=old).update(created_at=timezone.now() - timedelta(days=400))

    assert [p.topic.pk for p in search.search_posts(search.Filters(q="portfolio"))] == [old.pk]


def test_excerpts_keep_the_original_accents_and_ligatures(alice, practices, write):
    write(alice, practices, title="Un sujet", body="Le cœur du métier : l'évaluation des compétences.")

    excerpt = search.search_posts(search.Filters(q="evaluation"))[0].excerpt_html

    assert "cœur du métier" in excerpt and "<mark>évaluation</mark>" in excerpt


def test_texts_are_folded_in_python_exactly_as_the_database_folds_them(db):
    import importlib

    from django.db import connection

    migration = importlib.import_module("comcep.migrations.0004_search_functions")  # where folding is defined
    text = migration.ACCENTED + " œuvre Œdipe ex æquo Æ — ça, déjà, naïf, où, l'Œil ÿ ß ø 日本"

    with connection.cursor() as cursor:
        cursor.execute("SELECT public.comcep_unaccent(%s)", [text])
        folded_by_database = cursor.fetchone()[0]

    assert text.translate(search._full_fold()) == folded_by_database


def test_a_bad_date_is_explained_in_french_and_what_was_typed_is_kept(client_for, bob, corpus):
    page = client_for(bob).get(reverse("forum:search"), {"q": "evaluation", "since": "hier soir"}).text

    assert "Depuis le : Saisissez une date valide." in page
    assert 'value="evaluation"' in page and 'value="hier soir"' in page
    assert "résultat" not in page  # nothing was searched with half the filters


def test_a_search_within_a_transaction_leaves_the_planner_as_it_was(corpus):
    from django.db import connection

    search.search_posts(search.Filters(q="evaluation"))

    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "auto"


def test_a_post_hidden_or_masked_after_a_search_leaves_its_results_at_once(corpus, mod):
    """The ranking of a query is reused a minute (forum.search); what a result shows is not."""
    from forum import services

    reply = corpus.posts.get(number=2)
    before = search.search_posts(search.Filters(q="situation"))
    assert [r.pk for r in before] == [reply.pk]
    services.redact_post(actor=mod.member, post=reply, passages=["en situation"])

    masked = search.search_posts(search.Filters(q="situation"))
    assert "en situation" not in masked[0].excerpt_html
    services.hide_post(actor=mod.member, post=reply, reason="Hors sujet.")
    assert search.search_posts(search.Filters(q="situation")) == []
