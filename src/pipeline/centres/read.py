"""Read a centres table from an .xlsx workbook or a .csv file, robustly.

The reader's job ends at "rows of cells with the row number a user sees": it finds the sheet and
the header row, maps headers to canonical fields, and hands back the raw cell values (numbers,
dates and text untouched) for :mod:`pipeline.centres.clean` to parse.

* ``.xlsx``: openpyxl in read-only mode; the sheet whose header row matches best wins; formula
  cells give their cached value, or the formula text when no value was cached.
* ``.csv``: any encoding a spreadsheet program writes (BOM sniffing, then UTF-8, GB18030 and
  cp1252), comma/semicolon/tab/pipe delimiters, quoted fields with embedded line breaks.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl

from pipeline.centres.headers import HEADER_VARIANTS, PARTNER_FIELDS, REQUIRED
from pipeline.io import CsvSyntaxError, csv_text_records, find_input

#: Where the pipeline looks for the centres file, and the kinds of file it picks there.
RAW_DIR = "data/raw/centres"
INPUT_SUFFIXES = (".xlsx", ".csv")

#: How many rows from the top are searched for the header row.
HEADER_SCAN_ROWS = 20

#: Longer cells are never header cells (the longest header variant is far shorter); skipping
#: them keeps the header search cheap when a data cell holds megabytes of text.
MAX_HEADER_CHARS = 500


class FormulaText(str):
    """Text of a formula cell that had no cached value (never evaluated, never re-emitted live)."""


class CentresInputError(ValueError):
    """The input file cannot be read as a centres table (the message names file and cause)."""


@dataclass
class RawTable:
    """Cells of a centres table as read from the file.

    ``rows`` holds ``(source_row, {field: value})`` for every line below the header up to the
    last non-empty one (blank lines included, so they can be counted); ``source_row`` is the
    1-based spreadsheet row (xlsx) or the line where the record starts (csv).
    """

    source_file: str
    columns: dict[str, str]  # canonical field -> header text as found
    rows: list[tuple[int, dict[str, Any]]]
    extra_cells: list[dict[str, Any]] = field(default_factory=list)  # per row: unmapped columns
    first_column: str | None = None  # canonical field of the left-most mapped column
    header_row: int = 0
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    ignored_columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- header matching
def header_key(text: Any) -> str:
    """Case-, space- and punctuation-insensitive key of a header cell."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text)).casefold().strip()
    key = "".join(ch for ch in s if ch.isalnum())
    return key or s.replace(" ", "")


_VARIANT_INDEX: dict[str, str] = {}
for _field, _variants in HEADER_VARIANTS.items():
    for _v in _variants:
        _VARIANT_INDEX.setdefault(header_key(_v), _field)


def match_header(text: Any) -> str | None:
    """The canonical field a header cell names, or None."""
    if isinstance(text, str) and len(text) > MAX_HEADER_CHARS:
        return None
    key = header_key(text)
    if not key:
        return None
    return _VARIANT_INDEX.get(key)


def field_label(name: str) -> str:
    """Human label of a canonical field (its first listed variant)."""
    if name == "partners":
        return " / ".join(HEADER_VARIANTS[f][0] for f in PARTNER_FIELDS)
    return HEADER_VARIANTS[name][0]


def _score_header(cells: list[Any]) -> int:
    found = {match_header(c) for c in cells if not _is_blank(c)}
    found.discard(None)
    return len(found)


def find_header_row(rows: list[list[Any]], scan: int = HEADER_SCAN_ROWS) -> tuple[int, int]:
    """Return ``(index, score)`` of the row among the first ``scan`` with most header matches.

    Ties go to the earlier row; ``index`` is 0-based into ``rows``; score 0 means none matched.
    """
    best_idx, best_score = 0, 0
    for i, row in enumerate(rows[:scan]):
        score = _score_header(row)
        if score > best_score:
            best_idx, best_score = i, score
    return best_idx, best_score


def _missing_required(mapped: set[str]) -> list[str]:
    missing = []
    for req in REQUIRED:
        if req == "partners":
            if not mapped.intersection(PARTNER_FIELDS):
                missing.append(req)
        elif req not in mapped:
            missing.append(req)
    return missing


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --------------------------------------------------------------------------- table assembly
@dataclass
class _HeaderMap:
    """Which column of the header row feeds which field, and which columns are not used."""

    columns: dict[str, str] = field(default_factory=dict)  # field -> header text
    index: dict[str, int] = field(default_factory=dict)  # field -> column index
    ignored: list[str] = field(default_factory=list)
    extra: list[tuple[int, str]] = field(default_factory=list)  # unused column index, text
    same_as: dict[str, Any] = field(default_factory=dict)  # ignored text -> header used


