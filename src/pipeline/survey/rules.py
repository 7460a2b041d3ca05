"""Which survey responses are kept, and what their answers mean.

Two steps, each returning the rows it keeps and a rejects line for every row it sets aside:

* :func:`apply_inclusion_rules` -- a response is set aside when its status is excluded, it is
  not finished (when finishing is required) or its progress is below the minimum; a repeat
  of an earlier ``ResponseId`` is a duplicate. Rows the reader could not parse are rejected
  as malformed.
* :func:`recode_answers` -- answer text becomes scale labels (a multi-select cell a list of
  them). A label that is not on its scale stops the run, naming file, line, column and the
  accepted labels, or (``on_unknown_label="reject"``) quarantines the response.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from pipeline.survey.instrument import Question, Scale, load_scales
from pipeline.survey.read import RawExport, SurveyInputError

if TYPE_CHECKING:
    from pipeline.survey.clean import CleanParams

REJECT_COLUMNS = ["source_file", "source_row", "column", "value", "reason"]
# Qualtrics "numeric values" export codes for the Status column.
STATUS_CODES = {
    "0": "IP Address",
    "1": "Survey Preview",
    "2": "Survey Test",
    "4": "Imported",
    "8": "Spam",
    "9": "Preview Spam",
    "12": "Imported Spam",
    "16": "Offline",
    "17": "Offline Survey Preview",
}
TRUE_VALUES = {"true", "1", "yes", "y", "t"}
FALSE_VALUES = {"false", "0", "no", "n", "f"}

#: ``(column, value shown, reason)`` of one rule a response fails.
Failure = tuple[str, str, str]


def reject(
    source_file: str, line: int, column: str, value: str, reason: str, kind: str = "rejected"
) -> dict[str, Any]:
    """One rejects line; ``_kind`` (rejected or duplicate) is for the accounting only."""
    return {
        "source_file": source_file,
        "source_row": line,
        "column": column,
        "value": value,
        "reason": reason,
        "_kind": kind,
    }


def status_label(value: Any) -> str:
    """A Status cell as its Qualtrics label (numeric export codes translated)."""
    status = str(value).strip()
    return STATUS_CODES.get(status, status)


def to_bool(value: str) -> bool | None:
    """True/False for the usual spellings; None for anything else."""
    v = str(value).strip().casefold()
    if v in TRUE_VALUES:
        return True
    if v in FALSE_VALUES:
        return False
    return None


def to_float(value: str) -> float | None:
    """The number a cell holds, or None."""
    try:
        return float(str(value).strip())
    except ValueError:
        return None


# =========================================================================== inclusion
def rule_failures(row: pd.Series, params: CleanParams, excluded: set[str]) -> list[Failure]:
    """Every inclusion rule ``row`` fails (status, finished, progress), in that order."""
    fails: list[Failure] = []
    if "Status" in row.index:
        status = status_label(row["Status"])
        if status.casefold() in excluded:
            fails.append(("Status", status, f"status is {status!r}"))
    if params.require_finished and "Finished" in row.index and to_bool(row["Finished"]) is not True:
        fails.append(("Finished", str(row["Finished"]), "not finished"))
    if "Progress" in row.index:
        progress = to_float(row["Progress"])
        if progress is None:
            fails.append(("Progress", str(row["Progress"]), "progress is not a number"))
        elif progress < params.min_progress:
            reason = f"progress below {params.min_progress:g}"
            fails.append(("Progress", str(row["Progress"]), reason))
    return fails


def apply_inclusion_rules(
    df: pd.DataFrame,
    response_ids: list[str],
    malformed: list[tuple[int, str]],
    params: CleanParams,
    source_file: str,
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """The responses that pass the rules and are not repeats; rejects for the others."""
    rejects = [
        reject(source_file, line, "", "", f"malformed row: {why}") for line, why in malformed
    ]
    excluded = {s.casefold() for s in params.exclude_status}
    seen: dict[str, int] = {}
    keep: list[bool] = []
    for idx, row in df.iterrows():
        rid = str(response_ids[idx]).strip()
        found = _screen(row, rid, params, excluded, seen, source_file)
        if found is not None:
            rejects.append(found)
        keep.append(found is None)
    return df[pd.Series(keep, index=df.index, dtype=bool)].copy(), rejects


def _screen(
    row: pd.Series,
    rid: str,
    params: CleanParams,
    excluded: set[str],
    seen: dict[str, int],
    source_file: str,
) -> dict[str, Any] | None:
    """The rejects line of a response that fails a rule or repeats an earlier one, else None."""
    line = int(row["source_row"])
    fails = rule_failures(row, params, excluded)
    if fails:
        return reject(source_file, line, fails[0][0], fails[0][1], "; ".join(f[2] for f in fails))
    if rid and rid in seen:
        same = f"same as line {seen[rid]}"
        return reject(
            source_file,
            line,
            "ResponseId",
            same,
            "duplicate response (ResponseId repeated)",
            "duplicate",
        )
    if rid:
        seen[rid] = line
    return None


# =========================================================================== answers
def split_multi(value: str, scale: Scale) -> tuple[list[str], list[str]]:
    """Split a comma-joined multi-select cell into scale labels.

    Labels may themselves contain commas, so known labels (and variants) are
    matched greedily, longest first, before anything is split on commas.
    Returns ``(labels found, fragments not on the scale)``.
    """
    text = str(value).strip()
    if not text:
        return [], []
    found: list[str] = []
    unknown: list[str] = []
    parts = [p.strip() for p in text.split(",")]
    i = 0
    while i < len(parts):
        match = None
        for j in range(len(parts), i, -1):
            label = scale.canonical(", ".join(parts[i:j]))
            if label is not None:
                match = (label, j)
                break
        if match:
            found.append(match[0])
            i = match[1]
        else:
            if parts[i]:
                unknown.append(parts[i])
            i += 1
    ordered = [lab for lab in scale.labels if lab in found]
    return ordered, unknown


def parse_answer(q: Question, value: str, scales: Mapping[str, Scale]) -> tuple[Any, str | None]:
    """``(answer, text not on the scale or None)`` of one cell of question ``q``."""
    if q.type in ("single", "likert"):
        v = value.strip()
        label = scales[q.scale].canonical(v) if v else None
        return label, (v if v and label is None else None)
    if q.type == "multi":
        labels, unknown = split_multi(value, scales[q.scale])
        return labels, (", ".join(unknown) if unknown else None)
    return value.strip() or None, None


def label_error(raw: RawExport, row: int, col: str, q: Question, label: str) -> str:
    """The message for an answer label that is not on its question's scale."""
    text = raw.question_text.get(col) or q.text
    accepted = "; ".join(load_scales()[q.scale].labels) if q.scale else ""
    return (
        f"{raw.path}: line {row}, column {col}: unknown answer label {label!r} for question "
        f"{col} ({text!r}); accepted labels: {accepted}"
    )


