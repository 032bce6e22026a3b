"""The SCORM 1.2 export: a zip an LMS such as Moodle imports."""

from __future__ import annotations

import html
import io
import xml.etree.ElementTree as ET
import zipfile

import pytest
from django.urls import reverse

from privatespace import courses
from tests.privatespace.factories import make_course, make_file
from tests.privatespace.helpers import PDF_BYTES, png_upload

pytestmark = pytest.mark.django_db

NS = {"cp": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
      "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2"}


def export(client, course) -> zipfile.ZipFile:
    response = client.get(reverse("privatespace:export_scorm", args=[course.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


@pytest.fixture
def full_course(alice):
    """Two modules: a text lesson with a quiz, a lesson holding one of alice's files; a cover."""
    course = make_course(alice, title="L'entretien & ses étapes <CEP>", modules=2, lessons_per_module=1)
    courses.update_course(course, title=course.title, summary="", cover=png_upload())
    courses.add_lesson(course.modules.last(), actor=alice, content=courses.LessonContent(
        title="Ma grille d'entretien", kind="file", own_file=make_file(alice)))
    return course


def test_the_manifest_is_well_formed_and_every_referenced_file_is_in_the_zip(alice, client_for, full_course):
    package = export(client_for(alice), full_course)
    names = set(package.namelist())
    assert "imsmanifest.xml" in names

    # Our own package: the standard parser is fine here, and raises if it is not well-formed.
    manifest = ET.fromstring(package.read("imsmanifest.xml"))  # noqa: S314

    assert manifest.find("cp:metadata/cp:schema", NS).text == "ADL SCORM"
    assert manifest.find("cp:metadata/cp:schemaversion", NS).text == "1.2"
    organizations = manifest.find("cp:organizations", NS)
    organization = organizations.find("cp:organization", NS)
    assert organizations.get("default") == organization.get("identifier")
    assert organization.find("cp:title", NS).text == "L'entretien & ses étapes <CEP>"
    modules = organization.findall("cp:item", NS)
    assert [m.find("cp:title", NS).text for m in modules] == ["Module 1", "Module 2"]
    assert [i.find("cp:title", NS).text for i in modules[1].findall("cp:item", NS)] == [
        "Leçon 2.1", "Ma grille d'entretien"]

    resources = {r.get("identifier"): r for r in manifest.iterfind("cp:resources/cp:resource", NS)}
    hrefs = []
    for item in organization.iter(f"{{{NS['cp']}}}item"):
        ref = item.get("identifierref")
        if ref:
            resource = resources[ref]  # every item points at a resource that exists
            assert resource.get(f"{{{NS['adlcp']}}}scormtype") == "sco"
            hrefs.append(resource.get("href"))
    for resource in resources.values():
        hrefs.extend(f.get("href") for f in resource.findall("cp:file", NS))
        for dependency in resource.findall("cp:dependency", NS):
            assert dependency.get("identifierref") in resources
    assert len([h for h in hrefs if h.startswith("lessons/")]) >= 3
    for href in hrefs:
        assert href in names, href


def test_the_package_holds_the_lessons_text_quiz_files_and_scorm_runtime(alice, client_for, full_course):
    package = export(client_for(alice), full_course)
    first = html.unescape(package.read("lessons/lesson-001.html").decode())
    assert "Écouter <strong>d'abord</strong>" in first
    assert "Que faire en premier ?" in first and "Oui : l'écoute vient d'abord." in first
    assert "../shared/scorm12.js" in first
    script = package.read("shared/scorm12.js").decode()
    assert "LMSInitialize" in script and "cmi.core.lesson_status" in script
    file_lesson = package.read("lessons/lesson-003.html").decode()
    assert 'href="../files/lesson-003.pdf"' in file_lesson
    assert package.read("files/lesson-003.pdf") == PDF_BYTES
    assert any(name.startswith("shared/cover") for name in package.namelist())


def test_only_the_author_exports_the_course(alice, bob, client_for, full_course):
    courses.publish_course(full_course, actor=alice)
    assert client_for(bob).get(reverse("privatespace:export_scorm", args=[full_course.pk])).status_code == 404
