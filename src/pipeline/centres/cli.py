"""Command line: ``python -m pipeline centres clean <workbook.xlsx|file.csv> --out <dir>``.

The front door (:mod:`pipeline.__main__`) passes the words after ``centres clean`` to
:func:`cli`.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from pipeline.centres.clean import (
    FUZZY_THRESHOLD_DEFAULT,
    YEAR_MAX_DEFAULT,
    YEAR_MIN_DEFAULT,
    CentresInputError,
    clean_centres,
    write_outputs,
)


def _clean_parser() -> argparse.ArgumentParser:
    c = argparse.ArgumentParser(
        prog="python -m pipeline centres clean",
        description=(
            "Read a centres .xlsx/.csv, resolve partners, provinces and funders through the "
            "reference registries, classify research areas, drop exact duplicates and quarantine "
            "invalid rows. Writes centres/organisations/centre_partners parquet, centres.csv, "
            "rejects, duplicates, unresolved_organisations and review CSVs, row_accounting.json "
            "and cleaning_report.json into --out."
        ),
    )
    c.add_argument("input", type=Path, help="centres workbook (.xlsx) or delimited text (.csv)")
    c.add_argument("--out", type=Path, required=True, help="output folder (created if absent)")
    c.add_argument(
        "--fuzzy-threshold",
        type=float,
        default=FUZZY_THRESHOLD_DEFAULT,
        help="minimum fuzzy score (0-100) for an organisation name match (default %(default)s)",
    )
    c.add_argument(
        "--year-min", type=int, default=YEAR_MIN_DEFAULT, help="earliest valid year (%(default)s)"
    )
    c.add_argument(
        "--year-max", type=int, default=YEAR_MAX_DEFAULT, help="latest valid year (%(default)s)"
    )
    c.add_argument(
        "--ref-dir", type=Path, default=None, help="reference registry folder (data/reference)"
    )
    return c


def _findings_parser() -> argparse.ArgumentParser:
    f = argparse.ArgumentParser(
        prog="python -m pipeline centres findings",
        description="Compute the chapter's centres findings (JSON) from cleaned parquet tables.",
    )
    f.add_argument("processed", type=Path, help="folder holding centres.parquet etc.")
    f.add_argument("--out", type=Path, required=True, help="JSON file to write")
    f.add_argument("--ref-dir", type=Path, default=None, help="reference registry folder")
    return f


def cli(argv: list[str] | None = None) -> int:
    """Clean a centres file; returns the exit code (1 on a fatal input error).

    ``argv`` is what follows ``python -m pipeline centres clean`` (a leading ``clean`` word is
    accepted too); ``findings <processed> --out <json>`` computes the chapter's findings.
    """
    args_in = list(sys.argv[1:] if argv is None else argv)
    if args_in[:1] == ["findings"]:
        return _findings(_findings_parser().parse_args(args_in[1:]))
    if args_in[:1] == ["clean"]:
        args_in = args_in[1:]
    args = _clean_parser().parse_args(args_in)
    try:
        result = clean_centres(
            args.input,
            fuzzy_threshold=args.fuzzy_threshold,
            year_min=args.year_min,
            year_max=args.year_max,
            ref_dir=args.ref_dir,
        )
    except CentresInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    paths = write_outputs(result, args.out)
    acc = result.accounting
    print(f"centres: {acc['source_file']}")
    print(f"  rows read:        {acc['raw_rows']} ({acc['non_data_rows']} blank/notes rows)")
    print(f"  centres kept:     {acc['centres']}")
    print(f"  duplicates:       {acc['duplicates']}")
    print(f"  rejected:         {acc['rejected']}")
    for reason, n in sorted(Counter(_short(r) for r in result.rejects["reason"]).items()):
        print(f"    {n:4d} x {reason}")
    print(f"  unresolved names: {len(result.unresolved)}")
    print(f"  for review:       {len(result.review)}")
    for w in result.report.get("ignored_columns", []):
        print(f"  ignored column:   {w}")
    print("  written:")
    for p in paths:
        print(f"    {p}")
    return 0


def _findings(args: argparse.Namespace) -> int:
    from pipeline.centres.findings import compute_findings
    from pipeline.io import atomic_write_json

    findings = compute_findings(args.processed, ref_dir=args.ref_dir)
    atomic_write_json(args.out, findings)
    print(f"centres findings: {findings['centres_total']} centres -> {args.out}")
    return 0


def _short(reason: str) -> str:
    """Group reject reasons by their lead phrase (before any quoted value or bracket)."""
    for cut in (" (", " '", ' "'):
        if cut in reason:
            reason = reason.split(cut, 1)[0]
    return reason


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(cli(sys.argv[1:]))
