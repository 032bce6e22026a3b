"""Enrolment personas: the managers of tests/conftest.py, with their TOTP set up.

Operator and platform managers see real identities, so their queues open only
once two-factor authentication is active; here it is, through allauth's own API.
"""

from __future__ import annotations

import pytest

from tests.factories import with_totp


@pytest.fixture
def oscar(oscar):
    return with_totp(oscar)


@pytest.fixture
def olga(olga):
    return with_totp(olga)


@pytest.fixture
def paula(paula):
    return with_totp(paula)

