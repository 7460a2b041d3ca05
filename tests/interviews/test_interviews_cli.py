"""``python -m pipeline interviews clean``: defaults, --params, errors, help."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from interviews_helpers import copy_generated

from pipeline.interviews.cli import cli
from pipeline.synthetic.interviews import CODEBOOK_NAME, EXPORT_NAME


def _project(root: Path) -> Path:
    raw = root / "data" / "raw" / "interviews"
    raw.mkdir(parents=True)
    copy_generated(raw)
    return raw


def test_help_states_the_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli(["--help"])
    assert exc.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "data/raw/interviews/" in text and "./interviews_clean/" in text
    assert "clean_interviews" in text


def test_defaults_read_data_raw_interviews_and_write_beside_the_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    _project(tmp_path)
    monkeypatch.chdir(tmp_path)
    previous = os.umask(0o022)
    try:
        assert cli(["clean"]) == 0
    finally:
        os.umask(previous)
    out = tmp_path / "interviews_clean"
    acc = json.loads((out / "interviews_accounting.json").read_text(encoding="utf-8"))
    assert acc["source_files"] == {"export": EXPORT_NAME, "codebook": CODEBOOK_NAME}
    assert (out / "interviews_cases.parquet").exists()
    assert not (tmp_path / "data" / "processed").exists()
    assert {stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()} == {0o644}
    assert "kept" in capsys.readouterr().out


def test_params_section_names_the_inputs(tmp_path: Path, capsys) -> None:
    raw = tmp_path / "elsewhere"
    raw.mkdir()
    copy_generated(raw)
    params = tmp_path / "params.yaml"
    params.write_text(f"clean_interviews:\n  raw_dir: {raw}\n", encoding="utf-8")
    restricted = ["--restricted", str(tmp_path / "restricted")]
    assert cli(["--params", str(params), "--out", str(tmp_path / "o"), *restricted]) == 0
    assert (tmp_path / "o" / "interviews_rejects.csv").exists()
    params.write_text("clean_survey: {}\n", encoding="utf-8")
    assert cli(["--params", str(params), "--out", str(tmp_path / "p")]) == 1
    assert "no section 'clean_interviews'" in capsys.readouterr().err


def test_missing_or_ambiguous_inputs_are_clear_errors(tmp_path: Path, capsys) -> None:
    assert cli(["--raw", str(tmp_path / "none"), "--out", str(tmp_path / "o")]) == 1
    assert "does not exist" in capsys.readouterr().err
    raw = tmp_path / "raw"
    raw.mkdir()
    copy_generated(raw)
    (raw / "second.xlsx").write_bytes((raw / EXPORT_NAME).read_bytes())
    assert cli(["--raw", str(raw), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "second.xlsx" in err and EXPORT_NAME in err
    chosen = ["--raw", str(raw), "--export", str(raw / "second.xlsx")]
    assert cli([*chosen, "--out", str(tmp_path / "o2"), "--restricted", str(tmp_path / "r")]) == 0
