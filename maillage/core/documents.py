"""Uploaded documents recognised by their content (magic bytes, and the inside of ZIP-based
office files), never by their name, and stored under a generated name in a private storage
(outside MEDIA_ROOT). Shared by the managers' posts and the label's evidence files: each app
names its own storage and serves files only through its own permission-checked view.
"""

import os
import uuid
import zipfile
from dataclasses import dataclass

from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.storage import Storage
from django.utils.text import get_valid_filename

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
ACCEPTED = "PDF, ODT, DOCX, ODS, XLSX, PNG ou JPEG"
NOT_ACCEPTED = f"Ce type de fichier n'est pas accepté : {ACCEPTED} seulement."

PDF = ("pdf", "application/pdf")
PNG = ("png", "image/png")
JPEG = ("jpg", "image/jpeg")
ODT = ("odt", "application/vnd.oasis.opendocument.text")
ODS = ("ods", "application/vnd.oasis.opendocument.spreadsheet")
DOCX = ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
ODF_TYPES = {ODT[1]: ODT, ODS[1]: ODS}
OOXML_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX}


@dataclass(frozen=True)
class CheckedDocument:
    extension: str
    content_type: str
    size: int
    download_name: str


def _zip_kind(upload) -> tuple[str, str] | None:
    """ODF: the stored `mimetype` member comes first; OOXML: its main part. Only names and one
    tiny member are read, never the archive's content (no decompression bomb)."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.getinfo("mimetype").file_size <= 100:
                declared = archive.read("mimetype").decode("ascii", "replace").strip()
                return ODF_TYPES.get(declared)
            if "[Content_Types].xml" in names:
                for part, kind in OOXML_PARTS.items():
                    if part in names:
                        return kind
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, ValueError):
        return None
    return None


def _kind(upload) -> tuple[str, str] | None:
    upload.seek(0)
    head = upload.read(8)
    if head.startswith(b"%PDF-"):
        return PDF
    if head == b"\x89PNG\r\n\x1a\n":
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(upload)
    return None


def download_name(original: str, extension: str) -> str:
    """The offered file name: the original's last path part, cleaned, with the extension of
    what the file really is (« ../../rapport.svg » never comes back as such)."""
    base = str(original or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = os.path.splitext(base)[0].strip(". ")
    try:
        stem = get_valid_filename(stem)[:80] if stem else ""
    except SuspiciousFileOperation:  # nothing usable left (« «».pdf », emoji only…)
        stem = ""
    return f"{stem or 'document'}.{extension}"


def document_check(upload, *, field: str = "document") -> CheckedDocument:
    """The file's real type, or a French ValidationError on `field`."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError({field: ["Le fichier est vide."]})
    if size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            {field: [f"Fichier trop lourd : {MAX_DOCUMENT_BYTES // (1024 * 1024)} Mo au plus."]}
        )
    kind = _kind(upload)
    upload.seek(0)
    if kind is None:
        raise ValidationError({field: [NOT_ACCEPTED]})
    extension, content_type = kind
    return CheckedDocument(extension, content_type, size, download_name(upload.name, extension))


def document_store(storage: Storage, upload, checked: CheckedDocument) -> str:
    """Write the file under a random name in `storage`; returns the storage path."""
    upload.seek(0)
    name = f"{uuid.uuid4().hex}.{checked.extension}"
    return storage.save(name, upload)


def document_delete(storage: Storage, path: str) -> None:
    """Called after the commit that forgot the file (a failure leaves an orphan, never a hole)."""
    if path:
        storage.delete(path)
