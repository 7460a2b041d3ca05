"""Assemble the survey cleaning outputs from the kept responses and their parsed answers.

* ``responses`` -- one row per kept response under a pseudonymous id (``R001`` ...): survey
  metadata, one column per question (scale answers as ordered categoricals, multi-selects
  joined by `` | `` with a count), the resolved organisation, and unmapped columns as
  ``extra_*``;
* ``answers_long`` -- one row per (response, question, answer);
* ``questions`` -- how each column of the export was handled;
* ``rejects`` and ``unresolved`` -- set-aside rows and organisation names to review.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pipeline.survey.instrument import Question, load_scales
from pipeline.survey.read import RawExport
from pipeline.survey.rules import REJECT_COLUMNS, status_label, to_float

UNRESOLVED = "unresolved"
#: ``(org_id, method, score, candidate)`` of one typed organisation name.
Match = tuple[str | None, str, float, str | None]
Resolve = Callable[[str], Match]


def _whole_seconds(value: Any) -> int | None:
    seconds = to_float(value)
    return None if seconds is None else int(seconds)


def _day(value: Any) -> str | None:
    return str(value).strip()[:10] or None


def _text(value: Any) -> str | None:
    return str(value).strip() or None


#: Survey metadata carried into ``responses``: export column, output column, conversion, dtype.
METADATA_OUTPUTS: tuple[tuple[str, str, Callable[[Any], Any], str], ...] = (
    ("Status", "status", status_label, "string"),
    ("Progress", "progress", to_float, "Float64"),
    ("Duration (in seconds)", "duration_seconds", _whole_seconds, "Int64"),
    ("RecordedDate", "recorded_date", _day, "string"),
    ("DistributionChannel", "distribution_channel", _text, "string"),
    ("UserLanguage", "user_language", _text, "string"),
)


def pseudonymous_ids(n: int) -> list[str]:
    """``R001`` ... in file order (wider when there are 1,000 responses or more)."""
    width = max(3, len(str(n)))
    return [f"R{i + 1:0{width}d}" for i in range(n)]


# =========================================================================== organisations
@dataclass
class OrgMatches:
    """Registry matches of the typed organisation of each kept response, in order."""

    ids: list[str] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    unresolved: list[dict[str, Any]] = field(default_factory=list)


def match_organisations(
    texts: Iterable[str | None], rids: list[str], resolve: Resolve
) -> OrgMatches:
    """Resolve each typed organisation once; unmatched names are listed for review."""
    matches = OrgMatches()
    cache: dict[str, Match] = {}
    for rid, text in zip(rids, texts, strict=True):
        if not text:
            res: Match = (None, "blank", 0.0, None)
        else:
            if text not in cache:
                cache[text] = resolve(text)
            res = cache[text]
        org_id, method, score, candidate = res
        if not org_id:
            org_id = UNRESOLVED
            method = method if method == "blank" else UNRESOLVED
            matches.unresolved.append(
                {
                    "organisation_text": text or "",
                    "response_id": rid,
                    "best_candidate": candidate or "",
                    "score": round(float(score), 1),
                }
            )
        matches.ids.append(org_id)
        matches.methods.append(method)
        matches.scores.append(round(float(score), 1))
    return matches


# =========================================================================== responses
def responses_table(
    kept: pd.DataFrame,
    qcols: Mapping[str, Question],
    parsed: Mapping[str, list[Any]],
    rids: list[str],
    orgs: OrgMatches,
    extra_columns: list[str],
) -> pd.DataFrame:
    """One row per kept response: metadata, then answers, then unmapped columns."""
    responses = pd.DataFrame({"response_id": pd.Series(rids, dtype="string")})
    responses["source_row"] = kept["source_row"].astype("int64").to_numpy()
    for src, dst, convert, dtype in METADATA_OUTPUTS:
        if src in kept.columns:
            responses[dst] = pd.array([convert(v) for v in kept[src]], dtype=dtype)
    for col, q in qcols.items():
        for name, values in _answer_columns(q, parsed[col], orgs):
            responses[name] = values
    for col in extra_columns:
        if col in kept.columns:
            key = re.sub(r"\W+", "_", col).strip("_").lower() or "column"
            responses[f"extra_{key}"] = pd.array([_text(v) for v in kept[col]], dtype="string")
    return responses


def _answer_columns(q: Question, vals: list[Any], orgs: OrgMatches) -> list[tuple[str, Any]]:
    """The output columns of one question, in order."""
    if q.type in ("single", "likert"):
        scale = load_scales()[q.scale]
        labels = pd.Categorical(vals, categories=list(scale.labels), ordered=scale.ordered)
        return [(q.key, labels)]
    if q.type == "multi":
        return [
            (q.key, pd.array([" | ".join(v) for v in vals], dtype="string")),
            (f"{q.key}_n", pd.array([len(v) for v in vals], dtype="Int64")),
        ]
    columns = [(q.key, pd.array(vals, dtype="string"))]
    if q.type == "organisation":
        columns += [
            ("org_id", pd.array(orgs.ids, dtype="string")),
            ("org_match_method", pd.array(orgs.methods, dtype="string")),
            ("org_match_score", pd.array(orgs.scores, dtype="Float64")),
        ]
    return columns


def answers_long_table(
    qcols: Mapping[str, Question],
    parsed: Mapping[str, list[Any]],
    rids: list[str],
    export_columns: list[str],
) -> pd.DataFrame:
    """One row per answer given: response, question column and key, answer label or text."""
    rows: list[tuple[str, str, str, str]] = []
    for col, q in qcols.items():
        for rid, v in zip(rids, parsed[col], strict=True):
            if q.type == "multi":
                rows.extend((rid, col, q.key, opt) for opt in v)
            elif v:
                rows.append((rid, col, q.key, str(v)))
    order = {c: i for i, c in enumerate(export_columns)}
    long = pd.DataFrame(rows, columns=["response_id", "question_id", "question_key", "value"])
    long = long.astype("string").sort_values(
        ["response_id", "question_id", "value"],
        key=lambda s: s.map(order) if s.name == "question_id" else s,
    )
    return long.reset_index(drop=True)


# =========================================================================== questions
def _handling(col: str, q: Question | None, dropped: Mapping[str, str], extra: list[str]) -> str:
    """What became of one export column."""
    if col == "ResponseId":
        return "replaced by response_id"
    if col in dropped:
        return f"dropped ({dropped[col]})"
    if q is not None:
        return "kept"
    if col in ("StartDate", "EndDate"):
        return "not carried over (exact timestamps; recorded_date keeps the day)"
    if col == "RecordedDate":
        return "kept as the day only (recorded_date)"
    return "kept (not in the instrument)" if col in extra else "kept (survey metadata)"


def questions_table(
    raw: RawExport, qcols: Mapping[str, Question], dropped: Mapping[str, str], extra: list[str]
) -> pd.DataFrame:
    """One row per export column: the question it maps to and how it was handled."""
    scales = load_scales()
    rows = []
    for position, col in enumerate(raw.columns, start=1):
        q = qcols.get(col)
        rows.append(
            {
                "position": position,
                "question_id": col,
                "key": q.key if q else "",
                "text": raw.question_text.get(col) or (q.text if q else ""),
                "import_id": raw.import_ids.get(col, ""),
                "type": q.type if q else ("personal" if col in dropped else "metadata"),
                "scale": (q.scale or "") if q else "",
                "labels": " | ".join(scales[q.scale].labels) if q and q.scale else "",
                "handling": _handling(col, q, dropped, extra),
            }
        )
    return pd.DataFrame(rows)


# =========================================================================== set aside
@dataclass
class RejectCounts:
    """The rejects table and how many rows it sets aside, by kind and by reason."""

    table: pd.DataFrame
    rejected: int
    duplicates: int
    by_reason: dict[str, int]


def rejects_table(rejects: list[dict[str, Any]]) -> RejectCounts:
    """Rejects by line (a row is counted once, by its first line's kind and reason)."""
    df = pd.DataFrame(rejects, columns=[*REJECT_COLUMNS, "_kind"])
    df = df.sort_values(["source_row", "column"], kind="stable").reset_index(drop=True)
    rows = df.drop_duplicates("source_row")
    duplicates = int(rows["_kind"].eq("duplicate").sum())
    return RejectCounts(
        table=df[REJECT_COLUMNS].astype({"source_row": "int64"}),
        rejected=int(df["source_row"].nunique()) - duplicates,
        duplicates=duplicates,
        by_reason=dict(sorted(Counter(rows["reason"]).items())),
    )


def unresolved_table(unresolved: list[dict[str, Any]]) -> pd.DataFrame:
    """Distinct organisation names not matched, with the responses naming each."""
    df = pd.DataFrame(
        unresolved, columns=["organisation_text", "response_id", "best_candidate", "score"]
    )
    return df.groupby("organisation_text", as_index=False, sort=True).agg(
        n_responses=("response_id", "size"),
        response_ids=("response_id", lambda s: " | ".join(sorted(s))),
        best_candidate=("best_candidate", "first"),
        score=("score", "max"),
    )
