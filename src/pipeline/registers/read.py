"""Read register files (.csv or .xlsx) into rows of cells, with errors that name file and row.

A register is a list of organisations kept by someone else (a government list, a tracker, an
office's own watch-list) with, for every entry: the organisation's name, other names it goes
by, its country, the list it is on, a category, the date it was listed and a source. The
reader's job ends at "cells with the row number a user sees": it finds the header row (any of
the first :data:`HEADER_SCAN_ROWS` rows), maps the headers onto the canonical fields, and
hands back the raw cell values for :mod:`pipeline.registers.clean` to check.

* ``.csv`` (also ``.tsv``/``.txt``): UTF-8 with or without BOM, UTF-16 with BOM, GB18030 or
  cp1252; comma, semicolon, tab or pipe separated; quoted cells may hold line breaks.
* ``.xlsx``: every sheet whose header row names all required fields is read (one register per
  sheet); other sheets are skipped with a warning. No matching sheet is an error that names
  the sheets looked at.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.io import csv_field_limit, csv_records

__all__ = [
    "FIELDS",
    "HEADER_SCAN_ROWS",
    "HEADER_VARIANTS",
    "INPUT_SUFFIXES",
    "REQUIRED",
    "RawRegister",
    "RegistersInputError",
    "read_register",
]

#: How many rows from the top of a sheet or file are searched for the header row.
HEADER_SCAN_ROWS = 10

#: Canonical fields in output order, each with the header spellings recognised for it
#: (compared without case, spaces or punctuation).
HEADER_VARIANTS: dict[str, tuple[str, ...]] = {
    "organisation": (
        "Organisation name",
        "Organisation",
        "Organization name",
        "Organization",
        "Name",
        "Entity",
        "Entity name",
        "Institution",
        "Institution name",
    ),
    "aliases": ("Aliases", "Alias", "Also known as", "a.k.a.", "Other names", "Alternative names"),
    "country": ("Country", "Country code", "Destination", "Jurisdiction"),
    "list_name": ("List name", "List", "Register", "Register name"),
    "category": ("Category", "Listing category", "Type", "Reason"),
    "date_listed": (
        "Date listed",
        "Listed on",
        "Date added",
        "Listing date",
        "Effective date",
        "Date",
    ),
    "source": ("Source", "Source URL", "Source (URL or citation)", "Citation", "Reference", "URL"),
}
FIELDS: tuple[str, ...] = tuple(HEADER_VARIANTS)
REQUIRED: tuple[str, ...] = ("organisation", "list_name", "category", "source")
INPUT_SUFFIXES: tuple[str, ...] = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")

#: Longer cells are never header cells; skipping them keeps the header search cheap.
_MAX_HEADER_CHARS = 200
_DELIMITERS = ",;\t|"


class RegistersInputError(ValueError):
    """A register file cannot be read; the message names the file (and row, sheet, column)."""


@dataclass
class RawRegister:
    """Cells of one register table as found in a file (one per csv, one per xlsx sheet).

    ``rows`` holds ``(source_row, {field: value})`` for every non-blank line below the header;
    ``source_row`` is the spreadsheet row (xlsx) or the line where the record starts (csv).
    ``label`` names the table in messages and outputs: the file name, plus ``!sheet`` for a
    workbook with several sheets read.
    """

    label: str
    columns: dict[str, str]
    rows: list[tuple[int, dict[str, Any]]]
    header_row: int
    blank_rows: int = 0
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- headers
def header_key(text: Any) -> str:
    """Case-, space- and punctuation-insensitive key of a header cell."""
    if text is None or (isinstance(text, str) and len(text) > _MAX_HEADER_CHARS):
        return ""
    s = unicodedata.normalize("NFKC", str(text)).casefold()
    return "".join(ch for ch in s if ch.isalnum())


_VARIANT_INDEX: dict[str, str] = {
    header_key(v): name for name, variants in HEADER_VARIANTS.items() for v in variants
}


def match_header(text: Any) -> str | None:
    """The canonical field a header cell names, or None."""
    return _VARIANT_INDEX.get(header_key(text))


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _find_header(rows: list[list[Any]]) -> tuple[int, dict[str, int]]:
    """Index of the row (among the first few) naming most fields, and field -> column index."""
    best_idx, best = 0, {}
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found: dict[str, int] = {}
        for j, cell in enumerate(row):
            name = match_header(cell)
            if name is not None and name not in found:
                found[name] = j
        if len(found) > len(best):
            best_idx, best = i, found
    return best_idx, best


def _labels(fields: list[str]) -> str:
    return ", ".join(repr(HEADER_VARIANTS[f][0]) for f in fields)


def _table(label: str, rows: list[list[Any]], numbers: list[int]) -> RawRegister:
    """Turn rows of cells into a :class:`RawRegister`, or raise naming what is missing."""
    if not any(not _is_blank(c) for r in rows for c in r):
        raise RegistersInputError(f"{label}: the file is empty - no header row found")
    h_idx, cols = _find_header(rows)
    missing = [f for f in REQUIRED if f not in cols]
    if missing:
        header = rows[h_idx] if cols else next(r for r in rows if any(not _is_blank(c) for c in r))
        found = ", ".join(str(c).strip() for c in header if not _is_blank(c)) or "(none)"
        row_no = numbers[h_idx] if cols else numbers[rows.index(header)]
        raise RegistersInputError(
            f"{label}: missing required column(s) {_labels(missing)}; header row {row_no} "
            f"reads: {found}. Required: {_labels(list(REQUIRED))}."
        )
    header = rows[h_idx]
    warnings = [
        f"{label}: ignored column {str(c).strip()!r} (not a register field)"
        for j, c in enumerate(header)
        if not _is_blank(c) and j not in cols.values()
    ]
    out: list[tuple[int, dict[str, Any]]] = []
    blank = 0
    for row, n in zip(rows[h_idx + 1 :], numbers[h_idx + 1 :], strict=True):
        if all(_is_blank(c) for c in row):
            blank += 1
            continue
        out.append((n, {f: (row[j] if j < len(row) else None) for f, j in cols.items()}))
    columns = {f: str(header[j]).strip() for f, j in cols.items()}
    return RawRegister(label, columns, out, numbers[h_idx], blank, warnings)


# --------------------------------------------------------------------------- csv
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes) -> str:
    """Text of a delimited file: BOM first, then UTF-8, GB18030, and cp1252 as the last try."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc)
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("cp1252", errors="replace")


