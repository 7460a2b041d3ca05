"""``python -m pipeline survey clean [EXPORT] [--out DIR] [--restricted DIR] [options]``.

Run with no argument it cleans what the pipeline's ``clean_survey`` stage cleans, with the
same settings when given the project's ``params.yaml``, but writes into ``./survey_clean/``
rather than ``data/processed/survey/``. Free text and unresolved organisation names go only to
the restricted folder (``./data/restricted/survey/`` unless ``--restricted`` says otherwise),
never under ``--out``: everything under ``--out`` is safe to share.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pipeline.io import stage_settings
from pipeline.privacy import APPROVALS_FILE, PrivacyError, check_restricted_location, restricted_dir
from pipeline.survey.clean import CleanParams, run
from pipeline.survey.read import INPUT_SUFFIXES, RAW_DIR, SurveyInputError, resolve_input

#: The params.yaml section the pipeline's own cleaning stage reads.
STAGE = "clean_survey"
DEFAULT_OUT = Path("survey_clean")
DEFAULT_RESTRICTED = restricted_dir("survey")
_BUILT_IN = CleanParams()
#: The settings the clean_survey stage takes, with the pipeline's defaults.
DEFAULTS: dict[str, Any] = {
    "export_path": "auto",
    "raw_dir": RAW_DIR,
    "exclude_status": list(_BUILT_IN.exclude_status),
    "require_finished": _BUILT_IN.require_finished,
    "min_progress": _BUILT_IN.min_progress,
    "on_unknown_label": _BUILT_IN.on_unknown_label,
    "fuzzy_threshold": _BUILT_IN.fuzzy_threshold,
    "k_anonymity": _BUILT_IN.suppress_k,
    "restricted_dir": str(DEFAULT_RESTRICTED),
    "approvals_path": str(APPROVALS_FILE),
}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m pipeline survey clean",
        description=(
            "Clean and anonymise a survey export (Qualtrics CSV with 3 or 2 header rows, or a "
            "plain CSV). Only the instrument's questions are kept; every other column is dropped "
            "and listed by name. Writes survey_responses.parquet, survey_answers_long.parquet, "
            "survey_questions.csv, survey_rejects.csv, survey_approved_excerpts.csv, "
            "survey_accounting.json and survey_findings.json into --out (safe to share), and "
            "the free-text answers (with their redacted versions) and unresolved organisation "
            "names into --restricted (personal data: keep it private)."
        ),
    )
    p.add_argument(
        "export",
        nargs="?",
        type=Path,
        help=f"the survey export (default: the single {'/'.join(INPUT_SUFFIXES)} file in "
        f"{RAW_DIR}/, as the pipeline picks it); comma, semicolon or tab separated",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"output folder, created if absent (default: ./{DEFAULT_OUT}/ in the current "
        "directory; nothing is written into data/processed/ unless you name it here)",
    )
    p.add_argument(
        "--restricted",
        type=Path,
        help=f"restricted review folder for free text and unresolved names, created "
        f"owner-only if absent (default: ./{DEFAULT_RESTRICTED}/); it must not be inside --out",
    )
    p.add_argument(
        "--approvals",
        type=Path,
        help=f"the reviewer's approvals of redacted excerpts: CSV with excerpt_id and sha256 "
        f"(default: {APPROVALS_FILE} if it exists; without it no excerpt is published)",
    )
    p.add_argument(
        "--params",
        type=Path,
        help=f"a params.yaml: use its `{STAGE}` section (over `common`), as the pipeline's "
        f"{STAGE} stage does (default: the built-in settings)",
    )
    p.add_argument(
        "--on-unknown-label",
        choices=["raise", "reject"],
        help="stop at an answer label not on its scale (raise, the default) or "
        "quarantine the response and go on (reject); overrides --params",
    )
    return p


def settings(args: argparse.Namespace) -> dict[str, Any]:
    """The run's settings: defaults, then ``--params``, then the options given."""
    overrides = {
        "export_path": args.export,
        "on_unknown_label": args.on_unknown_label,
        "restricted_dir": args.restricted,
        "approvals_path": args.approvals,
    }
    return stage_settings(DEFAULTS, args.params, STAGE, overrides)


def cli(argv: list[str] | None = None) -> int:
    """Entry point; returns a process exit code (0 ok, 1 when the input cannot be used)."""
    words = list(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(words[1:] if words[:1] == ["clean"] else words)
    try:
        chosen = settings(args)
        export = resolve_input(chosen["export_path"], chosen["raw_dir"])
        params = CleanParams.from_mapping(
            {**chosen, "approvals_path": str(chosen["approvals_path"])}
        )
        restricted = check_restricted_location(chosen["restricted_dir"], [args.out])
    except (FileNotFoundError, ValueError) as exc:  # no such file, several, bad params
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        result, findings, paths = run(export, args.out, params, restricted=restricted)
    except (SurveyInputError, PrivacyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    acc = result.accounting
    print(
        f"{acc['source_file']}: {acc['raw_rows']} rows = {acc['kept']} kept + "
        f"{acc['rejected']} rejected + {acc['duplicates']} duplicates; "
        f"{findings['survey_organisations']} organisations resolved"
    )
    for path in paths:
        note = " (restricted: personal data)" if restricted in path.parents else ""
        print(f"wrote {path}{note}")
    return 0


if __name__ == "__main__":
    sys.exit(cli())
