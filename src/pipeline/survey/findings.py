"""Survey findings computed from the cleaned tables.

``survey_findings`` returns plain JSON-ready values; the keys named in
``data/reference/published_figures.yaml`` (``computed:``) are the ones the
reproduction check sets beside the published figures. Ordered answer counts are
lists of ``{"label", "count"}`` so that their order survives JSON with sorted keys.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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


def _organisation_findings(responses: pd.DataFrame) -> dict[str, Any]:
    orgs = responses.get("org_id", pd.Series(dtype="string")).dropna()
    return {
        "survey_organisations": int(orgs[orgs != UNRESOLVED].nunique()),
        "survey_unresolved_organisation_responses": int((orgs == UNRESOLVED).sum()),
    }


def _straightforward_findings(responses: pd.DataFrame) -> dict[str, Any]:
    """How straightforward partnerships were; ``None`` figures when the export lacks Q8."""
    scale = load_scales()["straightforward4"]
    key = _key_of(scale="straightforward4")
    if key not in responses.columns:  # not asked: no count, no share (never zero)
        return {
            "survey_straightforward_n": None,
            "survey_very_straightforward_share": None,
            "survey_not_straightforward_share": None,
            "straightforward_counts": [],
        }
    answers = responses[key]
    answered = int(answers.notna().sum())
    return {
        "survey_straightforward_n": answered,
        "survey_very_straightforward_share": _share(
            int((answers == scale.labels[-1]).sum()), answered
        ),
        "survey_not_straightforward_share": _share(
            int((answers == scale.labels[0]).sum()), answered
        ),
        "straightforward_counts": _ordered(_counts(answers, scale.labels)),
    }


def _driver_findings(responses: pd.DataFrame, answers_long: pd.DataFrame) -> dict[str, Any]:
    key = _key_of(qtype="multi")
    questions = {q.key: q for q in load_questions()}
    labels = load_scales()[questions[key].scale].labels
    chosen = answers_long[answers_long["question_key"] == key]["value"]
    counts = {lab: int((chosen == lab).sum()) for lab in labels}
    out: dict[str, Any] = {
        "drivers_ranked": [
            {"driver": d, "count": c}
            for d, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
    }
    if f"{key}_n" in responses:
        out["drivers_no_answer"] = int((responses[f"{key}_n"] == 0).sum())
        # the denominator of every driver share (pipeline.disclosure, rule 4)
        out["drivers_answered"] = int((responses[f"{key}_n"] > 0).sum())
    return out


def _risk_findings(responses: pd.DataFrame) -> dict[str, Any]:
    labels = load_scales()["yes_no_pnts"].labels
    risk = responses.get(_key_of(scale="yes_no_pnts"), pd.Series(dtype=object))
    return {
        "at_risk_survey_respondents": int((risk == labels[0]).sum()),
        "at_risk_answered": int(risk.notna().sum()),
        "at_risk_counts": _counts(risk, labels),
    }


def _respondent_findings(responses: pd.DataFrame) -> dict[str, Any]:
    scales = load_scales()
    questions = {q.key: q for q in load_questions()}
    out: dict[str, Any] = {}
    for key, name in (
        ("role", "respondents_by_role"),
        ("discipline", "respondents_by_discipline"),
        ("experience", "respondents_by_experience"),
    ):
        if key in questions and key in responses:
            scale = scales[questions[key].scale]
            counts = _counts(responses[key], scale.labels)
            out[name] = _ordered(counts) if scale.ordered else counts
    return out


def _challenge_findings(responses: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    scales = load_scales()
    return {
        q.item or q.key: _ordered(_counts(responses[q.key], scales[q.scale].labels))
        for q in load_questions()
        if q.stem and q.key in responses
    }


def questions_not_asked(responses: pd.DataFrame) -> list[str]:
    """Keys of the instrument's questions that the cleaned responses do not hold.

    Free-text and typed-organisation answers never reach the shared responses (they stay in
    the restricted folder), so they are not counted as not asked.
    """
    private = ("text", "organisation")
    return [
        q.key for q in load_questions() if q.type not in private and q.key not in responses.columns
    ]


def _answered(counts: Sequence[Mapping[str, Any]] | Mapping[str, Any]) -> int:
    """People who gave any answer: every count except the ``No answer`` one."""
    pairs = (
        counts.items()
        if isinstance(counts, Mapping)
        else ((c["label"], c["count"]) for c in counts)
    )
    return sum(int(n) for label, n in pairs if label != NO_ANSWER)


def question_bases(findings: Mapping[str, Any]) -> dict[str, int]:
    """Respondents who answered each question: the denominator of every share of it.

    Keys are question keys of the instrument (``straightforward``, ``drivers``,
    ``challenge_funding``, ``at_risk``, ``role`` ...); a question the export did not include
    has no key. ``findings`` is :func:`survey_findings`' record. A multiple-choice question
    counts the respondents who chose at least one answer; any other counts those whose
    answer is not missing (a "prefer not to say" is an answer). Every chapter that shows a
    share of a survey question divides by this number, so the same question has the same
    denominator everywhere.
    """
    questions = load_questions()
    out: dict[str, int] = {}
    if findings.get("survey_straightforward_n") is not None:
        out[_key_of(scale="straightforward4")] = int(findings["survey_straightforward_n"])
    multi = _key_of(qtype="multi")
    if findings.get("drivers_ranked"):
        out[multi] = int(findings["survey_responses"]) - int(findings.get("drivers_no_answer", 0))
    by_item = {q.item or q.key: q.key for q in questions if q.stem}
    for item, counts in findings.get("challenges_likert", {}).items():
        out[by_item.get(item, item)] = _answered(counts)
    if findings.get("at_risk_counts"):
        out[_key_of(scale="yes_no_pnts")] = _answered(findings["at_risk_counts"])
    for key, name in (
        ("role", "respondents_by_role"),
        ("discipline", "respondents_by_discipline"),
        ("experience", "respondents_by_experience"),
    ):
        if name in findings:
            out[key] = _answered(findings[name])
    return dict(sorted(out.items()))


def survey_findings(responses: pd.DataFrame, answers_long: pd.DataFrame) -> dict[str, Any]:
    """Headline survey figures from ``survey_responses`` and ``survey_answers_long``.

    Shares are percentages rounded to one decimal place, of the respondents who
    answered the question (``None`` when nobody did). Organisations count the
    distinct registry ``org_id`` values, never the ``unresolved`` placeholder. A question
    the export did not include is listed in ``questions_not_asked``, and its figures are
    ``None`` (not asked is not the same as nobody answering).
    """
    return {
        "survey_responses": len(responses),
        "questions_not_asked": questions_not_asked(responses),
        **_organisation_findings(responses),
        **_straightforward_findings(responses),
        **_driver_findings(responses, answers_long),
        **_risk_findings(responses),
        **_respondent_findings(responses),
        "challenges_likert": _challenge_findings(responses),
    }
