"""Command line: ``python -m pipeline centres clean [FILE] [--out DIR] [options]``.

The front door (:mod:`pipeline.__main__`) passes the words after ``centres clean`` to
:func:`cli`. Run with no argument it cleans what the pipeline's ``clean_centres`` stage
cleans, with the same defaults, but writes into ``./centres_clean/`` rather than
``data/processed/``. Partner names no registry entry matches (they may hold a person's name)
go only to the restricted folder (``./data/restricted/centres/`` unless ``--restricted`` says
otherwise), never under ``--out``: everything under ``--out`` is safe to share.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from pipeline.centres.clean import (
    FUZZY_THRESHOLD_DEFAULT,
    YEAR_MAX_DEFAULT,
    YEAR_MIN_DEFAULT,
    CentresInputError,
    CentresResult,
    clean_centres,
    write_outputs,
)
from pipeline.centres.read import INPUT_SUFFIXES, RAW_DIR, resolve_input
from pipeline.io import stage_settings
from pipeline.privacy import PrivacyError, check_restricted_location, restricted_dir

#: The params.yaml section the pipeline's own cleaning stage reads.
STAGE = "clean_centres"
DEFAULT_OUT = Path("centres_clean")
DEFAULT_RESTRICTED = restricted_dir("centres")
DEFAULTS = {
    "workbook": "auto",
    "raw_dir": RAW_DIR,
    "fuzzy_threshold": FUZZY_THRESHOLD_DEFAULT,
    "year_min": YEAR_MIN_DEFAULT,
    "year_max": YEAR_MAX_DEFAULT,
    "sheet": "auto",
}


def _parser() -> argparse.ArgumentParser:
    kinds = "/".join(INPUT_SUFFIXES)
    p = argparse.ArgumentParser(
        prog="python -m pipeline centres clean",
        description=(
            "Read a centres workbook (.xlsx) or CSV, resolve partners, provinces and funders "
            "through the reference registries, classify research areas, drop exact duplicates "
            "and quarantine invalid rows. Writes the centres, organisations and centre_partners "
            "tables (parquet), centres.csv, centres_rejects.csv, centres_duplicates.csv, "
            "centres_review.csv, centres_accounting.json and centres_cleaning_report.json into "
            "--out (safe to share), and centres_unresolved_organisations.csv (partner names as "
            "typed: keep it private) into --restricted."
        ),
    )
    p.add_argument(
        "input",
        nargs="?",
        type=Path,
        help=f"the centres file (default: the single {kinds} file in {RAW_DIR}/, as the "
        "pipeline picks it)",
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
        help=f"restricted review folder for the unresolved partner names, created owner-only "
        f"if absent (default: ./{DEFAULT_RESTRICTED}/); it must not be inside --out",
    )
    p.add_argument(
        "--params",
        type=Path,
        help=f"a params.yaml: use its `{STAGE}` section (over `common`), as the pipeline's "
        f"{STAGE} stage does; the options below override it",
    )
    p.add_argument(
        "--fuzzy-threshold",
        type=float,
        help="minimum fuzzy score (0-100) for an organisation name match "
        f"(default: {FUZZY_THRESHOLD_DEFAULT:g})",
    )
    p.add_argument(
        "--year-min", type=int, help=f"earliest valid year (default: {YEAR_MIN_DEFAULT})"
    )
    p.add_argument("--year-max", type=int, help=f"latest valid year (default: {YEAR_MAX_DEFAULT})")
    p.add_argument(
        "--ref-dir", type=Path, help="reference registry folder (default: data/reference)"
    )
    p.add_argument(
        "--sheet",
        help="the worksheet of a workbook to read (default: the one visible sheet that holds "
        "a centres table; several such sheets, or only hidden ones, stop with their names)",
    )
    return p


def settings(args: argparse.Namespace) -> dict[str, Any]:
    """The run's settings: defaults, then ``--params``, then the options given."""
    overrides = {
        "workbook": args.input,
        "fuzzy_threshold": args.fuzzy_threshold,
        "year_min": args.year_min,
        "year_max": args.year_max,
        "sheet": args.sheet,
    }
    return stage_settings(DEFAULTS, args.params, STAGE, overrides)


def cli(argv: list[str] | None = None) -> int:
    """Clean a centres file; returns the exit code (1 when the input cannot be used).

    ``argv`` is what follows ``python -m pipeline centres clean`` (a leading ``clean`` word is
    accepted too).
    """
    words = list(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(words[1:] if words[:1] == ["clean"] else words)
    try:
        run = settings(args)
        source = resolve_input(run["workbook"], run["raw_dir"])
        check_restricted_location(args.restricted, [args.out])
    except (FileNotFoundError, ValueError, PrivacyError) as exc:  # no file, several, bad params
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        result = clean_centres(
            source,
            fuzzy_threshold=float(run["fuzzy_threshold"]),
            year_min=int(run["year_min"]),
            year_max=int(run["year_max"]),
            ref_dir=args.ref_dir,
            sheet=run["sheet"],
        )
    except CentresInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    paths = write_outputs(result, args.out, restricted=args.restricted)
    print_summary(result, paths)
    return 0


def print_summary(result: CentresResult, paths: list[Path]) -> None:
    """Where the rows went, the reject reasons by kind, and the files written."""
    acc = result.accounting
    print(f"centres: {acc['source_file']}")
    print(f"  rows read:        {acc['raw_rows']} ({acc['non_data_rows']} blank/notes rows)")
    print(f"  centres kept:     {acc['centres']}")
    print(f"  duplicates:       {acc['duplicates']}")
    print(f"  rejected:         {acc['rejected']}")
    for reason, n in sorted(Counter(_short(r) for r in result.rejects["reason"]).items()):
        print(f"    {n:4d} x {reason}")
    print(f"  unresolved names: {len(result.unresolved)} (listed in the restricted folder)")
    print(f"  for review:       {len(result.review)}")
    for w in result.report.get("ignored_columns", []):
        print(f"  ignored column:   {w}")
    print("  written:")
    for p in paths:
        print(f"    {p}")


def _short(reason: str) -> str:
    """Group reject reasons by their lead phrase (before any quoted value or bracket)."""
    for cut in (" (", " '", ' "'):
        if cut in reason:
            reason = reason.split(cut, 1)[0]
    return reason


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(cli(sys.argv[1:]))
