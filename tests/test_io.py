"""Atomic, deterministic, formula-safe output."""

import os
import stat
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


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_atomic_outputs_get_the_mode_a_plain_open_gives(tmp_path, umask):
    """Not the private 600 of a temp file: what ``open()`` gives under the user's umask."""
    previous = os.umask(umask)
    try:
        plain = tmp_path / "plain.txt"
        with open(plain, "w") as fh:
            fh.write("x")
        written = [
            io.atomic_write_text(tmp_path / "a.txt", "x"),
            io.atomic_write_json(tmp_path / "a.json", {"a": 1}),
            io.atomic_write_parquet(tmp_path / "a.parquet", pd.DataFrame({"a": [1]})),
        ]
    finally:
        os.umask(previous)
    expected = 0o666 & ~umask
    assert stat.S_IMODE(plain.stat().st_mode) == expected
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == expected, path.name


def test_csv_text_records_give_start_lines():
    text = 'a,b\n1,"two\nlines"\n\n3,4\n'
    records = io.csv_text_records(text, ",")
    assert records == [(1, ["a", "b"]), (2, ["1", "two\nlines"]), (4, []), (5, ["3", "4"])]


def test_csv_text_records_name_the_line_the_csv_module_rejects(monkeypatch):
    """The lenient default dialect almost never fails; a strict one shows the error path."""
    real_reader = io.csv.reader
    monkeypatch.setattr(io.csv, "reader", lambda f, **kw: real_reader(f, strict=True, **kw))
    with pytest.raises(io.CsvSyntaxError) as exc:
        io.csv_text_records('a,b\n1,2\n"x"y,3\n', ",")
    assert exc.value.line == 3
    assert str(exc.value).startswith("line 3: ")


def test_read_params_overlays_the_stage_section_on_common(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text("common:\n  k: 5\n  seed: 1\nstage_a:\n  k: 10\nstage_b: {}\n")
    assert io.read_params(path, "stage_a") == {"k": 10, "seed": 1}
    assert io.read_params(path, "stage_b") == {"k": 5, "seed": 1}
    with pytest.raises(ValueError, match="no section 'stage_c'"):
        io.read_params(path, "stage_c")


def test_stage_settings_layer_defaults_params_and_options(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text("common:\n  k: 5\n  seed: 1\nstep:\n  threshold: 80\n  other: x\n")
    defaults = {"threshold": 90, "k": 3, "folder": "data/raw/x"}
    assert io.stage_settings(defaults, None, "step", {}) == defaults
    assert io.stage_settings(defaults, path, "step", {"folder": None}) == {
        "threshold": 80,
        "k": 5,
        "folder": "data/raw/x",
    }
    assert io.stage_settings(defaults, path, "step", {"threshold": 70})["threshold"] == 70
