"""`python -m pipeline reference generate` rewrites the committed data/raw byte for byte."""

import hashlib
import subprocess
import sys
from pathlib import Path

from pipeline.synthetic.generate import real_input_names

ROOT = Path(__file__).resolve().parents[2]


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "README.md"
    }


def test_generator_reproduces_committed_raw_inputs(tmp_path):
    out = tmp_path / "raw"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "reference",
            "generate",
            "--seed",
            "20220301",
            "--out",
            str(out),
        ],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    # the literature input (real library, partly synthetic coding) has its own generator
    literature = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.literature.cli",
            "edition",
            "--out",
            str(out / "literature"),
        ],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert literature.returncode == 0, literature.stderr[-3000:]
    generated = _hashes(out)
    committed = _hashes(ROOT / "data" / "raw")
    assert generated.keys() == committed.keys()
    differing = [k for k in generated if generated[k] != committed[k]]
    assert not differing, f"regenerated files differ from the committed ones: {differing}"


def test_every_synthetic_input_is_labelled_in_its_name_or_marked_as_real():
    names = [p.name for p in (ROOT / "data" / "raw").rglob("*") if p.is_file()]
    real = {"README.md", "EDITION.yaml", *real_input_names(ROOT / "data" / "raw")}
    unlabelled = [n for n in names if "SYNTHETIC" not in n and n not in real]
    assert not unlabelled, unlabelled
