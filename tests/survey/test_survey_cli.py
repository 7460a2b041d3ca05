"""The command line front door."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.survey.cli import cli


def test_cli_cleans(export_path: Path, tmp_path: Path, capsys) -> None:
    params = tmp_path / "params.yaml"
    params.write_text(
        "common:\n  k_anonymity: 5\n"
        "phase2_survey:\n  min_progress: 100\n  exclude_status: [Survey Preview, Spam]\n",
        encoding="utf-8",
    )
    assert (
        cli(["clean", str(export_path), "--out", str(tmp_path / "out"), "--params", str(params)])
        == 0
    )
    acc = json.loads((tmp_path / "out" / "survey_accounting.json").read_text(encoding="utf-8"))
    assert acc["raw_rows"] == acc["kept"] + acc["rejected"] + acc["duplicates"]
    assert "kept" in capsys.readouterr().out


def test_cli_bad_input(tmp_path: Path, capsys) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert cli([str(empty), "--out", str(tmp_path / "out")]) == 1
    assert "empty" in capsys.readouterr().err


def test_cli_help() -> None:
    with pytest.raises(SystemExit) as exc:
        cli(["--help"])
    assert exc.value.code == 0
