"""Read the workshop scoring sheet (CSV in UTF-8, or an Excel workbook) as text.

:func:`read_scores` returns one row per non-blank line of the sheet, every cell as stripped
text, with ``source_row`` (the row number a spreadsheet shows: the header is row 1). Column
names are matched without regard to case, spaces or underscores. A file that cannot be read
raises :class:`WorkshopInputError` naming the file and, where there is one, the line, sheet
or column.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from pipeline.io import XlsxRefused, check_xlsx, find_input
from pipeline.workshop.schemas import REQUIRED_COLUMNS, SHEET_COLUMNS

__all__ = ["SHEET_NAME", "WorkshopInputError", "find_sheet", "read_scores"]

#: The sheet read from a workbook with more than one sheet.
SHEET_NAME = "scores"
SUFFIXES = (".csv", ".xlsx")


class WorkshopInputError(ValueError):
    """The scoring sheet cannot be used; the message names the file, and the row or column."""


def find_sheet(value: str, folder: Path | str) -> Path:
    """The scoring sheet: ``value`` as a path, or with ``"auto"`` the one CSV/XLSX in ``folder``."""
    try:
        return find_input(
            value, folder, SUFFIXES, what="workshop scoring sheet", param="workshop.sheet_path"
        )
    except (FileNotFoundError, ValueError) as exc:
        raise WorkshopInputError(str(exc)) from exc


def _column_key(name: object) -> str:
    return re.sub(r"[\s_]+", "_", str(name).strip().lower())


def _read_csv(path: Path) -> pd.DataFrame:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise WorkshopInputError(
            f"{path.name}: line {line}: not UTF-8 (byte {exc.start}); save the sheet as "
            "CSV UTF-8 and run again"
        ) from exc
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def _read_xlsx(path: Path) -> pd.DataFrame:
    try:
        check_xlsx(path)
    except XlsxRefused as exc:
        raise WorkshopInputError(f"{path.name}: {exc}") from exc
    sheets = pd.ExcelFile(path, engine="openpyxl").sheet_names
    if len(sheets) == 1:
        sheet = sheets[0]
    elif SHEET_NAME in sheets:
        sheet = SHEET_NAME
    else:
        raise WorkshopInputError(
            f"{path.name}: {len(sheets)} sheets ({', '.join(sheets)}) and none is named "
            f"{SHEET_NAME!r}; rename the scoring sheet {SHEET_NAME!r}"
        )
    return pd.read_excel(path, sheet_name=sheet, dtype=str, keep_default_na=False)


def read_scores(path: Path | str) -> pd.DataFrame:
    """The sheet's rows as text with ``source_row``; blank rows are left out."""
    p = Path(path)
    if not p.is_file():
        raise WorkshopInputError(f"{p}: file not found")
    if p.suffix.lower() not in SUFFIXES:
        raise WorkshopInputError(f"{p.name}: not a CSV or XLSX file")
    raw = _read_xlsx(p) if p.suffix.lower() == ".xlsx" else _read_csv(p)
    raw.columns = [_column_key(c) for c in raw.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        raise WorkshopInputError(
            f"{p.name}: row 1: missing column(s) {', '.join(missing)} "
            f"(the sheet needs {', '.join(SHEET_COLUMNS)})"
        )
    if "comment" not in raw.columns:
        raw["comment"] = ""
    frame = raw[list(SHEET_COLUMNS)].fillna("").astype(str).apply(lambda s: s.str.strip())
    frame.insert(0, "source_row", range(2, len(frame) + 2))
    blank = (frame[list(SHEET_COLUMNS)] == "").all(axis=1)
    rows = frame[~blank].reset_index(drop=True)
    rows.attrs["blank_rows"] = int(blank.sum())
    return rows
