"""The synthetic scoring sheet on disk, with the problems real sheets have planted in it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.io import atomic_write_csv
from pipeline.synthetic import DEFAULT_SEED
from pipeline.synthetic.workshop.truth import scores_frame

SHEET_NAME = "scores_SYNTHETIC.csv"
#: Invented comments in the project's own words; one carries an e-mail address, as a
#: participant might type, to show that comments reach only the restricted folder.
COMMENTS = (
    "Only works with money set aside for it",
    "Universities could start this tomorrow",
    "Depends on the partner institution agreeing",
    "Happy to discuss - write to someone@example.org",
    "Already happening in some places",
)


def sheet_frame(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """The sheet as typed: scores, some comments, a repeated score, a 6 and a blank row."""
    rng = np.random.default_rng([seed, 17])
    sheet = scores_frame(seed).astype({"feasibility": str, "impact": str})
    sheet["comment"] = ""
    picks = rng.choice(len(sheet), size=len(COMMENTS), replace=False)
    sheet.loc[picks, "comment"] = list(COMMENTS)
    repeat = sheet.iloc[[int(rng.integers(len(sheet)))]].assign(comment="")
    out_of_range = sheet.iloc[[int(rng.integers(len(sheet)))]].assign(impact="6", comment="")
    out_of_range["participant"] = "Participant 99"
    blank = pd.DataFrame([dict.fromkeys(sheet.columns, "")])
    return pd.concat([sheet, repeat, blank, out_of_range], ignore_index=True)


def generate(out_dir: Path | str, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the scoring sheet into ``out_dir``; return its path in a list."""
    return [atomic_write_csv(Path(out_dir) / SHEET_NAME, sheet_frame(seed))]