def recode_answers(
    kept: pd.DataFrame,
    qcols: Mapping[str, Question],
    raw: RawExport,
    on_unknown_label: str,
    source_file: str,
) -> tuple[pd.DataFrame, dict[str, list[Any]], list[dict[str, Any]]]:
    """Answers of ``kept`` by question column; a response with an unknown label is dropped.

    A response with two unknown labels is one rejected response with two rejects lines.
    Raises :class:`SurveyInputError` on the first unknown label unless ``on_unknown_label``
    is ``"reject"``.
    """
    scales = load_scales()
    parsed: dict[str, list[Any]] = {c: [] for c in qcols}
    rejects: list[dict[str, Any]] = []
    bad: set[Any] = set()
    for idx, row in kept.iterrows():
        line = int(row["source_row"])
        for col, q in qcols.items():
            answer, unknown = parse_answer(q, str(row[col]) if pd.notna(row[col]) else "", scales)
            if unknown is not None:
                if on_unknown_label == "raise":
                    raise SurveyInputError(label_error(raw, line, col, q, unknown))
                rejects.append(reject(source_file, line, col, unknown, "unknown answer label"))
                bad.add(idx)
            parsed[col].append(answer)
    if bad:
        good = [i for i, idx in enumerate(kept.index) if idx not in bad]
        kept = kept.loc[[idx for idx in kept.index if idx not in bad]]
        parsed = {c: [vals[i] for i in good] for c, vals in parsed.items()}
    return kept, parsed, rejects
