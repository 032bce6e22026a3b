"""Fixtures of the library's tests: a media folder of the test's own, and a worker using it."""

from __future__ import annotations

import pytest

from tests.conftest import start_worker, stop_worker


@pytest.fixture
def media_root(tmp_path, settings):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def video_worker(transactional_db, tmp_path, media_root):
    """A real worker process sharing the test's media folder and database."""
    running = start_worker(tmp_path / "worker", extra_env={"MEDIA_ROOT": str(media_root)})
    yield running
    stop_worker(running)
