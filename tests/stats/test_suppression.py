"""No figure about fewer than ten people, nor one found back by difference."""

from __future__ import annotations

import csv
import io
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from enrolment.models import Application, Status
from stats.suppression import TOTAL, Relation, cross_table, suppress
from tests.enrolment.factories import make_application

HIDDEN = "< 10"


def test_a_small_cell_is_hidden_with_a_partner_in_its_row_and_column():
    counts = {("A", "jan"): 12, ("A", "feb"): 3, ("B", "jan"): 20, ("B", "feb"): 15}

    table = cross_table(counts, ["A", "B"], ["jan", "feb"])

    assert table.cell("A", "feb") is None
    # Its row total and column total would give it back: a second cell of each goes too.
    row = [table.cell("A", c) for c in ("jan", "feb", TOTAL)]
    column = [table.cell(r, "feb") for r in ("A", "B", TOTAL)]
    assert row.count(None) >= 2 and column.count(None) >= 2


def test_no_relation_is_left_with_a_lone_hidden_cell():
    values = {"t": 30, "a": 5, "b": 12, "c": 13}
    hidden = suppress(values, [Relation("t", ("a", "b", "c"))])

    assert "a" in hidden and len(hidden & {"t", "a", "b", "c"}) >= 2


def _cells(response) -> list[list[str]]:
    text = response.content.decode().lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


@pytest.mark.django_db
def test_one_member_cannot_be_isolated_through_any_filter_combination(client_for, oscar,
                                                                      reference_data):
    """Ten Apec members admitted in Pays de la Loire, one alone in Bretagne: whatever the
    manager chooses, the lone one's region, month or total is never shown nor computable."""
    for n in range(10):
        make_application(status=Status.ADMITTED, region_code="52", manager=oscar,
                         first_name=f"Membre{n}")
    lone = make_application(status=Status.ADMITTED, region_code="53", manager=oscar,
                            first_name="Seule")
    year = timezone.localdate().year
    client = client_for(oscar)
    years = ["", str(year), str(year - 1)]
    tables = ["admissions", "activite"]
    for chosen_year, table in itertools.product(years, tables):
        query = {"year": chosen_year} if chosen_year else {}
        page = client.get(reverse("stats:operator", args=["apec"]), query)
        assert page.status_code == 200
        assert "Seule" not in page.text and lone.email not in page.text
        rows = _cells(client.get(reverse("stats:operator_csv", args=["apec", table]), query))
        if table != "admissions":
            continue
        header, body = rows[0], rows[1:]
        bretagne = next(row for row in body if row[0] == "Bretagne")
        assert "1" not in bretagne[1:], (chosen_year, bretagne)
        # Every row and every column holding a hidden figure holds at least two.
        for row in body:
            assert row[1:].count(HIDDEN) != 1, (chosen_year, row)
        for column in range(1, len(header)):
            assert [row[column] for row in body].count(HIDDEN) != 1, (chosen_year, header[column])
    assert Application.objects.filter(status=Status.ADMITTED).count() == 11
