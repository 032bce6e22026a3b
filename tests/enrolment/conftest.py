"""Enrolment personas: the managers of tests/conftest.py, with their TOTP set up.

Operator and platform managers see real identities, so their queues open only
once two-factor authentication is active; here it is, through allauth's own API.
"""

from __future__ import annotations

import uuid

import pytest

from tests.enrolment.factories import with_totp


@pytest.fixture
def oscar(oscar):
    return with_totp(oscar)


@pytest.fixture
def olga(olga):
    return with_totp(olga)


@pytest.fixture
def paula(paula):
    return with_totp(paula)


@pytest.fixture(autouse=True)
def own_cache(settings):
    # allauth's rate limits (one confirmation email per address every few minutes) live in
    # the cache; a fresh one per test keeps tests from throttling each other.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"enrolment-test-{uuid.uuid4().hex}"}}
