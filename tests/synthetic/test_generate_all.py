"""`python -m pipeline reference generate` rewrites the committed data/raw byte for byte."""

import hashlib
import subprocess
import sys
from pathlib import Path

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
    generated = _hashes(out)
    committed = _hashes(ROOT / "data" / "raw")
    assert generated.keys() == committed.keys()
    differing = [k for k in generated if generated[k] != committed[k]]
    assert not differing, f"regenerated files differ from the committed ones: {differing}"


def test_every_synthetic_input_is_labelled_in_its_name_or_marked_as_real():
    names = [p.name for p in (ROOT / "data" / "raw").rglob("*") if p.is_file()]
    unlabelled = [
        n
        for n in names
        if "SYNTHETIC" not in n
        and n not in {"README.md", "EDITION.yaml", "good_practices.csv", "public_lists.csv"}
    ]
    # good_practices.csv paraphrases the published list: it is not invented data;
    # registers/public_lists.csv is the reference register of checked public listings
    assert not unlabelled, unlabelled