def _map_header(header: list[Any]) -> _HeaderMap:
    mapped = _HeaderMap()
    for j, cell in enumerate(header):
        if _is_blank(cell):
            continue
        name = match_header(cell)
        text = str(cell).strip()
        if name is None or name in mapped.index:
            mapped.ignored.append(text)
            mapped.extra.append((j, text))
            if name is not None:
                mapped.same_as[text] = header[mapped.index[name]]
            continue
        mapped.columns[name] = text
        mapped.index[name] = j
    return mapped


def _header_row(
    source_file: str, rows: list[list[Any]], sheets_seen: list[str] | None
) -> tuple[int, int]:
    """``(index, score)`` of the header row; with no known column name, the first non-blank row."""
    if not any(any(not _is_blank(c) for c in r) for r in rows):
        where = f" (sheets looked at: {', '.join(sheets_seen)})" if sheets_seen else ""
        raise CentresInputError(f"{source_file}: the file is empty - no header row found{where}")
    h_idx, score = find_header_row(rows)
    if score == 0:
        # no row has a single known column name: quote the first non-blank row rather
        # than call it the header
        h_idx = next(i for i, r in enumerate(rows) if any(not _is_blank(c) for c in r))
    return h_idx, score


def _missing_columns_error(
    source_file: str,
    header: list[Any],
    missing: list[str],
    *,
    score: int,
    row_number: int,
    sheet: str | None,
    sheets_seen: list[str] | None,
) -> CentresInputError:
    """The error for a header that lacks a required field: what was sought, what was found."""
    found = ", ".join(str(c).strip() for c in header if not _is_blank(c)) or "(none)"
    req = missing[0]
    fields = PARTNER_FIELDS if req == "partners" else (req,)
    looked = ", ".join(repr(v) for f in fields for v in HEADER_VARIANTS[f])
    where = f"; sheets looked at: {', '.join(sheets_seen)}" if sheets_seen else ""
    more = ""
    if len(missing) > 1:
        more = f" (also missing: {', '.join(repr(field_label(m)) for m in missing[1:])})"
    in_sheet = f", sheet {sheet!r}" if sheet else ""
    lead = (
        f"{source_file}: missing required column {field_label(req)!r}{more} (looked for: {looked})"
    )
    if score == 0:
        return CentresInputError(
            f"{lead}; no header row found: none of the first {HEADER_SCAN_ROWS} rows has a known "
            f"column name; the first non-blank row (row {row_number}{in_sheet}) reads: "
            f"{found}{where}"
        )
    return CentresInputError(
        f"{lead}; found columns: {found} (header row {row_number}{in_sheet}{where})"
    )


def _body_rows(
    body: list[list[Any]], numbers: list[int], mapped: _HeaderMap, width: int
) -> tuple[list[tuple[int, dict[str, Any]]], list[dict[str, Any]]]:
    """Each row below the header as ``(row number, {field: cell})`` plus its unused cells."""
    # trim trailing blank rows: they are not rows a user would count
    last = len(body)
    while last > 0 and all(_is_blank(c) for c in body[last - 1]):
        last -= 1
    out_rows: list[tuple[int, dict[str, Any]]] = []
    extras: list[dict[str, Any]] = []
    for r, n in zip(body[:last], numbers[:last], strict=True):
        rec = {name: (r[j] if j < len(r) else None) for name, j in mapped.index.items()}
        ext = {text: r[j] for j, text in mapped.extra if j < len(r) and not _is_blank(r[j])}
        # cells beyond the header's last column are extra too (e.g. stray notes)
        for j in range(width, len(r)):
            if not _is_blank(r[j]):
                ext[f"column {j + 1}"] = r[j]
        out_rows.append((n, rec))
        extras.append(ext)
    return out_rows, extras


def _ignored_warnings(source_file: str, mapped: _HeaderMap) -> list[str]:
    return [
        f"{source_file}: ignored column {c!r} "
        + (
            f"(same field as column {str(mapped.same_as[c]).strip()!r}, which is used)"
            if c in mapped.same_as
            else "(not a known centres field)"
        )
        for c in mapped.ignored
    ]


def _build_table(
    source_file: str,
    rows: list[list[Any]],
    row_numbers: list[int],
    *,
    sheet: str | None = None,
    sheets_seen: list[str] | None = None,
) -> RawTable:
    h_idx, score = _header_row(source_file, rows, sheets_seen)
    header = rows[h_idx]
    mapped = _map_header(header)
    missing = _missing_required(set(mapped.index))
    if missing:
        raise _missing_columns_error(
            source_file,
            header,
            missing,
            score=score,
            row_number=row_numbers[h_idx],
            sheet=sheet,
            sheets_seen=sheets_seen,
        )
    body, extras = _body_rows(rows[h_idx + 1 :], row_numbers[h_idx + 1 :], mapped, len(header))
    return RawTable(
        source_file=source_file,
        columns=mapped.columns,
        rows=body,
        extra_cells=extras,
        first_column=min(mapped.index, key=lambda k: mapped.index[k]) if mapped.index else None,
        header_row=row_numbers[h_idx],
        sheet=sheet,
        ignored_columns=mapped.ignored,
        warnings=_ignored_warnings(source_file, mapped),
    )


