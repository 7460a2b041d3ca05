"""The recommendations and good-practice tables on disk (CSV, UTF-8)."""

from __future__ import annotations

from pathlib import Path

from pipeline.io import atomic_write_csv
from pipeline.synthetic import DEFAULT_SEED
from pipeline.synthetic.recommendations.truth import good_practices_frame, recommendations_frame

RECOMMENDATIONS_NAME = "recommendations.csv"
GOOD_PRACTICES_NAME = "good_practices.csv"


def generate(out_dir: Path | str, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write both tables into ``out_dir``; return their paths (sorted)."""
    out = Path(out_dir)
    return sorted(
        [
            atomic_write_csv(out / RECOMMENDATIONS_NAME, recommendations_frame()),
            atomic_write_csv(out / GOOD_PRACTICES_NAME, good_practices_frame()),
        ]
    )
