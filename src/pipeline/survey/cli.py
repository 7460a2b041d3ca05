"""``python -m pipeline survey clean <export.csv> --out <dir>``: clean one export."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from pipeline.survey.clean import CleanParams, run
from pipeline.survey.read import SurveyInputError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m pipeline survey clean",
        description=(
            "Clean and anonymise a survey export (Qualtrics CSV with 3 or 2 header rows, or a "
            "plain CSV). Personal data is removed before anything is written. Writes "
            "responses.parquet, survey_answers_long.parquet, survey_questions.csv, "
            "survey_rejects.csv, survey_unresolved_organisations.csv, survey_accounting.json "
            "and survey_findings.json into --out."
        ),
    )
    p.add_argument("export", type=Path, help="the survey export (CSV; comma, semicolon or tab)")
    p.add_argument("--out", type=Path, required=True, help="folder for the cleaned outputs")
    p.add_argument(
        "--params",
        type=Path,
        default=None,
        help="a params.yaml holding the options (default: built-in defaults)",
    )
    p.add_argument(
        "--section",
        default="phase2_survey",
        help="section of --params holding the options, laid over its `common` section "
        "(default: phase2_survey)",
    )
    p.add_argument(
        "--on-unknown-label",
        choices=["raise", "reject"],
        default=None,
        help="stop at an answer label not on its scale (raise, default) or "
        "quarantine the row and go on (reject)",
    )
    return p


def cli(argv: list[str] | None = None) -> int:
    """Entry point; returns a process exit code (0 ok, 1 bad input)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["clean"]:
        args_list = args_list[1:]
    args = _parser().parse_args(args_list)
    values: dict = {}
    if args.params is not None:
        loaded = yaml.safe_load(args.params.read_text(encoding="utf-8")) or {}
        values = {**(loaded.get("common") or {}), **(loaded.get(args.section) or {})}
    if args.on_unknown_label:
        values["on_unknown_label"] = args.on_unknown_label
    params = CleanParams.from_mapping(values)
    try:
        result, findings, paths = run(args.export, args.out, params)
    except SurveyInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    acc = result.accounting
    print(
        f"{acc['source_file']}: {acc['raw_rows']} rows = {acc['kept']} kept + "
        f"{acc['rejected']} rejected + {acc['duplicates']} duplicates; "
        f"{findings['survey_organisations']} organisations resolved"
    )
    for path in paths:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(cli())
