"""Each person lands on their own page after signing in; the apps register those pages
(``comcep.navigation.register_landing``), the core names none of them."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from comcep.accounts import landing_url


@pytest.mark.parametrize("persona,url_name", [
    ("oscar", "enrolment:operator_queue"),
    ("paula", "enrolment:platform_queue"),
    ("alice", "community"),
    ("expert", "community"),
    ("rita", "resources:actions_manage"),
])
def test_each_role_lands_on_its_own_page(request, persona, url_name):
    assert landing_url(request.getfixturevalue(persona)) == reverse(url_name)


def test_an_account_with_no_role_nor_application_lands_home(db):
    account = get_user_model().objects.create_user(email="sans.role@exemple.fr")
    assert landing_url(account) == reverse("home")
