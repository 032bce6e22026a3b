"""The charter and the privacy notice: versioned texts the platform manager edits in the site.

Each edit is a new version (``LegalDocument``), rendered from simple Markdown and
sanitised. Until a platform manager writes one, version 1 is the default text shipped in
``templates/comcep/legal/default_<kind>.md``, dated ``DEFAULT_VERSION_DATE``: people who
joined since accepted it with their application. A member accepts each later charter
version at their next sign-in (``CharterMiddleware``); the acceptance is recorded with the
version.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_htmx.http import HttpResponseClientRedirect

from comcep import roles
from comcep.audit import record
from comcep.cache import db_scoped_key
from comcep.markdown import render_markdown
from comcep.models import CharterAcceptance, LegalDocument, LegalDocumentKind, User

DEFAULT_VERSION_DATE = datetime(2026, 1, 1, tzinfo=UTC)
MAX_LENGTH = 100_000

class LegalError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


def _default_body(kind: str) -> str:
    return render_to_string(f"comcep/legal/default_{kind}.md")


def current(kind: str) -> LegalDocument:
    """The version in force (the shipped default becomes version 1 the first time it is read)."""
    document = LegalDocument.objects.filter(kind=kind).order_by("-version").first()
    if document is not None:
        return document
    body = _default_body(kind)
    try:
        with transaction.atomic():
            return LegalDocument.objects.create(kind=kind, version=1, body=body,
                                                body_html=render_markdown(body),
                                                published_at=DEFAULT_VERSION_DATE)
    except IntegrityError:  # written by another request at the same moment
        return LegalDocument.objects.get(kind=kind, version=1)


@transaction.atomic
def publish(*, kind: str, body: str, actor: User) -> LegalDocument:
    """A new version of the charter or the notice, in force from now."""
    if kind not in LegalDocumentKind.values:
        raise LegalError(_("Document inconnu."))
    body = body.strip()
    if not body:
        raise LegalError(_("Le texte ne peut pas être vide."))
    if len(body) > MAX_LENGTH:
        raise LegalError(_("Le texte est trop long (100 000 caractères au plus)."))
    latest = current(kind)
    LegalDocument.objects.select_for_update().filter(pk=latest.pk).first()
    newest = LegalDocument.objects.filter(kind=kind).order_by("-version").first()
    version = (newest.version if newest else 0) + 1
    document = LegalDocument.objects.create(kind=kind, version=version, body=body,
                                            body_html=render_markdown(body), published_by=actor)
    record(actor=actor, action="legal.published", target=document,
           data={"kind": kind, "version": version})
    transaction.on_commit(lambda: cache.delete(_charter_key()))
    return document


# --- Charter acceptance -----------------------------------------------------------------------

def _charter_key() -> str:
    return db_scoped_key("legal:charter-version")


def current_charter() -> tuple[int, int, datetime]:
    """(id, version, published_at) of the charter in force, kept a minute in the cache."""
    value = cache.get(_charter_key())
    if value is None:
        document = current(LegalDocumentKind.CHARTER)
        value = (document.pk, document.version, document.published_at)
        cache.set(_charter_key(), value, 60)
    return value


def has_accepted_current_charter(user) -> bool:
    document_id, _version, published_at = current_charter()
    if user.date_joined >= published_at:
        return True  # they accepted this version with their application
    return CharterAcceptance.objects.filter(user=user, document_id=document_id).exists()


@transaction.atomic
def accept_charter(*, actor: User, version: int) -> CharterAcceptance:
    """Record that ``actor`` accepted the charter ``version`` they were shown."""
    document_id, current_version, _published = current_charter()
    if version != current_version:
        raise LegalError(_("La charte a changé entre-temps : lisez la nouvelle version."))
    acceptance, _created = CharterAcceptance.objects.get_or_create(user=actor,
                                                                   document_id=document_id)
    return acceptance


def accept_at_application(user: User) -> CharterAcceptance:
    """An applicant ticks "I accept the charter" on the form: the version in force is recorded."""
    document_id, _version, _published = current_charter()
    acceptance, _created = CharterAcceptance.objects.get_or_create(user=user,
                                                                   document_id=document_id)
    return acceptance


SESSION_KEY = "comcep_charter_version"


class CharterMiddleware:
    """A member who has not accepted the charter in force is asked to, before anything else."""

    # Reading the texts, signing out, and taking one's data and leaving (someone who refuses
    # the new charter may still do that) never wait for an acceptance.
    EXEMPT_ROUTES = ("healthz", "set_language", "account_logout", "legal:charter", "legal:accept_charter",
                     "legal:privacy", "legal:retention", "legal:legal_notice", "legal:accessibility",
                     "legal:transparency", "datarights:my_data")

    @classmethod
    @functools.cache
    def exempt_prefixes(cls) -> tuple[str, ...]:
        # Read from the URL configuration once, on the first request: no address written twice.
        return (settings.STATIC_URL, *(reverse(name) for name in cls.EXEMPT_ROUTES))

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated
                and not request.path.startswith(self.exempt_prefixes())):
            _id, version, _published = current_charter()  # from the cache: no query
            # The session knows, from the sign-in, that this version needs nothing more.
            if request.session.get(SESSION_KEY) != version:
                if not charter_settled(user):
                    return self._ask(request)
                request.session[SESSION_KEY] = version
        return self.get_response(request)

    @staticmethod
    def _ask(request):
        if request.headers.get("HX-Request"):
            # A fragment must not be swapped for the acceptance page: the whole page goes
            # there, and comes back to where the member was reading.
            query = urlencode({"next": request.headers.get("HX-Current-URL") or "/"})
            return HttpResponseClientRedirect(f"{reverse('legal:accept_charter')}?{query}")
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('legal:accept_charter')}?{query}")


def charter_settled(user) -> bool:
    """Nothing to accept: not a member of the community, or the charter in force accepted."""
    return not roles.is_community_member(user) or has_accepted_current_charter(user)


def note_charter_at_sign_in(sender, request, user, **kwargs) -> None:
    """``user_logged_in``: look the acceptance up once, at sign-in, rather than on a page."""
    session = getattr(request, "session", None)
    if session is not None and charter_settled(user):
        session[SESSION_KEY] = current_charter()[1]


def remember_acceptance(request, version: int) -> None:
    request.session[SESSION_KEY] = version
