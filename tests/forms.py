"""What tests fill in and read back from the site's forms."""

from __future__ import annotations

import re

from tests import factories

SUBMISSION_TOKEN = re.compile(r'name="submission_token" value="([A-Za-z0-9_-]+)"')


def token_in(response_or_html) -> str:
    """The submission token a form carries (comcep.idempotency); fails if it has none."""
    html = response_or_html if isinstance(response_or_html, str) else response_or_html.content.decode()
    match = SUBMISSION_TOKEN.search(html)
    assert match, "the form carries no submission token"
    return match.group(1)


def application_form(**overrides) -> dict:
    """A complete, valid application to the pilot region (52), as an applicant types it."""
    data = {
        "first_name": "Claire", "last_name": "Fontaine", "email": "claire.fontaine@apec.fr",
        "operator": factories.operator("apec").pk, "region": factories.region("52").pk,
        "structure_name": "Centre Apec de Nantes", "job_title": "Consultante CEP",
        "password1": "un-mot-de-passe-solide", "password2": "un-mot-de-passe-solide",
        "charter": "on",
    }
    return {**data, **overrides}
