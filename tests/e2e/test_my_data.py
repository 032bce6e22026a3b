"""« Mes données » in a browser, at phone and desktop widths, with a real worker: a member
downloads the archive of their data, then closes their account and can no longer sign in."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from forum import services as forum
from forum.models import Category, Post
from tests import factories
from tests.conftest import start_worker, stop_worker
from tests.e2e.conftest import sign_in

WIDTHS = pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)


@WIDTHS
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_member_downloads_their_data_then_closes_their_account(page, live_server, viewport, screenshot,
                                                                 alice, bob, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    worker = start_worker(tmp_path, extra_env={"MEDIA_ROOT": str(settings.MEDIA_ROOT)})
    try:
        category = Category.objects.create(slug="echanges", name="Échanges", position=0)
        mine = forum.create_topic(actor=alice.member, category=category, title="Mon sujet à emporter",
                                  body="Ce que j'ai écrit.", kind="discussion", tags=[], rate_limit=False)
        forum.create_topic(actor=bob.member, category=category, title="Le sujet de quelqu'un d'autre",
                           body="Pas à Alice.", kind="discussion", tags=[], rate_limit=False)

        sign_in(page, live_server, alice.email, factories.PASSWORD)
        page.goto(f"{live_server.url}/compte/donnees/")
        page.get_by_role("button", name="Préparer mon archive").click()
        expect(page.locator(".messages")).to_contain_text("votre archive est en préparation")
        download_link = page.get_by_role("link", name="Télécharger l'archive")
        for _attempt in range(60):
            if download_link.count():
                break
            page.wait_for_timeout(1000)
            page.reload()
        screenshot("archive-ready")
        with page.expect_download() as download:
            download_link.click()
        archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
        everything = "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
        assert "Mon sujet à emporter" in everything
        assert "quelqu'un d'autre" not in everything and bob.member.pseudonym not in everything

        page.get_by_label("Les effacer").check()
        page.get_by_label("Votre mot de passe, pour confirmer").fill(factories.PASSWORD)
        page.get_by_label("Je comprends que la fermeture est définitive").check()
        page.get_by_role("button", name="Fermer définitivement mon compte").click()
        expect(page.locator(".messages")).to_contain_text("Votre compte est fermé")
        screenshot("closed")

        assert not Post.objects.filter(topic=mine, body__contains="Ce que j'ai écrit").exists()
        sign_in(page, live_server, alice.email, factories.PASSWORD)
        expect(page.locator("main")).not_to_contain_text("Mes données")
        assert "/compte/login/" in page.url
    finally:
        stop_worker(worker)
