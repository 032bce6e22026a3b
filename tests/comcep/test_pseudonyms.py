import pytest
from django.core.exceptions import ValidationError

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
