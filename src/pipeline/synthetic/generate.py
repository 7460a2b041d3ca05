"""``python -m pipeline reference generate``: write the synthetic reference edition.

Every raw input the pipeline reads has a synthetic stand-in, produced here by
seeded code calibrated to ``data/reference/published_figures.yaml``. Each
input lives in its own folder of ``data/raw/`` so that a user can replace one
input at a time and DVC reruns only what depends on it:

====================  ==================================================
``centres/``          the joint research centres workbook (.xlsx)
``survey/``           the survey export (Qualtrics CSV)
``interviews/``       the interview coding export (.xlsx) and codebook
``bibliometrics/``    OpenAlex sample (JSONL.gz), sidecar metadata, group_by counts
``synthesis/``        recommendations (illustrative scores) and good practices
====================  ==================================================

The same seed always gives the same bytes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from pipeline.io import atomic_write_text
from pipeline.synthetic import DEFAULT_SEED, biblio, centres, interviews, recommendations, survey

EDITION_YAML = """\
# This folder holds the SYNTHETIC reference edition of every input.
# Replace the files with real ones (see README.md) and delete this file, or set
# synthetic: false, so that the book no longer shows the synthetic-data banner.
synthetic: true
label: Synthetic reference edition
generator: python -m pipeline reference generate --seed {seed}
seed: {seed}
"""


def _generators(scale: int) -> dict[str, Callable[[Path, int], list[Path]]]:
    """The generator of each input folder (``scale`` multiplies the centres)."""
    return {
        "centres": lambda out, seed: centres.generate(out, seed, scale=scale),
        "survey": survey.generate,
        "interviews": interviews.generate,
        "bibliometrics": lambda out, seed: biblio.generate(out, seed),
        "synthesis": recommendations.generate,
    }


def generate_all(
    out_dir: Path, seed: int = DEFAULT_SEED, *, scale: int = 1, only: list[str] | None = None
) -> list[Path]:
    """Write every synthetic input under ``out_dir`` (one folder per input)."""
    out_dir = Path(out_dir)
    written: list[Path] = []
    for name, make in _generators(scale).items():
        if only and name not in only:
            continue
        print(f"[reference] {name}: generating (seed {seed})", file=sys.stderr, flush=True)
        paths = make(out_dir / name, seed)
        written.extend(paths)
        for path in paths:
            print(f"[reference]   wrote {path}", file=sys.stderr)
    if not only and scale == 1:
        written.append(atomic_write_text(out_dir / "EDITION.yaml", EDITION_YAML.format(seed=seed)))
    return written


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline reference generate",
        description="Write the synthetic reference edition of every raw input "
        "(deterministic: the same seed gives the same bytes).",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--out", type=Path, default=Path("data/raw"), help="output folder (default data/raw)"
    )
    parser.add_argument(
        "--scale",
        type=int,
        default=1,
        help="multiply the number of centres (benchmarks; default 1)",
    )
    parser.add_argument(
        "--only", nargs="*", choices=sorted(_generators(1)), help="generate only these inputs"
    )
    args = parser.parse_args(argv)
    generate_all(args.out, args.seed, scale=args.scale, only=args.only)
    return 0
