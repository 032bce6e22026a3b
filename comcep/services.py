"""Writes on the shared core: a member's pseudonym and profile."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from comcep import identity, pseudonyms
from comcep.models import Member

TAKEN = _("Ce pseudonyme est déjà pris : choisissez-en un autre.")
CONFUSABLE = _("Ce pseudonyme ressemble trop à un pseudonyme existant : choisissez-en un autre.")


def validate_pseudonym(value: str, *, member: Member) -> str:
    """Return the pseudonym to store, or raise ValidationError in French."""
    value = " ".join(value.split())
    pseudonyms.validate_shape(value)
    user = identity.account_of(member, purpose=identity.Purpose.PSEUDONYM_CHECK)
    if pseudonyms.reveals_identity(
        value, first_name=user.first_name, last_name=user.last_name, email=user.email
    ):
        raise ValidationError(
            _("Votre pseudonyme ne doit contenir ni votre nom, ni votre prénom, ni votre "
              "adresse e-mail : il protège votre liberté de parole."),
            code="reveals_identity",
        )
    others = Member.objects.exclude(pk=member.pk)
    if others.filter(pseudonym_key=pseudonyms.key(value)).exists():
        raise ValidationError(TAKEN, code="taken")
    if others.filter(pseudonym_skeleton=pseudonyms.skeleton(value)).exists():
        raise ValidationError(CONFUSABLE, code="confusable")
    return value


def set_pseudonym(member: Member, value: str) -> Member:
    """Give ``member`` a pseudonym; the database settles races between look-alikes."""
    value = validate_pseudonym(value, member=member)
    member.pseudonym = value
    member.pseudonym_key = pseudonyms.key(value)
    member.pseudonym_skeleton = pseudonyms.skeleton(value)
    try:
        with transaction.atomic():
            member.save(update_fields=["pseudonym", "pseudonym_key", "pseudonym_skeleton"])
    except IntegrityError:
        member.refresh_from_db()
        raise ValidationError(CONFUSABLE, code="confusable") from None
    return member
