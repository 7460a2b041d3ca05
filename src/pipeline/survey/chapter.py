"""Assembly helpers for the survey chapter: the values its prose is glued from, and the
findings record it writes.

The chapter's sentences are Markdown; these functions compute what goes into them. Every
count or share of respondents passes through :mod:`pipeline.disclosure` (via
:mod:`pipeline.survey.charts`): a count hidden in a table or chart is never stated in
prose, and every share is of the respondents who answered that question
(:func:`pipeline.survey.findings.question_bases`). Words that depend on the data come from
:mod:`pipeline.wording`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from pipeline import report, wording
from pipeline.disclosure import COMPLEMENT_LABEL, SHOWN, suppressed_label
from pipeline.survey import charts as sc
from pipeline.survey.findings import question_bases
from pipeline.survey.instrument import load_scales

__all__ = [
    "at_risk_prose",
    "challenges_prose",
    "count_share",
    "drivers_prose",
    "hidden_words",
    "quantity",
    "stage_findings",
    "straightforward_prose",
    "straightforward_segments",
    "straightforward_summary",
]

STRAIGHTFORWARD_ITEM = "Establishing partnerships"


def hidden_words(label: str, k: int) -> str:
    """A hidden count in words: ``"fewer than 5"`` or ``"a number not shown"``."""
    if label == suppressed_label(k):
        return f"fewer than {int(k)}"
    if label == COMPLEMENT_LABEL:
        return "a number not shown"
    raise ValueError(f"{label!r} is not a hidden-cell label")


def count_share(count: int | None, label: str, whole: int, k: int) -> str:
    """``"12 (30.0%)"`` of ``whole`` (here 40), or the hidden count in words (no share then)."""
    if count is None:
        return hidden_words(label, k)
    return f"{report.fmt_int(count)} ({report.fmt_pct(100.0 * count / whole)})"


def quantity(count: int | None, label: str, whole: int, k: int) -> str:
    """``"a minority (16, or 43.2%)"``: the share in words, then the count and percentage.

    A hidden count stays hidden: ``"fewer than 5"`` or ``"a number not shown"``.
    """
    if count is None:
        return hidden_words(label, k)
    word = wording.share_word(count, whole)
    if word in ("none", "all"):
        return word
    return f"{word} ({report.fmt_int(count)}, or {report.fmt_pct(100.0 * count / whole)})"


def straightforward_segments(findings: Mapping[str, Any], k: int) -> pd.DataFrame:
    """The protected cells of the "how straightforward" question (one diverging bar)."""
    order = list(load_scales()["straightforward4"].labels)
    dist = sc.distribution_frame(findings["straightforward_counts"], item=STRAIGHTFORWARD_ITEM)
    return sc.diverging_data(dist, order, k)


def straightforward_prose(findings: Mapping[str, Any], k: int) -> dict[str, Any]:
    """Values for the sentence on how straightforward partnerships were.

    ``sf_negative``/``sf_positive``: the two answers below/above the middle of the scale;
    ``sf_middle``: the two middle answers; ``sf_very``/``sf_not_at_all``: the ends.
    """
    labels = list(load_scales()["straightforward4"].labels)
    half = len(labels) // 2
    segments = straightforward_segments(findings, k)
    counts = {str(r["label"]): int(r["count"]) for r in findings["straightforward_counts"]}
    n = int(findings["survey_straightforward_n"])

    def group(answers: Sequence[str], form: Any) -> str:
        count, label = sc.group_count(segments, counts, answers, k)
        return form(count, label, n, k)

    return {
        "sf_answered": n,
        "sf_negative": group(labels[:half], quantity),
        "sf_positive": group(labels[half:], quantity),
        "sf_middle": group(labels[1:-1], quantity),
        "sf_very": group(labels[-1:], count_share),
        "sf_not_at_all": group(labels[:1], count_share),
    }


def straightforward_summary(findings: Mapping[str, Any], k: int) -> str:
    """The paragraph on how straightforward partnerships were, or why there is none.

    The question may be missing from an export (it was not asked), so the paragraph's
    presence depends on the data and it is assembled here rather than in the chapter's
    Markdown; its numbers and words are :func:`straightforward_prose`'s.
    """
    if findings["survey_straightforward_n"] is None:
        return (
            "The survey export does not include this question, so it was not asked and no "
            "figure is given."
        )
    v = straightforward_prose(findings, k)
    return (
        f"Of the {report.fmt_int(v['sf_answered'])} respondents who answered the question, "
        f"{v['sf_negative']} found it not straightforward (not at all or not very) and "
        f"{v['sf_positive']} found it somewhat or very straightforward; {v['sf_middle']} chose "
        f"one of the middle answers (not very or somewhat). At the ends of the scale, "
        f"{v['sf_very']} called it very straightforward and {v['sf_not_at_all']} not at all "
        "straightforward."
    )


def drivers_prose(drivers: pd.DataFrame, base: int, k: int) -> dict[str, Any]:
    """Values for the sentence on motivations (``drivers``: :func:`~charts.drivers_data`).

    ``drivers_first_chosen`` is the count (or the hidden count in words) and
    ``drivers_first_share`` its share of ``base``, the respondents who chose any motivation.
    """
    first = drivers.iloc[0]
    second = drivers.iloc[1] if len(drivers) > 1 else None

    def chosen(row: Any) -> str:
        if row is None:
            return "none"
        if bool(row["suppressed"]):
            return hidden_words(str(row["label"]), k)
        return report.fmt_int(int(row["count"]))

    shown = not bool(first["suppressed"])
    return {
        "drivers_answered": base,
        "drivers_first": str(first["driver"]),
        "drivers_first_chosen": chosen(first),
        "drivers_first_share": (
            report.fmt_pct(100.0 * int(first["count"]) / base) if shown else "share not shown"
        ),
        "drivers_second": str(second["driver"]) if second is not None else "no other motivation",
        "drivers_second_chosen": chosen(second),
    }


def challenges_prose(agree: pd.DataFrame) -> dict[str, Any]:
    """Values for the sentence on challenges (``agree``: :func:`~charts.agreement_table`)."""
    shown = agree.dropna(subset=["Share (%)"])
    if shown.empty:
        raise ValueError("no challenge has enough answers to report a share")
    first, last = shown.iloc[0], shown.iloc[-1]

    def agreed(row: Any) -> str:
        return (
            f"{row['Agreed']} of the {report.fmt_int(row['Answered'])} who answered, "
            f"{report.fmt_pct(row['Share (%)'])}"
        )

    return {
        "challenge_first": str(first["Challenge"]),
        "challenge_first_agreed": agreed(first),
        "challenge_last": str(last["Challenge"]),
        "challenge_last_agreed": agreed(last),
        "challenges_reported": report.fmt_int(len(shown)),
        "challenges_total": report.fmt_int(len(agree)),
    }


def at_risk_prose(findings: Mapping[str, Any]) -> dict[str, Any]:
    """Values for the felt-at-risk sentence: a count over the whole sample, shown as it is.

    ``risk_said``: ``"none"`` or the count; its base is the respondents who answered.
    """
    base = question_bases(findings)["at_risk"]
    said = int(findings["at_risk_survey_respondents"])
    return {
        "risk_said": "none" if said == 0 else report.fmt_int(said),
        "risk_answered": base,
        "risk_share": report.fmt_pct(100.0 * said / base) if base else "no share",
    }


def _share_if_shown(segments: pd.DataFrame, label: str, share: Any) -> Any:
    """``share`` when the answer's cell is shown in the chapter, else ``None``."""
    status = segments.loc[segments["label"] == label, "status"]
    return share if len(status) and status.iloc[0] == SHOWN else None


def stage_findings(findings: Mapping[str, Any], k: int) -> dict[str, Any]:
    """The chapter's findings record, protected as the chapter is.

    A share whose count the chapter hides (small, or hidden so a small one cannot be worked
    out) is ``None``; drivers chosen by fewer than ``k`` read ``"<k"``. Overall totals
    (responses, organisations, respondents who felt at risk) are shown as they are.
    """
    very = findings["survey_very_straightforward_share"]
    not_at_all = findings["survey_not_straightforward_share"]
    if findings["survey_straightforward_n"] is not None:
        labels = list(load_scales()["straightforward4"].labels)
        segments = straightforward_segments(findings, k)
        very = _share_if_shown(segments, labels[-1], very)
        not_at_all = _share_if_shown(segments, labels[0], not_at_all)
    return {
        "survey_responses": int(findings["survey_responses"]),
        "survey_organisations": int(findings["survey_organisations"]),
        "survey_straightforward_n": findings["survey_straightforward_n"],
        "survey_very_straightforward_share": very,
        "survey_not_straightforward_share": not_at_all,
        "drivers_ranked": sc.suppressed_ranking(findings["drivers_ranked"], k),
        "at_risk_survey_respondents": int(findings["at_risk_survey_respondents"]),
    }
