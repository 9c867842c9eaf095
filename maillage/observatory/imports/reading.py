"""Reading INSEE CSV files as they are published: zipped or not, `;` (or `,`), UTF-8 with or
without BOM or Latin-1, decimal commas, commune codes as text.

Files are streamed in chunks of rows (the MOBPRO detail file has millions of lines), so nothing
here holds a whole file in memory. Every refusal is an `ImportFileError` naming the column (or
`file`) and, where it helps, the line, in French.

In an archive the data CSV is recognised by its header (`open_csv(..., wanted=…)`), not by its
name: INSEE zips carry a metadata CSV (`meta_…`, `varmod_…`) and sometimes the XLSX beside it.
A commune code that lost its leading zero in a spreadsheet (`1001`) is repaired (`01001`) and
counted in `CodeRepairs`, so the import can say so.
"""

import codecs
import csv
import hashlib
import io
import operator
import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO

import numpy as np
import polars as pl

from maillage.observatory.errors import ImportFileError, french_number

# progress(label, done, total): bytes of CSV text read so far, for a progress bar.
Progress = Callable[[str, int, int], None]

COMMUNE_CODE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")
# A code of départements 01–09 read as a number by a spreadsheet: four digits, zero lost.
_LOST_ZERO = re.compile(r"^[0-9]{4}$")
_SNIFF_BYTES = 1 << 16
_HASH_BLOCK = 1 << 20
CHUNK_ROWS = 100_000
# Members of INSEE archives that describe the data rather than hold it.
_METADATA_PREFIXES = ("meta", "varmod", "dictionnaire", "documentation", "lisez")


@dataclass(frozen=True)
class CsvFile:
    """A CSV ready to stream: its name (the archive member when zipped), the SHA-256 of the bytes
    received, the detected encoding and separator, and the header (upper-cased)."""

    name: str
    sha256: str
    encoding: str
    separator: str
    header: tuple[str, ...]
    size: int
    opener: Callable[[], BinaryIO]

    def column_index(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.header)}


@dataclass(frozen=True)
class Chunk:
    """Up to `CHUNK_ROWS` data rows: the values of the requested columns (text as written) and
    the file line of each row (line 1 is the header)."""

    columns: dict[str, list[str]]
    lines: list[int]

    def __len__(self) -> int:
        return len(self.lines)


@dataclass
class CodeRepairs:
    """Commune codes completed with their lost leading zero (`1001` → `01001`) while reading."""

    count: int = 0


# wanted(header) -> True when a CSV of an archive is the data file the importer reads.
HeaderTest = Callable[[tuple[str, ...]], bool]


def open_csv(file: BinaryIO, filename: str, *, wanted: HeaderTest | None = None) -> CsvFile:
    """Inspect `file` (bytes, seekable or not): unzip if needed, detect encoding and separator,
    read the header. In an archive, the CSV whose header passes `wanted` is read (the largest if
    several), else the largest CSV whose name is not a metadata one. Raises `ImportFileError`
    for an empty file, an archive without a data CSV, binary content or a header without
    separator."""
    stream = _seekable(file)
    sha256, size = _digest(stream)
    if size == 0:
        raise ImportFileError("file", f"Le fichier « {filename} » est vide.")
    stream.seek(0)
    if zipfile.is_zipfile(stream):
        stream.seek(0)
        return _zip_member(stream, filename, sha256, wanted)
    stream.seek(0)

    def opener() -> BinaryIO:
        # Closing what we hand out must not close the caller's file.
        stream.seek(0)
        return _CountingReader(stream)

    return _inspect(PurePosixPath(filename).name, sha256, size, opener)


