"""Dates, durations and counts as a French reader reads them: no « 0 minute », no « (s) », no
capitalised month abbreviation; and the list filters that fold on a phone, open when one is set."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone, translation

from comcep.templatetags.comcep_a11y import active_filters
from comcep.templatetags.comcep_site import duration, since
from enrolment.models import Status
from resources.models import Kind, Video, VideoRendition
from tests.enrolment.factories import make_application
from tests.factories import with_totp
from tests.resources.factories import ResourceFactory

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted([*ROOT.glob("templates/**/*.html"), *ROOT.glob("templates/**/*.txt"),
                    *ROOT.glob("jinja2/**/*.html")])
# A date format given to |date (or date_format) in a template, and Django's named formats.
DATE_FORMAT_ARGUMENT = re.compile(r"""date(?::|_format\([^,]*,\s*)(["'])(.*?)\1""")
NAMED_FORMAT = re.compile(r"^[A-Z_]+_FORMAT$")


def test_under_a_minute_reads_as_just_now_and_later_in_whole_units():
    now = timezone.now()
    with translation.override("fr"):
        assert since(now - timedelta(seconds=20), now) == "à l'instant"
        assert since(now, now) == "à l'instant"
        assert since(now - timedelta(minutes=1), now) == "il y a 1\xa0minute"
        assert since(now - timedelta(minutes=5, seconds=40), now) == "il y a 5\xa0minutes"
        assert since(now - timedelta(days=3, hours=2), now) == "il y a 3\xa0jours"
        assert since(None) == ""


def test_a_video_s_length_reads_in_hours_minutes_and_seconds():
    with translation.override("fr"):
        assert duration(754.0) == "12\xa0min 34\xa0s"
        assert duration(45.4) == "45\xa0s"
        assert duration(0) == "0\xa0s"
        assert duration(3725) == "1\xa0h 02\xa0min"
        for nothing in (None, "", "n/a", -3, float("inf")):
            assert duration(nothing) == ""


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_template_writes_a_bracketed_plural_or_a_capitalised_month(path):
    text = path.read_text()
    # Counts go through {% blocktranslate count %}: « 1 leçon », « 2 leçons », never « leçon(s) ».
    assert not re.search(r"\w\(e?s\)", text), "use {% blocktranslate count %} for a plural"
    for _quote, format_string in DATE_FORMAT_ARGUMENT.findall(text):
        if NAMED_FORMAT.match(format_string):
            continue
        # "M" is « Déc » in French; "N", "b", "F" or a named format (DATE_FORMAT…) are lower case.
        unescaped = re.sub(r"\\.", "", format_string)
        assert "M" not in unescaped, f"{format_string!r}: use DATE_FORMAT or « j F Y »"


class Filters(forms.Form):
    q = forms.CharField(required=False)
    status = forms.ChoiceField(required=False, choices=[("", "à traiter"), ("all", "toutes")])
    order = forms.ChoiceField(required=False, choices=[("oldest", "anciennes"), ("newest", "récentes")])
    tags = forms.MultipleChoiceField(required=False, choices=[("a", "A"), ("b", "B")])


def test_a_filter_counts_as_set_only_when_it_differs_from_its_default():
    assert active_filters(Filters()) == 0
    assert active_filters(Filters({})) == 0
    assert active_filters(Filters({"q": "  ", "status": "", "order": "oldest"})) == 0
    assert active_filters(Filters({"status": "all"})) == 1
    assert active_filters(Filters({"q": "Nantes", "order": "newest", "tags": ["a"]})) == 3
    assert active_filters(Filters({"q": "Nantes", "order": "newest"}), "q") == 1
    # A value the form refuses was still asked for: the fold opens on it.
    assert active_filters(Filters({"status": "bogus"})) == 1


def fold_of(page: str) -> str:
    match = re.search(r'<details class="[^"]*filters-fold"[^>]*>\s*<summary>(.*?)</summary>', page, re.S)
    assert match, "no folded filters on the page"
    return match.group(0)


@pytest.mark.django_db
def test_the_library_folds_its_filters_unless_one_is_set(client_for, alice):
    ResourceFactory(kind=Kind.LEGAL, title="Le compte personnel de formation")
    client = client_for(alice)

    folded = fold_of(client.get(reverse("resources:list")).text)
    searched = fold_of(client.get(reverse("resources:list"), {"q": "formation"}).text)
    filtered = fold_of(client.get(reverse("resources:list"), {"q": "formation", "kind": "legal",
                                                              "tag": "cpf"}).text)

    # The search stays outside the fold: searching alone leaves it folded.
    for page in (folded, searched):
        assert " open" not in page and "data-open-wide" in page and "actif" not in page
    assert " open" in filtered and "Filtrer · 2 actifs" in re.sub(r"<[^>]+>", "", filtered)


@pytest.mark.django_db
def test_the_operator_queue_folds_its_filters_unless_one_is_set(client_for, oscar):
    with_totp(oscar)
    make_application(status=Status.PENDING, manager=oscar)
    client = client_for(oscar)
    queue = reverse("enrolment:operator_queue")

    folded = fold_of(client.get(queue).text)
    by_default = fold_of(client.get(queue, {"status": "", "order": "oldest"}).text)
    everything = fold_of(client.get(queue, {"status": "all"}).text)

    for page in (folded, by_default):
        assert " open" not in page and "actif" not in page
    assert " open" in everything and "Filtrer · 1 actif" in re.sub(r"<[^>]+>", "", everything)


@pytest.mark.django_db
def test_a_video_shows_its_length_in_minutes_and_seconds(client_for, alice):
    resource = ResourceFactory(kind=Kind.VIDEO, title="Séquence : reformuler la demande")
    video = Video.objects.create(resource=resource, state="ready", duration=754.0)
    VideoRendition.objects.create(video=video, height=360, width=640, path=f"{video.folder}/360p.mp4")

    page = client_for(alice).get(resource.get_absolute_url()).text

    assert "Durée : 12\xa0min 34\xa0s" in page
