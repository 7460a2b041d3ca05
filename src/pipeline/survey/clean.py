"""Clean and anonymise a survey export into tidy, documented tables.

``clean_export`` runs the steps in order and returns every output table in memory:
read the export (:mod:`.read`), map its columns to the instrument's questions, keep only
those and the platform columns the rules read (:mod:`.anonymise`), apply the inclusion rules
and recode the answers (:mod:`.rules`), resolve each typed organisation through the reference
registry and assemble the tables (:mod:`.tables`). ``write_outputs`` writes them atomically;
``run`` does both and adds the findings.

Two kinds of output: the *shared* tables (:data:`OUTPUT_FILES`: no free text, no personal
data; safe to share) and the *restricted* ones (:data:`RESTRICTED_FILES`: free-text answers as
typed with their redacted versions, unresolved organisation names), written only to the
restricted review folder and never under the shared output folder. Redacted free-text
excerpts reach the shared outputs only when a reviewer has approved them
(:func:`pipeline.privacy.approved_excerpts`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.io import atomic_write_csv, atomic_write_json, atomic_write_parquet
from pipeline.privacy import (
    APPROVALS_FILE,
    KINDS,
    approved_excerpts,
    check_restricted_location,
    redact,
    write_restricted,
)
from pipeline.registries import OrganisationResolver, load_organisations
from pipeline.survey.anonymise import DEFAULT_DROP_PATTERNS, PERSONAL, Anonymised, anonymise
from pipeline.survey.findings import survey_findings
from pipeline.survey.instrument import Question, load_questions
from pipeline.survey.read import RawExport, SurveyInputError, read_export
from pipeline.survey.rules import apply_inclusion_rules, recode_answers
from pipeline.survey.schemas import validate_outputs
from pipeline.survey.tables import (
    UNRESOLVED,
    OrgMatches,
    RejectCounts,
    Resolve,
    answers_long_table,
    free_text_table,
    match_organisations,
    pseudonymous_ids,
    questions_table,
    rejects_table,
    responses_table,
    unresolved_table,
)

#: Every shared file :func:`write_outputs` writes, by table (``findings`` only when given).
OUTPUT_FILES = {
    "responses": "survey_responses.parquet",
    "answers_long": "survey_answers_long.parquet",
    "questions": "survey_questions.csv",
    "rejects": "survey_rejects.csv",
    "excerpts": "survey_approved_excerpts.csv",
    "accounting": "survey_accounting.json",
    "findings": "survey_findings.json",
}
#: Every restricted file, by table: written only into the restricted folder.
RESTRICTED_FILES = {
    "free_text": "survey_free_text.csv",
    "unresolved": "survey_unresolved_organisations.csv",
}
#: Question keys an export must hold: without them no response can be attributed to an
#: organisation, a role or a discipline, so every table downstream would be meaningless.
REQUIRED_KEYS = ("organisation_text", "role", "discipline")


@dataclass(frozen=True)
class CleanParams:
    """Inclusion rules and options (the ``survey`` section of ``params.yaml``)."""

    exclude_status: tuple[str, ...] = ("Survey Preview", "Spam")
    require_finished: bool = True
    min_progress: float = 100.0
    on_unknown_label: str = "raise"  # or "reject": quarantine the row and go on
    drop_column_patterns: tuple[str, ...] = DEFAULT_DROP_PATTERNS
    fuzzy_threshold: float = 90.0
    suppress_k: int = 5
    approvals_path: str = str(APPROVALS_FILE)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None) -> CleanParams:
        """Build from a params mapping, ignoring keys that are not options here."""
        values = dict(values or {})
        if "k_anonymity" in values and "suppress_k" not in values:
            values["suppress_k"] = values["k_anonymity"]
        known = {f.name for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, val in values.items():
            if key not in known:
                continue
            if key in ("exclude_status", "drop_column_patterns"):
                val = tuple(str(v) for v in val)
            kwargs[key] = val
        params = cls(**kwargs)
        if params.on_unknown_label not in ("raise", "reject"):
            raise ValueError("on_unknown_label must be 'raise' or 'reject'")
        return params


@dataclass
class SurveyResult:
    """Every table the cleaning produces (``free_text`` and ``unresolved`` are restricted)."""

    responses: pd.DataFrame
    answers_long: pd.DataFrame
    questions: pd.DataFrame
    rejects: pd.DataFrame
    unresolved: pd.DataFrame
    accounting: dict[str, Any]
    column_map: dict[str, str] = field(default_factory=dict)
    free_text: pd.DataFrame = field(default_factory=pd.DataFrame)
    excerpts: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["excerpt_id", "text"])
    )

    @property
    def restricted(self) -> dict[str, pd.DataFrame]:
        """The restricted tables by file name (for the review folder only)."""
        return {
            RESTRICTED_FILES["free_text"]: self.free_text,
            RESTRICTED_FILES["unresolved"]: self.unresolved,
        }


# --------------------------------------------------------------------------- questions
def question_columns(raw: RawExport) -> dict[str, Question]:
    """Map export columns to instrument questions: by id, else by question text."""
    out: dict[str, Question] = {}
    taken: set[str] = set()
    for q in load_questions():
        if q.id in raw.columns:
            out[q.id] = q
            taken.add(q.id)
    for q in load_questions():
        if q in out.values():
            continue
        for col in raw.columns:
            text = raw.question_text.get(col, "")
            if col in taken or not text:
                continue
            hit = (q.match and re.search(q.match, text, re.IGNORECASE)) or (
                q.item and q.stem and text.casefold().endswith(" - " + q.item.casefold())
            )
            if hit:
                out[col] = q
                taken.add(col)
                break
    return out


def check_instrument_columns(raw: RawExport, qcols: dict[str, Question]) -> None:
    """Refuse an export that is not this survey or lacks a required question.

    Raises :class:`SurveyInputError` naming the file when no column maps to a question of the
    instrument (e.g. some other table was dropped in), or naming the missing questions (id,
    output column and wording) when any of :data:`REQUIRED_KEYS` has no column.
    """
    questions = {q.key: q for q in load_questions()}
    if not qcols:
        shown = ", ".join(raw.columns[:8]) + (", ..." if len(raw.columns) > 8 else "")
        expected = ", ".join(q.id for q in list(questions.values())[:5])
        raise SurveyInputError(
            f"{raw.path}: does not look like the survey export - none of its "
            f"{len(raw.columns)} columns ({shown}) is a question of the instrument "
            f"(expected column ids such as {expected}, or their question text in row 2)"
        )
    present = {q.key for q in qcols.values()}
    missing = [questions[k] for k in REQUIRED_KEYS if k not in present]
    if missing:
        names = "; ".join(f"{q.id} ({q.key}: {q.text!r})" for q in missing)
        raise SurveyInputError(
            f"{raw.path}: required question column(s) missing: {names} - the export must "
            "include these questions (by column id or by question text in row 2)"
        )


def absent_questions(qcols: dict[str, Question], source_file: str) -> list[str]:
    """A warning for each optional question of the instrument that the export does not hold.

    Required questions are refused earlier (:func:`check_instrument_columns`); an optional
    one is cleaned as not asked, and the chapters say so instead of giving a figure.
    """
    present = {q.key for q in qcols.values()}
    return [
        f"{source_file}: optional question {q.id} ({q.key}: {q.text!r}) is not in the export; "
        "it is reported as not asked"
        for q in load_questions()
        if q.key not in present
    ]


def default_resolver(threshold: float) -> Resolve:
    """Resolve typed organisations with the registry's :class:`OrganisationResolver`."""
    resolver = OrganisationResolver(load_organisations(), threshold=threshold)

    def resolve(name: str) -> tuple[str | None, str, float, str | None]:
        r = resolver.resolve(name)
        return r.org_id, r.method, float(r.score), r.candidate

    return resolve


