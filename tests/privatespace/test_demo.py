"""The demo data: a published course by the expert, a demo member's favourites and files."""

import pytest

from comcep.demo import seed_accounts
from privatespace import demo
from privatespace.models import Collection, Course, Favourite, PrivateFile

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_a_published_course_and_a_members_private_space_once(reference_data):
    accounts = seed_accounts()
    demo.seed(accounts)
    demo.seed(accounts)

    course = Course.objects.get()
    assert course.author == accounts.expert and course.is_published
    assert [m.title for m in course.modules.all()] == ["Accueillir la personne", "Co-construire la suite"]
    member = accounts.members[0]
    assert Favourite.objects.get(owner=member).item == course
    assert list(Collection.objects.filter(owner=member).values_list("name", flat=True)) == demo.COLLECTIONS
    assert PrivateFile.objects.filter(owner=member).count() == 1
