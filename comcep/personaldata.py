"""What looks like a beneficiary's personal data in a French text.

Counsellors discuss real cases; a phone number, an address, a social security number or a
"Mme Dupont" slipped into a post would carry a beneficiary's identity into the community.
:func:`find_personal_data` finds such passages so that the author is asked to check before
publishing, and a moderator can mask them afterwards.

It looks for: French phone numbers, email addresses, French social security numbers (NIR,
checked with their key), IBANs (checked with their mod-97 key), dates of birth (a date next to
"né·e", "naissance"…, with a plausible year) and a civility followed by a capitalised name.

The detector errs towards asking: the author confirms in one click, whereas a missed number
is published. It avoids what counsellors write all day: legal references ("article
L. 6111-6"), RNCP codes, amounts, years, session dates, short public-service numbers (3949),
"M. le directeur". Markdown code spans are scanned like the rest: a number in backticks is
published just the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date


class Kind:
    PHONE = "phone"
    EMAIL = "email"
    NIR = "nir"
    IBAN = "iban"
    BIRTH_DATE = "birth_date"
    CIVIL_NAME = "civil_name"

    ALL = (PHONE, EMAIL, NIR, IBAN, BIRTH_DATE, CIVIL_NAME)


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str


# --- Phones -------------------------------------------------------------------------------------

# 0X XX XX XX XX with spaces, dots, dashes, slashes or nothing; +33 / 0033, with or without "(0)".
# Not 08: those are service numbers (numéro vert, hotlines), never a person's.
_PHONE = re.compile(
    r"(?<![\w+])"
    r"(?:(?:\+|00)\s?33[\s.\-]?(?:\(0\)[\s.\-]?)?|0)"
    r"[1-79](?:[\s./\-]?\d{2}){4}"
    r"(?!\d)"
)

# --- Emails -------------------------------------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")

# --- NIR (numéro de sécurité sociale) -----------------------------------------------------------

# 1 or 2 (sex), 2 digits (year), 2 (month), 2 (department, 2A/2B for Corsica), 3 (commune),
# 3 (order), 2 (key) — written grouped ("1 85 05 78 006 084 36") or in one run.
_NIR = re.compile(
    r"(?<![\w])([12])[\s.]?(\d{2})[\s.]?(\d{2})[\s.]?(\d{2}|2[ABab])[\s.]?(\d{3})[\s.]?(\d{3})"
    r"[\s.]?(\d{2})(?![\w])"
)


def nir_key(number13: str) -> int:
    """The key of a 13-character NIR: 97 - (number mod 97); Corsica's 2A/2B count as 19/18."""
    department = number13[5:7].upper()
    folded = number13[:5] + {"2A": "19", "2B": "18"}.get(department, department) + number13[7:]
    return 97 - int(folded) % 97


def _nir_month_ok(month: int) -> bool:
    # 01-12; 20-42 and 50-99 are given when the month of birth is unknown.
    return 1 <= month <= 12 or 20 <= month <= 42 or 50 <= month <= 99


def is_valid_nir(value: str) -> bool:
    compact = re.sub(r"[\s.]", "", value).upper()
    if len(compact) != 15 or compact[0] not in "12":
        return False
    if not (compact[:5].isdigit() and compact[7:].isdigit()):
        return False
    department = compact[5:7]
    if not (department.isdigit() or department in ("2A", "2B")):
        return False
    if not _nir_month_ok(int(compact[3:5])):
        return False
    return nir_key(compact[:13]) == int(compact[13:])


# --- IBAN ---------------------------------------------------------------------------------------

_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}(?![a-z0-9])")
_IBAN_LENGTHS = {
    "FR": 27, "MC": 27, "DE": 22, "BE": 16, "ES": 24, "IT": 27, "LU": 20, "CH": 21, "GB": 22,
    "PT": 25, "NL": 18, "AT": 20, "IE": 22, "GP": 27, "MQ": 27, "RE": 27, "GF": 27, "YT": 27,
    "NC": 27, "PF": 27, "PM": 27,
}


def is_valid_iban(value: str) -> bool:
    compact = value.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", compact):
        return False
    expected = _IBAN_LENGTHS.get(compact[:2])
    if expected is not None and len(compact) != expected:
        return False
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(char, 36)) for char in rearranged)
    return int(digits) % 97 == 1


def _iban_findings(text: str):
    for match in _IBAN.finditer(text):
        raw = match.group()
        # The run may swallow what follows the IBAN (a capitalised word); cut it at the
        # country's length, counted in characters without spaces.
        expected = _IBAN_LENGTHS.get(raw[:2])
        end = len(raw)
        if expected is not None:
            seen = 0
            for index, char in enumerate(raw):
                if char != " ":
                    seen += 1
                if seen == expected:
                    end = index + 1
                    break
            else:
                continue
        candidate = raw[:end]
        if is_valid_iban(candidate):
            yield Finding(Kind.IBAN, match.start(), match.start() + end, candidate)


# --- Dates of birth -----------------------------------------------------------------------------

_MONTHS = ("janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[ûu]t|septembre|octobre|novembre|"
           "d[ée]cembre")
