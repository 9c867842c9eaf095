"""Documents attached to posts: recognised by their content (maillage.core.documents), stored
under a generated name in a private storage, outside MEDIA_ROOT, and served only through the
space's members-only view.

The storage is STORAGES["managers"] when the deployment defines it, else a folder
var/managers-documents (MAILLAGE_MANAGERS_DIR) beside the other private files.
"""

from django.core.files.storage import Storage, storages

from maillage.core import documents as core_documents
from maillage.core.documents import (  # noqa: F401 (the managers' names for the shared checks)
    ACCEPTED,
    MAX_DOCUMENT_BYTES,
    NOT_ACCEPTED,
    CheckedDocument,
    document_check,
    download_name,
)


def documents_storage() -> Storage:
    """Asked at each use, so that a test's storage setting applies at once."""
    return storages["managers"]


def document_store(upload, checked: CheckedDocument) -> str:
    """Write the file under a random name; returns the storage path."""
    return core_documents.document_store(documents_storage(), upload, checked)


def document_delete(path: str) -> None:
    """Called after the commit that forgot the file (a failure leaves an orphan, never a hole)."""
    core_documents.document_delete(documents_storage(), path)
