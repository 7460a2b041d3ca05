"""The synthetic workshop's participants and their scores (before any planted problem)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.synthetic import DEFAULT_SEED
from pipeline.synthetic.recommendations.truth import RECOMMENDATIONS
from pipeline.workshop.schemas import SCORE_MAX, SCORE_MIN

#: How many participants each kind of organisation sends (30 in all).
PARTICIPANTS_BY_TYPE: dict[str, int] = {
    "university": 10,
    "government": 7,
    "funder": 5,
    "sector body": 5,
    "business": 3,
}
#: Spread of one person's score around their organisation type's view, and of the types'
#: views around the consensus (scale points).
PERSON_SD, TYPE_SD = 0.8, 0.7


def _participants() -> list[tuple[str, str]]:
    labels = []
    for kind, n in PARTICIPANTS_BY_TYPE.items():
        labels += [kind] * n
    return [(f"Participant {i + 1:02d}", kind) for i, kind in enumerate(labels)]


def scores_frame(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """participant, organisation_type, recommendation, feasibility, impact (whole scores)."""
    rng = np.random.default_rng([seed, 16])
    ids = [rid for rid, _theme, _title in RECOMMENDATIONS]
    consensus = rng.uniform(1.6, 4.6, size=(len(ids), 2))
    kinds = list(PARTICIPANTS_BY_TYPE)
    lean = rng.normal(0, TYPE_SD, size=(len(kinds), len(ids), 2))
    rows = []
    for label, kind in _participants():
        noise = rng.normal(0, PERSON_SD, size=(len(ids), 2))
        raw = consensus + lean[kinds.index(kind)] + noise
        score = np.clip(np.rint(raw), SCORE_MIN, SCORE_MAX).astype(int)
        for j, rid in enumerate(ids):
            rows.append({"participant": label, "organisation_type": kind,
                         "recommendation": rid, "feasibility": int(score[j, 0]),
                         "impact": int(score[j, 1])})  # fmt: skip
    return pd.DataFrame(rows)