# --------------------------------------------------------------------------- the steps
def clean_export(
    path: str | Path, params: CleanParams | None = None, resolve: Resolve | None = None
) -> SurveyResult:
    """Read, anonymise, filter and recode one export; return all tables in memory.

    ``resolve`` maps typed organisation text to ``(org_id, method, score,
    candidate)``; by default the registry's ``OrganisationResolver``.
    Raises :class:`SurveyInputError` for an unreadable file, a file that is not the survey
    export or lacks a required question (see :func:`check_instrument_columns`), or (with the
    default ``on_unknown_label="raise"``) an answer label that is not on its scale.
    """
    params = params or CleanParams()
    raw = read_export(path)
    source_file = Path(path).name
    qcols = question_columns(raw)
    check_instrument_columns(raw, qcols)
    anon = anonymise(raw.frame(), raw.question_text, qcols, params.drop_column_patterns)
    kept, rejects = apply_inclusion_rules(
        anon.frame, anon.response_ids, raw.malformed, params, source_file
    )
    kept, parsed, label_rejects = recode_answers(
        kept, qcols, raw, params.on_unknown_label, source_file
    )
    rids = pseudonymous_ids(len(kept))
    orgs = _organisations(qcols, parsed, rids, resolve, params.fuzzy_threshold)
    counts = rejects_table(rejects + label_rejects)
    names = [anon.names[i] for i in kept.index]
    free_text, redactions = free_text_table(
        qcols, parsed, rids, kept["source_row"].astype(int).tolist(), names, anon.everyone
    )
    excerpts, excerpt_counts = approved_excerpts(free_text, params.approvals_path)
    unresolved = unresolved_table(orgs.unresolved)
    result = SurveyResult(
        responses=responses_table(kept, qcols, parsed, rids, orgs),
        answers_long=answers_long_table(qcols, parsed, rids, raw.columns),
        questions=questions_table(raw, qcols, anon.dropped),
        rejects=redacted_rejects(counts.table),
        unresolved=unresolved,
        accounting=survey_accounting(
            raw, source_file, len(kept), counts, anon, orgs, params, qcols
        ),
        column_map={c: q.key for c, q in qcols.items()},
        free_text=free_text,
        excerpts=excerpts,
    )
    result.accounting["restricted"] = restricted_counts(
        free_text, unresolved, redactions, excerpt_counts
    )
    validate_outputs(result)
    return result


