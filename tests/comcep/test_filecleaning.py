"""A member's real name must not travel in the files they share.

Each file is made as the tools make it, with the name "Camille Canary" where its format keeps an
author; it goes through the real upload paths (the private space, the library's proposal form),
and what is then served is read with exiftool and searched byte for byte (each zip member
decompressed). What cannot be cleaned is refused in French, and nothing of it is kept.
"""

from __future__ import annotations

import io
import mimetypes
import zipfile

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from comcep import filecleaning
from privatespace import services as private_services
from privatespace.models import PrivateFile
from resources.models import Resource
from tests import canary_files as canary
from tests.privatespace.helpers import stored_files, text

pytestmark = pytest.mark.django_db

UPLOAD = reverse("privatespace:upload_file")

FORMATS = [
    ("photo.jpg", canary.jpeg_with_exif, "image/jpeg"),
    ("schema.png", canary.png_with_text, "image/png"),
    ("photo.webp", canary.webp_with_exif, "image/webp"),
    ("anime.gif", canary.animated_gif_with_comment, "image/gif"),
    ("notes.pdf", canary.pdf_with_author, "application/pdf"),
    ("compte-rendu.docx", canary.docx_with_authors,
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("budget.xlsx", canary.xlsx_with_authors,
     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("atelier.pptx", canary.pptx_with_authors,
     "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("bilan.odt", canary.odt_with_authors, "application/vnd.oasis.opendocument.text"),
    ("entretien.mp4", canary.mp4_with_tags, "video/mp4"),
    ("message.mp3", canary.mp3_with_tags, "audio/mpeg"),
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def served(client, private_file) -> bytes:
    response = client.get(private_file.download_url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def still_opens(name: str, data: bytes) -> None:
    """The clean copy is still a working file of its kind."""
    if name.endswith((".jpg", ".png", ".webp", ".gif")):
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            if name.endswith(".gif"):  # a member's animation still moves
                assert image.n_frames == 3
    elif name.endswith(".pdf"):
        with pikepdf.open(io.BytesIO(data)) as pdf:
            assert len(pdf.pages) == 1 and pdf.pages[0].get("/Annots") is not None
    elif name.endswith((".docx", ".xlsx", ".pptx", ".odt")):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert archive.testzip() is None
            if name.endswith(".odt"):
                first = archive.infolist()[0]
                assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
            else:
                assert "[Content_Types].xml" in archive.namelist()
    else:
        tags = canary.exiftool_tags(data)[0]
        assert tags.get("File:MIMEType", "").startswith(("video/", "audio/")), tags


@pytest.mark.parametrize("name, make, mime", FORMATS, ids=[f[0] for f in FORMATS])
def test_a_personal_file_is_stored_and_served_without_its_authors_name(
        alice, client_for, name, make, mime):
    original = make()
    assert canary.canary_places(original), "the file made for the test must carry the name"
    client = client_for(alice)

    response = client.post(UPLOAD, {"upload": SimpleUploadedFile(name, original)})

    assert response.status_code == 302, text(response)
    private_file = PrivateFile.objects.get(owner=alice)
    # Its type, and the extension it is stored under, say what the kept bytes are.
    assert private_file.mime_type == mime == mimetypes.guess_type(private_file.file.name)[0]
    data = served(client, private_file)
    assert canary.canary_places(data) == []
    # The quota counts what is kept, the clean copy.
    assert private_file.size == len(data) != len(original)
    still_opens(name, data)


def test_a_photo_is_turned_upright_before_its_exif_goes(alice, client_for):
    client = client_for(alice)
    client.post(UPLOAD, {"upload": SimpleUploadedFile("photo.jpg", canary.jpeg_with_exif())})
    data = served(client, PrivateFile.objects.get(owner=alice))
    with Image.open(io.BytesIO(data)) as image:
        # Made 64 × 48 with "rotate 90°" in its EXIF: the clean copy is 48 × 64, with no EXIF left.
        assert image.size == (48, 64) and not image.getexif()


def test_the_word_comments_and_tracked_changes_keep_a_neutral_author(alice, client_for):
    client = client_for(alice)
    client.post(UPLOAD, {"upload": SimpleUploadedFile("cr.docx", canary.docx_with_authors())})
    data = served(client, PrivateFile.objects.get(owner=alice))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        document = archive.read("word/document.xml").decode()
        comments = archive.read("word/comments.xml").decode()
        types = archive.read("[Content_Types].xml").decode()
        rels = archive.read("_rels/.rels").decode() + archive.read("word/_rels/document.xml.rels").decode()
        app = archive.read("docProps/app.xml").decode()
    assert "docProps/custom.xml" not in names and "word/people.xml" not in names
    assert "custom.xml" not in types + rels and "people.xml" not in types + rels
    assert document.count(f'w:author="{filecleaning.NEUTRAL_AUTHOR}"') == 2
    assert f'w:author="{filecleaning.NEUTRAL_AUTHOR}"' in comments and 'w:initials="A"' in comments
    assert "Company" not in app and "Manager" not in app and "Entretien du lundi." in document


@pytest.mark.parametrize("name, content", [
    ("rapport.doc", canary.LEGACY_DOC),
    ("tableau.xls", canary.LEGACY_DOC),
    ("lettre.rtf", b"{\\rtf1\\ansi {\\author Camille Canary} Bonjour}"),
])
def test_a_legacy_office_file_is_refused_in_french_and_nothing_is_stored(
        alice, client_for, media, name, content):
    response = client_for(alice).post(UPLOAD, {"upload": SimpleUploadedFile(name, content)})

    assert response.status_code == 400
    page = text(response)
    assert "Les anciens formats Word, Excel et PowerPoint" in page and "PDF" in page
    assert not PrivateFile.objects.exists() and stored_files(media) == []


def test_a_broken_pdf_is_refused_nothing_is_stored_and_the_quota_is_unchanged(alice, client_for, media):
    client = client_for(alice)
    client.post(UPLOAD, {"upload": SimpleUploadedFile("ok.pdf", canary.pdf_with_author())})
    before = private_services.used_and_quota(alice)["used"]
    kept = stored_files(media)

    response = client.post(UPLOAD, {"upload": SimpleUploadedFile("casse.pdf", canary.BROKEN_PDF)})

    assert response.status_code == 400
    assert "Ce PDF est endommagé ou illisible" in text(response)
    assert PrivateFile.objects.filter(owner=alice).count() == 1
    assert stored_files(media) == kept
    assert private_services.used_and_quota(alice)["used"] == before


def test_an_encrypted_pdf_is_refused_in_french(alice, client_for, media):
    response = client_for(alice).post(UPLOAD, {"upload": SimpleUploadedFile("p.pdf", canary.encrypted_pdf())})
    assert response.status_code == 400
    assert "protégé par un mot de passe ou chiffré" in text(response)
    assert not PrivateFile.objects.exists() and stored_files(media) == []


def test_a_zip_bomb_dressed_as_a_word_file_is_refused(alice, client_for, media, settings):
    settings.FILECLEANING_ZIP_MAX_BYTES = 5 * 1024 * 1024
    bomb = canary.zip_bomb(size=20 * 1024 * 1024)
    assert len(bomb) < 100_000

    response = client_for(alice).post(UPLOAD, {"upload": SimpleUploadedFile("cr.docx", bomb)})

    assert response.status_code == 400
    assert "anormalement volumineux une fois décompressé" in text(response)
    assert not PrivateFile.objects.exists() and stored_files(media) == []


def test_a_zip_whose_headers_lie_about_its_size_is_still_stopped(settings):
    settings.FILECLEANING_ZIP_MAX_BYTES = 5 * 1024 * 1024
    # The headers say the part inflates to 1 byte; it inflates to 20 MB.
    bomb = canary.with_lying_sizes(canary.zip_bomb(size=20 * 1024 * 1024), "word/document.xml")
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert archive.getinfo("word/document.xml").file_size == 1

    with pytest.raises(ValidationError) as refused:
        filecleaning.clean_bytes(bomb, name="cr.docx")
    assert refused.value.code in ("clean_zip_bomb", "clean_zip_broken")


def test_too_many_entries_are_refused(settings):
    settings.FILECLEANING_ZIP_MAX_ENTRIES = 50
    with pytest.raises(ValidationError, match="anormalement volumineux"):
        filecleaning.clean_bytes(canary.zip_bomb(entries=60, size=1024 * 1024), name="cr.docx")


# --- The library's documents ---------------------------------------------------------------------


def propose(client, name: str, content: bytes):
    return client.post(reverse("resources:propose"), {
        "kind": "document", "title": "Fiche pratique", "summary": "Utile.", "service_level": "all",
        "public": "all", "document_file": SimpleUploadedFile(name, content),
    })


@pytest.mark.parametrize("name, make", [
    ("fiche.pdf", canary.pdf_with_author), ("fiche.docx", canary.docx_with_authors),
    ("fiche.odt", canary.odt_with_authors), ("fiche.pptx", canary.pptx_with_authors),
], ids=["pdf", "docx", "odt", "pptx"])
def test_a_library_document_is_served_without_its_authors_name(
        alice, mod, client_for, reference_data, name, make):
    response = propose(client_for(alice), name, make())
    assert response.status_code == 302
    resource = Resource.objects.get(title="Fiche pratique")

    download = client_for(mod).get(reverse("resources:media", args=[resource.pk, "document"]))

    data = b"".join(download.streaming_content)
    assert data[:4] in (b"%PDF", b"PK\x03\x04")
    assert canary.canary_places(data) == []


def test_a_legacy_document_is_refused_by_the_library_with_its_reason(alice, client_for, media,
                                                                     reference_data):
    response = propose(client_for(alice), "fiche.doc", canary.LEGACY_DOC)
    assert response.status_code == 200
    assert "Les anciens formats Word, Excel et PowerPoint" in text(response)
    assert not Resource.objects.exists() and stored_files(media) == []


def test_a_broken_pdf_is_refused_by_the_library(alice, client_for, media, reference_data):
    response = propose(client_for(alice), "fiche.pdf", canary.BROKEN_PDF)
    assert "Ce PDF est endommagé ou illisible" in text(response)
    assert not Resource.objects.exists() and stored_files(media) == []


def test_a_personal_file_stored_before_cleaning_is_cleaned_when_proposed(alice, media):
    """Files kept from before are not trusted: the library's copy is cleaned on its way in."""
    from resources import services as resource_services

    resource = resource_services.propose_file(
        io.BytesIO(canary.docx_with_authors()), actor=alice, name="ancien.docx", size=4000,
        title="Ancien", summary="", is_video=False)

    assert canary.canary_places(resource.document.read()) == []
