"""An input error inside a stage ends `dvc repro` with a short message naming the file and the fix."""

import shutil

import pytest

from pipeline.dag import address

from .conftest import copy_project, dvc

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_two_candidate_workbooks_give_one_short_message(tmp_path):
    root = copy_project(tmp_path / "project")
    folder = root / "data" / "raw" / "centres"
    original = next(folder.glob("*.xlsx"))
    shutil.copy(original, folder / "centres_2023.xlsx")
    result = dvc(root, "repro", address("clean_centres"))
    out = result.stdout + result.stderr
    assert result.returncode != 0
    stopped = [ln for ln in out.splitlines() if ln.startswith("[clean_centres] stopped:")]
    assert len(stopped) == 1, out
    assert "data/raw/centres" in stopped[0]
    assert original.name in stopped[0] and "centres_2023.xlsx" in stopped[0]
    assert "workbook" in stopped[0], "the message must say which parameter picks the file"
    assert "Traceback" not in out and "Exception encountered" not in out, out
    assert len(out.strip().splitlines()) <= 8, out
