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
RESERVED = {
    "admin", "administrateur", "administratrice", "comcep", "moderateur", "moderatrice",
    "animateur", "animatrice", "support", "plateforme", "system", "systeme", "root",
    "anonyme", "expert", "experte", "staff", "equipe",
}


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
    if confusables.is_mixed_script(value, allowed_aliases=["COMMON", "INHERITED"]):
        raise ValidationError(
            _("Le pseudonyme mélange plusieurs alphabets (par exemple latin et cyrillique) : "
              "choisissez-en un seul."),
            code="mixed_script",
        )
    if skeleton(value) in {skeleton(word) for word in RESERVED}:
        raise ValidationError(
            _("Ce pseudonyme est réservé : choisissez-en un autre."), code="reserved"
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

