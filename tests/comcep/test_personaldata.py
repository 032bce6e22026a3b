"""The detector of a beneficiary's data: each kind, its check keys, and the kept corpus."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from pathlib import Path

import pytest

from comcep.personaldata import (
    Kind,
    find_personal_data,
    is_valid_iban,
    is_valid_nir,
    kinds_found,
    nir_key,
)

TODAY = date(2026, 12, 6)


def found(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in find_personal_data(text, today=TODAY)]


# --- Phones -----------------------------------------------------------------------------------

@pytest.mark.parametrize("number", [
    "06 12 34 56 78", "06.12.34.56.78", "06-12-34-56-78", "0612345678", "+33 6 12 34 56 78",
    "+33612345678", "0033 6 12 34 56 78", "+33 (0)6 12 34 56 78", "01 45 67 89 01",
    "09 51 23 45 67", "07 81 22 45 90", "06/58/47/21/30",
])
def test_french_phone_numbers_are_found_whatever_their_spelling(number):
    text = f"Elle est joignable au {number}, plutôt le matin."
    assert found(text) == [(Kind.PHONE, number)]


def test_a_phone_followed_by_other_numbers_is_still_found():
    assert found("Rappeler au 06 12 34 56 78 2 fois par semaine.") == [(Kind.PHONE, "06 12 34 56 78")]


def test_the_finding_points_at_the_passage():
    text = "Rappeler au 06 12 34 56 78 demain."
    (finding,) = find_personal_data(text)
    assert text[finding.start:finding.end] == "06 12 34 56 78"


@pytest.mark.parametrize("text", [
    "Appelez le 3949 ou le 39 95 pour France Travail.",
    "Le numéro vert 0 800 130 000 et le 08 00 12 34 56 sont gratuits.",
    "Le SIRET 12345678901234 de l'organisme.",
    "Article L. 6111-6 et article R. 6323-9 du code du travail.",
    "Un CPF de 1 500 €, un reste à charge de 2 300 €.",
    "La certification RNCP35190, code ROME M1607.",
])
def test_numbers_counsellors_write_every_day_are_not_phones(text):
    assert found(text) == []


# --- Emails -----------------------------------------------------------------------------------

def test_an_email_address_is_found():
    assert found("Son adresse : karim.benali78@gmail.com.") == [(Kind.EMAIL, "karim.benali78@gmail.com")]


def test_an_at_sign_alone_is_no_address():
    assert found("Rendez-vous @[Camille] à 14 h, et @tous : merci.") == []


# --- NIR --------------------------------------------------------------------------------------

def test_the_nir_key_is_97_minus_the_number_modulo_97():
    assert nir_key("1850578006084") == 97 - 1850578006084 % 97 == 91


def test_corsican_departments_count_as_19_and_18():
    assert nir_key("175052A050123") == 97 - int("1750519050123") % 97
    assert nir_key("175052B050123") == 97 - int("1750518050123") % 97


@pytest.mark.parametrize("nir", [
    "1 85 05 78 006 084 91", "185057800608491", "1 75 05 2B 050 123 66", "2 78 08 69 123 045 17",
])
def test_a_nir_with_its_right_key_is_found(nir):
    assert is_valid_nir(nir)
    assert found(f"Son numéro de sécurité sociale : {nir}.") == [(Kind.NIR, nir)]


@pytest.mark.parametrize("nir", [
    "1 85 05 78 006 084 92",  # wrong key
    "3 85 05 78 006 084 91",  # no such sex digit
    "1 85 15 78 006 084 22",  # month 15 (and its key)
    "1 75 05 2C 050 123 66",  # no such department
])
def test_a_nir_with_a_wrong_key_or_shape_is_not_one(nir):
    assert not is_valid_nir(nir)
    assert (Kind.NIR, nir) not in found(f"Numéro : {nir}.")


def test_a_wrong_key_is_told_apart_from_the_right_one():
    # The same thirteen digits: only the right key makes it a NIR.
    right = "2 78 08 69 123 045 17"
    assert [kind for kind, _text in found(right)] == [Kind.NIR]
    assert Kind.NIR not in kinds_found(right[:-2] + "18")


# --- IBAN -------------------------------------------------------------------------------------

@pytest.mark.parametrize("iban", [
    "FR76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189",
    "FR14 2004 1010 0505 0001 3M02 606", "BE68 5390 0754 7034", "DE89 3704 0044 0532 0130 00",
])
def test_an_iban_with_its_right_key_is_found(iban):
    assert is_valid_iban(iban)
    assert found(f"Virement sur {iban} merci.") == [(Kind.IBAN, iban)]


def test_an_iban_with_a_wrong_key_is_not_one():
    assert not is_valid_iban("FR76 3000 6000 0112 3456 7890 188")
    assert not is_valid_iban("FR77 3000 6000 0112 3456 7890 189")
    assert Kind.IBAN not in kinds_found("Compte FR77 3000 6000 0112 3456 7890 189.")


def test_an_iban_stops_at_its_country_length():
    assert found("IBAN FR76 3000 6000 0112 3456 7890 189 MERCI") == [
        (Kind.IBAN, "FR76 3000 6000 0112 3456 7890 189")]


# --- Dates of birth ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, date_text", [
    ("Personne née le 14/06/1971, cariste.", "14/06/1971"),
    ("Date de naissance : 3 avril 1969.", "3 avril 1969"),
    ("Né à Saint-Étienne le 1er mars 1980.", "1er mars 1980"),
    ("DDN 05/09/1990, en CDD.", "05/09/1990"),
    ("Il est né le 12.03.78 à Lille.", "12.03.78"),
    ("Le 22/11/1983 (date de naissance) figure au dossier.", "22/11/1983"),
])
def test_a_date_next_to_a_birth_word_is_a_date_of_birth(text, date_text):
    assert found(text) == [(Kind.BIRTH_DATE, date_text)]


@pytest.mark.parametrize("text", [
    "La session du 14/10/2025 est complète.",
    "Le décret du 23 décembre 2019 et la loi du 5 septembre 2018.",
    "Une personne née en 1978, arrivée en France en 2015.",
    "L'année 1978 et la naissance de son enfant.",
    "Né(e) le 12/03/2020 : un enfant, pas un bénéficiaire.",  # too young to be advised
    "La connaissance du métier acquise le 12/03/1995.",
])
def test_other_dates_are_not_dates_of_birth(text):
    assert found(text) == []


# --- Civility + name --------------------------------------------------------------------------

@pytest.mark.parametrize("text, passage", [
    ("J'ai reçu Mme Lefebvre hier.", "Mme Lefebvre"),
    ("M. Jean Martin hésite.", "M. Jean Martin"),
    ("Monsieur Petitjean a obtenu son titre.", "Monsieur Petitjean"),
    ("Madame Rousseau-Dupré est en reconversion.", "Madame Rousseau-Dupré"),
    ("Mlle N'Diaye a rappelé.", "Mlle N'Diaye"),
    ("Premier rendez-vous avec M Diallo, 27 ans.", "M Diallo"),
    ("monsieur Traoré veut reprendre ses études.", "monsieur Traoré"),
])
def test_a_civility_and_a_capitalised_name_is_a_name(text, passage):
    assert found(text) == [(Kind.CIVIL_NAME, passage)]


@pytest.mark.parametrize("text", [
    "M. le directeur de l'agence et Monsieur le Maire.",
    "Madame la Directrice, Madame La Présidente, M. Le Directeur régional.",
    "Appelons-la Mme X ; son conjoint, M. Y, est d'accord.",
    "Madame, Monsieur, voici le compte rendu.",
])
def test_titles_and_placeholders_are_not_names(text):
    assert found(text) == []


# --- Together ---------------------------------------------------------------------------------

def test_findings_come_in_reading_order_without_overlaps():
    text = ("Mme Carpentier, née le 9 octobre 1979, tél. 06 98 76 54 32, "
            "sécu 2 78 08 69 123 045 17, IBAN FR76 3000 6000 0112 3456 7890 189.")
    assert [kind for kind, _text in found(text)] == [
        Kind.CIVIL_NAME, Kind.BIRTH_DATE, Kind.PHONE, Kind.NIR, Kind.IBAN]


def test_markdown_code_spans_are_scanned_too():
    assert kinds_found("Son numéro : `06 12 34 56 78`") == {Kind.PHONE}


def test_an_empty_text_has_nothing():
    assert find_personal_data("") == []


# --- The corpus -------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
MAX_FALSE_NEGATIVES = 0.05
MAX_FALSE_POSITIVES = 0.10


def _bench():
    spec = importlib.util.spec_from_file_location("personal_data_rates",
                                                  ROOT / "bench" / "personal_data_rates.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_corpus_is_large_and_balanced():
    samples = _bench().load()
    with_data = [s for s in samples if s["kinds"]]
    assert len(samples) >= 60
    assert 0.4 <= len(with_data) / len(samples) <= 0.6
    assert {kind for s in with_data for kind in s["kinds"]} == set(Kind.ALL)
    assert len({s["id"] for s in samples}) == len(samples)


def test_the_detector_misses_and_over_flags_little_on_the_corpus():
    bench = _bench()
    rates = bench.evaluate(bench.load())
    print(rates.summary())
    assert rates.false_negative_rate <= MAX_FALSE_NEGATIVES, rates.summary()
    assert rates.false_positive_rate <= MAX_FALSE_POSITIVES, rates.summary()


def test_the_rates_would_catch_a_detector_that_finds_nothing():
    bench = _bench()
    samples = [{**s, "text": ""} for s in bench.load()]
    assert bench.evaluate(samples).false_negative_rate == 1.0