# --------------------------------------------------------------------------- xlsx
def _cell_value(value: Any, formula: Any) -> Any:
    """Cached value if present, else the formula text (as plain text)."""
    if value is not None:
        return value
    if formula is None:
        return None
    text = getattr(formula, "text", formula)  # ArrayFormula / DataTableFormula
    if text is None:
        return None
    text = str(text)
    return FormulaText(text) if text.startswith("=") else text


def _read_sheet_rows(ws_values: Any, ws_formulas: Any | None) -> tuple[list[list[Any]], list[int]]:
    rows: list[list[Any]] = []
    if ws_formulas is None:
        for r in ws_values.iter_rows(values_only=True):
            rows.append(list(r))
    else:
        it_f = ws_formulas.iter_rows(values_only=True)
        for r in ws_values.iter_rows(values_only=True):
            f = next(it_f, ())
            n = max(len(r), len(f))
            rows.append(
                [
                    _cell_value(r[j] if j < len(r) else None, f[j] if j < len(f) else None)
                    for j in range(n)
                ]
            )
    return rows, list(range(1, len(rows) + 1))


def _open_workbook(path: Path, data_only: bool) -> Any:
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=data_only)
    except Exception:  # noqa: BLE001 - some files only the full (non-streaming) parser reads
        wb = openpyxl.load_workbook(path, read_only=False, data_only=data_only)
    return wb


def _has_formulas(path: Path) -> bool:
    """True when any worksheet part of the .xlsx holds a formula element."""
    try:
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    data = z.read(name)
                    if b"<f>" in data or b"<f " in data or b":f>" in data or b":f " in data:
                        return True
    except (zipfile.BadZipFile, OSError):
        return True  # let openpyxl report the problem
    return False


def _sheet_candidate(name: str, wb_v: Any, wb_f: Any | None) -> tuple[Any, ...]:
    """``(complete, score, rows, numbers)`` of one sheet: how well its header row matches."""
    ws_v = wb_v[name]
    ws_f = wb_f[name] if wb_f is not None else None
    for ws in (ws_v, ws_f):
        if ws is not None and hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()
    rows, numbers = _read_sheet_rows(ws_v, ws_f)
    h_idx, score = find_header_row(rows)
    matched = {match_header(c) for c in rows[h_idx]} - {None} if rows else set()
    complete = bool(rows) and not _missing_required(matched)
    return complete, score, rows, numbers


def read_xlsx(path: Path) -> RawTable:
    """Read the best-matching sheet of an .xlsx workbook.

    A sheet with every required column beats one without; then the best header score; then
    the earlier sheet.
    """
    source = str(path)
    if path.stat().st_size == 0:
        raise CentresInputError(f"{source}: the file is empty - no header row found")
    try:
        wb_v = _open_workbook(path, data_only=True)
        # a second, formula-text pass is needed only when some sheet holds formulas
        wb_f = _open_workbook(path, data_only=False) if _has_formulas(path) else None
    except Exception as exc:  # BadZipFile, InvalidFileException, KeyError ...
        raise CentresInputError(f"{source}: cannot open as an .xlsx workbook ({exc})") from exc
    try:
        sheets = list(wb_v.sheetnames)
        candidates = [(*_sheet_candidate(n, wb_v, wb_f), -i, n) for i, n in enumerate(sheets)]
    finally:
        wb_v.close()
        if wb_f is not None:
            wb_f.close()
    if not candidates:
        raise CentresInputError(f"{source}: the workbook has no sheets")
    complete, _, rows, numbers, _, name = max(candidates, key=lambda c: (c[0], c[1], c[4]))
    if not complete and not any(any(not _is_blank(c) for c in r) for r in rows):
        raise CentresInputError(
            f"{source}: the file is empty - no header row found "
            f"(sheets looked at: {', '.join(sheets)})"
        )
    return _build_table(source, rows, numbers, sheet=name, sheets_seen=sheets)


