# ruff: noqa: E501 (the XML parts below are kept on one line each, as office tools write them)
"""Real files that carry a person's name in their metadata, as office tools and cameras write it.

Each maker returns bytes holding CANARY in the places its format keeps an author; tests push
them through the real upload paths and look for the name in what is stored and served.
"""

from __future__ import annotations

import io
import json
import subprocess
import tempfile
import zipfile
from pathlib import Path

CANARY = "Camille Canary"
CANARY_MARK = b"Canary"
EXIFTOOL = "/usr/bin/exiftool"


def _ffmpeg() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


# --- What a reader of the file finds ------------------------------------------------------------


def exiftool_tags(data: bytes) -> list[dict]:
    """Every tag exiftool reads in ``data`` (all groups, duplicates included)."""
    result = subprocess.run([EXIFTOOL, "-a", "-G1", "-j", "-"], input=data, capture_output=True,
                            timeout=60, check=False)
    assert result.stdout, result.stderr
    return json.loads(result.stdout)


def canary_places(data: bytes) -> list[str]:
    """Where the canary shows in ``data``: exiftool tags, raw bytes, each zip member decompressed."""
    found = []
    for record in exiftool_tags(data):
        found += [f"exiftool {key}={value!r}" for key, value in record.items()
                  if "canary" in str(value).lower()]
    if CANARY_MARK in data or CANARY_MARK.lower() in data.lower():
        found.append("raw bytes")
    if data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                if CANARY_MARK.lower() in archive.read(name).lower():
                    found.append(f"zip member {name}")
    return found


# --- Images ---------------------------------------------------------------------------------


def jpeg_with_exif() -> bytes:
    from PIL import Image

    image = Image.new("RGB", (64, 48), "teal")
    exif = Image.Exif()
    exif[0x013B] = CANARY  # Artist
    exif[0x8298] = f"(c) {CANARY}"  # Copyright
    exif[0x010E] = f"Photo de {CANARY}"  # ImageDescription
    exif[0x0112] = 6  # Orientation: rotated, so the clean copy must be turned upright
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), comment=f"par {CANARY}".encode())
    return out.getvalue()


def png_with_text() -> bytes:
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", CANARY)
    info.add_itxt("Comment", f"dessiné par {CANARY}")
    exif = Image.Exif()
    exif[0x013B] = CANARY
    out = io.BytesIO()
    Image.new("RGBA", (32, 32), (10, 20, 30, 128)).save(out, format="PNG", pnginfo=info,
                                                        exif=exif.tobytes())
    return out.getvalue()


def webp_with_exif() -> bytes:
    from PIL import Image

    exif = Image.Exif()
    exif[0x013B] = CANARY
    xmp = (f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
           f'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="{CANARY}"/>'
           f"</rdf:RDF></x:xmpmeta>").encode()
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(out, format="WEBP", exif=exif.tobytes(), xmp=xmp)
    return out.getvalue()


def animated_gif_with_comment() -> bytes:
    from PIL import Image

    frames = [Image.new("RGB", (24, 24), colour) for colour in ("red", "green", "blue")]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=120, loop=0,
                   comment=f"animé par {CANARY}".encode())
    return out.getvalue()


# --- PDF ------------------------------------------------------------------------------------------


def pdf_with_author() -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    pdf.docinfo["/Author"] = CANARY
    pdf.docinfo["/Creator"] = f"Word de {CANARY}"
    pdf.docinfo["/Producer"] = "Bureautique 2026"
    pdf.docinfo["/Company"] = f"Agence {CANARY}"
    pdf.docinfo["/Title"] = f"Notes de {CANARY}"
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = [CANARY]
        meta["pdf:Producer"] = f"Outil de {CANARY}"
    page = pdf.pages[0]
    page.obj["/PieceInfo"] = pikepdf.Dictionary(
        {"/Bureau": pikepdf.Dictionary({"/Private": pikepdf.String(CANARY)})})
    page.obj["/Metadata"] = pdf.make_stream(
        f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>{CANARY}</dc:creator>'
        f"</rdf:Description></rdf:RDF></x:xmpmeta>".encode())
    page.obj["/Annots"] = pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(
        {"/Type": pikepdf.Name.Annot, "/Subtype": pikepdf.Name.Text,
         "/Rect": pikepdf.Array([10, 10, 30, 30]), "/T": pikepdf.String(CANARY),
         "/Contents": pikepdf.String("À revoir")}))])
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(user="secret", owner="secret"))
    return out.getvalue()


# --- Office Open XML ------------------------------------------------------------------------------