def iter_chunks(
    source: CsvFile,
    columns: Sequence[str],
    *,
    progress: Progress | None = None,
    chunk_rows: int | None = None,
) -> Iterator[Chunk]:
    """The values of `columns` (names of the header, upper case), chunk by chunk (`CHUNK_ROWS`
    rows by default). Blank lines are skipped; a line with too few fields is refused with its
    number. Values come as written: `commune_codes` and `numbers` strip and check them."""
    chunk_rows = chunk_rows or CHUNK_ROWS
    index = source.column_index()
    positions = [index[name] for name in columns]
    needed = max(positions) + 1
    pick = operator.itemgetter(*positions)
    with source.opener() as raw:
        counter = _CountingReader(raw)
        text = io.TextIOWrapper(
            io.BufferedReader(counter), encoding=source.encoding, errors="replace", newline=""
        )
        reader = csv.reader(text, delimiter=source.separator)
        next(reader, None)
        picked: list = []
        lines: list[int] = []
        for row in reader:
            if len(row) < needed:
                if not any(field.strip() for field in row):
                    continue
                raise ImportFileError(
                    "file",
                    f"Ligne {reader.line_num} de « {source.name} » : {len(row)} champs au lieu "
                    f"de {len(source.header)} (séparateur « {source.separator} »).",
                )
            picked.append(pick(row))
            lines.append(reader.line_num)
            if len(lines) >= chunk_rows:
                yield _chunk(columns, picked, lines)
                if progress:
                    progress("Lecture du fichier", counter.count, source.size)
                picked, lines = [], []
        if lines:
            yield _chunk(columns, picked, lines)
        if progress:
            progress("Lecture du fichier", source.size, source.size)


def commune_codes(chunk: Chunk, column: str, *, repairs: CodeRepairs | None = None) -> pl.Series:
    """The codes of `column`, stripped and upper-cased (`2a004` → `2A004`); four digits get
    their lost leading zero back (`1001` → `01001`, counted in `repairs`); any other malformed
    code is refused with its line. Codes of countries (99xxx, MOBPRO place of work) have the
    same shape."""
    codes = pl.Series(column, chunk.columns[column], dtype=pl.String)
    codes = codes.str.strip_chars().str.to_uppercase()
    lost_zero = codes.str.contains(_LOST_ZERO.pattern).fill_null(False)
    if lost_zero.any():
        codes = codes.zip_with(~lost_zero, codes.str.zfill(5))
        if repairs is not None:
            repairs.count += int(lost_zero.sum())
    valid = codes.str.contains(COMMUNE_CODE.pattern).fill_null(False).to_numpy()
    if not valid.all():
        i = int(np.argmin(valid))
        raise ImportFileError(
            column,
            f"Colonne {column}, ligne {chunk.lines[i]} : code commune « {codes[i]} » mal formé ; "
            f"5 caractères attendus (par exemple 01001 ou 2A004).",
        )
    return codes


def numbers(chunk: Chunk, column: str, *, codes: pl.Series, optional: bool = False) -> np.ndarray:
    """The values of `column` as floats (decimal comma or point). A value that is not a number
    or is negative is refused with its column, line and commune; an empty value too, unless
    `optional` (then NaN)."""
    text = pl.Series(column, chunk.columns[column], dtype=pl.String).str.strip_chars()
    parsed = np.asarray(
        text.str.replace(",", ".", literal=True).cast(pl.Float64, strict=False).to_numpy(),
        dtype=np.float64,
    )
    empty = (text == "").to_numpy()
    bad = ~np.isfinite(parsed) & ~(empty & optional)
    if bad.any():
        i = int(np.argmax(bad))
        what = "valeur manquante" if empty[i] else f"« {text[i]} » n'est pas un nombre"
        raise ImportFileError(
            column,
            f"Colonne {column}, ligne {chunk.lines[i]} (commune {codes[i]}) : {what}.",
        )
    negative = parsed < 0
    if negative.any():
        i = int(np.argmax(negative))
        raise ImportFileError(
            column,
            f"Colonne {column}, ligne {chunk.lines[i]} (commune {codes[i]}) : valeur négative "
            f"({french_number(float(parsed[i]))}) ; un effectif ne peut pas être négatif.",
        )
    return np.where(empty, np.nan, parsed) if optional else parsed


# --- internals ---------------------------------------------------------------------------------


class _CountingReader(io.RawIOBase):
    """A raw stream that counts the bytes read through it (progress of a zipped member too);
    closing it leaves the inner stream open."""

    def __init__(self, inner: BinaryIO) -> None:
        self.inner = inner
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.inner.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        self.count += size
        return size


