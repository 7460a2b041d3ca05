"""Read an NVivo-style interview coding export (XLSX) and its codebook (CSV).

The export has two sheets: a case sheet (one row per interview case with its
attributes) and a framework matrix (one row per case, one column per code, cells
holding the number of coding references). NVivo writes a title block above the
header row and the code hierarchy into each column header, e.g.
``Nodes\\Benefits\\Complementarity`` or ``A : Benefits\\Complementarity``. This module
finds the header rows, maps each matrix column to a codebook entry and returns the
raw cell values untouched, with their sheet row numbers, for :mod:`.clean` to judge.

A matrix column maps to a code only when its whole path (after the ``Nodes``/``Codes`` root
folder) is a codebook path, or when its header is a code id: a column whose path is not in the
codebook is an error naming it, never matched on its last segment. The case sheet and the
matrix are the one visible sheet whose name says so, or the sheets named by ``case_sheet`` and
``matrix_sheet``: several candidates are an error naming them, and a hidden sheet is never read
unless named. The workbook is checked by :func:`pipeline.io.check_xlsx` before it is parsed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import load_workbook

from pipeline.interviews.schemas import CODEBOOK_SCHEMA
from pipeline.io import XlsxRefused, check_xlsx, find_input

#: Where the pipeline looks for the export and the codebook.
RAW_DIR = "data/raw/interviews"
HEADER_SCAN_ROWS = 30
CASE_SHEET_NAMES = ("cases", "case classification", "case sheet", "classification sheet")
MATRIX_SHEET_NAMES = ("framework matrix", "matrix", "coding matrix")

# Case-sheet header label (normalised) -> field name.
CASE_FIELDS: dict[str, str] = {
    "case": "case_id",
    "case id": "case_id",
    "case name": "case_id",
    "organisation": "organisation",
    "organization": "organisation",
    "institution": "organisation",
    "discipline group": "discipline_group",
    "discipline": "discipline_group",
    "institution type": "institution_type",
    "role": "role",
}
REQUIRED_CASE_FIELDS = ("case_id", "organisation", "discipline_group")
_ROOT_FOLDERS = ("nodes", "codes")
_LETTER_PREFIX = re.compile(r"^[A-Z]{1,3}\s*:\s*")


class InterviewsInputError(ValueError):
    """An interview input file cannot be read as a whole (message names file, sheet, column)."""


@dataclass
class RawExport:
    """Raw content of the export: cells as read, with 1-based sheet row numbers."""

    source_file: str
    cases: pd.DataFrame  # source_row, case_id, organisation, discipline_group, ...
    matrix: pd.DataFrame  # source_row, case_id, then one column per code_id (raw values)
    matrix_columns: dict[str, str] = field(default_factory=dict)  # code_id -> "F (header)"
    case_columns: dict[str, str] = field(default_factory=dict)  # field -> "A (Case)"
    case_sheet: str = "Cases"
    matrix_sheet: str = "Framework matrix"
    matrix_case_column: str = "A (Case)"
    warnings: list[str] = field(default_factory=list)


def _norm_label(value: Any) -> str:
    text = unicodedata.normalize("NFKC", str(value or ""))
    return re.sub(r"\s+", " ", text).strip().casefold()


def parse_code_header(header: Any) -> tuple[str, ...]:
    """Split an NVivo column header into normalised hierarchy parts.

    ``"Nodes\\\\Drivers\\\\Access to expertise"`` and ``"A : Drivers\\\\Access to expertise"``
    both give ``("drivers", "access to expertise")``.
    """
    text = unicodedata.normalize("NFKC", str(header or "")).strip()
    text = _LETTER_PREFIX.sub("", text)
    parts = [_norm_label(p) for p in re.split(r"\\+", text)]
    parts = [p for p in parts if p]
    while parts and parts[0] in _ROOT_FOLDERS:
        parts = parts[1:]
    return tuple(parts)


def column_letter(index: int) -> str:
    """Spreadsheet column letter for a 1-based column index (1 -> A, 27 -> AA)."""
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def read_codebook(path: Path | str) -> pd.DataFrame:
    """Read and validate the codebook CSV (code_id, code_path, theme, description)."""
    p = Path(path)
    try:
        df = pd.read_csv(p, dtype=str, keep_default_na=False)
    except FileNotFoundError as exc:
        raise InterviewsInputError(f"{p.name}: codebook file not found") from exc
    except pd.errors.EmptyDataError as exc:
        raise InterviewsInputError(f"{p.name}: codebook file is empty (no header row)") from exc
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InterviewsInputError(f"{p.name}: codebook is not a readable CSV: {exc}") from exc
    missing = [c for c in ("code_id", "code_path", "theme") if c not in df.columns]
    if missing:
        raise InterviewsInputError(f"{p.name}: codebook lacks column(s) {', '.join(missing)}")
    if "description" not in df.columns:
        df["description"] = ""
    df = df.apply(lambda s: s.str.strip())
    try:
        df = CODEBOOK_SCHEMA.validate(df, lazy=True)
    except Exception as exc:  # pandera SchemaErrors: restate with file and rows
        failures = getattr(exc, "failure_cases", None)
        detail = ""
        if failures is not None and len(failures):
            first = failures.iloc[0]
            row = first.get("index")
            row_txt = f"row {int(row) + 2}" if pd.notna(row) else "table"
            detail = (
                f"{row_txt}, column {first.get('column')}: {first.get('check')} "
                f"(value {first.get('failure_case')!r})"
            )
        raise InterviewsInputError(f"{p.name}: invalid codebook: {detail or exc}") from exc
    return df.sort_values("code_id", kind="stable").reset_index(drop=True)


def _sheet_candidates(wb: Any, wanted: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Visible and hidden sheets whose normalised name is, or contains, one of ``wanted``."""
    found = [n for n in wb.sheetnames if any(w in _norm_label(n) for w in wanted)]
    hidden = [n for n in found if getattr(wb[n], "sheet_state", "visible") != "visible"]
    return [n for n in found if n not in hidden], hidden


