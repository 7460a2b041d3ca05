"""``python -m pipeline interviews clean [--export FILE] [--codebook FILE] [--out DIR]``.

Run with no argument it cleans what the pipeline's ``clean_interviews`` stage cleans (the
single .xlsx export and the single .csv codebook in ``data/raw/interviews/``), but writes
into ``./interviews_clean/`` rather than ``data/processed/interviews/``. Organisation names the
registry cannot match and the interviewees' roles (free text) go only to the restricted folder
(``./data/restricted/interviews/`` unless ``--restricted`` says otherwise), never under
``--out``: everything under ``--out`` is safe to share.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pipeline.interviews.clean import run
from pipeline.interviews.read import RAW_DIR, InterviewsInputError, resolve_inputs
from pipeline.io import stage_settings
from pipeline.privacy import PrivacyError, check_restricted_location, restricted_dir

#: The params.yaml section the pipeline's own cleaning stage reads.
STAGE = "clean_interviews"
DEFAULT_OUT = Path("interviews_clean")
DEFAULT_RESTRICTED = restricted_dir("interviews")
DEFAULTS: dict[str, Any] = {
    "raw_dir": RAW_DIR,
    "export_path": "auto",
    "codebook_path": "auto",
    "case_sheet": "auto",
    "matrix_sheet": "auto",
}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m pipeline interviews clean",
        description=(
            "Clean an NVivo-style interview coding export (case sheet + framework matrix) "
            "and its codebook. Writes interviews_cases.parquet, interviews_codes_long.parquet, "
            "interviews_code_counts.parquet, interviews_rejects.csv and "
            "interviews_accounting.json into --out (safe to share), and the unresolved "
            "organisation names and free-text fields (keep them private) into --restricted."
        ),
    )
    p.add_argument(
        "--raw",
        help=f"folder holding the export and the codebook (default: {RAW_DIR}/)",
    )
    p.add_argument(
        "--export",
        type=Path,
        help="the coding export (default: the single .xlsx file in the --raw folder, as the "
        "pipeline picks it)",
    )
    p.add_argument(
        "--codebook",
        type=Path,
        help="the codebook (default: the single .csv file in the --raw folder)",
    )
    for what, option in (("case", "--case-sheet"), ("framework matrix", "--matrix-sheet")):
        p.add_argument(
            option,
            help=f"the {what} sheet of the export (default: the one visible sheet named like "
            "it; several candidates, or only hidden ones, stop with their names)",
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
        default=DEFAULT_RESTRICTED,
        help=f"restricted review folder for unresolved names and free text, created owner-only "
        f"if absent (default: ./{DEFAULT_RESTRICTED}/); it must not be inside --out",
    )
    p.add_argument(
        "--params",
        type=Path,
        help=f"a params.yaml: use its `{STAGE}` section (over `common`), as the pipeline's "
        f"{STAGE} stage does; the options above override it",
    )
    return p


def settings(args: argparse.Namespace) -> dict[str, Any]:
    """The run's settings: defaults, then ``--params``, then the options given."""
    overrides = {
        "raw_dir": args.raw,
        "export_path": args.export,
        "codebook_path": args.codebook,
        "case_sheet": args.case_sheet,
        "matrix_sheet": args.matrix_sheet,
    }
    return stage_settings(DEFAULTS, args.params, STAGE, overrides)


def cli(argv: list[str] | None = None) -> int:
    """Entry point; returns a process exit code (0 ok, 1 when the input cannot be used)."""
    words = list(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(words[1:] if words[:1] == ["clean"] else words)
    try:
        chosen = settings(args)
        export, codebook = resolve_inputs(
            chosen["export_path"], chosen["codebook_path"], chosen["raw_dir"]
        )
        check_restricted_location(args.restricted, [args.out])
    except (
        FileNotFoundError,
        ValueError,
        PrivacyError,
    ) as exc:  # no such file, several, bad params
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        sheets = {k: chosen[k] for k in ("case_sheet", "matrix_sheet")}
        result, paths = run(export, codebook, args.out, args.restricted, **sheets)
    except InterviewsInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    cases = result.accounting["cases_sheet"]
    print(
        f"interviews: {cases['raw_rows']} case rows = {cases['kept']} kept + "
        f"{cases['duplicates']} duplicates + {cases['rejected']} rejected; "
        f"{len(result.rejects)} rejects lines"
    )
    for path in paths:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(cli())
