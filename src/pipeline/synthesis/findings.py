"""Phase 3 synthesis findings: benefits set against risks across sources, and the counts.

Three kinds of evidence are lined up theme by theme:

* the **literature review**, as the brief characterises it: a hand coding kept as data in
  ``data/reference/literature_themes.csv`` (``theme, kind, emphasis, basis``; emphasis is
  ``high``, ``medium`` or ``low`` and ``basis`` cites the page of the brief it paraphrases);
* the **survey**: the share of respondents who picked a driver, agreed (the top two points of
  the agreement scale) that a challenge applied, or answered the first label of the
  felt-at-risk question;
* the **interviews**: the share of interviews in which the code was raised.

Which survey item and which interview code stand for a theme is data too
(``data/reference/evidence_themes.csv``). Survey and interview shares are put on the same
``low / medium / high`` bands as the literature coding (thresholds are parameters), so the
sources can be compared; the shares themselves stay in the table.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from pipeline.synthesis.read import SynthesisInputError
from pipeline.synthesis.schemas import GOOD_PRACTICE_GROUPS, KINDS, LEVEL_SCORE, NOT_MEASURED

__all__ = [
    "agreement_summary",
    "band",
    "benefits_risks_table",
    "good_practices_by_group",
    "interview_theme_shares",
    "is_illustrative",
    "survey_theme_shares",
    "synthesis_findings",
]

SURVEY_SHARE_COLUMNS = ["theme", "survey_raising", "survey_base", "survey_share"]
INTERVIEW_SHARE_COLUMNS = ["theme", "interviews_raising", "interviews_base", "interview_share"]
EVIDENCE_COLUMNS = [
    "theme",
    "label",
    "kind",
    "literature",
    "survey_share",
    "survey_level",
    "interview_share",
    "interview_level",
    "consulted_level",
    "comparison",
]


def synthesis_findings(
    recommendations: pd.DataFrame, good_practices: pd.DataFrame
) -> dict[str, Any]:
    """recommendations_total, recommendation_themes and good_practice_groups."""
    return {
        "recommendations_total": int(recommendations["id"].nunique()),
        "recommendation_themes": int(recommendations["theme"].nunique()),
        "good_practice_groups": int(good_practices["group"].nunique()),
    }


def is_illustrative(recommendations: pd.DataFrame) -> bool:
    """True when any recommendation's scores are marked ``illustrative``."""
    return bool((recommendations["score_status"] == "illustrative").any())


def good_practices_by_group(good_practices: pd.DataFrame) -> pd.DataFrame:
    """Number of practices per group (``group, practices``), in the synthesis order."""
    counts = good_practices.groupby("group").size()
    order = [g for g in GOOD_PRACTICE_GROUPS if g in counts.index]
    order += sorted(set(counts.index) - set(order))
    return pd.DataFrame({"group": order, "practices": [int(counts[g]) for g in order]})


# ------------------------------------------------------------------ shares by source


