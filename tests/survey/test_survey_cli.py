"""The command line front door: defaults, the pipeline's params section, errors, help."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from pipeline.survey.clean import CleanParams, clean_export
from pipeline.survey.cli import cli

LENIENT = {"exclude_status": ["Spam"], "require_finished": False, "min_progress": 0}


def _accounting(folder: Path) -> dict:
    return json.loads((folder / "survey_accounting.json").read_text(encoding="utf-8"))


def test_cli_cleans(export_path: Path, tmp_path: Path, capsys) -> None:
    out, restricted = tmp_path / "out", tmp_path / "restricted"
    assert cli(["clean", str(export_path), "--out", str(out), "--restricted", str(restricted)]) == 0
    acc = _accounting(out)
    assert acc["raw_rows"] == acc["kept"] + acc["rejected"] + acc["duplicates"]
    assert (out / "survey_responses.parquet").exists()
    assert (restricted / "survey_free_text.csv").exists()
    assert not list(out.glob("*free_text*")) and not list(out.glob("*unresolved*"))
    printed = capsys.readouterr().out
    assert "kept" in printed and "survey_free_text.csv (restricted" in printed


def test_restricted_folder_inside_out_is_refused(export_path: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    for inside in (out / "restricted", out):
        assert cli([str(export_path), "--out", str(out), "--restricted", str(inside)]) == 1
        assert "must not be inside" in capsys.readouterr().err
    assert not out.exists()


def test_params_are_read_from_the_section_the_pipeline_uses(
    export_path: Path, tmp_path: Path
) -> None:
    """The stage's settings live in ``clean_survey``; another section must not be read."""
    strict = clean_export(export_path).accounting["kept"]
    lenient = clean_export(export_path, CleanParams.from_mapping(LENIENT)).accounting["kept"]
    assert lenient > strict  # the synthetic export has previews and unfinished responses
    params = tmp_path / "params.yaml"
    params.write_text(
        "common:\n  k_anonymity: 5\n"
        "clean_survey:\n  exclude_status: [Spam]\n  require_finished: false\n"
        "  min_progress: 0\n"
        "phase2_survey: {}\n",
        encoding="utf-8",
    )
    where = ["--out", str(tmp_path / "o"), "--restricted", str(tmp_path / "r")]
    assert cli([str(export_path), *where, "--params", str(params)]) == 0
    assert _accounting(tmp_path / "o")["kept"] == lenient


def test_a_params_file_without_the_section_is_an_error(
    export_path: Path, tmp_path: Path, capsys
) -> None:
    params = tmp_path / "params.yaml"
    params.write_text("phase2_survey:\n  min_progress: 0\n", encoding="utf-8")
    assert cli([str(export_path), "--out", str(tmp_path / "o"), "--params", str(params)]) == 1
    assert "no section 'clean_survey'" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_defaults_read_data_raw_survey_and_write_beside_the_user(
    export_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = tmp_path / "data" / "raw" / "survey"
    raw.mkdir(parents=True)
    shutil.copy(export_path, raw / export_path.name)
    monkeypatch.chdir(tmp_path)
    previous = os.umask(0o022)
    try:
        assert cli([]) == 0
    finally:
        os.umask(previous)
    out = tmp_path / "survey_clean"
    assert _accounting(out)["source_file"] == export_path.name
    assert not (tmp_path / "data" / "processed").exists()
    assert {stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()} == {0o644}
    restricted = tmp_path / "data" / "restricted" / "survey"
    assert stat.S_IMODE(restricted.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in restricted.glob("*.csv")} == {0o600}
    assert (restricted / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


def test_cli_bad_input(tmp_path: Path, capsys) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert cli([str(empty), "--out", str(tmp_path / "out")]) == 1
    assert "empty" in capsys.readouterr().err


def test_cli_help(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        cli(["--help"])
    assert exc.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "data/raw/survey/" in text and "./survey_clean/" in text and "clean_survey" in text
    assert "--restricted" in text and "./data/restricted/survey/" in text