# --------------------------------------------------------------------------- csv
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode file bytes; return ``(text, encoding)``.

    Order: byte-order mark; BOM-less UTF-16 (NUL-byte pattern); UTF-8; GB18030 (a superset of
    GBK/GB2312); cp1252 last (it accepts almost anything, so it never comes first).
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                continue  # e.g. UTF-16 LE text starting with U+0000 looks like UTF-32
    sample = data[:4000]
    if len(sample) >= 4:
        even_nul = sample[0::2].count(0) / max(1, len(sample[0::2]))
        odd_nul = sample[1::2].count(0) / max(1, len(sample[1::2]))
        if odd_nul > 0.3 and even_nul < 0.05:
            try:
                return data.decode("utf-16-le"), "utf-16-le"
            except UnicodeDecodeError:
                pass
        if even_nul > 0.3 and odd_nul < 0.05:
            try:
                return data.decode("utf-16-be"), "utf-16-be"
            except UnicodeDecodeError:
                pass
    for enc in ("utf-8", "gb18030", "cp1252"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


_DELIMITERS = (",", ";", "\t", "|")


def _parse_csv(text: str, delimiter: str) -> tuple[list[list[Any]], list[int]]:
    """Parse CSV text; return rows (blank cells as None) and the line each record starts on.

    Long free-text cells are read whole (:func:`pipeline.io.csv_text_records`).
    """
    try:
        records = csv_text_records(text, delimiter)
    except CsvSyntaxError as exc:
        raise CentresInputError(f"line {exc.line}: malformed CSV ({exc.error})") from exc
    rows = [[c if c.strip() else None for c in values] for _, values in records]
    return rows, [start for start, _ in records]


def sniff_delimiter(text: str) -> str:
    """Pick the delimiter: csv.Sniffer's guess, checked against how well the header parses."""
    sample = text[:20000]
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:
        sniffed = max(_DELIMITERS, key=lambda d: sample.count(d))
    best, best_score = sniffed, -1
    for d in (sniffed, *(x for x in _DELIMITERS if x != sniffed)):
        try:
            rows, _ = _parse_csv(sample, d)
        except CentresInputError:
            continue
        _, score = find_header_row(rows)
        if score > best_score:
            best, best_score = d, score
    return best


def read_csv(path: Path) -> RawTable:
    """Read a delimited text file in any common spreadsheet-export encoding."""
    source = str(path)
    data = path.read_bytes()
    if not data.strip():
        raise CentresInputError(f"{source}: the file is empty - no header row found")
    text, encoding = decode_bytes(data)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise CentresInputError(f"{source}: the file is empty - no header row found")
    hint = re.match(r"^sep=(.)\r?\n", text)  # Excel's delimiter hint line
    if hint:
        delimiter = hint.group(1)
        body = text[hint.end() :]
    else:
        delimiter = sniff_delimiter(text)
        body = text
    try:
        rows, starts = _parse_csv(body, delimiter)
    except CentresInputError as exc:
        raise CentresInputError(f"{source}: {exc}") from exc
    if hint:
        starts = [n + 1 for n in starts]
    table = _build_table(source, rows, starts)
    table.encoding = encoding
    table.delimiter = delimiter
    return table


def resolve_input(workbook: str | Path = "auto", folder: str | Path = RAW_DIR) -> Path:
    """The centres file to clean.

    ``workbook`` is a path, or ``"auto"``: then the single ``.xlsx``/``.csv`` file in
    ``folder`` is used (hidden files and Excel lock files ``~$...`` are ignored), so a
    user who drops their own database into that folder needs no edit. Raises
    ``FileNotFoundError`` when the path is missing or the folder holds no candidate, and
    ``ValueError`` when it holds several (naming them).
    """
    return find_input(workbook, folder, INPUT_SUFFIXES, what="centres input", param="workbook")


def read_table(path: str | Path) -> RawTable:
    """Read ``path`` (.xlsx/.xlsm or .csv/.tsv/.txt) into a :class:`RawTable`."""
    p = Path(path)
    if not p.exists():
        raise CentresInputError(f"{p}: file not found")
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(p)
    if suffix in (".csv", ".tsv", ".txt"):
        return read_csv(p)
    if suffix == ".xls":
        raise CentresInputError(f"{p}: legacy .xls is not supported; save it as .xlsx or .csv")
    raise CentresInputError(f"{p}: unsupported file type {suffix!r} (expected .xlsx or .csv)")


# --------------------------------------------------------------------------- cell helpers
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def cell_text(value: Any) -> str | None:
    """A cell as stripped text (None when blank).

    Integral floats lose their '.0'; control characters (NUL etc., not tab/newline) are
    dropped; runs of spaces collapse to one; line breaks are kept (they separate names).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, FormulaText):
        return str(value).strip() or None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    s = str(value).replace("\r\n", "\n").replace("\r", "\n")
    s = _CONTROL_CHARS.sub("", s).strip()
    s = re.sub(r"[ \t\u00a0\u3000]+", " ", s)
    return s or None