_DATE = re.compile(
    r"(?<!\d)(?:"
    r"(?P<d>[0-3]?\d)[/.\-](?P<m>[01]?\d)[/.\-](?P<y>\d{4}|\d{2})"
    rf"|(?P<d2>1er|[0-3]?\d)\s+(?P<m2>{_MONTHS})\s+(?P<y2>\d{{4}})"
    r")(?!\d)",
    re.IGNORECASE,
)
# "né", "née", "nés", "né(e)", "naissance", "DDN" — whole words: "année", "connaissance" are not.
_BIRTH_WORD = re.compile(r"(?<![\w])(?:n[ée]e?s?(?:\(e\))?|naissances?|ddn)(?![\w])", re.IGNORECASE)
_BIRTH_BEFORE = 45  # characters: "née à Saint-Étienne le 12/03/1978"
_BIRTH_AFTER = 25  # "12/03/1978 (date de naissance)"


def _year(raw: str, today: date) -> int:
    year = int(raw)
    if len(raw) == 2:
        year += 2000 if year <= today.year % 100 else 1900
    return year


def _birth_findings(text: str, today: date):
    for match in _DATE.finditer(text):
        year = _year(match.group("y") or match.group("y2"), today)
        # Someone a counsellor advises: between 14 and 100 years old.
        if not today.year - 100 <= year <= today.year - 14:
            continue
        if match.group("m") is not None:
            day, month = int(match.group("d")), int(match.group("m"))
            if not (1 <= day <= 31 and 1 <= month <= 12):
                continue
        before = text[max(0, match.start() - _BIRTH_BEFORE):match.start()]
        after = text[match.end():match.end() + _BIRTH_AFTER]
        if _BIRTH_WORD.search(before) or _BIRTH_WORD.search(after):
            yield Finding(Kind.BIRTH_DATE, match.start(), match.end(), match.group())


# --- Civility + surname -------------------------------------------------------------------------

# "M" without its dot counts only before a name of two letters or more ("M Diallo").
_CIVILITY = (r"(?:M\.|M(?=[ \u00a0][A-ZÀ-Ý][a-zà-ÿ])|MM\.|Mr\.?|Mme\.?|Mmes|Mlle\.?"
             r"|Monsieur|Madame|Mademoiselle|monsieur|madame)")
_UPPER = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ"
_LOWER = "a-zàâäçéèêëîïôöùûüÿœæ"
# "Dupont", "DUPONT", "N'Diaye", "Rousseau-Dupré"; not a lone initial ("M. D.").
_NAME = rf"[{_UPPER}](?:[{_LOWER}]+|[{_UPPER}]+|(?=['’][{_UPPER}]))(?:['’-][{_UPPER}]?[{_LOWER}{_UPPER}]+)*"
_CIVIL_NAME = re.compile(
    rf"(?<![\w]){_CIVILITY}[ \u00a0]+(?P<name>{_NAME}(?:[ \u00a0]+{_NAME})?)(?![\w])"
)
# Words that follow a civility without being a name: "Monsieur Le Maire", "Madame La
# Directrice", "M. X" (already anonymised), the start of the next sentence.
_NOT_NAMES = {
    "le", "la", "les", "l", "de", "du", "des", "un", "une", "et", "ou",
    "maire", "directeur", "directrice", "président", "présidente", "préfet", "préfète",
    "ministre", "juge", "conseiller", "conseillère", "député", "députée", "sénateur",
    "sénatrice", "recteur", "rectrice", "proviseur", "docteur", "maître",
    "x", "y", "z", "xx", "xxx",
}


def _civil_name_findings(text: str):
    for match in _CIVIL_NAME.finditer(text):
        words = match.group("name").replace("\u00a0", " ").split(" ")
        if words[0].lower().strip("'’") in _NOT_NAMES:
            continue
        yield Finding(Kind.CIVIL_NAME, match.start(), match.end(), match.group())


# --- All together -------------------------------------------------------------------------------

def _regex_findings(pattern: re.Pattern, kind: str, text: str, valid=None):
    for match in pattern.finditer(text):
        if valid is None or valid(match.group()):
            yield Finding(kind, match.start(), match.end(), match.group())


def find_personal_data(text: str, *, today: date | None = None) -> list[Finding]:
    """The passages of ``text`` that look like a person's data, in reading order.

    Overlaps are settled by the most specific kind (an IBAN holds digits a phone could match).
    """
    if not text:
        return []
    today = today or date.today()
    ranked = [
        *_iban_findings(text),
        *_regex_findings(_NIR, Kind.NIR, text, is_valid_nir),
        *_regex_findings(_EMAIL, Kind.EMAIL, text),
        *_regex_findings(_PHONE, Kind.PHONE, text),
        *_birth_findings(text, today),
        *_civil_name_findings(text),
    ]
    kept: list[Finding] = []
    for finding in ranked:
        if not any(finding.start < other.end and other.start < finding.end for other in kept):
            kept.append(finding)
    return sorted(kept, key=lambda finding: finding.start)


def kinds_found(text: str) -> set[str]:
    return {finding.kind for finding in find_personal_data(text)}