def find_sheet(
    wb: Any, wanted: tuple[str, ...], file: str, what: str, named: str | None = None
) -> tuple[str, list[str]]:
    """The sheet holding ``what``, and warnings about hidden candidates left unread.

    ``named`` (a parameter) wins when the workbook has it. Otherwise the one visible sheet
    whose name is or contains one of ``wanted`` is taken; several are an error naming them,
    and so is a candidate found only among hidden sheets.
    """
    param = "case_sheet" if what == "case" else "matrix_sheet"
    names = list(wb.sheetnames)
    if named is not None:
        if named not in names:
            raise InterviewsInputError(
                f"{file}: no sheet {named!r}, which the `{param}` parameter names (sheets: "
                f"{', '.join(names)})"
            )
        return named, []
    visible, hidden = _sheet_candidates(wb, wanted)
    if len(visible) > 1:
        raise InterviewsInputError(
            f"{file}: several sheets could be the {what} sheet ({', '.join(visible)}); keep "
            f"one, or name the one to read with the `{param}` parameter"
        )
    if visible:
        return visible[0], [
            f"{file}: hidden sheet {n!r} was not read (the {what} sheet is {visible[0]!r})"
            for n in hidden
        ]
    if hidden:
        raise InterviewsInputError(
            f"{file}: the only {what} sheet(s) ({', '.join(hidden)}) are hidden; a hidden sheet "
            f"is never read silently - unhide it, or name it with the `{param}` parameter"
        )
    raise InterviewsInputError(
        f"{file}: no {what} sheet found (looked for {', '.join(wanted)}; sheets: "
        f"{', '.join(names)})"
    )


def find_header_row(rows: list[tuple[Any, ...]], file: str, sheet: str) -> int:
    """Index (0-based) of the first row whose first non-blank cell is a case-id label."""
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        cells = [_norm_label(c) for c in row if c is not None and str(c).strip()]
        if cells and CASE_FIELDS.get(cells[0]) == "case_id" and len(cells) >= 2:
            return i
    raise InterviewsInputError(
        f"{file}: sheet '{sheet}': no header row starting with 'Case' in the first "
        f"{HEADER_SCAN_ROWS} rows"
    )


def _case_column(header: tuple[Any, ...]) -> int:
    """The case-label column: the 'Case' header cell, else the first (often blank) column."""
    for j, c in enumerate(header):
        if CASE_FIELDS.get(_norm_label(c)) == "case_id":
            return j
    return 0


