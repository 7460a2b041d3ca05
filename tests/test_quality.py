"""Tests for pipeline.quality: row accounting, rejects, unresolved names, approximate years."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline import quality as q


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_read_accounting_normalises_each_layout(tmp_path: Path) -> None:
    _write(
        tmp_path / "row_accounting.json",
        json.dumps(
            {
                "centres": 10,
                "duplicates": 1,
                "non_data_rows": 2,
                "raw_rows": 15,
                "rejected": 2,
                "source_file": "c.xlsx",
            }
        ),
    )
    _write(
        tmp_path / "i" / "acc.json",
        json.dumps(
            {
                "source_files": {"export": "i.xlsx"},
                "cases_sheet": {"raw_rows": 5, "kept": 4, "duplicates": 1, "rejected": 0},
                "matrix_cells": {"raw_cells": 8, "kept": 7, "rejected": 1},
            }
        ),
    )
    _write(
        tmp_path / "b.json",
        json.dumps(
            {
                "raw": 9,
                "kept": 6,
                "duplicates_doi": 2,
                "duplicates_id": 0,
                "rejected": 0,
                "source_files": ["w1.jsonl", "w2.csv"],
            }
        ),
    )
    files = {
        "centres": "row_accounting.json",
        "cases": "i/acc.json#cases_sheet",
        "cells": "i/acc.json#matrix_cells",
        "biblio": "b.json",
    }
    acc = q.read_accounting(files, tmp_path).set_index("input")
    assert acc.loc["centres", "kept"] == 10 and acc.loc["centres", "non_data_rows"] == 2
    assert acc.loc["centres", "balanced"]
    assert acc.loc["cases", "source_file"] == "i.xlsx"
    assert acc.loc["cells", "duplicates"] == 0 and acc.loc["cells", "balanced"]
    assert acc.loc["biblio", "source_file"] == "w1.jsonl, w2.csv"
    assert not acc.loc["biblio", "balanced"] and acc.loc["biblio", "check"] == q.CROSS_MARK
    with pytest.raises(AssertionError, match="biblio: raw 9 != kept 6"):
        q.assert_accounting(acc.reset_index())
    q.assert_accounting(acc.reset_index().iloc[:3])


def test_missing_accounting_file_or_key_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(q.QualityInputError, match="absent.json: file not found"):
        q.read_accounting({"x": "absent.json"}, tmp_path)
    _write(tmp_path / "a.json", json.dumps({"kept": 1}))
    with pytest.raises(q.QualityInputError, match="no key 'cases'"):
        q.read_accounting({"x": "a.json#cases"}, tmp_path)
    with pytest.raises(q.QualityInputError, match="accounting has no raw, rejected count"):
        q.read_accounting({"x": "a.json"}, tmp_path)


def test_read_rejects_stacks_inputs_and_keeps_hostile_values_as_text(tmp_path: Path) -> None:
    _write(
        tmp_path / "r1.csv",
        "source_file,source_row,column,value,reason\nf.xlsx,10,A,'=1+1,formula\n"
        "f.xlsx,9,B,<script>x</script>,bad\n",
    )
    _write(tmp_path / "s" / "r2.csv", "source_file,source_row,column,value,reason\n")
    rej = q.read_rejects({"centres": "r1.csv", "survey": "s/r2.csv"}, tmp_path)
    assert list(rej.columns) == ["input", *q.REJECT_COLUMNS]
    assert list(rej["source_row"]) == ["9", "10"]
    assert "<script>x</script>" in set(rej["value"])
    _write(tmp_path / "bad.csv", "file,row\n")
    with pytest.raises(q.QualityInputError, match="bad.csv: missing column"):
        q.read_rejects({"x": "bad.csv"}, tmp_path)
    with pytest.raises(q.QualityInputError, match="file not found"):
        q.read_rejects({"x": "nope.csv"}, tmp_path)


def test_unresolved_counts_come_from_the_accounting_never_names(tmp_path: Path) -> None:
    _write(tmp_path / "c.json", json.dumps({"raw_rows": 3, "unresolved_names": 2}))
    _write(tmp_path / "s.json", json.dumps({"raw_rows": 5, "unresolved_names": 0}))
    _write(
        tmp_path / "i.json",
        json.dumps({"cases_sheet": {"raw_rows": 4, "unresolved_names": 1}, "matrix_rows": {}}),
    )
    _write(tmp_path / "b.json", json.dumps({"totals": {"raw": 9}}))
    files = {
        "centres": "c.json",
        "survey": "s.json",
        "interviews: cases": "i.json#cases_sheet",
        "interviews: matrix": "i.json#matrix_rows",
        "biblio": "b.json#totals",
    }
    u = q.read_unresolved_counts(files, tmp_path)
    assert list(u.columns) == ["input", "unresolved_names"]
    assert u.to_dict("records") == [
        {"input": "centres", "unresolved_names": 2},
        {"input": "survey", "unresolved_names": 0},
        {"input": "interviews: cases", "unresolved_names": 1},
    ]
    _write(tmp_path / "bad.json", json.dumps({"unresolved_names": ["Dr A. Person"]}))
    with pytest.raises(q.QualityInputError, match="bad.json: unresolved_names is not a count"):
        q.read_unresolved_counts({"x": "bad.json"}, tmp_path)


def test_approximate_years() -> None:
    centres = pd.DataFrame(
        {
            "centre_id": ["C2", "C1", "C3"],
            "name": ["b", "a", "c"],
            "year_established": [2010, 2005, 2012],
            "year_approximate": [True, True, False],
            "source_row": [4, 3, 5],
        }
    )
    out = q.approximate_years(centres)
    assert list(out["centre_id"]) == ["C1", "C2"]
    with pytest.raises(q.QualityInputError, match="year_approximate"):
        q.approximate_years(centres.drop(columns="year_approximate"))


def test_edition_is_synthetic(tmp_path: Path) -> None:
    _write(tmp_path / "a.json", json.dumps({"source_file": "survey_export_SYNTHETIC.csv"}))
    _write(tmp_path / "b.json", json.dumps({"source_files": {"export": "real.xlsx"}}))
    assert q.edition_is_synthetic(["x/recs.csv"], [tmp_path / "a.json"])
    assert not q.edition_is_synthetic(["x/recs.csv"], [tmp_path / "b.json"])
    assert q.edition_is_synthetic(["x/recs_SYNTHETIC_SCORES.csv"], [])
    with pytest.raises(q.QualityInputError, match="file not found"):
        q.edition_is_synthetic([], [tmp_path / "missing.json"])


def test_balances_counts_every_bin() -> None:
    assert q.balances(10, 6, 2, 2)
    assert q.balances(12, 6, 2, 2, non_data_rows=2)
    assert not q.balances(10, 6, 2, 1)


def test_accounting_view_formats_counts_and_check(tmp_path: Path) -> None:
    _write(
        tmp_path / "a.json",
        json.dumps({"raw": 1500, "kept": 1200, "duplicates": 200, "rejected": 100}),
    )
    _write(tmp_path / "b.json", json.dumps({"raw": 5, "kept": 1, "rejected": 0}))
    view = q.accounting_view(q.read_accounting({"A": "a.json", "B": "b.json"}, tmp_path))
    assert list(view.columns) == [
        "Input",
        "Source file",
        "Raw rows",
        "Kept",
        "Duplicates",
        "Rejected",
        "Non-data rows",
        "Check",
    ]
    assert view.loc[0, "Raw rows"] == "1,500" and view.loc[0, "Check"] == "✓ balances"
    assert view.loc[1, "Check"] == "✗ does not balance"


def test_read_approximate_years_names_a_missing_table(tmp_path: Path) -> None:
    centres = pd.DataFrame(
        {
            "centre_id": ["C1", "C2"],
            "name": ["a", "b"],
            "year_established": [2005, 2010],
            "year_approximate": [False, True],
        }
    )
    centres.to_parquet(tmp_path / "centres.parquet")
    assert list(q.read_approximate_years(tmp_path, "centres.parquet")["centre_id"]) == ["C2"]
    with pytest.raises(q.QualityInputError, match="other.parquet: file not found"):
        q.read_approximate_years(tmp_path, "other.parquet")


def test_read_text_csv_raises_the_error_asked_for(tmp_path: Path) -> None:
    _write(tmp_path / "t.csv", "a,b\n x ,y\n")
    assert q.read_text_csv(tmp_path / "t.csv", ("a",)).loc[0, "a"] == "x"

    class OwnError(ValueError):
        pass

    with pytest.raises(OwnError, match="t.csv: missing column"):
        q.read_text_csv(tmp_path / "t.csv", ("c",), error=OwnError)
