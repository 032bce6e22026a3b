"""The checks every browser test runs on its pages (axe, overflow: tests/e2e/conftest.py)
reach the pages of other people's devices too: the browser contexts a journey opens."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import VIEWPORTS

CHECKED = "typeof window.axe === 'object' && typeof window.__comcepPageReport === 'function'"


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
@pytest.mark.django_db(transaction=True)
def test_the_pages_of_a_second_device_are_checked(page, browser, live_server,
                                                                      viewport, reference_data):
    page.goto(f"{live_server.url}/")
    assert page.evaluate(CHECKED)

    context = browser.new_context(viewport=VIEWPORTS[viewport], locale="fr-FR")
    other_device = context.new_page()
    other_device.goto(f"{live_server.url}/compte/login/")
    assert other_device.evaluate(CHECKED)