def _chunk(columns: Sequence[str], picked: list, lines: list[int]) -> Chunk:
    if len(columns) == 1:
        return Chunk({columns[0]: list(picked)}, lines)
    return Chunk(
        {
            name: list(values)
            for name, values in zip(columns, zip(*picked, strict=True), strict=True)
        },
        lines,
    )


def _seekable(file: BinaryIO) -> BinaryIO:
    try:
        file.seek(0)
    except (AttributeError, OSError, io.UnsupportedOperation):
        return io.BytesIO(file.read())
    return file


def _digest(stream: BinaryIO) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while block := stream.read(_HASH_BLOCK):
        digest.update(block)
        size += len(block)
    return digest.hexdigest(), size


def _inspect(name: str, sha256: str, size: int, opener: Callable[[], BinaryIO]) -> CsvFile:
    """Encoding, separator and header of one CSV."""
    with opener() as probe:
        prefix = probe.read(_SNIFF_BYTES)
    encoding = _encoding(prefix, name)
    header_line = _first_line(prefix, encoding)
    if not header_line.strip():
        raise ImportFileError("file", f"Le fichier « {name} » est vide.")
    separator = next((sep for sep in (";", ",", "\t") if sep in header_line), None)
    if separator is None:
        raise ImportFileError(
            "file",
            f"L'en-tête de « {name} » ne contient ni « ; » ni « , » : ce n'est pas un fichier "
            "CSV de l'Insee.",
        )
    header = next(csv.reader([header_line], delimiter=separator))
    return CsvFile(
        name=name,
        sha256=sha256,
        encoding=encoding,
        separator=separator,
        header=tuple(column.strip().strip('"').upper() for column in header),
        size=size,
        opener=opener,
    )


def _zip_member(stream: BinaryIO, filename: str, sha256: str, wanted: HeaderTest | None) -> CsvFile:
    """The data CSV of an INSEE archive, among its `.csv` (or `.txt`) members: the one whose
    header passes `wanted` (the largest if several); failing that, the largest whose name is
    not a metadata one (`meta_…`, `varmod_…`), so that its missing columns are reported."""
    try:
        archive = zipfile.ZipFile(stream)
        members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportFileError(
            "file", f"L'archive « {filename} » est illisible ({error})."
        ) from None
    names = [PurePosixPath(info.filename).name.lower() for info in members]
    if any(name == "[content_types].xml" for name in names):
        raise ImportFileError(
            "file",
            f"« {filename} » est un classeur (XLSX ou ODS), pas un CSV : télécharger sur le site "
            "de l'Insee la version CSV du fichier.",
        )
    tables = [
        (info, name)
        for info, name in zip(members, names, strict=True)
        if name.endswith((".csv", ".txt"))
    ]
    candidates: list[CsvFile] = []
    if wanted is not None:
        for info, _lower in tables:
            try:
                name = PurePosixPath(info.filename).name
                source = _inspect(name, sha256, info.file_size, _member(archive, info))
            except ImportFileError:
                continue
            if wanted(source.header):
                candidates.append(source)
    if candidates:
        return max(candidates, key=lambda source: source.size)
    data = [info for info, name in tables if not name.startswith(_METADATA_PREFIXES)]
    if not data:
        listed = ", ".join(PurePosixPath(info.filename).name for info in members[:5]) or "rien"
        raise ImportFileError(
            "file",
            f"L'archive « {filename} » ne contient aucun fichier CSV de données (elle contient : "
            f"{listed}).",
        )
    member = max(data, key=lambda info: info.file_size)
    return _inspect(
        PurePosixPath(member.filename).name, sha256, member.file_size, _member(archive, member)
    )


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], BinaryIO]:
    def opener() -> BinaryIO:
        return archive.open(info)

    return opener


def _encoding(prefix: bytes, name: str) -> str:
    if prefix.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if b"\x00" in prefix:
        raise ImportFileError(
            "file",
            f"« {name} » n'est ni un fichier CSV ni une archive zip (contenu binaire).",
        )
    try:
        codecs.getincrementaldecoder("utf-8")().decode(prefix, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _first_line(prefix: bytes, encoding: str) -> str:
    text = prefix.decode(encoding, errors="replace")
    return text.splitlines()[0] if text else ""
