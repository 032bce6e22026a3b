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


def test_with_the_librarys_demo_the_course_has_a_video_lesson_and_the_member_a_favourite_video(
        reference_data, settings, tmp_path):
    from resources import demo as library_demo
    from resources.models import Resource

    settings.MEDIA_ROOT = tmp_path
    accounts = seed_accounts()
    library_demo.seed(accounts)
    demo.seed(accounts)
    demo.seed(accounts)

    course = Course.objects.get()
    library_lessons = [lesson for lesson in course.ordered_lessons() if lesson.kind == "library"]
    assert len(library_lessons) == 1
    video = Resource.objects.get(pk=library_lessons[0].library_id)
    assert video.is_video and video.status == "published"
    favourites = Favourite.objects.filter(owner=accounts.members[0])
    assert {f.item for f in favourites} == {course, video}