def redacted_rejects(rejects: pd.DataFrame) -> pd.DataFrame:
    """The rejects table with identifiers in its ``value`` column redacted (an answer typed
    into a choice question can hold anything)."""
    out = rejects.copy()
    out["value"] = [redact(v)[0] if isinstance(v, str) else v for v in out["value"]]
    return out


def restricted_counts(
    free_text: pd.DataFrame,
    unresolved: pd.DataFrame,
    redactions: Mapping[str, int],
    excerpts: Mapping[str, int],
) -> dict[str, Any]:
    """What went to the restricted folder, as counts only (for the cleaning log and appendix)."""
    return {
        "free_text_answers": len(free_text),
        "unresolved_names": len(unresolved),
        "redactions": {k: int(redactions.get(k, 0)) for k in KINDS},
        "excerpts": dict(excerpts),
    }


def _organisations(
    qcols: Mapping[str, Question],
    parsed: Mapping[str, list[Any]],
    rids: list[str],
    resolve: Resolve | None,
    threshold: float,
) -> OrgMatches:
    """Registry matches of the organisation question's answers (none without answers)."""
    org_col = next((c for c, q in qcols.items() if q.type == "organisation"), None)
    if org_col is None or not rids:
        return OrgMatches()
    return match_organisations(parsed[org_col], rids, resolve or default_resolver(threshold))


def survey_accounting(
    raw: RawExport,
    source_file: str,
    kept: int,
    counts: RejectCounts,
    anon: Anonymised,
    orgs: OrgMatches,
    params: CleanParams,
    qcols: dict[str, Question],
) -> dict[str, Any]:
    """How the export was read, where every row went, what was removed for privacy.

    Raises ``AssertionError`` when kept + rejected + duplicates is not the rows read.
    """
    if raw.raw_rows != kept + counts.rejected + counts.duplicates:
        raise AssertionError(
            f"survey accounting does not balance: raw {raw.raw_rows} != kept {kept} + "
            f"rejected {counts.rejected} + duplicates {counts.duplicates}"
        )
    resolved = [o for o in orgs.ids if o != UNRESOLVED]
    return {
        "source_file": source_file,
        "layout": raw.layout,
        "encoding": raw.encoding,
        "delimiter": raw.delimiter,
        "warnings": list(raw.warnings) + absent_questions(qcols, source_file),
        "raw_rows": raw.raw_rows,
        "kept": kept,
        "rejected": counts.rejected,
        "duplicates": counts.duplicates,
        "rejected_by_reason": counts.by_reason,
        "rules": {
            "exclude_status": list(params.exclude_status),
            "require_finished": params.require_finished,
            "min_progress": params.min_progress,
        },
        "columns_dropped": dict(anon.dropped),
        "columns_dropped_personal": sorted(
            c for c, why in anon.dropped.items() if why.startswith(PERSONAL)
        ),
        "organisations_resolved": len(set(resolved)),
        "responses_unresolved_organisation": len(orgs.ids) - len(resolved),
        "unresolved_names": len(
            {u["organisation_text"] for u in orgs.unresolved if u["organisation_text"]}
        ),
    }


# --------------------------------------------------------------------------- outputs
def write_outputs(
    result: SurveyResult,
    out_dir: str | Path,
    findings: dict[str, Any] | None = None,
    restricted: str | Path | None = None,
) -> list[Path]:
    """Write every shared table atomically into ``out_dir`` and, when ``restricted`` names a
    folder, the restricted tables there (owner-only). Returns the paths written.

    Raises :class:`pipeline.privacy.PrivacyError` when ``restricted`` is inside ``out_dir``
    (or holds it): everything under ``out_dir`` must be safe to share.
    """
    if restricted is not None:
        check_restricted_location(restricted, [out_dir])
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [
        atomic_write_parquet(out / OUTPUT_FILES["responses"], result.responses),
        atomic_write_parquet(out / OUTPUT_FILES["answers_long"], result.answers_long),
        atomic_write_csv(out / OUTPUT_FILES["questions"], result.questions),
        atomic_write_csv(out / OUTPUT_FILES["rejects"], result.rejects),
        atomic_write_csv(out / OUTPUT_FILES["excerpts"], result.excerpts),
        atomic_write_json(out / OUTPUT_FILES["accounting"], result.accounting),
    ]
    if findings is not None:
        paths.append(atomic_write_json(out / OUTPUT_FILES["findings"], findings))
    if restricted is not None:
        paths += write_restricted(restricted, result.restricted)
    return paths


def run(
    path: str | Path,
    out_dir: str | Path,
    params: CleanParams | None = None,
    resolve: Resolve | None = None,
    restricted: str | Path | None = None,
) -> tuple[SurveyResult, dict[str, Any], list[Path]]:
    """Clean ``path``, compute the findings and write everything to ``out_dir`` (and the
    restricted tables to ``restricted``, when given)."""
    params = params or CleanParams()
    result = clean_export(path, params, resolve)
    findings = survey_findings(result.responses, result.answers_long)
    paths = write_outputs(result, out_dir, findings, restricted)
    return result, findings, paths
