"""The events' pages give their dates in a form an HTML checker and a screen reader's date
reading accept: a `datetime` attribute has at most three digits after the seconds."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
# HTML's "valid global date and time string": fractions of a second have 1 to 3 digits.
VALID = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$")


def datetimes(html: str) -> list[str]:
    return re.findall(r'<time[^>]*\sdatetime="([^"]*)"', html)


def test_an_event_s_time_is_a_valid_datetime_on_its_page_and_in_the_list(client_for, expert,
                                                                          alice, make_event):
    # Created minutes from now, as the demo's expert session is: its time has microseconds.
    event = make_event(expert, starts_in=timedelta(minutes=7, microseconds=123456))
    assert event.starts_at.microsecond
    client = client_for(alice)

    for url in (reverse("events:detail", args=[event.pk]), reverse("events:index")):
        found = datetimes(client.get(url).text)
        assert found, url
        assert [value for value in found if not VALID.match(value)] == [], url
