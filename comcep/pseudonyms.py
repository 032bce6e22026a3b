"""The rules a pseudonym obeys.

Two pseudonyms may not read alike. We compare:

* a **key**: NFKC-normalised and case-folded, so "Marie", "MARIE" and
  "Ｍａｒｉｅ" (full-width) are the same pseudonym;
* a **skeleton**: each character replaced by the ASCII character it can be
  mistaken for (Unicode confusables), accents and separators dropped, so
  Latin "Marie" and Cyrillic "Мarie", or "Hélène" and "Helene", collide.

Both are stored in unique columns, so the database settles a race between two
members claiming look-alike pseudonyms at the same instant.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from confusable_homoglyphs import confusables
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MIN_LENGTH = 3
MAX_LENGTH = 30
# Letters (any script), digits, and a few separators inside the pseudonym.
_ALLOWED = re.compile(r"^[^\W_](?:[\w .'-]*[^\W_])?$")
_SEPARATORS = re.compile(r"[\s._'-]+")
_ASCII_LOOKALIKES = str.maketrans({"l": "1", "i": "1", "|": "1", "o": "0"})
# Words of the platform's roles and staff. Nobody may wear them: a member writing as
# "Équipe Comcep" or "Modération" would speak with an authority they do not hold.
# Long words are refused anywhere in the pseudonym, after confusable folding ("M0dérati0n",
# Cyrillic "Мodération", "Mod-ération", "ModérationBretagne").
RESERVED_ANYWHERE = (
    "modération", "modérateur", "modératrice", "moderator", "animateur", "animatrice",
    "administration", "administrateur", "administratrice", "administrator", "gestionnaire",
    "comcep", "plateforme", "officiel", "webmaster", "carif-oref",
)
# Short words that also live inside ordinary ones (badminton, digestion, supporter, équipée,
# inexpert): refused as a word of the pseudonym, digits around it included ("Admin2024",
# "Support RH", "L'équipe", "AdminBretagne").
RESERVED_WORDS = (
    "admin", "modo", "mod", "gestion", "équipe", "support", "staff", "team", "expert", "experte",
    "système", "system", "root", "anonyme", "officiel", "officielle",
)


def key(pseudonym: str) -> str:
    """Case- and width-insensitive form used for uniqueness."""
    return unicodedata.normalize("NFKC", pseudonym).casefold().strip()


@lru_cache(maxsize=4096)
def _prototype(char: str) -> str:
    """The ASCII look-alike of a character, if Unicode lists one."""
    if char.isascii():
        return char
    found = confusables.is_confusable(char, greedy=True, preferred_aliases=[])
    if not found:
        return char
    ascii_glyphs = sorted(h["c"] for h in found[0]["homoglyphs"] if h["c"].isascii())
    return ascii_glyphs[0] if ascii_glyphs else char


def skeleton(pseudonym: str) -> str:
    """A form under which look-alike pseudonyms become equal."""
    text = unicodedata.normalize("NFKC", pseudonym)
    text = "".join(_prototype(c) for c in text)
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _SEPARATORS.sub("", text)
    # Characters that are confusable among ASCII itself, once case is folded.
    return text.replace("rn", "m").translate(_ASCII_LOOKALIKES)


@lru_cache(maxsize=1)
def _reserved_skeletons() -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    return (tuple((skeleton(w), w) for w in RESERVED_ANYWHERE),
            tuple((skeleton(w), w) for w in RESERVED_WORDS))


def _words(pseudonym: str) -> list[str]:
    """The words of a pseudonym: split at separators and where a lower-case letter meets a
    capital ("AdminBretagne")."""
    text = unicodedata.normalize("NFKC", pseudonym)
    spaced = "".join(
        f" {c}" if i and text[i - 1].islower() and c.isupper() else c
        for i, c in enumerate(text)
    )
    return [w for w in _SEPARATORS.split(spaced) if w]


def _is_word(token: str, word: str) -> bool:
    """``token`` is ``word``, perhaps with digits before or after it ("2024admin", "modo13")."""
    at = token.find(word)
    return at >= 0 and (token[:at] + token[at + len(word):]).isdigit() or token == word


def reserved_word(pseudonym: str) -> str | None:
    """The reserved word the pseudonym holds, as it is spelled in French, or None."""
    anywhere, words = _reserved_skeletons()
    # Word by word, and all words run together ("Mod-ération"): joining them may also make
    # look-alikes across a boundary ("Modérateur Nantes" folds to "…rateumantes").
    tokens = [skeleton(w) for w in _words(pseudonym)] + [skeleton(pseudonym)]
    for folded, word in anywhere:
        if any(folded in token for token in tokens):
            return word
    for folded, word in words:
        if any(_is_word(token, folded) for token in tokens):
            return word
    return None


def validate_shape(pseudonym: str) -> None:
    """Raise ValidationError, in French, when the pseudonym is not acceptable."""
    value = unicodedata.normalize("NFKC", pseudonym).strip()
    if len(value) < MIN_LENGTH:
        raise ValidationError(
            _("Le pseudonyme doit compter au moins %(n)d caractères."),
            code="too_short", params={"n": MIN_LENGTH},
        )
    if len(value) > MAX_LENGTH:
        raise ValidationError(
            _("Le pseudonyme ne doit pas dépasser %(n)d caractères."),
            code="too_long", params={"n": MAX_LENGTH},
        )
    if not _ALLOWED.match(value):
        raise ValidationError(
            _("Le pseudonyme ne peut contenir que des lettres, des chiffres, des espaces, "
              "des points, des tirets et des apostrophes, et doit commencer et finir "
              "par une lettre ou un chiffre."),
            code="invalid_characters",
        )
    word = reserved_word(value)
    if word:
        raise ValidationError(
            _("« %(word)s » est un mot réservé aux rôles et à l'équipe de la plateforme : "
              "choisissez un pseudonyme qui ne le contient pas."),
            code="reserved", params={"word": word},
        )
    if confusables.is_mixed_script(value, allowed_aliases=["COMMON", "INHERITED"]):
        raise ValidationError(
            _("Le pseudonyme mélange plusieurs alphabets (par exemple latin et cyrillique) : "
              "choisissez-en un seul."),
            code="mixed_script",
        )



def reveals_identity(pseudonym: str, *, first_name: str, last_name: str, email: str) -> bool:
    """True when the pseudonym contains the member's real name or email login.

    A pseudonym that spells out who one is would defeat the privacy contract.
    """
    folded = skeleton(pseudonym)
    local_part = email.split("@", 1)[0]
    parts = [first_name, last_name, local_part, *re.split(r"[._+-]", local_part)]
    for part in parts:
        folded_part = skeleton(part or "")
        if len(folded_part) >= 3 and folded_part in folded:
            return True
    return False

