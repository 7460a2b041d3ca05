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

Every survey and interview share passes through :mod:`pipeline.disclosure` with the same
status the survey and interview chapters give the same count, so a cell hidden there is
hidden here too, with everything computed from it (share, band); each share keeps its
denominator (those who answered the question, or all interviews).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from pipeline.disclosure import SHOWN, Share, share_of, subset_status
from pipeline.interviews.schemas import AT_RISK_CODE
from pipeline.synthesis.read import SynthesisInputError
from pipeline.synthesis.schemas import (
    GOOD_PRACTICE_GROUPS,
    HIDDEN,
    KINDS,
    LEVEL_SCORE,
    LEVELS,
    NOT_MEASURED,
    UNCERTAIN,
)

__all__ = [
    "QUICK_WIN_MIN",
    "agreement_summary",
    "band",
    "benefits_risks_table",
    "good_practices_by_group",
    "interview_theme_shares",
    "quick_wins",
    "survey_theme_shares",
    "synthesis_findings",
]

_SHARE_FIELDS = ("raising", "base", "share", "status", "min", "max", "label")
SURVEY_SHARE_COLUMNS = ["theme", *(f"survey_{c}" for c in _SHARE_FIELDS)]
INTERVIEW_SHARE_COLUMNS = ["theme", *(f"interview_{c}" for c in _SHARE_FIELDS)]
EVIDENCE_COLUMNS = [
    "theme",
    "label",
    "kind",
    "literature",
    *SURVEY_SHARE_COLUMNS[1:],
    "survey_level",
    *INTERVIEW_SHARE_COLUMNS[1:],
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


#: Feasibility and impact both at least this high place a recommendation in the upper-right
#: corner of the chart (a "quick win" on the five-point scales).
QUICK_WIN_MIN = 4


def quick_wins(recommendations: pd.DataFrame, minimum: int = QUICK_WIN_MIN) -> pd.DataFrame:
    """The recommendations whose feasibility and impact are both at least ``minimum``, by id."""
    keep = (recommendations["feasibility"] >= minimum) & (recommendations["impact"] >= minimum)
    return recommendations[keep].sort_values("id", kind="stable").reset_index(drop=True)


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


def _missing_item(theme: str, question: str, item: str) -> SynthesisInputError:
    return SynthesisInputError(
        f"evidence themes: theme {theme}: survey {question} {item!r} not in the survey findings"
    )


def _survey_share(t: Any, survey: Mapping[str, Any], k: int) -> Share | None:
    """The share of respondents raising theme row ``t``, hidden as the survey chapter hides it.

    ``survey`` holds the survey findings reshaped by :func:`survey_theme_shares`. A challenge
    is the sum of the agreeing answers of a line whose base is shown, so it takes the status
    :func:`pipeline.disclosure.subset_status` gives it; the felt-at-risk count is one of the
    whole-sample exceptions. ``None`` when the survey did not ask about the theme.
    """
    if t.survey_question == "driver":
        if t.survey_item not in survey["drivers"]:
            raise _missing_item(t.theme, "driver", t.survey_item)
        return share_of(survey["drivers"][t.survey_item], survey["driver_base"], k)
    if t.survey_question == "challenge":
        if t.survey_item not in survey["likert"]:
            raise _missing_item(t.theme, "challenge", t.survey_item)
        counts = _counts_list(survey["likert"][t.survey_item])
        line = {lab: v for lab, v in counts.items() if lab != survey["no_answer"]}
        members = [lab in survey["agree_labels"] for lab in line]
        values = list(line.values())
        status = subset_status(values, members, k, groups=members)
        raising = sum(v for v, m in zip(values, members, strict=True) if m)
        return share_of(raising, sum(values), k, status=status)
    if t.survey_question == "at_risk":
        counts = _counts_list(survey["at_risk_counts"])
        answered = sum(v for lab, v in counts.items() if lab != survey["no_answer"])
        return share_of(counts.get(survey["at_risk_label"], 0), answered, k, exempt=True)
    return None


def _share_row(prefix: str, theme: str, share: Share | None) -> dict[str, Any]:
    """One theme's share columns: count (missing when hidden), base, share, status, bounds
    and the count as text (``"37 of 42"``, ``"<5 of 41"``)."""
    if share is None:
        return {
            "theme": theme,
            f"{prefix}_raising": None,
            f"{prefix}_base": None,
            f"{prefix}_share": math.nan,
            f"{prefix}_status": NOT_MEASURED,
            f"{prefix}_min": math.nan,
            f"{prefix}_max": math.nan,
            f"{prefix}_label": "",
        }
    low, high = share.bounds
    return {
        "theme": theme,
        f"{prefix}_raising": share.count,
        f"{prefix}_base": share.base,
        f"{prefix}_share": share.value,
        f"{prefix}_status": share.status,
        f"{prefix}_min": low,
        f"{prefix}_max": high,
        f"{prefix}_label": share.count_text(),
    }


def _share_frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """The rows as a frame whose counts and bases are nullable integers."""
    df = pd.DataFrame(rows, columns=columns)
    for col in columns[1:3]:
        df[col] = df[col].astype("Int64")
    return df


def survey_theme_shares(
    survey_findings: Mapping[str, Any],
    themes: pd.DataFrame,
    agree_labels: tuple[str, ...] | None = None,
    at_risk_label: str | None = None,
    no_answer: str = "No answer",
    k: int = 5,
) -> pd.DataFrame:
    """Survey share per theme, through :mod:`pipeline.disclosure` (columns :data:`SURVEY_SHARE_COLUMNS`).

    ``survey_findings`` is the survey chapter's findings dict (:mod:`pipeline.survey.findings`).
    Drivers: respondents choosing the item over respondents who chose any driver.
    Challenges: respondents in ``agree_labels`` over those who answered the item.
    At risk: respondents answering ``at_risk_label`` over those who answered.
    A hidden count has no ``survey_raising`` and a NaN ``survey_share``; ``survey_min`` and
    ``survey_max`` bound what the rule lets a reader know of the share. Themes the survey did
    not ask about have status ``not measured``.
    """
    if agree_labels is None or at_risk_label is None:
        from pipeline.survey.instrument import load_scales

        scales = load_scales()
        agree_labels = agree_labels or tuple(scales["agreement5"].labels[-2:])
        at_risk_label = at_risk_label or scales["yes_no_pnts"].labels[0]
    responses = int(survey_findings["survey_responses"])
    survey = {
        "drivers": {
            d["driver"]: int(d["count"]) for d in survey_findings.get("drivers_ranked", [])
        },
        "driver_base": int(
            survey_findings.get(
                "drivers_answered", responses - int(survey_findings.get("drivers_no_answer", 0))
            )
        ),
        "likert": survey_findings.get("challenges_likert", {}),
        "at_risk_counts": survey_findings.get("at_risk_counts", {}),
        "agree_labels": agree_labels,
        "at_risk_label": at_risk_label,
        "no_answer": no_answer,
    }
    rows = [_share_row("survey", t.theme, _survey_share(t, survey, k)) for t in themes.itertuples()]
    return _share_frame(rows, SURVEY_SHARE_COLUMNS)


def interview_theme_shares(
    code_counts: pd.DataFrame, n_interviews: int, themes: pd.DataFrame, k: int = 5
) -> pd.DataFrame:
    """Interview share per theme, through :mod:`pipeline.disclosure` (:data:`INTERVIEW_SHARE_COLUMNS`).

    ``code_counts`` has ``code_id`` and ``interviews_total`` (interviews raising the code),
    as in ``interviews_code_counts.parquet``. The base is every interview; a code raised in 1
    to ``k - 1`` interviews is hidden, except the felt-at-risk code (a whole-sample exception).
    """
    if "code_id" not in code_counts or "interviews_total" not in code_counts:
        raise SynthesisInputError("interview code counts: need columns code_id, interviews_total")
    counts = dict(zip(code_counts["code_id"], code_counts["interviews_total"], strict=True))
    rows = []
    for t in themes.itertuples(index=False):
        share = None
        if t.interview_code_id and t.interview_code_id not in counts:
            raise SynthesisInputError(
                f"evidence themes: theme {t.theme}: interview code {t.interview_code_id!r} "
                "not in the interview code counts"
            )
        if t.interview_code_id and n_interviews:
            exempt = t.interview_code_id == AT_RISK_CODE
            share = share_of(counts[t.interview_code_id], n_interviews, k, exempt=exempt)
        rows.append(_share_row("interview", t.theme, share))
    return _share_frame(rows, INTERVIEW_SHARE_COLUMNS)


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


def _level(status: str, share: float, low: float, high: float) -> str:
    """The band of a shown share; ``hidden`` for a hidden count; ``not measured``."""
    if status == NOT_MEASURED:
        return NOT_MEASURED
    if status != SHOWN:
        return HIDDEN
    return band(share, low, high)


def _consulted_range(row: Any, low: float, high: float) -> tuple[int, int] | None:
    """Lowest and highest score the more prominent consulted source can have.

    Each measured source contributes the bands of its bounds (exact for a shown share; for a
    hidden count, the range the rule allows), so a hidden count never decides a level that a
    count it could have been would change. ``None`` when no source measured the theme.
    """
    ranges = [
        (LEVEL_SCORE[band(lo, low, high)], LEVEL_SCORE[band(hi, low, high)])
        for lo, hi in ((row.survey_min, row.survey_max), (row.interview_min, row.interview_max))
        if not pd.isna(lo)
    ]
    if not ranges:
        return None
    return max(r[0] for r in ranges), max(r[1] for r in ranges)


def _consulted_and_comparison(row: Any, low: float, high: float) -> tuple[str, str]:
    """The consulted level (the higher of survey and interviews) and how the literature's
    emphasis compares with it: more, similar, less, or cannot tell (hidden counts)."""
    rng = _consulted_range(row, low, high)
    if rng is None:
        return NOT_MEASURED, NOT_MEASURED
    lo, hi = rng
    level = LEVELS[lo - 1] if lo == hi else UNCERTAIN
    lit = LEVEL_SCORE[row.literature]
    if lit > hi:
        return level, "literature stresses more"
    if lit < lo:
        return level, "consultations stress more"
    if lo == hi:
        return level, "similar"
    return level, UNCERTAIN


def benefits_risks_table(
    literature: pd.DataFrame,
    themes: pd.DataFrame,
    survey: pd.DataFrame,
    interviews: pd.DataFrame,
    low: float = 0.2,
    high: float = 0.5,
) -> pd.DataFrame:
    """One row per theme: how prominent it is in the literature, the survey and the interviews.

    Columns :data:`EVIDENCE_COLUMNS`. A source's level is the band of its share, ``hidden``
    when the count is hidden (:mod:`pipeline.disclosure`) and ``not measured`` when the
    source did not ask. ``consulted_level`` is the higher of the survey and interview levels,
    judged from what a reader may know of each share (``cannot tell`` when a hidden count
    leaves it open); ``comparison`` says whether the literature stresses the theme more than,
    about as much as, or less than the people consulted. Sorted by kind, then by literature
    emphasis (high first), then label.
    """
    if not 0 <= low <= high <= 1:
        raise ValueError("thresholds must satisfy 0 <= low <= high <= 1")
    df = _themes_with_literature(literature, themes)
    df = df.merge(survey, on="theme", how="left")
    df = df.merge(interviews, on="theme", how="left")
    df["survey_level"] = [
        _level(st, sh, low, high)
        for st, sh in zip(df["survey_status"], df["survey_share"], strict=True)
    ]
    df["interview_level"] = [
        _level(st, sh, low, high)
        for st, sh in zip(df["interview_status"], df["interview_share"], strict=True)
    ]
    pairs = [_consulted_and_comparison(r, low, high) for r in df.itertuples(index=False)]
    df["consulted_level"] = [p[0] for p in pairs]
    df["comparison"] = [p[1] for p in pairs]
    df["_k"] = df["kind"].map({k: i for i, k in enumerate(KINDS)})
    df["_e"] = -df["literature"].map(LEVEL_SCORE)
    df = df.sort_values(["_k", "_e", "label"], kind="stable").drop(columns=["_k", "_e"])
    return df[EVIDENCE_COLUMNS].reset_index(drop=True)


def agreement_summary(table: pd.DataFrame, rare_below: float = 0.2) -> dict[str, Any]:
    """Where the sources agree and differ, as lists of theme labels (in table order).

    ``rarely_reported``: risks whose share in every consulted source that measured them is
    known to be below ``rare_below`` (for a hidden count, every count the rule allows is).
    ``uncertain``: themes whose comparison hidden counts leave open. Also the mean literature
    and consulted scores by kind (1 = low, 3 = high), over the themes whose consulted level
    is known.
    """
    out: dict[str, Any] = {}
    for key in ("literature stresses more", "similar", "consultations stress more"):
        out[key.replace(" ", "_")] = table.loc[table["comparison"] == key, "label"].tolist()
    out["uncertain"] = table.loc[table["comparison"] == UNCERTAIN, "label"].tolist()
    rare = []
    for row in table[table["kind"] == "risk"].itertuples(index=False):
        highs = [h for h in (row.survey_max, row.interview_max) if not pd.isna(h)]
        if highs and max(highs) < rare_below:
            rare.append(row.label)
    out["rarely_reported"] = rare
    for kind in KINDS:
        sub = table[table["kind"] == kind]
        lit = sub["literature"].map(LEVEL_SCORE)
        con = sub["consulted_level"].map(LEVEL_SCORE).dropna()
        out[f"{kind}_literature_mean"] = float(lit.mean()) if len(lit) else math.nan
        out[f"{kind}_consulted_mean"] = float(con.mean()) if len(con) else math.nan
    return out
