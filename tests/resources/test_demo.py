"""The library's demo content."""

from __future__ import annotations

from django.utils import timezone

from comcep.demo import seed_accounts
from resources import demo
from resources.models import Kind, RegionalAction, Resource, Video, VideoState


def test_the_demo_has_every_kind_bretagnes_actions_and_two_ready_videos(reference_data, settings,
                                                                         tmp_path):
    settings.MEDIA_ROOT = tmp_path
    accounts = seed_accounts()
    demo.seed(accounts)
    counts = (Resource.objects.count(), Video.objects.count(), RegionalAction.objects.count())
    demo.seed(accounts)
    assert (Resource.objects.count(), Video.objects.count(),
            RegionalAction.objects.count()) == counts  # idempotent

    assert set(Resource.objects.values_list("kind", flat=True)) == set(Kind.values)
    actions = RegionalAction.objects.select_related("resource__region")
    assert {action.resource.region.code for action in actions} == {"53"}
    weekdays = {timezone.localtime(action.starts_at).weekday() for action in actions}
    assert weekdays and weekdays <= {0, 1, 2, 3, 4}  # counsellors train on working days
    assert len(weekdays) > 1
    videos = Video.objects.all()
    assert len(videos) == 2
    for video in videos:
        assert video.state == VideoState.READY
        assert [r.height for r in video.renditions.all()] == [360, 720]
        assert video.captions.exists() and video.chapters.count() == 2
        assert (tmp_path / video.poster).is_file()
    assert Resource.objects.filter(kind=Kind.LEGAL, valid_until__isnull=False).exists()
