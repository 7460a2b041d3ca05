"""Assemble the survey cleaning outputs from the kept responses and their parsed answers.

Shared (safe to publish):

* ``responses`` -- one row per kept response under a pseudonymous id (``R001`` ...): the
  platform's status and progress, one column per choice question (scale answers as ordered
  categoricals, multi-selects joined by `` | `` with a count) and the registry organisation
  the typed name resolved to (``org_id``); no free text, no timestamp, nothing else;
* ``answers_long`` -- one row per (response, choice question, answer);
* ``questions`` -- how each column of the export was handled (dropped ones by name only);
* ``rejects`` -- set-aside rows (values redacted by :mod:`pipeline.privacy`).

Restricted (the review folder only): ``free_text`` -- every free-text answer as typed, with its
redacted version and that version's hash (the candidates a reviewer may approve), and
``unresolved`` -- organisation names the registry could not match.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pipeline.privacy import EXCERPT_COLUMNS, excerpt_record
from pipeline.survey.anonymise import platform_columns
from pipeline.survey.instrument import Question, load_scales
from pipeline.survey.read import RawExport
from pipeline.survey.rules import REJECT_COLUMNS, status_label, to_float

UNRESOLVED = "unresolved"
#: ``(org_id, method, score, candidate)`` of one typed organisation name.
Match = tuple[str | None, str, float, str | None]
Resolve = Callable[[str], Match]


#: Conversion and dtype of each platform column carried into ``responses`` (by output name).
PLATFORM_OUTPUTS: dict[str, tuple[Callable[[Any], Any], str]] = {
    "status": (status_label, "string"),
    "progress": (to_float, "Float64"),
}
#: Question types whose answers are free text: never written to the shared outputs.
FREE_TEXT_TYPES = ("text", "organisation")
FREE_TEXT_COLUMNS = [*EXCERPT_COLUMNS, "response_id", "source_row", "question_id", "question_key"]


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
) -> pd.DataFrame:
    """One row per kept response: platform status and progress, then the answers."""
    responses = pd.DataFrame({"response_id": pd.Series(rids, dtype="string")})
    responses["source_row"] = kept["source_row"].astype("int64").to_numpy()
    for col in platform_columns():
        if col.output and col.id in kept.columns:
            convert, dtype = PLATFORM_OUTPUTS[col.output]
            responses[col.output] = pd.array([convert(v) for v in kept[col.id]], dtype=dtype)
    for col, q in qcols.items():
        for name, values in _answer_columns(q, parsed[col], orgs):
            responses[name] = values
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
    if q.type == "organisation":
        return [
            ("org_id", pd.array(orgs.ids, dtype="string")),
            ("org_match_method", pd.array(orgs.methods, dtype="string")),
            ("org_match_score", pd.array(orgs.scores, dtype="Float64")),
        ]
    return []  # free text: the restricted folder only


def answers_long_table(
    qcols: Mapping[str, Question],
    parsed: Mapping[str, list[Any]],
    rids: list[str],
    export_columns: list[str],
) -> pd.DataFrame:
    """One row per choice answer given: response, question column and key, answer label."""
    rows: list[tuple[str, str, str, str]] = []
    for col, q in qcols.items():
        if q.type in FREE_TEXT_TYPES:
            continue
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
def _handling(col: str, q: Question | None, dropped: Mapping[str, str]) -> str:
    """What became of one export column."""
    if col in dropped:
        return f"dropped: {dropped[col]}"
    if q is None:
        use = {p.id: p for p in platform_columns()}[col]
        if use.use == "duplicates":
            return "read to find repeated responses; replaced by response_id"
        return (
            f"read by the inclusion rules; kept as {use.output}"
            if use.output
            else ("read by the inclusion rules")
        )
    if q.type == "organisation":
        return "resolved to org_id; the name as typed goes to the restricted folder if unresolved"
    if q.type == "text":
        return "free text: restricted folder only (with its redacted version)"
    return "kept"


def questions_table(
    raw: RawExport, qcols: Mapping[str, Question], dropped: Mapping[str, str]
) -> pd.DataFrame:
    """One row per export column: the question it maps to and how it was handled.

    Dropped columns are listed by name only (no question text, no value).
    """
    scales = load_scales()
    rows = []
    for position, col in enumerate(raw.columns, start=1):
        q = qcols.get(col)
        shown = col not in dropped
        rows.append(
            {
                "position": position,
                "question_id": col,
                "key": q.key if q else "",
                "text": (raw.question_text.get(col) or (q.text if q else "")) if shown else "",
                "import_id": raw.import_ids.get(col, "") if shown else "",
                "type": q.type if q else ("dropped" if col in dropped else "platform"),
                "scale": (q.scale or "") if q else "",
                "labels": " | ".join(scales[q.scale].labels) if q and q.scale else "",
                "handling": _handling(col, q, dropped),
            }
        )
    return pd.DataFrame(rows)


# =========================================================================== restricted
def free_text_table(
    qcols: Mapping[str, Question],
    parsed: Mapping[str, list[Any]],
    rids: list[str],
    source_rows: list[int],
    names: list[list[str]],
    everyone: tuple[str, ...] = (),
) -> tuple[pd.DataFrame, Counter[str]]:
    """Every free-text answer with its redacted version (restricted: the review folder only),
    and the redactions made, by kind.

    ``names[i]`` are response ``i``'s own recorded names, ``everyone`` the names of every
    respondent (both redacted from its answers). ``excerpt_id``
    (``survey:R012:comments``) and ``sha256`` (of the redacted text) are what a reviewer copies
    into the approvals file to publish an excerpt.
    """
    rows = []
    total: Counter[str] = Counter()
    for col, q in qcols.items():
        if q.type != "text":
            continue
        for i, (rid, text) in enumerate(zip(rids, parsed[col], strict=True)):
            if not text:
                continue
            record, counts = excerpt_record(f"survey:{rid}:{q.key}", text, names[i], everyone)
            total.update(counts)
            rows.append(
                {
                    **record,
                    "response_id": rid,
                    "source_row": int(source_rows[i]),
                    "question_id": col,
                    "question_key": q.key,
                }
            )
    df = pd.DataFrame(rows, columns=FREE_TEXT_COLUMNS)
    return df.sort_values("excerpt_id", kind="stable").reset_index(drop=True), total


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