_CORE = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>Compte rendu</dc:title><dc:creator>{CANARY}</dc:creator>
<cp:lastModifiedBy>{CANARY}</cp:lastModifiedBy><cp:revision>3</cp:revision>
<dcterms:created xsi:type="dcterms:W3CDTF">2026-01-05T10:00:00Z</dcterms:created>
<dcterms:modified xsi:type="dcterms:W3CDTF">2026-01-06T10:00:00Z</dcterms:modified>
</cp:coreProperties>"""
_APP = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">
<Application>Microsoft Office</Application><Company>Agence {CANARY}</Company>
<Manager>{CANARY}</Manager></Properties>"""
_CUSTOM = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
 xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">
<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name="Conseillère">
<vt:lpwstr>{CANARY}</vt:lpwstr></property></Properties>"""
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="{main}"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>
<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml"/>
</Relationships>"""
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W15 = "http://schemas.microsoft.com/office/word/2012/wordml"


def _content_types(main_part: str, main_type: str, extra: str = "") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/{main_part}" ContentType="{main_type}"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>
{extra}</Types>"""


def _zip(parts: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return out.getvalue()


def docx_with_authors() -> bytes:
    document = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{_W}"><w:body>
<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>Entretien du lundi.</w:t></w:r><w:commentRangeEnd w:id="0"/>
<w:r><w:commentReference w:id="0"/></w:r></w:p>
<w:p><w:ins w:id="1" w:author="{CANARY}" w:date="2026-01-05T10:00:00Z"><w:r><w:t>Ajout.</w:t></w:r></w:ins>
<w:del w:id="2" w:author="{CANARY}" w:date="2026-01-05T10:00:00Z"><w:r><w:delText>Retrait.</w:delText></w:r></w:del></w:p>
</w:body></w:document>"""
    comments = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:comments xmlns:w="{_W}"><w:comment w:id="0" w:author="{CANARY}" w:initials="CC" w:date="2026-01-05T10:00:00Z">
<w:p><w:r><w:t>À vérifier.</w:t></w:r></w:p></w:comment></w:comments>"""
    people = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w15:people xmlns:w15="{_W15}"><w15:person w15:author="{CANARY}">
<w15:presenceInfo w15:providerId="AD" w15:userId="camille.canary@example.org"/></w15:person></w15:people>"""
    rels = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/>
<Relationship Id="rId2" Type="http://schemas.microsoft.com/office/2011/relationships/people" Target="people.xml"/>
</Relationships>"""
    extra = ('<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-'
             'officedocument.wordprocessingml.comments+xml"/>\n<Override PartName="/word/people.xml" '
             'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.people+xml"/>\n')
    return _zip({
        "[Content_Types].xml": _content_types(
            "word/document.xml",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", extra),
        "_rels/.rels": _ROOT_RELS.format(main="word/document.xml"),
        "docProps/core.xml": _CORE, "docProps/app.xml": _APP, "docProps/custom.xml": _CUSTOM,
        "word/document.xml": document, "word/comments.xml": comments, "word/people.xml": people,
        "word/_rels/document.xml.rels": rels,
    })


def xlsx_with_authors() -> bytes:
    s = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    workbook = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="{s}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"
 xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
 xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac">
<fileSharing userName="{CANARY}"/>
<mc:AlternateContent><mc:Choice Requires="x15"><x15ac:absPath url="C:\\Users\\{CANARY}\\Documents\\"/></mc:Choice></mc:AlternateContent>
<sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>"""
    sheet = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{s}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Budget</t></is></c></row></sheetData></worksheet>"""
    comments = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<comments xmlns="{s}"><authors><author>{CANARY}</author></authors><commentList>
<comment ref="A1" authorId="0"><text><t>Chiffres à confirmer</t></text></comment></commentList></comments>"""
    rels = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
</Relationships>"""
    return _zip({
        "[Content_Types].xml": _content_types(
            "xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
        "_rels/.rels": _ROOT_RELS.format(main="xl/workbook.xml"),
        "docProps/core.xml": _CORE, "docProps/app.xml": _APP, "docProps/custom.xml": _CUSTOM,
        "xl/workbook.xml": workbook, "xl/_rels/workbook.xml.rels": rels,
        "xl/worksheets/sheet1.xml": sheet, "xl/comments1.xml": comments,
    })


def pptx_with_authors() -> bytes:
    p = "http://schemas.openxmlformats.org/presentationml/2006/main"
    authors = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p:cmAuthorLst xmlns:p="{p}"><p:cmAuthor id="1" name="{CANARY}" initials="CC" lastIdx="1" clrIdx="0"/></p:cmAuthorLst>"""
    presentation = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<p:presentation xmlns:p="{p}"><p:sldSz cx="9144000" cy="6858000"/></p:presentation>"""
    return _zip({
        "[Content_Types].xml": _content_types(
            "ppt/presentation.xml",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"),
        "_rels/.rels": _ROOT_RELS.format(main="ppt/presentation.xml"),
        "docProps/core.xml": _CORE, "docProps/app.xml": _APP, "docProps/custom.xml": _CUSTOM,
        "ppt/presentation.xml": presentation, "ppt/commentAuthors.xml": authors,
    })


# --- OpenDocument -----------------------------------------------------------------------------------


def odt_with_authors() -> bytes:
    meta = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3">
<office:meta><meta:initial-creator>{CANARY}</meta:initial-creator><dc:creator>{CANARY}</dc:creator>
<meta:creation-date>2026-01-05T10:00:00</meta:creation-date>
<meta:user-defined meta:name="Conseillère">{CANARY}</meta:user-defined>
<meta:generator>LibreOffice</meta:generator></office:meta></office:document-meta>"""
    content = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3">