def find_matrix_header_row(
    rows: list[tuple[Any, ...]], codebook: pd.DataFrame, file: str, sheet: str
) -> int:
    """Header row of the framework matrix.

    A row starting with a 'Case' label wins; NVivo matrix exports often leave the corner
    cell blank, so otherwise the first row in which most non-blank cells after the first
    column look like codebook codes is taken.
    """
    try:
        return find_header_row(rows, file, sheet)
    except InterviewsInputError:
        pass
    paths = {parse_code_header(p) for p in codebook["code_path"]}
    leaves = {p[-1] for p in paths if p}
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        cells = [parse_code_header(c) for c in row[1:] if c is not None and str(c).strip()]
        hits = sum(1 for c in cells if c in paths or (c and c[-1] in leaves))
        if len(cells) >= 1 and hits * 2 >= len(cells) and hits >= 1:
            return i
    raise InterviewsInputError(
        f"{file}: sheet '{sheet}': no header row (neither a 'Case' label nor code names) in the "
        f"first {HEADER_SCAN_ROWS} rows"
    )


def _sheet_rows(wb: Any, sheet: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]


def _read_cases(
    rows: list[tuple[Any, ...]], file: str, sheet: str
) -> tuple[pd.DataFrame, dict[str, str]]:
    h = find_header_row(rows, file, sheet)
    colmap: dict[int, str] = {}
    for j, label in enumerate(rows[h]):
        fld = CASE_FIELDS.get(_norm_label(label))
        if fld and fld not in colmap.values():
            colmap[j] = fld
    missing = [f for f in REQUIRED_CASE_FIELDS if f not in colmap.values()]
    if missing:
        raise InterviewsInputError(
            f"{file}: sheet '{sheet}', header row {h + 1}: missing column(s) {', '.join(missing)}"
        )
    records = []
    for i, row in enumerate(rows[h + 1 :], start=h + 2):
        if all(c is None or str(c).strip() == "" for c in row):
            continue
        rec: dict[str, Any] = {"source_row": i}
        for j, fld in colmap.items():
            rec[fld] = row[j] if j < len(row) else None
        records.append(rec)
    cols = ["source_row", "case_id", "organisation", "discipline_group", "institution_type", "role"]
    df = pd.DataFrame(records, columns=cols, dtype=object)
    df["source_row"] = df["source_row"].astype(int)
    labels = {fld: f"{column_letter(j + 1)} ({rows[h][j]})" for j, fld in colmap.items()}
    return df, labels


def _display_path(header: Any) -> str:
    """A header's code path as typed (letter prefix and root folder dropped), for messages."""
    text = _LETTER_PREFIX.sub("", unicodedata.normalize("NFKC", str(header or "")).strip())
    parts = [p.strip() for p in re.split(r"\\+", text) if p.strip()]
    while parts and parts[0].casefold() in _ROOT_FOLDERS:
        parts = parts[1:]
    return "\\".join(parts) or str(header)


def _unknown_code(
    where: str, header: Any, parts: tuple[str, ...], codebook: pd.DataFrame, book: str
) -> InterviewsInputError:
    """The error for a matrix column whose path is not a codebook path."""
    same_leaf = sorted(
        str(path)
        for path in codebook["code_path"]
        if parts and parse_code_header(path)[-1:] == parts[-1:]
    )
    hint = ""
    if same_leaf:
        hint = (
            f"; the codebook has {', '.join(same_leaf)} with the same last "
            "segment, but codes are matched on their whole path: rename the column or add its "
            "path to the codebook"
        )
    return InterviewsInputError(
        f"{where} ({str(header)!r}): code path '{_display_path(header)}' is not in the codebook "
        f"{book}{hint}"
    )


def map_code_columns(
    headers: list[tuple[int, Any]],
    codebook: pd.DataFrame,
    file: str,
    sheet: str,
    codebook_file: str = "codebook",
) -> dict[int, str]:
    """Map matrix column index -> code_id on the whole path (or a code id as the header).

    A path that is not in the codebook raises :class:`InterviewsInputError` naming the column:
    matching on the last segment alone would file ``Risks\\Funding`` under
    ``Challenges\\Funding``.
    """
    by_path = {
        parse_code_header(p): c
        for p, c in zip(codebook["code_path"], codebook["code_id"], strict=True)
    }
    by_id = {c.casefold(): c for c in codebook["code_id"]}
    out: dict[int, str] = {}
    for j, header in headers:
        parts = parse_code_header(header)
        cid = by_path.get(parts)
        if cid is None and len(parts) == 1:
            cid = by_id.get(parts[0])
        if cid is None:
            where = f"{file}: sheet '{sheet}', column {column_letter(j + 1)}"
            raise _unknown_code(where, header, parts, codebook, codebook_file)
        if cid in out.values():
            raise InterviewsInputError(
                f"{file}: sheet '{sheet}', column {column_letter(j + 1)} ({header!r}): code "
                f"'{cid}' appears in more than one column"
            )
        out[j] = cid
    return out


