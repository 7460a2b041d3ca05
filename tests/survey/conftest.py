"""Shared fixtures: one generated export and its cleaned outputs per session."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.survey.clean import SurveyResult, run
from pipeline.synthetic import survey as gen

SEED = gen.DEFAULT_SEED


@pytest.fixture(scope="session")
def export_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The synthetic export written by the generator."""
    return gen.generate(tmp_path_factory.mktemp("raw"), SEED)[0]


@pytest.fixture(scope="session")
def export_rows(export_path: Path) -> list[list[str]]:
    """The export parsed into rows (header rows included)."""
    text = export_path.read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.fixture(scope="session")
def cleaned(
    export_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[SurveyResult, dict, list[Path]]:
    """Cleaning run on the synthetic export: (result, findings, written paths).

    The shared outputs go to ``<tmp>/shared``, the restricted ones to ``<tmp>/restricted``.
    """
    folder = tmp_path_factory.mktemp("clean")
    return run(export_path, folder / "shared", restricted=folder / "restricted")


@pytest.fixture()
def write_variant(tmp_path: Path) -> Callable[..., Path]:
    """Write rows as a CSV with the given delimiter, encoding and optional BOM."""

    def _write(
        rows: list[list[str]],
        name: str = "export.csv",
        delimiter: str = ",",
        encoding: str = "utf-8",
        bom: bool = False,
    ) -> Path:
        buf = io.StringIO(newline="")
        csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
        data = buf.getvalue().encode(encoding)
        if bom:
            data = b"\xef\xbb\xbf" + data
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return _write


@pytest.fixture()
def run_fresh() -> Callable[..., None]:
    """Run code in a new Python process with its own ``PYTHONHASHSEED`` (own set order)."""
    src = Path(__file__).resolve().parents[2] / "src"

    def _run(code: str, *args: object, hashseed: int) -> None:
        env = {**os.environ, "PYTHONHASHSEED": str(hashseed), "PYTHONPATH": str(src)}
        subprocess.run([sys.executable, "-c", code, *map(str, args)], check=True, env=env)

    return _run
