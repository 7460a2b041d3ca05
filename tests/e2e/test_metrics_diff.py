"""Change one row of a raw input: `dvc metrics diff` names exactly the findings it affects."""

import json
import shutil
from collections import Counter

import openpyxl
import pytest

from .conftest import dvc

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def _shift_one_year(workbook_path, old_new=(2016, 2012)):
    wb = openpyxl.load_workbook(workbook_path)
    ws = wb["Centres"]
    header_row = next(
        r
        for r in range(1, 20)
        if any(str(c.value or "").strip().lower() == "year established" for c in ws[r])
    )
    cols = {str(c.value or "").strip().lower(): c.column for c in ws[header_row]}
    year_col, name_col = cols["year established"], cols["centre name"]
    names = Counter(ws.cell(r, name_col).value for r in range(header_row + 1, ws.max_row + 1))
    for r in range(header_row + 1, ws.max_row + 1):
        cell = ws.cell(r, year_col)
        name = ws.cell(r, name_col).value
        if cell.value == old_new[0] and names[name] == 1:
            cell.value = old_new[1]
            wb.save(workbook_path)
            return name
    raise AssertionError("no unique centre established in the chosen year")


def test_one_changed_row_moves_only_the_findings_it_touches(built, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(built.root, project, symlinks=True)
    workbook = next((project / "data/raw/centres").glob("*.xlsx"))
    _shift_one_year(workbook)
    result = dvc(project, "repro")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    diff = dvc(project, "metrics", "diff", "--json")
    assert diff.returncode == 0, diff.stderr
    changed = json.loads(diff.stdout or "{}").get("metrics/findings.json", {})
    keys = set(changed)
    assert keys, "the changed row moved no finding"
    expected_prefixes = ("centres_new_by_year.", "centres_cumulative_by_year.")
    unexpected = sorted(k for k in keys if not k.startswith(expected_prefixes))
    assert not unexpected, f"findings moved that the row cannot affect: {unexpected}"
    assert "centres_new_by_year.2016" in keys and "centres_new_by_year.2012" in keys
