"""Clean and anonymise a survey export into tidy, documented tables.

``clean_export`` reads the export, strips personal data, applies the inclusion
rules, turns answer labels into categoricals, resolves each typed organisation
through the reference registry and returns every output table in memory;
``write_outputs`` writes them atomically; ``run`` does both and adds the
findings. Nothing is written before personal data has been removed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.io import atomic_write_csv, atomic_write_json, atomic_write_parquet
from pipeline.survey.anonymise import (
    DEFAULT_DROP_PATTERNS,
    name_values,
    personal_columns,
    redact_text,
)
from pipeline.survey.instrument import Question, Scale, load_questions, load_scales
from pipeline.survey.read import RawExport, SurveyInputError, read_export

OUTPUT_FILES = {
    "responses": "responses.parquet",
    "answers_long": "survey_answers_long.parquet",
    "questions": "survey_questions.csv",
    "rejects": "survey_rejects.csv",
    "unresolved": "survey_unresolved_organisations.csv",
    "accounting": "survey_accounting.json",
    "findings": "survey_findings.json",
}
REJECT_COLUMNS = ["source_file", "source_row", "column", "value", "reason"]
UNRESOLVED = "unresolved"
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
#: Question keys an export must hold: without them no response can be attributed to an
#: organisation, a role or a discipline, so every table downstream would be meaningless.
REQUIRED_KEYS = ("organisation_text", "role", "discipline")
TRUE_VALUES = {"true", "1", "yes", "y", "t"}
FALSE_VALUES = {"false", "0", "no", "n", "f"}


@dataclass(frozen=True)
class CleanParams:
    """Inclusion rules and options (the ``survey`` section of ``params.yaml``)."""

    exclude_status: tuple[str, ...] = ("Survey Preview", "Spam")
    require_finished: bool = True
    min_progress: float = 100.0
    on_unknown_label: str = "raise"  # or "reject": quarantine the row and go on
    drop_column_patterns: tuple[str, ...] = DEFAULT_DROP_PATTERNS
    keep_unmapped_columns: bool = True
    fuzzy_threshold: float = 90.0
    suppress_k: int = 5

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
class CleanResult:
    """Every table the cleaning produces."""

    responses: pd.DataFrame
    answers_long: pd.DataFrame
    questions: pd.DataFrame
    rejects: pd.DataFrame
    unresolved: pd.DataFrame
    accounting: dict[str, Any]
    column_map: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------- helpers
def _natural_key(text: str) -> tuple:
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", text))


def _question_columns(raw: RawExport) -> dict[str, Question]:
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


def _to_bool(value: str) -> bool | None:
    v = str(value).strip().casefold()
    if v in TRUE_VALUES:
        return True
    if v in FALSE_VALUES:
        return False
    return None


def _to_float(value: str) -> float | None:
    try:
        return float(str(value).strip())
    except ValueError:
        return None


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


def _label_error(raw: RawExport, row: int, col: str, q: Question, label: str) -> str:
    text = raw.question_text.get(col) or q.text
    accepted = "; ".join(load_scales()[q.scale].labels) if q.scale else ""
    return (
        f"{raw.path}: line {row}, column {col}: unknown answer label {label!r} for question "
        f"{col} ({text!r}); accepted labels: {accepted}"
    )


def _default_resolver(
    threshold: float,
) -> Callable[[str], tuple[str | None, str, float, str | None]]:
    from pipeline.registries import OrganisationResolver, load_organisations

    resolver = OrganisationResolver(load_organisations(), threshold=threshold)

    def resolve(name: str) -> tuple[str | None, str, float, str | None]:
        r = resolver.resolve(name)
        return r.org_id, r.method, float(r.score), r.candidate

    return resolve


# --------------------------------------------------------------------------- main step
def clean_export(
    path: str | Path,
    params: CleanParams | None = None,
    resolve: Callable[[str], tuple[str | None, str, float, str | None]] | None = None,
) -> CleanResult:
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
    df = raw.frame()
    qcols = _question_columns(raw)
    check_instrument_columns(raw, qcols)
    scales = load_scales()

    # 1. personal data out, first. Response ids and names are held in memory only.
    response_ids = df["ResponseId"].tolist() if "ResponseId" in df.columns else [""] * len(df)
    drop = personal_columns(df, raw.question_text, set(qcols), params.drop_column_patterns)
    names = name_values(df, drop)
    df = df.drop(columns=list(drop))
    redactions: Counter[str] = Counter()
    text_cols = [c for c, q in qcols.items() if q.type in ("text", "organisation")]
    extra_cols = [
        c
        for c in df.columns
        if c != "source_row"
        and c not in qcols
        and c
        not in (
            "StartDate",
            "EndDate",
            "RecordedDate",
            "Status",
            "Progress",
            "Duration (in seconds)",
            "Finished",
            "DistributionChannel",
            "UserLanguage",
        )
    ]
    if not params.keep_unmapped_columns:
        df = df.drop(columns=extra_cols)
        for c in extra_cols:
            drop[c] = "not a question of the instrument (keep_unmapped_columns is false)"
        extra_cols = []
    for col in text_cols + extra_cols:
        use_names = names if (col in extra_cols or qcols[col].type == "text") else []
        new_vals = []
        for v in df[col].tolist():
            red, cnt = redact_text(v, use_names)
            redactions.update(cnt)
            new_vals.append(red)
        df[col] = pd.Series(new_vals, index=df.index, dtype=object)

    # 2. inclusion rules, row by row in file order
    rejects: list[dict[str, Any]] = []
    for line, reason in raw.malformed:
        rejects.append(
            {
                "source_file": source_file,
                "source_row": line,
                "column": "",
                "value": "",
                "reason": f"malformed row: {reason}",
                "_kind": "rejected",
            }
        )
    excluded = {s.casefold() for s in params.exclude_status}
    keep_mask: list[bool] = []
    seen_ids: dict[str, int] = {}
    for idx, row in df.iterrows():
        line = int(row["source_row"])
        fails: list[tuple[str, str, str]] = []
        if "Status" in df.columns:
            status = str(row["Status"]).strip()
            status = STATUS_CODES.get(status, status)
            if status.casefold() in excluded:
                fails.append(("Status", status, f"status is {status!r}"))
        if params.require_finished and "Finished" in df.columns:
            fin = _to_bool(row["Finished"])
            if fin is not True:
                fails.append(("Finished", str(row["Finished"]), "not finished"))
        if "Progress" in df.columns:
            prog = _to_float(row["Progress"])
            if prog is None:
                fails.append(("Progress", str(row["Progress"]), "progress is not a number"))
            elif prog < params.min_progress:
                fails.append(
                    ("Progress", str(row["Progress"]), f"progress below {params.min_progress:g}")
                )
        if fails:
            rejects.append(
                {
                    "source_file": source_file,
                    "source_row": line,
                    "column": fails[0][0],
                    "value": fails[0][1],
                    "reason": "; ".join(f[2] for f in fails),
                    "_kind": "rejected",
                }
            )
            keep_mask.append(False)
            continue
        rid = str(response_ids[idx]).strip()
        if rid and rid in seen_ids:
            rejects.append(
                {
                    "source_file": source_file,
                    "source_row": line,
                    "column": "ResponseId",
                    "value": f"same as line {seen_ids[rid]}",
                    "reason": "duplicate response (ResponseId repeated)",
                    "_kind": "duplicate",
                }
            )
            keep_mask.append(False)
            continue
        if rid:
            seen_ids[rid] = line
        keep_mask.append(True)
    kept = df[pd.Series(keep_mask, index=df.index, dtype=bool)].copy()

    # 3. answers -> labels; unknown labels raise (or reject the row)
    parsed: dict[str, list[Any]] = {c: [] for c in qcols}
    bad_rows: set[int] = set()
    for idx, row in kept.iterrows():
        line = int(row["source_row"])
        for col, q in qcols.items():
            value = str(row[col]) if pd.notna(row[col]) else ""
            if q.type in ("single", "likert"):
                v = value.strip()
                label = scales[q.scale].canonical(v) if v else None
                if v and label is None:
                    msg = _label_error(raw, line, col, q, v)
                    if params.on_unknown_label == "raise":
                        raise SurveyInputError(msg)
                    rejects.append(
                        {
                            "source_file": source_file,
                            "source_row": line,
                            "column": col,
                            "value": v,
                            "reason": "unknown answer label",
                            "_kind": "rejected",
                        }
                    )
                    bad_rows.add(idx)
                parsed[col].append(label)
            elif q.type == "multi":
                labels, unknown = split_multi(value, scales[q.scale])
                if unknown:
                    msg = _label_error(raw, line, col, q, ", ".join(unknown))
                    if params.on_unknown_label == "raise":
                        raise SurveyInputError(msg)
                    rejects.append(
                        {
                            "source_file": source_file,
                            "source_row": line,
                            "column": col,
                            "value": ", ".join(unknown),
                            "reason": "unknown answer label",
                            "_kind": "rejected",
                        }
                    )
                    bad_rows.add(idx)
                parsed[col].append(labels)
            else:
                parsed[col].append(value.strip() or None)
    if bad_rows:
        positions = [i for i, idx in enumerate(kept.index) if idx not in bad_rows]
        kept = kept.loc[[i for i in kept.index if i not in bad_rows]]
        parsed = {c: [vals[i] for i in positions] for c, vals in parsed.items()}
        # a row with two bad labels is one rejected row, one reject line per label
    n_kept = len(kept)
    width = max(3, len(str(n_kept)))
    rids = [f"R{i + 1:0{width}d}" for i in range(n_kept)]

    # 4. organisations through the registry
    org_col = next((c for c, q in qcols.items() if q.type == "organisation"), None)
    org_ids: list[str] = []
    org_methods: list[str] = []
    org_scores: list[float] = []
    unresolved_rows: list[dict[str, Any]] = []
    if org_col is not None and n_kept:
        resolve = resolve or _default_resolver(params.fuzzy_threshold)
        cache: dict[str, tuple[str | None, str, float, str | None]] = {}
        for rid, text in zip(rids, parsed[org_col], strict=True):
            if not text:
                res: tuple[str | None, str, float, str | None] = (None, "blank", 0.0, None)
            else:
                if text not in cache:
                    cache[text] = resolve(text)
                res = cache[text]
            org_id, method, score, candidate = res
            if org_id:
                org_ids.append(org_id)
            else:
                org_ids.append(UNRESOLVED)
                method = method if method == "blank" else UNRESOLVED
                unresolved_rows.append(
                    {
                        "organisation_text": text or "",
                        "response_id": rid,
                        "best_candidate": candidate or "",
                        "score": round(float(score), 1),
                    }
                )
            org_methods.append(method)
            org_scores.append(round(float(score), 1))

    # 5. the tables
    responses = pd.DataFrame({"response_id": pd.Series(rids, dtype="string")})
    responses["source_row"] = kept["source_row"].astype("int64").to_numpy()
    if "Status" in kept.columns:
        responses["status"] = pd.Series(
            [STATUS_CODES.get(str(s).strip(), str(s).strip()) for s in kept["Status"]],
            dtype="string",
        )
    if "Progress" in kept.columns:
        responses["progress"] = pd.array([_to_float(v) for v in kept["Progress"]], dtype="Float64")
    if "Duration (in seconds)" in kept.columns:
        responses["duration_seconds"] = pd.array(
            [
                None if _to_float(v) is None else int(_to_float(v))
                for v in kept["Duration (in seconds)"]
            ],
            dtype="Int64",
        )
    if "RecordedDate" in kept.columns:
        responses["recorded_date"] = pd.Series(
            [str(v).strip()[:10] or None for v in kept["RecordedDate"]], dtype="string"
        )
    for src, dst in (
        ("DistributionChannel", "distribution_channel"),
        ("UserLanguage", "user_language"),
    ):
        if src in kept.columns:
            responses[dst] = pd.Series([str(v).strip() or None for v in kept[src]], dtype="string")
    long_rows: list[tuple[str, str, str, str]] = []
    for col, q in qcols.items():
        vals = parsed[col]
        if q.type == "organisation":
            responses[q.key] = pd.Series(vals, dtype="string")
            responses["org_id"] = pd.Series(org_ids, dtype="string")
            responses["org_match_method"] = pd.Series(org_methods, dtype="string")
            responses["org_match_score"] = pd.array(org_scores, dtype="Float64")
        elif q.type in ("single", "likert"):
            scale = scales[q.scale]
            responses[q.key] = pd.Categorical(
                vals, categories=list(scale.labels), ordered=scale.ordered
            )
        elif q.type == "multi":
            responses[q.key] = pd.Series([" | ".join(v) for v in vals], dtype="string")
            responses[f"{q.key}_n"] = pd.array([len(v) for v in vals], dtype="Int64")
        else:
            responses[q.key] = pd.Series(vals, dtype="string")
        for rid, v in zip(rids, vals, strict=True):
            if q.type == "multi":
                long_rows.extend((rid, col, q.key, opt) for opt in v)
            elif v:
                long_rows.append((rid, col, q.key, str(v)))
    for col in extra_cols:
        if col in kept.columns:
            key = re.sub(r"\W+", "_", col).strip("_").lower() or "column"
            responses[f"extra_{key}"] = pd.Series(
                [str(v).strip() or None for v in kept[col]], dtype="string"
            )

    order = {c: i for i, c in enumerate(raw.columns)}
    answers_long = pd.DataFrame(
        long_rows, columns=["response_id", "question_id", "question_key", "value"]
    ).astype("string")
    answers_long = answers_long.sort_values(
        ["response_id", "question_id", "value"],
        key=lambda s: s.map(order) if s.name == "question_id" else s,
    ).reset_index(drop=True)

    qrows = []
    for col in raw.columns:
        q = qcols.get(col)
        if col == "ResponseId":
            handling = "replaced by response_id"
        elif col in drop:
            handling = f"dropped ({drop[col]})"
        elif q is not None:
            handling = "kept"
        elif col in ("StartDate", "EndDate"):
            handling = "not carried over (exact timestamps; recorded_date keeps the day)"
        elif col == "RecordedDate":
            handling = "kept as the day only (recorded_date)"
        elif col in extra_cols:
            handling = "kept (not in the instrument)"
        else:
            handling = "kept (survey metadata)"
        qrows.append(
            {
                "position": order[col] + 1,
                "question_id": col,
                "key": q.key if q else "",
                "text": raw.question_text.get(col) or (q.text if q else ""),
                "import_id": raw.import_ids.get(col, ""),
                "type": q.type if q else ("personal" if col in drop else "metadata"),
                "scale": (q.scale or "") if q else "",
                "labels": " | ".join(scales[q.scale].labels) if q and q.scale else "",
                "handling": handling,
            }
        )
    questions = pd.DataFrame(qrows)

    reject_df = pd.DataFrame(rejects, columns=[*REJECT_COLUMNS, "_kind"])
    reject_df = reject_df.sort_values(["source_row", "column"], kind="stable").reset_index(
        drop=True
    )
    n_dup = int(reject_df.drop_duplicates("source_row")["_kind"].eq("duplicate").sum())
    n_rej = int(reject_df["source_row"].nunique()) - n_dup
    reject_df = reject_df[REJECT_COLUMNS].astype({"source_row": "int64"})

    unresolved = pd.DataFrame(
        unresolved_rows, columns=["organisation_text", "response_id", "best_candidate", "score"]
    )
    unresolved = unresolved.groupby("organisation_text", as_index=False, sort=True).agg(
        n_responses=("response_id", "size"),
        response_ids=("response_id", lambda s: " | ".join(sorted(s))),
        best_candidate=("best_candidate", "first"),
        score=("score", "max"),
    )

    resolved = [o for o in org_ids if o != UNRESOLVED]
    accounting = {
        "source_file": source_file,
        "layout": raw.layout,
        "encoding": raw.encoding,
        "delimiter": raw.delimiter,
        "warnings": list(raw.warnings),
        "raw_rows": raw.raw_rows,
        "kept": n_kept,
        "rejected": n_rej,
        "duplicates": n_dup,
        "rejected_by_reason": dict(
            sorted(Counter(reject_df.drop_duplicates("source_row")["reason"]).items())
        ),
        "rules": {
            "exclude_status": list(params.exclude_status),
            "require_finished": params.require_finished,
            "min_progress": params.min_progress,
        },
        "columns_dropped_personal": sorted(
            c for c, why in drop.items() if why.startswith("personal")
        ),
        "redactions": {k: int(redactions.get(k, 0)) for k in ("email", "phone", "link", "name")},
        "organisations_resolved": len(set(resolved)),
        "responses_unresolved_organisation": len(org_ids) - len(resolved),
    }
    if accounting["raw_rows"] != n_kept + n_rej + n_dup:
        raise AssertionError(
            f"survey accounting does not balance: raw {raw.raw_rows} != kept {n_kept} + "
            f"rejected {n_rej} + duplicates {n_dup}"
        )
    from pipeline.survey.schemas import validate_outputs

    result = CleanResult(
        responses=responses,
        answers_long=answers_long,
        questions=questions,
        rejects=reject_df,
        unresolved=unresolved,
        accounting=accounting,
        column_map={c: q.key for c, q in qcols.items()},
    )
    validate_outputs(result)
    return result


def write_outputs(
    result: CleanResult, out_dir: str | Path, findings: dict[str, Any] | None = None
) -> list[Path]:
    """Write every table atomically into ``out_dir``; return the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [
        atomic_write_parquet(out / OUTPUT_FILES["responses"], result.responses),
        atomic_write_parquet(out / OUTPUT_FILES["answers_long"], result.answers_long),
        atomic_write_csv(out / OUTPUT_FILES["questions"], result.questions),
        atomic_write_csv(out / OUTPUT_FILES["rejects"], result.rejects),
        atomic_write_csv(out / OUTPUT_FILES["unresolved"], result.unresolved),
        atomic_write_json(out / OUTPUT_FILES["accounting"], result.accounting),
    ]
    if findings is not None:
        paths.append(atomic_write_json(out / OUTPUT_FILES["findings"], findings))
    return paths


def run(
    path: str | Path,
    out_dir: str | Path,
    params: CleanParams | None = None,
    resolve: Callable[[str], tuple[str | None, str, float, str | None]] | None = None,
) -> tuple[CleanResult, dict[str, Any], list[Path]]:
    """Clean ``path``, compute the findings and write everything to ``out_dir``."""
    from pipeline.survey.findings import compute_findings

    params = params or CleanParams()
    result = clean_export(path, params, resolve)
    findings = compute_findings(result.responses, result.answers_long)
    paths = write_outputs(result, out_dir, findings)
    return result, findings, paths
