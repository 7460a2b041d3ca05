"""Atomic, deterministic, formula-safe output."""

import os
import re
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


# --------------------------------------------------------------------------- decode_text
def test_decode_text_reads_utf8_and_marked_text_without_a_warning():
    assert io.decode_text("光子,é\n".encode()) == ("光子,é\n", "utf-8", None)
    assert io.decode_text(b"\xef\xbb\xbfa,b\n")[:2] == ("a,b\n", "utf-8-sig")
    assert io.decode_text("a,光\n".encode("utf-16"))[:2] == ("a,光\n", "utf-16")
    assert io.decode_text("a,光\n".encode("utf-16-le"))[:2] == ("a,光\n", "utf-16-le")


def test_decode_text_refuses_utf8_with_a_legacy_line_naming_it():
    data = "name\n光子联合中心\n中英生态中心\n".encode() + "Genève\n".encode("cp1252")
    with pytest.raises(io.EncodingError) as exc:
        io.decode_text(data)
    assert exc.value.lines == [4]
    assert "mixed encodings" in str(exc.value) and "line 4 at byte 4" in str(exc.value)


def test_decode_text_refuses_a_bom_file_with_a_legacy_line():
    data = b"\xef\xbb\xbfname\nok\n" + "Café\n".encode("cp1252")
    with pytest.raises(io.EncodingError, match="line 3"):
        io.decode_text(data)


def test_decode_text_reads_whole_legacy_files_with_a_warning_naming_the_encoding():
    text, enc, warning = io.decode_text("名称\n北京大学\n清华大学\n".encode("gbk"))
    assert (text, enc) == ("名称\n北京大学\n清华大学\n", "gb18030")
    assert "GB18030" in warning and "line 1" in warning
    # Windows-1252 bytes that also decode as GB18030 ("M黮ler") are read as Windows-1252
    text, enc, warning = io.decode_text("Müller-Lüdenscheidt\n".encode("cp1252"))
    assert (text, enc) == ("Müller-Lüdenscheidt\n", "cp1252") and "Windows-1252" in warning


def test_decode_text_refuses_bytes_no_encoding_reads():
    with pytest.raises(io.EncodingError, match="nor GB18030 or Windows-1252"):
        io.decode_text(b"a\n\x81\x81\x81\x90\n")


# --------------------------------------------------------------------------- field counts
def _spans(text):
    return io.csv_text_spans(text, ",")


def test_csv_text_spans_give_first_and_last_lines():
    spans = _spans('a,b\n"x\ny",2\n3,4\n')
    assert [(f, last) for f, last, _ in spans] == [(1, 1), (2, 3), (4, 4)]


def test_split_field_counts_rejects_a_record_cut_by_a_line_break_whole():
    good, bad = io.split_field_counts(_spans("1,2,3,4\n5,6\n7,8,9\n9,10,11,12\n"), 4)
    assert [f for f, _, _ in good] == [1, 4]
    assert [(b.first_line, b.last_line) for b in bad] == [(2, 3)]
    assert "lines 2-3 hold 2 and 3 fields" in bad[0].reason


def test_split_field_counts_catches_a_break_in_the_last_cell():
    good, bad = io.split_field_counts(_spans("1,2,3,notes\nmore notes\n5,6,7,8\n"), 4)
    assert [f for f, _, _ in good] == [3]
    assert (bad[0].first_line, bad[0].last_line) == (1, 2)


def test_split_field_counts_short_long_blank_and_single_field_records():
    spans = _spans("1,2,3\n1,2,3,4,5\n1,2,3,4,,\n\n,,,\nSource: a note\n")
    good, bad = io.split_field_counts(spans, 4)
    assert [f for f, _, _ in good] == [3, 4, 5]  # trailing blank cells and blank records pass
    assert [b.reason for b in bad] == [
        "3 fields where the header has 4 (line 1)",
        "5 fields where the header has 4 (line 2)",
        "1 fields where the header has 4 (line 6)",
    ]
    good, bad = io.split_field_counts(spans, 4, single_field_ok=True)
    assert [f for f, _, _ in good] == [3, 4, 5, 6]


# --------------------------------------------------------------------------- xlsx limits
def _workbook(path, padding=0):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "x"
    wb.save(path)
    if padding:
        with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
            z.writestr("xl/media/pad.bin", b"\0" * padding)
    return path


def test_check_xlsx_accepts_an_ordinary_workbook(tmp_path):
    assert io.check_xlsx(_workbook(tmp_path / "ok.xlsx")) is None


def test_check_xlsx_refuses_too_much_inflation_with_the_numbers(tmp_path):
    path = _workbook(tmp_path / "big.xlsx", padding=3 * 2**20)
    with pytest.raises(io.XlsxRefused, match=r"inflate to 3\.0 MiB .*limit 2\.0 MiB"):
        io.check_xlsx(path, max_uncompressed=2 * 2**20)
    with pytest.raises(io.XlsxRefused, match=r"'xl/media/pad\.bin' would inflate [\d,]+ times"):
        io.check_xlsx(path)
    io.check_xlsx(path, max_ratio=10_000)  # within both bounds


def test_check_xlsx_names_empty_non_zip_encrypted_and_legacy_files(tmp_path):
    from hostile.ole import compound_file

    cases = {
        "empty.xlsx": (b"", "empty"),
        "text.xlsx": (b"a,b\n1,2\n", "not a zip container"),
        "enc.xlsx": (
            compound_file([("EncryptionInfo", bytes(4096)), ("EncryptedPackage", bytes(4096))]),
            "encrypted (password-protected)",
        ),
        "old.xlsx": (compound_file([("Workbook", bytes(4096))]), "legacy .xls"),
    }
    for name, (data, reason) in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(io.XlsxRefused, match=re.escape(reason)):
            io.check_xlsx(tmp_path / name)


def test_ole_stream_name_in_data_is_not_an_entry(tmp_path):
    """The name found inside a stream's data (not at a directory slot) does not count."""
    from hostile.ole import compound_file

    data = b"\0" * 3 + "EncryptionInfo".encode("utf-16-le") + b"\0\0"
    path = tmp_path / "x.bin"
    path.write_bytes(compound_file([("Workbook", data.ljust(4096, b"\0"))]))
    assert not io.ole_has_stream(path, "EncryptionInfo")
    assert io.ole_has_stream(path, "Workbook")
