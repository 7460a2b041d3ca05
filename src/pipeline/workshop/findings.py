"""What the workshop scores say: each recommendation's median and spread, and whether the
kinds of organisation agree.

Scores are summarised with medians and quartiles (the scales are ordinal). A recommendation
scored by fewer than ``k`` participants, and an organisation type with fewer than ``k``
participants scoring a recommendation, are not summarised: a median of a handful of people
would be their scores (the rule of :mod:`pipeline.disclosure`).
"""

from __future__ import annotations

import pandas as pd

from pipeline.disclosure import is_small
from pipeline.workshop.schemas import SCORES

__all__ = [
    "AGREEMENT_GAP",
    "TOO_FEW",
    "apply_scores",
    "score_summary",
    "type_agreement",
]

#: Kinds of organisation agree on a recommendation when their medians differ by at most this
#: many points on the 1-5 scales, for feasibility and for impact.
AGREEMENT_GAP = 1.0
#: Status of a recommendation scored by fewer than k participants.
TOO_FEW = "too few scores"


def score_summary(scores: pd.DataFrame, k: int) -> pd.DataFrame:
    """Per recommendation: ``participants`` and each score's ``_median``, ``_q1``, ``_q3``
    (empty when fewer than ``k`` participants scored it)."""
    grouped = scores.groupby("recommendation", sort=True)
    out = grouped["participant_key"].nunique().rename("participants").to_frame()
    for column in SCORES:
        out[f"{column}_median"] = grouped[column].median()
        out[f"{column}_q1"] = grouped[column].quantile(0.25)
        out[f"{column}_q3"] = grouped[column].quantile(0.75)
    hidden = out["participants"].map(lambda n: is_small(n, k))
    out.loc[hidden, [c for c in out.columns if c != "participants"]] = float("nan")
    return out.reset_index()


def type_agreement(scores: pd.DataFrame, k: int, gap: float = AGREEMENT_GAP) -> pd.DataFrame:
    """Per recommendation: how many organisation types had at least ``k`` participants
    scoring it (``types_compared``), the largest difference between their medians for each
    score (``feasibility_gap``, ``impact_gap``) and ``agree`` (both gaps at most ``gap``;
    empty when fewer than two types can be compared)."""
    sizes = scores.groupby(["recommendation", "organisation_type"])["participant_key"].nunique()
    large = sizes[sizes >= k].index
    by_type = scores.set_index(["recommendation", "organisation_type"]).loc[
        lambda d: d.index.isin(large)
    ]
    medians = by_type.groupby(level=[0, 1])[list(SCORES)].median()
    spread = medians.groupby(level=0).agg(lambda s: s.max() - s.min())
    out = pd.DataFrame(
        index=pd.Index(sorted(scores["recommendation"].unique()), name="recommendation")
    )
    out["types_compared"] = medians.groupby(level=0).size().reindex(out.index).fillna(0).astype(int)
    for column in SCORES:
        out[f"{column}_gap"] = spread[column].reindex(out.index)
    comparable = out["types_compared"] >= 2
    within = (out["feasibility_gap"] <= gap) & (out["impact_gap"] <= gap)
    out["agree"] = within.where(comparable).astype("boolean")
    return out.reset_index()


def apply_scores(recommendations: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """The recommendations with the workshop's median scores (``score_status`` ``assessed``,
    or :data:`TOO_FEW` with no scores when too few participants scored one)."""
    medians = summary.set_index("recommendation")
    out = recommendations.drop(columns=[*SCORES, "score_status"], errors="ignore").copy()
    for column in SCORES:
        out[column] = out["id"].map(medians[f"{column}_median"]).astype(float)
    out["participants"] = out["id"].map(medians["participants"]).fillna(0).astype(int)
    scored = out[list(SCORES)].notna().all(axis=1)
    out["score_status"] = scored.map({True: "assessed", False: TOO_FEW})
    return out