<office:body><office:text><text:p>Bilan<office:annotation><dc:creator>{CANARY}</dc:creator>
<dc:date>2026-01-05T10:00:00</dc:date><text:p>À relire</text:p></office:annotation></text:p></office:text></office:body>
</office:document-content>"""
    manifest = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("meta.xml", meta, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return out.getvalue()


# --- Legacy and broken --------------------------------------------------------------------------------

# The signature of an OLE compound file (Word 97-2003), then filler: what a .doc starts with.
LEGACY_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + CANARY.encode() + b"\x00" * 512
BROKEN_PDF = b"%PDF-1.7\n1 0 obj<</Author(" + CANARY.encode() + b")>>endobj\n%%EOF\n"


def zip_bomb(*, entries: int = 1, size: int = 20 * 1024 * 1024) -> bytes:
    """A .docx whose one part inflates to ``size`` bytes of zeros (a few hundred KB on disk)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _content_types("word/document.xml", "application/xml"))
        with archive.open("word/document.xml", "w", force_zip64=size > 2**31) as handle:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                handle.write(chunk)
        for index in range(entries - 1):
            archive.writestr(f"word/media/e{index}.xml", "")
    return out.getvalue()


# --- Audio and video -----------------------------------------------------------------------------------


def mp4_with_tags(*, size: str = "160x120", rate: int = 25, seconds: float = 1,
                  frames: int | None = None) -> bytes:
    """A real MP4 (H.264 + AAC) carrying the canary as title, artist, comment and a chapter."""
    with tempfile.TemporaryDirectory() as folder:
        chapters = Path(folder) / "chapters.txt"
        chapters.write_text(f";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=500\n"
                            f"title=Chapitre de {CANARY}\n", encoding="utf-8")
        target = Path(folder) / "clip.mp4"
        length = ["-frames:v", str(frames)] if frames else ["-t", str(seconds)]
        subprocess.run(
            [_ffmpeg(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
             "-f", "lavfi", "-i", f"testsrc=size={size}:rate={rate}",
             "-f", "lavfi", "-i", "sine=frequency=440",
             "-f", "ffmetadata", "-i", str(chapters), "-map", "0:v", "-map", "1:a",
             "-map_metadata", "2", "-map_chapters", "2",
             "-metadata", f"title={CANARY}", "-metadata", f"artist={CANARY}",
             "-metadata", f"comment=Filmé par {CANARY}", "-metadata", f"author={CANARY}",
             "-metadata:s:v:0", f"handler_name=Caméra de {CANARY}",
             *length, "-shortest", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
             "-c:a", "aac", str(target)],
            check=True, capture_output=True, timeout=300,
        )
        return target.read_bytes()


def mp3_with_tags() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "son.mp3"
        subprocess.run(
            [_ffmpeg(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
             "-f", "lavfi", "-i", "sine=frequency=440:duration=1",
             "-metadata", f"title={CANARY}", "-metadata", f"artist={CANARY}",
             "-c:a", "libmp3lame", str(target)],
            check=True, capture_output=True, timeout=120,
        )
        return target.read_bytes()


def with_lying_sizes(archive_bytes: bytes, name: str, declared: int = 1) -> bytes:
    """The archive with ``name``'s declared uncompressed size set to ``declared`` in both headers."""
    import struct

    data = bytearray(archive_bytes)
    encoded = name.encode()
    central = data.find(b"PK\x01\x02" + b"", 0)
    while central != -1:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46: central + 46 + name_length]) == encoded:
            struct.pack_into("<I", data, central + 24, declared)
            local = struct.unpack_from("<I", data, central + 42)[0]
            struct.pack_into("<I", data, local + 22, declared)
            return bytes(data)
        central = data.find(b"PK\x01\x02", central + 4)
    raise LookupError(name)
