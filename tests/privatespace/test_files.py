"""Personal files: folders, a quota shown as a bar, checked uploads, served to their owner only."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from PIL import Image

from privatespace import services
from privatespace.models import Folder, PrivateFile
from tests.privatespace.factories import make_file
from tests.privatespace.helpers import PDF_BYTES, pdf_upload, png_bytes, png_upload, stored_files, text

pytestmark = pytest.mark.django_db


def upload(client, uploaded, **data):
    return client.post(reverse("privatespace:upload_file"), {"upload": uploaded, **data})


def test_a_member_uploads_a_document_which_is_stored_under_a_random_path(alice, client_for, private_media):
    response = upload(client_for(alice), pdf_upload("Compte rendu Alice Martin.pdf"))

    assert response.status_code == 302
    private_file = PrivateFile.objects.get(owner=alice)
    assert private_file.name == "Compte rendu Alice Martin.pdf"
    assert private_file.mime_type == "application/pdf"
    assert private_file.size == len(PDF_BYTES)
    # The stored path says nothing of the member or the file's name, and cannot be guessed.
    assert "Alice" not in private_file.file.name and "Martin" not in private_file.file.name
    assert re.fullmatch(r"privatespace/files/[0-9a-f]{2}/[0-9a-f]{32}\.pdf", private_file.file.name)
    assert len(stored_files(private_media)) == 1


def test_the_owner_downloads_their_file_through_the_checking_view(alice, client_for):
    private_file = make_file(alice)

    response = client_for(alice).get(private_file.download_url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    # A PDF is downloaded, never shown in the site's origin (its viewer would run its scripts
    # there); the owner gets it under their own name for it.
    assert response["Content-Disposition"] == 'attachment; filename="grille-entretien.pdf"'
    assert response["Content-Security-Policy"].startswith("sandbox;")


def test_the_owner_seeks_in_a_personal_file_by_byte_range_and_nobody_else_does(alice, bob, client_for):
    private_file = make_file(alice)

    part = client_for(alice).get(private_file.download_url, HTTP_RANGE="bytes=4-11")
    tail = client_for(alice).get(private_file.download_url, HTTP_RANGE="bytes=-5")
    beyond = client_for(alice).get(private_file.download_url, HTTP_RANGE=f"bytes={len(PDF_BYTES) + 10}-")
    someone_else = client_for(bob).get(private_file.download_url, HTTP_RANGE="bytes=0-9")

    assert part.status_code == 206 and b"".join(part.streaming_content) == PDF_BYTES[4:12]
    assert part["Content-Range"] == f"bytes 4-11/{len(PDF_BYTES)}" and part["Accept-Ranges"] == "bytes"
    assert "no-store" in part["Cache-Control"]
    assert b"".join(tail.streaming_content) == PDF_BYTES[-5:]
    assert beyond.status_code == 416
    assert someone_else.status_code == 404


def test_the_quota_is_shown_as_a_bar(alice, client_for, settings):
    settings.PRIVATESPACE_QUOTA_BYTES = 1000
    make_file(alice)
    page = text(client_for(alice).get(reverse("privatespace:files")))
    percent = round(len(PDF_BYTES) * 100 / 1000)
    assert re.search(rf'<progress [^>]*aria-labelledby="quota-label" max="100" value="{percent}"', page)


def test_an_upload_over_the_quota_is_refused_in_french_and_nothing_is_written(
        alice, client_for, settings, private_media):
    settings.PRIVATESPACE_QUOTA_BYTES = len(PDF_BYTES) + 10
    make_file(alice)

    response = upload(client_for(alice), pdf_upload("deuxieme.pdf"))

    assert response.status_code == 400
    assert "Votre espace est presque plein" in text(response)
    assert PrivateFile.objects.filter(owner=alice).count() == 1
    assert len(stored_files(private_media)) == 1


def test_a_file_bigger_than_the_limit_is_refused(alice, client_for, settings, private_media):
    settings.PRIVATESPACE_MAX_FILE_BYTES = 100
    response = upload(client_for(alice), pdf_upload(content=PDF_BYTES + b" " * 200))
    assert response.status_code == 400
    assert "un fichier ne peut pas dépasser" in text(response)
    assert not PrivateFile.objects.exists() and stored_files(private_media) == []


@pytest.mark.parametrize("name, content", [
    ("script.pdf", b"<script>alert(1)</script>"),           # a name that lies about the content
    ("page.html", b"<!DOCTYPE html><html></html>"),
    ("outil.exe", b"MZ\x90\x00\x03\x00\x00\x00"),
    ("archive.zip", b"PK\x03\x04\x14\x00\x00\x00not-an-office-file"),
    ("notes.txt", b"\x00\x01\x02binary"),
])
def test_a_file_whose_content_is_not_an_accepted_type_is_refused(alice, client_for, name, content,
                                                                  private_media):
    response = upload(client_for(alice), SimpleUploadedFile(name, content, content_type="application/pdf"))
    assert response.status_code == 400
    assert "Ce type de fichier n'est pas accepté" in text(response)
    assert not PrivateFile.objects.exists() and stored_files(private_media) == []


def test_an_empty_file_is_refused(alice):
    with pytest.raises(ValidationError, match="vide"):
        services.upload_file(actor=alice, uploaded=SimpleUploadedFile("vide.pdf", b""))


def test_an_image_bomb_is_refused_by_pillows_decompression_check(alice, client_for, private_media):
    # A 1-bit PNG of 20,000 × 20,000 pixels weighs a few kilobytes but would take
    # 400 megapixels once decoded: more than twice Pillow's limit.
    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buffer, format="PNG")
    assert len(buffer.getvalue()) < 200_000

    response = upload(client_for(alice), SimpleUploadedFile("bombe.png", buffer.getvalue()))

    assert response.status_code == 400
    assert "trop grande une fois décompressée" in text(response)
    assert not PrivateFile.objects.exists() and stored_files(private_media) == []


def test_an_image_over_the_sites_own_pixel_limit_is_refused(alice, settings):
    settings.PRIVATESPACE_MAX_IMAGE_PIXELS = 100
    with pytest.raises(ValidationError, match="trop grande une fois décompressée"):
        services.upload_file(actor=alice, uploaded=png_upload(size=(20, 20)))


def test_a_broken_image_is_refused(alice):
    broken = png_bytes()[:40]
    with pytest.raises(ValidationError, match="illisible"):
        services.upload_file(actor=alice, uploaded=SimpleUploadedFile("casse.png", broken))


def test_office_and_text_files_are_recognised_by_content(alice):
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml",
                         '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>')
    word = services.upload_file(actor=alice, uploaded=SimpleUploadedFile("cr.docx", docx.getvalue()))
    notes = SimpleUploadedFile("notes.txt", "Écoute active".encode())
    plain = services.upload_file(actor=alice, uploaded=notes)
    image = services.upload_file(actor=alice, uploaded=png_upload())

    assert word.mime_type.endswith("wordprocessingml.document")
    assert plain.mime_type == "text/plain"
    assert (image.kind, image.mime_type) == ("image", "image/png")


def test_a_failed_save_leaves_no_stored_file_behind(alice, private_media, monkeypatch):
    def fail(*args, **kwargs):
        raise IntegrityError("the database refused the row")

    monkeypatch.setattr(PrivateFile, "save", fail)
    with pytest.raises(IntegrityError):
        services.upload_file(actor=alice, uploaded=pdf_upload())
    assert stored_files(private_media) == []


def test_a_member_organises_files_in_folders_renames_moves_and_deletes(alice, client_for, private_media):
    client = client_for(alice)
    client.post(reverse("privatespace:create_folder"), {"name": "Outils d'entretien"})
    folder = Folder.objects.get(owner=alice)
    upload(client, pdf_upload(), folder=folder.pk)
    private_file = PrivateFile.objects.get(owner=alice)
    assert private_file.folder == folder

    client.post(reverse("privatespace:rename_file", args=[private_file.key]), {"name": "Grille v2"})
    client.post(reverse("privatespace:move_file", args=[private_file.key]), {"folder": ""})
    private_file.refresh_from_db()
    assert (private_file.name, private_file.folder) == ("Grille v2", None)

    client.post(reverse("privatespace:edit_folder", args=[folder.pk]), {"name": "Outils"})
    folder.refresh_from_db()
    assert folder.name == "Outils"

    client.post(reverse("privatespace:delete_file", args=[private_file.key]))
    assert not PrivateFile.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_deleting_a_file_removes_its_bytes_once_committed(alice, client_for, private_media):
    private_file = make_file(alice)
    client_for(alice).post(reverse("privatespace:delete_file", args=[private_file.key]))
    assert stored_files(private_media) == []


def test_deleting_a_folder_keeps_its_files(alice, client_for):
    folder = services.create_folder(actor=alice, name="Temporaire")
    private_file = make_file(alice, folder=folder)
    client_for(alice).post(reverse("privatespace:delete_folder", args=[folder.pk]))
    private_file.refresh_from_db()
    assert private_file.folder is None


def test_a_file_cannot_be_moved_into_someone_elses_folder(alice, bob, client_for):
    bobs = services.create_folder(actor=bob, name="À Bob")
    private_file = make_file(alice)
    client_for(alice).post(reverse("privatespace:move_file", args=[private_file.key]), {"folder": bobs.pk})
    private_file.refresh_from_db()
    assert private_file.folder is None


def test_a_member_proposes_a_file_to_the_library_and_withdraws_it(alice, client_for):
    private_file = make_file(alice)
    client = client_for(alice)

    client.post(reverse("privatespace:propose_file", args=[private_file.key]), {"note": "Grille utile"})
    private_file.refresh_from_db()
    assert private_file.proposed_at is not None and private_file.proposal_note == "Grille utile"

    client.post(reverse("privatespace:propose_file", args=[private_file.key]), {"withdraw": "1"})
    private_file.refresh_from_db()
    assert private_file.proposed_at is None


@pytest.mark.parametrize("count", [2, 12])
def test_the_files_page_has_a_flat_query_budget(alice, client_for, django_assert_max_num_queries, count):
    folder = services.create_folder(actor=alice, name="Dossier")
    for n in range(count):
        make_file(alice, name=f"f{n}.pdf", folder=folder if n % 2 else None)
    client = client_for(alice)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("privatespace:files"))
    assert response.status_code == 200
