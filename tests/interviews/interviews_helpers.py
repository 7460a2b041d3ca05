"""Shared helpers for the interview tests: generate once per session, clean, read figures."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from pipeline.synthetic.interviews import DEFAULT_SEED

REPO = Path(__file__).resolve().parents[2]
FIGURES = REPO / "data" / "reference" / "published_figures.yaml"
SEED = DEFAULT_SEED  # the seed of the committed data/raw edition


def figure(key: str) -> Any:
    """A published figure's value, read from the one file that holds them."""
    return yaml.safe_load(FIGURES.read_text(encoding="utf-8"))["figures"][key]["value"]


@functools.cache
def generated(seed: int = SEED) -> Path:
    """Folder holding the synthetic export + codebook for ``seed`` (made once per process)."""
    from pipeline.synthetic.interviews import generate

    out = Path(tempfile.mkdtemp(prefix=f"interviews_seed{seed}_"))
    generate(out, seed)
    return out


def copy_generated(dest: Path, seed: int = SEED) -> Path:
    """Copy the generated files into ``dest`` (so a test may edit them)."""
    src = generated(seed)
    for p in src.iterdir():
        shutil.copy(p, dest / p.name)
    return dest


@functools.cache
def cleaned(seed: int = SEED) -> Any:
    """The cleaning result for the synthetic export of ``seed``."""
    from pipeline.interviews import clean_interviews
    from pipeline.synthetic.interviews import CODEBOOK_NAME, EXPORT_NAME

    d = generated(seed)
    return clean_interviews(d / EXPORT_NAME, d / CODEBOOK_NAME)


@functools.cache
def findings(seed: int = SEED) -> dict[str, Any]:
    """Findings computed from the cleaned tables."""
    from pipeline.interviews import interviews_findings

    r = cleaned(seed)
    return interviews_findings(r.cases, r.codes_long, r.codebook)


def run_fresh(code: str, *args: object, hashseed: int) -> None:
    """Run ``code`` in a new Python process with its own ``PYTHONHASHSEED`` (own set order)."""
    env = {**os.environ, "PYTHONHASHSEED": str(hashseed), "PYTHONPATH": str(REPO / "src")}
    subprocess.run([sys.executable, "-c", code, *map(str, args)], check=True, env=env)