def band(share: float | None, low: float = 0.2, high: float = 0.5) -> str:
    """``low`` below ``low``, ``high`` at or above ``high``, else ``medium``; NaN -> not measured."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return NOT_MEASURED
    if not 0 <= low <= high <= 1:
        raise ValueError("thresholds must satisfy 0 <= low <= high <= 1")
    if share >= high:
        return "high"
    if share < low:
        return "low"
    return "medium"


def _counts_list(entries: Any) -> dict[str, int]:
    if isinstance(entries, dict):
        return {str(k): int(v) for k, v in entries.items()}
    return {str(e["label"]): int(e["count"]) for e in entries}


def _answered(counts: Mapping[str, int], no_answer: str) -> int:
    return sum(v for lab, v in counts.items() if lab != no_answer)


def _missing_item(theme: str, question: str, item: str) -> SynthesisInputError:
    return SynthesisInputError(
        f"evidence themes: theme {theme}: survey {question} {item!r} not in the survey findings"
    )


def _survey_counts(t: Any, survey: Mapping[str, Any]) -> tuple[float, float]:
    """``(respondents raising the theme, respondents answering)`` for one theme row ``t``.

    ``survey`` holds the survey findings reshaped by :func:`survey_theme_shares`.
    """
    if t.survey_question == "driver":
        if t.survey_item not in survey["drivers"]:
            raise _missing_item(t.theme, "driver", t.survey_item)
        return survey["drivers"][t.survey_item], survey["driver_base"]
    if t.survey_question == "challenge":
        if t.survey_item not in survey["likert"]:
            raise _missing_item(t.theme, "challenge", t.survey_item)
        counts = _counts_list(survey["likert"][t.survey_item])
        raising = sum(v for lab, v in counts.items() if lab in survey["agree_labels"])
        return raising, _answered(counts, survey["no_answer"])
    if t.survey_question == "at_risk":
        counts = _counts_list(survey["at_risk_counts"])
        return counts.get(survey["at_risk_label"], 0), _answered(counts, survey["no_answer"])
    return math.nan, math.nan


def survey_theme_shares(
    survey_findings: Mapping[str, Any],
    themes: pd.DataFrame,
    agree_labels: tuple[str, ...] | None = None,
    at_risk_label: str | None = None,
    no_answer: str = "No answer",
) -> pd.DataFrame:
    """Survey share per theme: ``theme, survey_raising, survey_base, survey_share``.

    ``survey_findings`` is the survey chapter's findings dict (:mod:`pipeline.survey.findings`).
    Drivers: respondents choosing the item over respondents who chose any driver.
    Challenges: respondents in ``agree_labels`` over those who answered the item.
    At risk: respondents answering ``at_risk_label`` over those who answered.
    Themes the survey did not ask about get NaN.
    """
    if agree_labels is None or at_risk_label is None:
        from pipeline.survey.instrument import load_scales

        scales = load_scales()
        agree_labels = agree_labels or tuple(scales["agreement5"].labels[-2:])
        at_risk_label = at_risk_label or scales["yes_no_pnts"].labels[0]
    survey = {
        "drivers": {
            d["driver"]: int(d["count"]) for d in survey_findings.get("drivers_ranked", [])
        },
        "driver_base": int(survey_findings["survey_responses"])
        - int(survey_findings.get("drivers_no_answer", 0)),
        "likert": survey_findings.get("challenges_likert", {}),
        "at_risk_counts": survey_findings.get("at_risk_counts", {}),
        "agree_labels": agree_labels,
        "at_risk_label": at_risk_label,
        "no_answer": no_answer,
    }
    rows = []
    for t in themes.itertuples(index=False):
        k, n = _survey_counts(t, survey)
        share = k / n if not math.isnan(n) and n > 0 else math.nan
        rows.append(
            {"theme": t.theme, "survey_raising": k, "survey_base": n, "survey_share": share}
        )
    return pd.DataFrame(rows, columns=SURVEY_SHARE_COLUMNS)


def interview_theme_shares(
    code_counts: pd.DataFrame, n_interviews: int, themes: pd.DataFrame
) -> pd.DataFrame:
    """Interview share per theme: ``theme, interviews_raising, interviews_base, interview_share``.

    ``code_counts`` has ``code_id`` and ``interviews_total`` (interviews raising the code),
    as in ``interviews_code_counts.parquet``.
    """
    if "code_id" not in code_counts or "interviews_total" not in code_counts:
        raise SynthesisInputError("interview code counts: need columns code_id, interviews_total")
    counts = dict(zip(code_counts["code_id"], code_counts["interviews_total"], strict=True))
    rows = []
    for t in themes.itertuples(index=False):
        if not t.interview_code_id:
            k: float = math.nan
        elif t.interview_code_id not in counts:
            raise SynthesisInputError(
                f"evidence themes: theme {t.theme}: interview code {t.interview_code_id!r} "
                "not in the interview code counts"
            )
        else:
            k = int(counts[t.interview_code_id])
        share = k / n_interviews if n_interviews and not math.isnan(k) else math.nan
        rows.append(
            {
                "theme": t.theme,
                "interviews_raising": k,
                "interviews_base": n_interviews,
                "interview_share": share,
            }
        )
    return pd.DataFrame(rows, columns=INTERVIEW_SHARE_COLUMNS)


# ------------------------------------------------------------------ benefits against risks


def _themes_with_literature(literature: pd.DataFrame, themes: pd.DataFrame) -> pd.DataFrame:
    """``theme, label, kind, literature``: the two theme files joined, checked to agree."""
    lit_themes = set(literature["theme"])
    map_themes = set(themes["theme"])
    if lit_themes != map_themes:
        raise SynthesisInputError(
            "literature and evidence theme files disagree: "
            f"only in literature {sorted(lit_themes - map_themes)}, "
            f"only in mapping {sorted(map_themes - lit_themes)}"
        )
    df = themes[["theme", "label", "kind"]].merge(
        literature[["theme", "kind", "emphasis"]], on="theme", suffixes=("", "_lit")
    )
    bad = df[df["kind"] != df["kind_lit"]]
    if len(bad):
        raise SynthesisInputError(
            f"theme {bad['theme'].iloc[0]}: kind differs between the literature and mapping files"
        )
    return df.drop(columns="kind_lit").rename(columns={"emphasis": "literature"})


def _consulted(row: pd.Series) -> str:
    """The higher of the survey and interview levels (``not measured`` when neither is)."""
    levels = [v for v in (row["survey_level"], row["interview_level"]) if v in LEVEL_SCORE]
    return max(levels, key=LEVEL_SCORE.__getitem__) if levels else NOT_MEASURED


def _compare(row: pd.Series) -> str:
    """Whether the literature stresses a theme more than, as much as, or less than those
    consulted."""
    if row["consulted_level"] not in LEVEL_SCORE:
        return NOT_MEASURED
    diff = LEVEL_SCORE[row["literature"]] - LEVEL_SCORE[row["consulted_level"]]
    if diff > 0:
        return "literature stresses more"
    if diff < 0:
        return "consultations stress more"
    return "similar"


def benefits_risks_table(
    literature: pd.DataFrame,
    themes: pd.DataFrame,
    survey: pd.DataFrame,
    interviews: pd.DataFrame,
    low: float = 0.2,
    high: float = 0.5,
) -> pd.DataFrame:
    """One row per theme: how prominent it is in the literature, the survey and the interviews.

    Columns: ``theme, label, kind, literature, survey_share, survey_level, interview_share,
    interview_level, consulted_level, comparison``. ``consulted_level`` is the higher of the
    survey and interview levels; ``comparison`` says whether the literature stresses the theme
    more than, about as much as, or less than the people consulted. Sorted by kind, then by
    literature emphasis (high first), then label.
    """
    df = _themes_with_literature(literature, themes)
    df = df.merge(survey[["theme", "survey_share"]], on="theme", how="left")
    df = df.merge(interviews[["theme", "interview_share"]], on="theme", how="left")
    df["survey_level"] = [band(s, low, high) for s in df["survey_share"]]
    df["interview_level"] = [band(s, low, high) for s in df["interview_share"]]
    df["consulted_level"] = df.apply(_consulted, axis=1)
    df["comparison"] = df.apply(_compare, axis=1)
    df["_k"] = df["kind"].map({k: i for i, k in enumerate(KINDS)})
    df["_e"] = -df["literature"].map(LEVEL_SCORE)
    df = df.sort_values(["_k", "_e", "label"], kind="stable").drop(columns=["_k", "_e"])
    return df[EVIDENCE_COLUMNS].reset_index(drop=True)


def agreement_summary(table: pd.DataFrame, rare_below: float = 0.2) -> dict[str, Any]:
    """Where the sources agree and differ, as lists of theme labels (in table order).

    ``rarely_reported``: risks whose measured shares in every consulted source are below
    ``rare_below``. Also the mean literature and consulted scores by kind (1 = low, 3 = high).
    """
    out: dict[str, Any] = {}
    for key in ("literature stresses more", "similar", "consultations stress more"):
        out[key.replace(" ", "_")] = table.loc[table["comparison"] == key, "label"].tolist()
    rare = []
    for row in table[table["kind"] == "risk"].itertuples(index=False):
        shares = [s for s in (row.survey_share, row.interview_share) if not pd.isna(s)]
        if shares and max(shares) < rare_below:
            rare.append(row.label)
    out["rarely_reported"] = rare
    for kind in KINDS:
        sub = table[table["kind"] == kind]
        lit = sub["literature"].map(LEVEL_SCORE)
        con = sub["consulted_level"].map(LEVEL_SCORE).dropna()
        out[f"{kind}_literature_mean"] = float(lit.mean()) if len(lit) else math.nan
        out[f"{kind}_consulted_mean"] = float(con.mean()) if len(con) else math.nan
    return out
