"""Tests for pipeline.biblio.clean: the cleaning stage and what its log shows."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from biblio_data import make_raw_folder, work_json, write_jsonl

from pipeline.biblio.clean import (
    accounting_table,
    affiliation_summary,
    clean_bibliometrics,
    rejects_by_reason,
    sources_table,
)
from pipeline.biblio.schemas import ACCOUNTING_COLUMNS


@pytest.fixture()
def raw_folder(tmp_path: Path) -> Path:
    return make_raw_folder(tmp_path)


def test_clean_accounts_for_every_record_per_file(raw_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "processed"
    res = clean_bibliometrics(
        raw_folder, out / "works.parquet", out / "acc.json", out / "rejects.csv"
    )
    per = res.per_file.set_index("source_file")
    assert list(res.per_file.columns) == ACCOUNTING_COLUMNS
    a, b = "bibliometrics/a_works.jsonl", "bibliometrics/b_works.jsonl.gz"
    assert per.loc[a, ["raw", "duplicates", "kept", "rejected"]].tolist() == [4, 0, 4, 0]
    # b: W1 duplicate (DOI and id), W9 duplicate by DOI of W2, one bad line, W5 kept
    assert per.loc[b, ["raw", "duplicates", "kept", "rejected"]].tolist() == [4, 2, 1, 1]
    acc = json.loads((out / "acc.json").read_text())
    assert acc["totals"]["raw"] == 8
    assert acc["totals"]["raw"] == (
        acc["totals"]["kept"] + acc["totals"]["duplicates"] + acc["totals"]["rejected"]
    )
    for f in acc["files"].values():
        assert f["raw"] == f["kept"] + f["duplicates"] + f["rejected"]
    assert sorted(acc["group_by_files"]) == [
        "bibliometrics/gb_by_year.json",
        "bibliometrics/gbcn_by_year.json",
    ]
    rejects = pd.read_csv(out / "rejects.csv")
    assert list(rejects.columns) == ["source_file", "source_row", "column", "value", "reason"]
    assert rejects[["source_file", "source_row"]].values.tolist() == [[b, 3]]
    works = pd.read_parquet(out / "works.parquet")
    assert len(works) == 5
    # only the declared outputs are left in the output folder, and nothing beside it
    assert sorted(p.name for p in out.iterdir()) == [
        "acc.json",
        "rejects.csv",
        "rejects_unresolved_funders.csv",
        "works.parquet",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bibliometrics", "processed"]


def test_clean_writes_header_only_rejects_and_is_repeatable(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    write_jsonl(root / "w.jsonl", [json.dumps(work_json("W1", "10.1/a", 2015, ["GB", "CN"]))])
    out = tmp_path / "out"
    paths = (out / "works.parquet", out / "acc.json", out / "rej.csv")
    clean_bibliometrics(root, *paths)
    first = [p.read_bytes() for p in paths[1:]]
    clean_bibliometrics(root, *paths)
    assert [p.read_bytes() for p in paths[1:]] == first
    assert paths[2].read_text().strip() == "source_file,source_row,column,value,reason"


def test_sources_table_names_every_file(raw_folder: Path, tmp_path: Path) -> None:
    res = clean_bibliometrics(
        raw_folder, tmp_path / "w.parquet", tmp_path / "a.json", tmp_path / "r.csv"
    )
    table = sources_table(res.report)
    assert len(table) == 5
    assert table["source_file"].is_monotonic_increasing
    meta = table[table["source_file"].str.endswith(".meta.json")].iloc[0]
    assert "sampling rate" in meta["role"]


def test_affiliation_unknown_is_never_not_uk_cn() -> None:
    works = pd.DataFrame(
        {
            "source_format": ["x", "x", "x", "y"],
            "uk_cn": [True, False, None, None],
            "affiliation_known": [True, True, False, False],
        }
    )
    out = affiliation_summary(works).set_index("source_format")
    assert out.loc["x"].tolist() == [3, 1, 1, 1]
    assert out.loc["y"].tolist() == [1, 0, 0, 1]
    assert out.loc["total"].tolist() == [4, 1, 1, 2]


def test_accounting_table_adds_a_balancing_total(raw_folder: Path, tmp_path: Path) -> None:
    res = clean_bibliometrics(
        raw_folder, tmp_path / "w.parquet", tmp_path / "a.json", tmp_path / "r.csv"
    )
    table = accounting_table(res)
    assert list(table.columns) == [
        "file",
        "format",
        "raw records",
        "duplicates",
        "kept",
        "rejected",
    ]
    total = table.iloc[-1]
    assert total["file"] == "total" and total["format"] == ""
    body = table.iloc[:-1]
    for col in ("raw records", "duplicates", "kept", "rejected"):
        assert body[col].sum() == total[col]
    assert total["raw records"] == total["kept"] + total["duplicates"] + total["rejected"]


def test_rejects_by_reason_puts_the_commonest_reason_first() -> None:
    rejects = pd.DataFrame(
        {
            "source_file": ["b", "a", "a", "a", "b"],
            "source_row": [1, 2, 3, 4, 5],
            "column": [""] * 5,
            "value": [""] * 5,
            "reason": ["bad json", "no id", "bad json", "no id", "bad json"],
        }
    )
    out = rejects_by_reason(rejects)
    assert out.values.tolist() == [["a", "no id", 2], ["a", "bad json", 1], ["b", "bad json", 2]]
