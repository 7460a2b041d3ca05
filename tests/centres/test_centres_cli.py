"""``python -m pipeline centres clean``: defaults, --params, permissions, help."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from centres_helpers import row, write_xlsx

from pipeline.centres.cli import cli


def _project(tmp_path: Path, rows: list[dict]) -> Path:
    """A folder laid out like the project: data/raw/centres/ holding one workbook."""
    raw = tmp_path / "data" / "raw" / "centres"
    raw.mkdir(parents=True)
    write_xlsx(raw / "my_centres.xlsx", rows)
    return tmp_path


def test_help_states_the_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli(["--help"])
    assert exc.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "data/raw/centres/" in text
    assert "./centres_clean/" in text
    assert "clean_centres" in text


def test_defaults_read_data_raw_centres_and_write_beside_the_user(
    tmp_path: Path, ref_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path, [row()])
    monkeypatch.chdir(root)
    assert cli(["--ref-dir", str(ref_dir)]) == 0
    out = root / "centres_clean"
    assert (out / "centres.parquet").exists()
    assert (out / "centres_rejects.csv").exists()
    assert (out / "centres_accounting.json").exists()
    assert not (root / "data" / "processed").exists()


def test_two_candidate_files_are_an_error_naming_them(
    tmp_path: Path, ref_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    root = _project(tmp_path, [row()])
    write_xlsx(root / "data" / "raw" / "centres" / "second.xlsx", [row()])
    monkeypatch.chdir(root)
    assert cli(["--ref-dir", str(ref_dir)]) == 1
    err = capsys.readouterr().err
    assert "my_centres.xlsx" in err and "second.xlsx" in err


def test_params_use_the_pipeline_section_and_options_override_it(
    tmp_path: Path, ref_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    root = _project(tmp_path, [row({"Year established": 2025})])
    params = root / "params.yaml"
    params.write_text(
        "common:\n  seed: 1\nclean_centres:\n  year_max: 2030\nphase2_centres: {}\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(root)
    base = ["--ref-dir", str(ref_dir), "--params", str(params)]
    assert cli([*base, "--out", "a"]) == 0
    assert "centres kept:     1" in capsys.readouterr().out
    assert cli([*base, "--out", "b", "--year-max", "2022"]) == 0
    assert "centres kept:     0" in capsys.readouterr().out
    params.write_text("common:\n  seed: 1\n", encoding="utf-8")
    assert cli([*base, "--out", "c"]) == 1
    assert "no section 'clean_centres'" in capsys.readouterr().err


def test_outputs_get_the_permissions_of_a_plain_file(
    tmp_path: Path, ref_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path, [row()])
    monkeypatch.chdir(root)
    previous = os.umask(0o022)
    try:
        assert cli(["--ref-dir", str(ref_dir)]) == 0
    finally:
        os.umask(previous)
    modes = {stat.S_IMODE(p.stat().st_mode) for p in (root / "centres_clean").iterdir()}
    assert modes == {0o644}


def test_two_sheets_with_a_table_stop_until_sheet_names_one(
    tmp_path: Path, ref_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    import openpyxl

    path = tmp_path / "two.xlsx"
    write_xlsx(path, [row()], notes_sheet=False)
    wb = openpyxl.load_workbook(path)
    old = wb.copy_worksheet(wb["Centres"])
    old.title = "Centres 2019"
    wb.save(path)
    monkeypatch.chdir(tmp_path)
    assert cli([str(path), "--ref-dir", str(ref_dir)]) == 1
    err = capsys.readouterr().err
    assert "'Centres'" in err and "'Centres 2019'" in err and "`sheet`" in err
    assert cli([str(path), "--ref-dir", str(ref_dir), "--sheet", "Centres 2019"]) == 0
    assert "centres kept:     1" in capsys.readouterr().out
