"""The managers of tests/conftest.py, with their TOTP set up (they see aggregates of identities)."""

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
