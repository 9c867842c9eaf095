"""A study file as bytes, whichever its form: JSON (the document) or XLSX (the workbook).

One entry for every way a study arrives (the command, an upload), so that each gives the same
French errors. The form is told by the file's name, else by its content (an XLSX file is a ZIP
archive: it starts with « PK »).
"""

import json

from maillage.observatory.study.document import Study, StudyError, StudyInvalid, study_from_dict
from maillage.observatory.study.workbook import MAX_BYTES, study_from_xlsx

FORMATS = ("json", "xlsx")


def study_file_format(data: bytes, filename: str = "") -> str:
    """« json » or « xlsx »: by the extension, else by the first bytes."""
    suffix = filename.rpartition(".")[2].casefold() if "." in filename else ""
    if suffix in FORMATS:
        return suffix
    return "xlsx" if data[:2] == b"PK" else "json"


def study_from_json(data: bytes) -> Study:
    """Read a JSON study document; an unreadable file is a `StudyInvalid` on « fichier »."""
    if len(data) > MAX_BYTES:
        raise StudyInvalid(
            [StudyError("fichier", f"Fichier de plus de {MAX_BYTES // (1024 * 1024)} Mo.")]
        )
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise StudyInvalid(
            [StudyError("fichier", "Le fichier n'est pas un texte UTF-8 : est-ce bien un JSON ?")]
        ) from error
    except json.JSONDecodeError as error:
        raise StudyInvalid(
            [
                StudyError(
                    "fichier",
                    f"Le fichier n'est pas un JSON lisible : ligne {error.lineno}, colonne "
                    f"{error.colno}.",
                )
            ]
        ) from error
    except (ValueError, RecursionError) as error:
        # A number of thousands of digits, or arrays nested thousands deep: not a study.
        raise StudyInvalid(
            [StudyError("fichier", "Le fichier n'est pas un document d'étude lisible.")]
        ) from error
    return study_from_dict(document)


def study_from_file(data: bytes, filename: str = "") -> Study:
    """The study of a JSON or XLSX file; every error in one `StudyInvalid`."""
    if study_file_format(data, filename) == "xlsx":
        return study_from_xlsx(data)
    return study_from_json(data)
