import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from comcep import services
from comcep.models import Member
from tests import factories


@pytest.fixture
def newcomer(reference_data):
    """An admitted member who has not chosen a pseudonym yet."""
    user = factories.make_member(pseudonym="", first_name="Juliette", last_name="Perrin",
                                 email="j.perrin@francetravail.fr")
    return user.member


def error_code(member: Member, pseudonym: str) -> str | None:
    try:
        services.set_pseudonym(member, pseudonym)
    except ValidationError as error:
        return error.error_list[0].code
    return None


@pytest.mark.parametrize(
    "taken, attempt",
    [
        ("Marie", "marie"),  # case
        ("Marie", "MARIE"),
        ("Marie", "Ｍａｒｉｅ"),  # full-width letters, folded by NFKC
        ("Marie", "Мarie"),  # Cyrillic capital em
        ("Paul", "Раul"),  # Cyrillic er and a
        ("Pace", "Расе"),  # all Cyrillic, reads as Latin "Pace"
        ("Hélène", "Helene"),  # accents only
        ("Iris", "lris"),  # capital I against lowercase L
        ("Modern", "Modem"),  # "rn" reads as "m"
        ("Jean-Marc", "Jean Marc"),  # separators only
        ("Nord Ouest", "N0rd 0uest"),  # zero for O
    ],
)
def test_a_pseudonym_that_reads_like_a_taken_one_is_refused(newcomer, taken, attempt):
    factories.make_member(pseudonym=taken)

    assert error_code(newcomer, attempt) in {"taken", "confusable", "mixed_script"}
    newcomer.refresh_from_db()
    assert newcomer.pseudonym == ""


@pytest.mark.parametrize(
    "attempt, code",
    [
        ("ab", "too_short"),
        ("x" * 31, "too_long"),
        ("<script>", "invalid_characters"),
        ("a\u202eb\u202c", "invalid_characters"),  # bidi override
        ("zero\u200bwidth", "invalid_characters"),
        ("-Dash", "invalid_characters"),
        ("Mаrie", "mixed_script"),  # Latin with one Cyrillic a
        ("Admin", "reserved"),
        ("M0derateur", "reserved"),
        ("Juliette Conseil", "reveals_identity"),
        ("perrin95", "reveals_identity"),
        ("j.perrin", "reveals_identity"),
    ],
)
def test_unacceptable_pseudonyms_get_a_clear_reason(newcomer, attempt, code):
    assert error_code(newcomer, attempt) == code


def test_the_french_message_explains_a_confusable_refusal(newcomer):
    factories.make_member(pseudonym="Pace")

    with pytest.raises(ValidationError) as error:
        services.set_pseudonym(newcomer, "Расе")

    assert "ressemble trop" in error.value.messages[0]


def test_accented_and_non_latin_pseudonyms_are_welcome(newcomer, reference_data):
    assert error_code(newcomer, "Bérénice d'Arvor") is None
    other = factories.make_member(pseudonym="").member
    assert error_code(other, "Мария") is None  # all Cyrillic is one script


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_two_lookalikes_even_when_checks_race(reference_data):
    first = factories.make_member(pseudonym="Marie").member
    second = factories.make_member(pseudonym="").member
    # Simulate a race that passed the checks: write the same skeleton directly.
    second.pseudonym, second.pseudonym_key = "Мarie", "мarie"
    second.pseudonym_skeleton = first.pseudonym_skeleton
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        second.save()


@pytest.mark.parametrize(
    "attempt",
    [
        "Modération",
        "moderation",
        "MODÉRATION",
        "M0dérati0n",  # zeros for O
        "Мodération",  # Cyrillic capital em
        "Ｍｏｄéｒａｔｉｏｎ",  # full-width letters
        "Mod-ération",  # a separator inside the word
        "M.o.d.é.r.a.t.i.o.n",
        "La Modération",  # inside the pseudonym
        "ModérationBretagne",  # glued to another word
        "Modérateur Nantes",
        "Modératrice",
        "Animateur du forum",
        "Animatrice",
        "Équipe Comcep",
        "L'équipe",
        "Comcep",
        "C0mcep",
        "Administration",
        "Administrateur",
        "Admin",
        "Admin2024",
        "AdminBretagne",
        "Gestion",
        "Gestionnaire",
        "Support",
        "Support RH",
        "Staff",
        "Plateforme",
        "Compte Officiel",
        "Officielle",
        "Expert RH",
        "Modo",
    ],
)
def test_a_pseudonym_holding_a_word_of_the_staff_is_refused(newcomer, attempt):
    assert error_code(newcomer, attempt) == "reserved"
    newcomer.refresh_from_db()
    assert newcomer.pseudonym == ""


@pytest.mark.parametrize(
    "ordinary",
    ["Badminton", "Digestion Lente", "Supporter Nantais", "Équipée Sauvage", "Moderato",
     "Modern Jazz", "Inexpert Curieux"],
)
def test_ordinary_words_that_contain_a_short_reserved_one_are_welcome(newcomer, ordinary):
    assert error_code(newcomer, ordinary) is None


def test_the_french_message_names_the_reserved_word(newcomer):
    with pytest.raises(ValidationError) as error:
        services.set_pseudonym(newcomer, "M0dérati0n Ouest")

    assert error.value.messages == [
        "« modération » est un mot réservé aux rôles et à l'équipe de la plateforme : "
        "choisissez un pseudonyme qui ne le contient pas."]


def test_a_newcomer_who_types_moderation_keeps_what_they_typed_and_reads_why(
        client_for, reference_data):
    newcomer = factories.make_member(pseudonym="")

    response = client_for(newcomer).post(reverse("choose_pseudonym"),
                                         {"pseudonym": "Équipe Modération"})

    assert response.status_code == 200
    assert "Équipe Modération" in response.text
    assert "mot réservé aux rôles" in response.text
    newcomer.member.refresh_from_db()
    assert newcomer.member.pseudonym == ""
