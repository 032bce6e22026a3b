from __future__ import annotations

import pytest

from resources import transcoding


@pytest.fixture(scope="session")
def clips(tmp_path_factory):
    """Short clips made with ffmpeg's test sources, shared by the whole run."""
    folder = tmp_path_factory.mktemp("clips")

    class Clips:
        def __init__(self):
            self._made = {}

        def get(self, name: str, **options):
            if name not in self._made:
                self._made[name] = transcoding.generate_test_clip(folder / f"{name}.mp4", **options)
            return self._made[name]

    return Clips()
