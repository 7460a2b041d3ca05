"""Read the workshop scoring sheet (CSV in UTF-8, or an Excel workbook) as text.

:func:`read_scores` returns one row per non-blank line of the sheet, every cell as stripped
text, with ``source_row`` (the row number a spreadsheet shows: the header is row 1). Column
names are matched without regard to case, spaces or underscores. A file that cannot be read
raises :class:`WorkshopInputError` naming the file and, where there is one, the line, sheet
or column.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.io import find_input, read_sheet_text
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


def read_scores(path: Path | str) -> pd.DataFrame:
    """The sheet's rows as text with ``source_row``; blank rows are left out."""
    p = Path(path)
    raw = read_sheet_text(p, sheet=SHEET_NAME, error=WorkshopInputError)
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        raise WorkshopInputError(
            f"{p.name}: row 1: missing column(s) {', '.join(missing)} "
            f"(the sheet needs {', '.join(SHEET_COLUMNS)})"
        )
    if "comment" not in raw.columns:
        raw["comment"] = ""
    rows = raw[["source_row", *SHEET_COLUMNS]].copy()
    rows.attrs["blank_rows"] = raw.attrs["blank_rows"]
    return rows
