"""Read a centres table from an .xlsx workbook or a .csv file, robustly.

The reader's job ends at "rows of cells with the row number a user sees": it finds the sheet and
the header row, maps headers to canonical fields, and hands back the raw cell values (numbers,
dates and text untouched) for :mod:`pipeline.centres.clean` to parse.

* ``.xlsx``: refused before parsing when it is encrypted, not a zip, or would inflate past the
  limits of :func:`pipeline.io.check_xlsx`; then openpyxl in read-only mode. The sheet read is
  the one named by ``sheet``, else the one visible sheet holding every required column:
  several such sheets are an error naming them, and a hidden sheet is never read unless named.
  Formula cells give their cached value, or the formula text when no value was cached.
* ``.csv``: decoded by :func:`pipeline.io.decode_text` (a byte-order mark, UTF-8, or one legacy
  encoding for the whole file with a warning; mixed encodings are an error naming the lines),
  comma/semicolon/tab/pipe delimiters, quoted fields with embedded line breaks. A record whose
  number of fields is not the header's is set aside whole (``RawTable.malformed``), never
  padded or cut to fit.
"""

from __future__ import annotations

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
from pipeline.io import (
    CsvSyntaxError,
    EncodingError,
    XlsxRefused,
    check_xlsx,
    csv_text_spans,
    decode_text,
    find_input,
    split_field_counts,
)

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
    1-based spreadsheet row (xlsx) or the line where the record starts (csv). ``malformed``
    holds ``(source_row, reason)`` of each CSV record below the header that was set aside
    because its number of fields is not the header's.
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
    malformed: list[tuple[int, str]] = field(default_factory=list)


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


def _field_count_check(
    rows: list[list[Any]], numbers: list[int], last_lines: list[int], width: int
) -> tuple[list[list[Any]], list[int], list[tuple[int, str]]]:
    """CSV rows below the header with the header's field count, and the others set aside.

    A record of one field passes (a note below the table, or a lone name, which the cleaner
    judges); see :func:`pipeline.io.split_field_counts` for the rest.
    """
    spans = [
        (n, last, ["" if c is None else str(c) for c in r])
        for r, n, last in zip(rows, numbers, last_lines, strict=True)
    ]
    good, bad = split_field_counts(spans, width, single_field_ok=True)
    keep = {first for first, _, _ in good}
    kept = [(r, n) for r, n in zip(rows, numbers, strict=True) if n in keep]
    malformed = [(b.first_line, f"malformed row: {b.reason}") for b in bad]
    return [r for r, _ in kept], [n for _, n in kept], malformed


def _header_width(header: list[Any]) -> int:
    """Columns of the header row up to its last non-blank cell."""
    width = len(header)
    while width and _is_blank(header[width - 1]):
        width -= 1
    return width


def _build_table(
    source_file: str,
    rows: list[list[Any]],
    row_numbers: list[int],
    *,
    sheet: str | None = None,
    sheets_seen: list[str] | None = None,
    last_lines: list[int] | None = None,
) -> RawTable:
    """The table below the header row; with ``last_lines`` (CSV) field counts are checked."""
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
    below, numbers = rows[h_idx + 1 :], row_numbers[h_idx + 1 :]
    malformed: list[tuple[int, str]] = []
    if last_lines is not None:
        below, numbers, malformed = _field_count_check(
            below, numbers, last_lines[h_idx + 1 :], _header_width(header)
        )
    body, extras = _body_rows(below, numbers, mapped, len(header))
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
        malformed=malformed,
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


@dataclass
class _Sheet:
    """One sheet of a workbook as read: its rows and how well its header row matches."""

    name: str
    position: int
    hidden: bool
    complete: bool  # the header row has every required column
    score: int
    rows: list[list[Any]]
    numbers: list[int]


def _read_sheet(name: str, position: int, wb_v: Any, wb_f: Any | None) -> _Sheet:
    ws_v = wb_v[name]
    ws_f = wb_f[name] if wb_f is not None else None
    for ws in (ws_v, ws_f):
        if ws is not None and hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()
    rows, numbers = _read_sheet_rows(ws_v, ws_f)
    h_idx, score = find_header_row(rows)
    matched = {match_header(c) for c in rows[h_idx]} - {None} if rows else set()
    complete = bool(rows) and not _missing_required(matched)
    hidden = getattr(ws_v, "sheet_state", "visible") != "visible"
    return _Sheet(name, position, hidden, complete, score, rows, numbers)


def _named(names: list[str]) -> str:
    return ", ".join(repr(n) for n in names)


def _choose_sheet(source: str, sheets: list[_Sheet]) -> tuple[_Sheet, list[str]]:
    """The sheet to read when none is named, and warnings about hidden tables left unread.

    Exactly one visible sheet may hold every required column; several are an error naming
    them, and so is a table found only on hidden sheets. With no complete sheet, the visible
    sheet whose header matches best is returned (its missing columns are then reported).
    """
    complete = [sh for sh in sheets if sh.complete]
    visible = [sh for sh in complete if not sh.hidden]
    hidden = [sh.name for sh in complete if sh.hidden]
    if len(visible) > 1:
        names = _named([sh.name for sh in visible])
        raise CentresInputError(
            f"{source}: several sheets hold a centres table ({names}); keep one, or name the "
            "one to read with the `sheet` parameter"
        )
    if visible:
        warnings = [
            f"{source}: hidden sheet {name!r} also holds a centres table; it was not read "
            f"(sheet {visible[0].name!r} was)"
            for name in hidden
        ]
        return visible[0], warnings
    if hidden:
        raise CentresInputError(
            f"{source}: the centres table is only on hidden sheet(s) {_named(hidden)}; a hidden "
            "sheet is never read silently - unhide the sheet to read, or name it with the "
            "`sheet` parameter"
        )
    shown = [sh for sh in sheets if not sh.hidden] or sheets
    return max(shown, key=lambda sh: (sh.score, -sh.position)), []