def _sniff(text: str) -> str:
    """The delimiter under which the top lines name most register fields (Sniffer breaks ties)."""
    sample = text[:20000]
    try:
        guess = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        guess = max(_DELIMITERS, key=sample.count)
    head = sample.splitlines()[:HEADER_SCAN_ROWS]

    def score(d: str) -> int:
        rows = list(csv.reader(head, delimiter=d))
        return max((len({match_header(c) for c in r} - {None}) for r in rows), default=0)

    return max([guess, *(d for d in _DELIMITERS if d != guess)], key=score)


def read_csv(path: Path) -> RawRegister:
    """Read a delimited text register."""
    label = path.name
    text = decode(path.read_bytes()).lstrip("\ufeff")
    if not text.strip():
        raise RegistersInputError(f"{label}: the file is empty - no header row found")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff(text))
    rows: list[list[Any]] = []
    starts: list[int] = []
    try:
        with csv_field_limit():
            for line, record in csv_records(reader):
                starts.append(line)
                rows.append([c if c.strip() else None for c in record])
    except csv.Error as exc:
        where = f"line {reader.line_num}"
        raise RegistersInputError(f"{label}: {where}: malformed CSV ({exc})") from exc
    return _table(label, rows, starts)


# --------------------------------------------------------------------------- xlsx
def _sheets(path: Path) -> list[tuple[str, list[list[Any]]]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # BadZipFile, InvalidFileException, KeyError ...
        raise RegistersInputError(f"{path.name}: cannot open as an .xlsx workbook ({exc})") from exc
    try:
        out = []
        for ws in wb.worksheets:
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()
            out.append((ws.title, [list(r) for r in ws.iter_rows(values_only=True)]))
        return out
    finally:
        wb.close()


def read_xlsx(path: Path) -> list[RawRegister]:
    """Read every sheet of a workbook that holds a register (see the module docstring)."""
    if path.stat().st_size == 0:
        raise RegistersInputError(f"{path.name}: the file is empty - no header row found")
    sheets = _sheets(path)
    tables: list[RawRegister] = []
    problems: list[str] = []
    for name, rows in sheets:
        label = f"{path.name}!{name}"
        try:
            tables.append(_table(label, rows, list(range(1, len(rows) + 1))))
        except RegistersInputError as exc:
            problems.append(str(exc))
    if not tables:
        looked = ", ".join(repr(n) for n, _ in sheets) or "(none)"
        detail = "; ".join(problems)
        raise RegistersInputError(
            f"{path.name}: no sheet holds a register (sheets looked at: {looked}): {detail}"
        )
    if len(sheets) == 1:
        tables[0].label = path.name
    skipped = [p for p in problems if "empty" not in p]
    tables[0].warnings.extend(f"skipped sheet: {p}" for p in skipped)
    return tables


def read_register(path: str | Path) -> list[RawRegister]:
    """Read one register file into one table (csv) or one table per register sheet (xlsx)."""
    p = Path(path)
    if not p.is_file():
        raise RegistersInputError(f"{p}: file not found")
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(p)
    if suffix in (".csv", ".tsv", ".txt"):
        return [read_csv(p)]
    if suffix == ".xls":
        raise RegistersInputError(f"{p.name}: legacy .xls is not supported; save it as .xlsx")
    raise RegistersInputError(
        f"{p.name}: unsupported file type {suffix!r} (expected .csv or .xlsx)"
    )
