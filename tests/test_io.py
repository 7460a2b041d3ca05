"""Atomic, deterministic, formula-safe output."""

import zipfile

import openpyxl
import pandas as pd
import pytest

from pipeline import io


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out.json"
    with pytest.raises(RuntimeError), io.atomic_path(target) as tmp:
        tmp.write_text("partial")
        raise RuntimeError("killed")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_csv_neutralises_formulas(tmp_path):
    df = pd.DataFrame({"v": ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "plain"]})
    path = io.atomic_write_csv(tmp_path / "x.csv", df)
    lines = path.read_text().splitlines()[1:]
    assert all(line.lstrip('"').startswith("'") for line in lines[:4])
    assert lines[4] == "plain"


def test_json_is_deterministic(tmp_path):
    a = io.atomic_write_json(tmp_path / "a.json", {"b": 1, "a": [1, 2]}).read_bytes()
    b = io.atomic_write_json(tmp_path / "b.json", {"a": [1, 2], "b": 1}).read_bytes()
    assert a == b


def test_normalise_zip_gives_identical_bytes(tmp_path):
    def make(name):
        wb = openpyxl.Workbook()
        wb.active["A1"] = "x"
        path = tmp_path / name
        wb.save(path)
        return io.normalise_zip(path).read_bytes()

    a = make("a.xlsx")
    b = make("b.xlsx")
    assert a == b
    with zipfile.ZipFile(tmp_path / "a.xlsx") as z:
        assert all(i.date_time == io.FIXED_ZIP_TIME for i in z.infolist())


def test_parquet_is_deterministic(tmp_path):
    df = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})
    a = io.atomic_write_parquet(tmp_path / "a.parquet", df).read_bytes()
    b = io.atomic_write_parquet(tmp_path / "b.parquet", df).read_bytes()
    assert a == b


def test_rows_csv_matches_the_pandas_writer(tmp_path):
    """The pandas-free CSV writer (used by bibliometric ingestion) writes the same text."""
    header = ["source_file", "source_row", "column", "value", "reason"]
    rows = [
        ["a.csv", 2, "EID", '=HYPERLINK("x")', "formula, with comma"],
        ["b.txt", 10, "", None, 'quote " and\nnewline'],
        ["-c.txt", 3, "+x", "@home", "\ttab"],
    ]
    io.atomic_write_rows_csv(tmp_path / "rows.csv", header, rows)
    io.atomic_write_csv(tmp_path / "frame.csv", pd.DataFrame(rows, columns=header))
    assert (tmp_path / "rows.csv").read_bytes() == (tmp_path / "frame.csv").read_bytes()
    assert "'=HYPERLINK" in (tmp_path / "rows.csv").read_text()
