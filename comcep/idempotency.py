"""The same form sent twice creates one thing.

A form that creates something (a forum topic, a reply…) carries a hidden random token, new
each time the form is shown (:class:`IdempotentFormMixin`). The view runs the creation through
:func:`once`, which claims the token inside the creating transaction:

- ``INSERT … ON CONFLICT (token) DO NOTHING`` takes the token. A second request with the same
  token, sent at the same moment (a double click, a resent request), waits on the unique index
  until the first transaction ends: if it committed, the second sees its row and is sent where
  the first one was, with no error and nothing created; if it rolled back (a refused post), the
  token is free again and the second request goes on as a first one.
- A token claimed by another account, for another scope (another topic) or with other content
  is refused (:class:`TokenRefused`): the form is shown again with what was typed and a fresh
  token. "Other content": a page the browser kept (back button) still holds the token of a form
  already sent; what is typed there is a new message, which must not vanish into a redirect
  to the old one. A visitor's form (the membership application) has no account: its token is
  bound to its scope and its content.

A missing token is a normal submission. A form shown before tokens existed (a tab left open
across a deploy) and a client that posts without the field must not lose what the member
typed. The token guards against honest duplicates, not against someone who means to post twice:
they could anyway, by opening the form again. A malformed token counts as missing, for the
same reason.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from comcep.models import SubmissionToken

TOKEN_FIELD = "submission_token"  # noqa: S105 (a form field name, not a secret)
KEEP = timedelta(days=1)  # far longer than any resent request; purged by the beat task
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


class TokenRefused(ValidationError):
    """The token was used by someone else, for something else, or with other content."""

    def __init__(self):
        super().__init__(
            _("Ce formulaire a déjà servi. Vérifiez ce que vous avez saisi, puis envoyez-le à nouveau."),
            code="submission_token_refused",
        )


@dataclass(frozen=True)
class Outcome:
    result: str  # the address of what was created, by this request or by the first one
    replayed: bool


def new_token() -> str:
    return secrets.token_urlsafe(32)


def clean_token(value) -> str:
    value = value if isinstance(value, str) else ""
    return value if _TOKEN.fullmatch(value) else ""


def digest(*parts) -> str:
    """A fingerprint of what a form sent, to tell a resent form from new content."""
    hashed = hashlib.sha256()
    for part in parts:
        hashed.update(repr(part).encode())
        hashed.update(b"\0")
    return hashed.hexdigest()


def form_digest(form) -> str:
    """A fingerprint of what a bound form sent: its fields and its files' names and sizes."""
    skip = {form.add_prefix(TOKEN_FIELD), "csrfmiddlewaretoken"}

    def items(data, value):
        getlist = getattr(data, "getlist", None)
        return sorted((key, [value(v) for v in (getlist(key) if getlist else [data[key]])])
                      for key in data if key not in skip)

    return digest(items(form.data, str), items(form.files, lambda f: (f.name, f.size)))


def _user_id(user) -> int | None:
    return user.pk if user is not None and user.is_authenticated else None


def claim(token: str, scope: str, user, *, content_digest: str = "") -> str | None:
    """Take ``token`` for ``scope`` and ``user``; the previous result when it was already taken.

    Must run in the transaction that creates the thing, so that a rolled-back creation frees
    the token. Raises :class:`TokenRefused` for a token taken by another user, for another
    scope, or with other content.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("claim() belongs in the transaction that creates the object")
    # Keyed by the token and the secret key: what was sent (a name, an address) cannot be
    # guessed back from a stored fingerprint.
    content_digest = salted_hmac("comcep.idempotency", f"{token}:{content_digest}",
                                 algorithm="sha256").hexdigest()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {SubmissionToken._meta.db_table} "
            "(token, scope, user_id, digest, created_at, result) VALUES (%s, %s, %s, %s, %s, '') "
            "ON CONFLICT (token) DO NOTHING RETURNING id",
            [token, scope, _user_id(user), content_digest, timezone.now()],
        )
        if cursor.fetchone() is not None:
            return None
    # Taken: the statement above waited for the transaction holding it to commit, so its row
    # (with its result) is visible to this new statement.
    previous = SubmissionToken.objects.filter(token=token).first()
    if (previous is None or not previous.result or previous.scope != scope
            or previous.user_id != _user_id(user) or previous.digest != content_digest):
        raise TokenRefused()
    return previous.result


def record(token: str, result: str) -> None:
    """Remember where what the token's first use created lives."""
    SubmissionToken.objects.filter(token=token).update(result=result)


def once(*, token: str, scope: str, user, create: Callable[[], str], content_digest: str = "") -> Outcome:
    """Run ``create`` (returning the address of what it made) once per token.

    Without a valid token, ``create`` simply runs (see the module's docstring).
    """
    token = clean_token(token)
    if not token:
        return Outcome(create(), replayed=False)
    with transaction.atomic():
        previous = claim(token, scope, user, content_digest=content_digest)
        if previous is not None:
            return Outcome(previous, replayed=True)
        result = create()
        record(token, result)
    return Outcome(result, replayed=False)


def purge(*, now=None) -> int:
    """Delete the tokens older than :data:`KEEP`."""
    cutoff = (now or timezone.now()) - KEEP
    deleted, _counts = SubmissionToken.objects.filter(created_at__lt=cutoff).delete()
    return deleted


# What the mixin is mixed into, for the type checker only.
if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class IdempotentFormMixin(_FormBase):
    """Adds the hidden token field; an unbound form gets a fresh token each time it is shown."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[TOKEN_FIELD] = forms.CharField(required=False, max_length=64,
                                                   widget=forms.HiddenInput)
        if not self.is_bound:
            self.initial[TOKEN_FIELD] = new_token()

    @property
    def submission_token(self) -> str:
        return clean_token(self.data.get(self.add_prefix(TOKEN_FIELD))) if self.is_bound else ""

    def refuse_token(self, error: ValidationError) -> None:
        """Show the form again with ``error``, what was typed, and a fresh token."""
        self.add_error(None, error)
        data = cast(Any, self.data).copy()  # a QueryDict (a dict in some callers): both copy
        data[self.add_prefix(TOKEN_FIELD)] = new_token()
        self.data = data