def _open_both(path: Path, source: str) -> tuple[Any, Any | None]:
    """The workbook with cached values and, when some sheet holds formulas, with formulas."""
    if path.stat().st_size == 0:
        raise CentresInputError(f"{source}: the file is empty - no header row found")
    try:
        check_xlsx(path)
    except XlsxRefused as exc:
        raise CentresInputError(f"{source}: cannot open as an .xlsx workbook: {exc}") from exc
    try:
        wb_v = _open_workbook(path, data_only=True)
        # a second, formula-text pass is needed only when some sheet holds formulas
        wb_f = _open_workbook(path, data_only=False) if _has_formulas(path) else None
    except Exception as exc:  # BadZipFile, InvalidFileException, KeyError ...
        raise CentresInputError(f"{source}: cannot open as an .xlsx workbook ({exc})") from exc
    return wb_v, wb_f


def _sheets_to_read(source: str, names: list[str], sheet: str | None) -> list[str]:
    if sheet is None:
        return names
    if sheet not in names:
        raise CentresInputError(
            f"{source}: no sheet {sheet!r}, which the `sheet` parameter names (sheets: "
            f"{_named(names)})"
        )
    return [sheet]


def read_xlsx(path: Path, sheet: str | None = None) -> RawTable:
    """Read the centres table of an .xlsx workbook: sheet ``sheet``, or the one that holds it.

    Without ``sheet``, the one visible sheet with every required column is read (see
    :func:`_choose_sheet`); hidden sheets holding a table too are named in the warnings.
    """
    source = str(path)
    wb_v, wb_f = _open_both(path, source)
    try:
        names = list(wb_v.sheetnames)
        wanted = _sheets_to_read(source, names, sheet)
        sheets = [_read_sheet(n, names.index(n), wb_v, wb_f) for n in wanted]
    finally:
        wb_v.close()
        if wb_f is not None:
            wb_f.close()
    if not sheets:
        raise CentresInputError(f"{source}: the workbook has no sheets")
    chosen, warnings = (sheets[0], []) if sheet is not None else _choose_sheet(source, sheets)
    if not chosen.complete and not any(any(not _is_blank(c) for c in r) for r in chosen.rows):
        raise CentresInputError(
            f"{source}: the file is empty - no header row found "
            f"(sheets looked at: {', '.join(wanted)})"
        )
    table = _build_table(source, chosen.rows, chosen.numbers, sheet=chosen.name, sheets_seen=names)
    table.warnings = warnings + table.warnings
    return table


# --------------------------------------------------------------------------- csv
_DELIMITERS = (",", ";", "\t", "|")


def _parse_csv(text: str, delimiter: str) -> tuple[list[list[Any]], list[int], list[int]]:
    """Parse CSV text: rows (blank cells as None), and the first and last line of each record.

    Long free-text cells are read whole (:func:`pipeline.io.csv_text_spans`).
    """
    try:
        spans = csv_text_spans(text, delimiter)
    except CsvSyntaxError as exc:
        raise CentresInputError(f"line {exc.line}: malformed CSV ({exc.error})") from exc
    rows = [[c if c.strip() else None for c in values] for _, _, values in spans]
    return rows, [first for first, _, _ in spans], [last for _, last, _ in spans]


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
            rows, _, _ = _parse_csv(sample, d)
        except CentresInputError:
            continue
        _, score = find_header_row(rows)
        if score > best_score:
            best, best_score = d, score
    return best


def decode_file(path: Path, data: bytes) -> tuple[str, str, str | None]:
    """``(text, encoding, warning)`` of a CSV's bytes; a mixed-encoding file is an error."""
    try:
        text, encoding, warning = decode_text(data)
    except EncodingError as exc:
        raise CentresInputError(f"{path}: {exc}") from exc
    return text, encoding, (f"{path}: {warning}" if warning else None)


def read_csv(path: Path) -> RawTable:
    """Read a delimited text file in any common spreadsheet-export encoding."""
    source = str(path)
    data = path.read_bytes()
    if not data.strip():
        raise CentresInputError(f"{source}: the file is empty - no header row found")
    text, encoding, warning = decode_file(path, data)
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
        rows, starts, lasts = _parse_csv(body, delimiter)
    except CentresInputError as exc:
        raise CentresInputError(f"{source}: {exc}") from exc
    if hint:
        starts, lasts = [n + 1 for n in starts], [n + 1 for n in lasts]
    table = _build_table(source, rows, starts, last_lines=lasts)
    table.encoding = encoding
    table.delimiter = delimiter
    table.warnings = ([warning] if warning else []) + table.warnings
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


def read_table(path: str | Path, sheet: str | None = None) -> RawTable:
    """Read ``path`` (.xlsx/.xlsm or .csv/.tsv/.txt) into a :class:`RawTable`.

    ``sheet`` names the worksheet of a workbook to read (None or ``"auto"``: the one sheet
    that holds the table); for a CSV it has no meaning and is reported as ignored.
    """
    p = Path(path)
    if not p.exists():
        raise CentresInputError(f"{p}: file not found")
    sheet = None if sheet is None or str(sheet).strip().lower() in ("", "auto") else str(sheet)
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(p, sheet)
    if suffix in (".csv", ".tsv", ".txt"):
        table = read_csv(p)
        if sheet is not None:
            table.warnings.insert(
                0, f"{p}: the `sheet` parameter ({sheet!r}) was ignored: a CSV has no sheets"
            )
        return table
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
