"""Every CSV/XLSX a cleaner writes holds no cell that a spreadsheet would run as a formula.

The formula-prefix and script-payload inputs of the hostile corpus go through each cleaner's
``write_outputs`` (the bibliometric ingest writes its rejects table itself); each written cell
starting with = + - @ (or tab/CR) must carry the neutralising single quote, unless it is a
plain number. Where a payload reaches a table, its quoted form must be there (not vacuous).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from .runners import RUNNERS, input_path, run_biblio

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [cell for row in csv.reader(fh) for cell in row]


def _xlsx_cells(path: Path) -> list[str]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    try:
        return [
            str(v)
            for ws in wb
            for row in ws.iter_rows(values_only=True)
            for v in row
            if isinstance(v, str)
        ]
    finally:
        wb.close()


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def live_formula_cells(folder: Path) -> dict[str, list[str]]:
    """Cells of every CSV/XLSX under ``folder`` that a spreadsheet would run as a formula."""
    bad: dict[str, list[str]] = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() == ".csv":
            cells = _csv_cells(path)
        elif path.suffix.lower() in (".xlsx", ".xlsm"):
            cells = _xlsx_cells(path)
        else:
            continue
        hits = [c for c in cells if c.startswith(FORMULA_START) and not _is_number(c)]
        if hits:
            bad[str(path.relative_to(folder))] = hits
    return bad


def _all_cells(folder: Path) -> set[str]:
    cells: set[str] = set()
    for path in folder.rglob("*.csv"):
        cells.update(_csv_cells(path))
    return cells


FORMULA_CASES = [
    ("centres", "formula_injection.csv", None, "'=HYPERLINK"),
    ("centres", None, "centres_xlsx_formulas_and_dates", "'=HYPERLINK"),
    ("centres", "html_payloads.csv", None, None),
    ("survey", "formula_injection.csv", None, "'@SUM(A1)"),
    ("survey", "html_payloads.csv", None, None),
    ("interviews", None, "interviews_bad_counts", "'=1+1"),
    ("interviews", None, "interviews_html", None),
    ("biblio", "openalex_broken.jsonl", None, "'=HYPERLINK"),
    ("biblio", "scopus_html_formula.csv", None, None),
    ("registers", "formula_injection.csv", None, "'=HYPERLINK"),
]


@pytest.mark.parametrize(
    ("kind", "file", "build", "quoted"),
    FORMULA_CASES,
    ids=[f"{k}-{f or b}" for k, f, b, _ in FORMULA_CASES],
)
def test_written_outputs_hold_no_live_formula(
    kind: str, file: str | None, build: str | None, quoted: str | None, tmp_path: Path
) -> None:
    case = {"kind": kind, **({"file": file} if file else {"build": build})}
    path = input_path(case, tmp_path)
    out_dir = tmp_path / "written"
    restricted = tmp_path / "written" / "restricted"  # scanned too; beside the shared files
    if kind == "biblio":
        run_biblio(path, case, tmp_path / "b")
        out_dir = tmp_path / "b" / "out"
    else:
        result = RUNNERS[kind](path, case, tmp_path).result
        if kind == "centres":
            from pipeline.centres import write_outputs
        elif kind == "survey":
            from pipeline.survey import write_outputs
        elif kind == "registers":
            from pipeline.registers import write_outputs
        else:
            from pipeline.interviews import write_outputs
        # the cleaners that hold free text or names write them to a restricted folder
        private = {} if kind == "registers" else {"restricted": restricted}
        written = write_outputs(result, out_dir / "shared", **private)
        assert written
    assert any(out_dir.rglob("*.csv")), "the cleaner wrote no CSV"
    bad = live_formula_cells(out_dir)
    assert not bad, f"cells that would run as formulas: {bad}"
    if quoted:
        cells = _all_cells(out_dir)
        assert any(c.startswith(quoted) for c in cells), f"payload {quoted!r} not written quoted"
