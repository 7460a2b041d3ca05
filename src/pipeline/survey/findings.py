"""Survey findings computed from the cleaned tables, and small-cell suppression.

``compute_findings`` returns plain JSON-ready values; the keys named in
``data/reference/published_figures.yaml`` (``computed:``) are the ones the
reproduction check sets beside the published figures. Ordered answer counts are
lists of ``{"label", "count"}`` so that their order survives JSON with sorted keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from pipeline.survey.instrument import load_questions, load_scales

NO_ANSWER = "No answer"
UNRESOLVED = "unresolved"


def _key_of(qtype: str | None = None, scale: str | None = None, key: str | None = None) -> str:
    for q in load_questions():
        if (
            (key is None or q.key == key)
            and (scale is None or q.scale == scale)
            and (qtype is None or q.type == qtype)
        ):
            return q.key
    raise KeyError(f"no question with type={qtype} scale={scale} key={key}")


def _share(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _counts(series: pd.Series, labels: Sequence[str]) -> dict[str, int]:
    counts = {lab: int((series == lab).sum()) for lab in labels}
    missing = int(series.isna().sum())
    if missing:
        counts[NO_ANSWER] = missing
    return counts


def _ordered(counts: dict[str, int]) -> list[dict[str, Any]]:
    return [{"label": k, "count": v} for k, v in counts.items()]


def compute_findings(responses: pd.DataFrame, answers_long: pd.DataFrame) -> dict[str, Any]:
    """Headline survey figures from ``responses`` and ``survey_answers_long``.

    Shares are percentages rounded to one decimal place, of the respondents who
    answered the question (``None`` when nobody did). Organisations count the
    distinct registry ``org_id`` values, never the ``unresolved`` placeholder.
    """
    scales = load_scales()
    questions = {q.key: q for q in load_questions()}
    out: dict[str, Any] = {"survey_responses": len(responses)}

    orgs = responses.get("org_id", pd.Series(dtype="string")).dropna()
    out["survey_organisations"] = int(orgs[orgs != UNRESOLVED].nunique())
    out["survey_unresolved_organisation_responses"] = int((orgs == UNRESOLVED).sum())

    sf_key = _key_of(scale="straightforward4")
    sf_scale = scales["straightforward4"]
    sf = responses.get(sf_key, pd.Series(dtype=object))
    answered = int(sf.notna().sum())
    out["survey_straightforward_n"] = answered
    out["survey_very_straightforward_share"] = _share(
        int((sf == sf_scale.labels[-1]).sum()), answered
    )
    out["survey_not_straightforward_share"] = _share(
        int((sf == sf_scale.labels[0]).sum()), answered
    )
    out["straightforward_counts"] = _ordered(_counts(sf, sf_scale.labels))

    drv_key = _key_of(qtype="multi")
    drv_labels = scales[questions[drv_key].scale].labels
    opts = answers_long[answers_long["question_key"] == drv_key]["value"]
    counts = {lab: int((opts == lab).sum()) for lab in drv_labels}
    out["drivers_ranked"] = [
        {"driver": d, "count": c} for d, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    if f"{drv_key}_n" in responses:
        out["drivers_no_answer"] = int((responses[f"{drv_key}_n"] == 0).sum())

    risk_key = _key_of(scale="yes_no_pnts")
    risk = responses.get(risk_key, pd.Series(dtype=object))
    out["at_risk_survey_respondents"] = int((risk == scales["yes_no_pnts"].labels[0]).sum())
    out["at_risk_counts"] = _counts(risk, scales["yes_no_pnts"].labels)

    for key, name in (
        ("role", "respondents_by_role"),
        ("discipline", "respondents_by_discipline"),
        ("experience", "respondents_by_experience"),
    ):
        if key in questions and key in responses:
            labels = scales[questions[key].scale].labels
            counts_k = _counts(responses[key], labels)
            out[name] = _ordered(counts_k) if scales[questions[key].scale].ordered else counts_k

    likert: dict[str, list[dict[str, Any]]] = {}
    for q in load_questions():
        if q.stem and q.key in responses:
            likert[q.item or q.key] = _ordered(_counts(responses[q.key], scales[q.scale].labels))
    out["challenges_likert"] = likert
    return out