def _read_matrix(
    rows: list[tuple[Any, ...]], codebook: pd.DataFrame, file: str, sheet: str, codebook_file: str
) -> tuple[pd.DataFrame, dict[str, str], str]:
    """The matrix cells as read, each code column's label, and the case column's label."""
    h = find_matrix_header_row(rows, codebook, file, sheet)
    header = rows[h]
    first = _case_column(header)
    code_headers = [
        (j, c) for j, c in enumerate(header) if j > first and c is not None and str(c).strip()
    ]
    colmap = map_code_columns(code_headers, codebook, file, sheet, codebook_file)
    records = []
    for i, row in enumerate(rows[h + 1 :], start=h + 2):
        if all(c is None or str(c).strip() == "" for c in row):
            continue
        rec: dict[str, Any] = {"source_row": i, "case_id": row[first] if first < len(row) else None}
        for j, cid in colmap.items():
            rec[cid] = row[j] if j < len(row) else None
        records.append(rec)
    matrix = pd.DataFrame(
        records, columns=["source_row", "case_id", *colmap.values()], dtype=object
    )  # keep each cell exactly as read
    matrix["source_row"] = matrix["source_row"].astype(int)
    labels = {cid: f"{column_letter(j + 1)} ({header[j]})" for j, cid in colmap.items()}
    return matrix, labels, f"{column_letter(first + 1)} ({header[first]})"


def _open(p: Path, file: str) -> Any:
    try:
        check_xlsx(p)
    except XlsxRefused as exc:
        raise InterviewsInputError(f"{file}: cannot open as an XLSX workbook: {exc}") from exc
    try:
        # data_only=False: a formula typed into a count cell is seen (and rejected), not
        # silently replaced by its cached value or by nothing.
        return load_workbook(p, read_only=True, data_only=False)
    except Exception as exc:
        raise InterviewsInputError(f"{file}: cannot open as an XLSX workbook ({exc})") from exc


def read_export(
    path: Path | str,
    codebook: pd.DataFrame,
    codebook_file: str = "codebook",
    case_sheet: str | None = None,
    matrix_sheet: str | None = None,
) -> RawExport:
    """Read the case sheet and the framework matrix of an NVivo-style XLSX export.

    ``case_sheet`` / ``matrix_sheet`` name the sheets to read (None: the one visible sheet
    whose name says what it holds, see :func:`find_sheet`).
    """
    p = Path(path)
    file = p.name
    if not p.exists():
        raise InterviewsInputError(f"{file}: export file not found")
    wb = _open(p, file)
    try:
        cases_at, notes = find_sheet(wb, CASE_SHEET_NAMES, file, "case", case_sheet)
        matrix_at, more = find_sheet(wb, MATRIX_SHEET_NAMES, file, "framework matrix", matrix_sheet)
        cases, case_labels = _read_cases(_sheet_rows(wb, cases_at), file, cases_at)
        mrows = _sheet_rows(wb, matrix_at)
    finally:
        wb.close()
    matrix, labels, case_column = _read_matrix(mrows, codebook, file, matrix_at, codebook_file)
    return RawExport(
        source_file=file,
        cases=cases,
        matrix=matrix,
        matrix_columns=labels,
        case_columns=case_labels,
        case_sheet=cases_at,
        matrix_sheet=matrix_at,
        matrix_case_column=case_column,
        warnings=notes + more,
    )


def resolve_inputs(
    export_path: str | Path = "auto",
    codebook_path: str | Path = "auto",
    folder: str | Path = RAW_DIR,
) -> tuple[Path, Path]:
    """The coding export and the codebook to clean: paths, or ``"auto"`` for the single
    ``.xlsx`` (export) and the single ``.csv`` (codebook) in ``folder``.

    Raises ``FileNotFoundError`` when a file is missing and ``ValueError`` when ``folder``
    holds several candidates (see :func:`pipeline.io.find_input`).
    """
    export = find_input(
        export_path, folder, (".xlsx",), what="interview coding export", param="export_path"
    )
    codebook = find_input(
        codebook_path, folder, (".csv",), what="interview codebook", param="codebook_path"
    )
    return export, codebook
