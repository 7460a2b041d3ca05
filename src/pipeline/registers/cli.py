"""Command line: ``python -m pipeline registers {clean,screen,edition} ...``.

* ``clean``   read register files (or every .csv/.xlsx in a folder), resolve names to the
  organisation registry, and write entries, rejects, duplicates, review and accounting;
* ``screen``  screen the cleaned centres against the cleaned entries and write the screen's
  tables and findings;
* ``edition`` copy the reference register of public facts into the raw-input folder (the
  edition's register input).

The front door (:mod:`pipeline.__main__`) passes the words after ``registers`` to :func:`cli`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.registers.clean import (
    MATCH_THRESHOLD_DEFAULT,
    YEAR_MAX_DEFAULT,
    YEAR_MIN_DEFAULT,
)

RAW_DIR = Path("data") / "raw" / "registers"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m pipeline registers",
        description="Due-diligence screen: clean registers of organisations (lists such as the "
        "US Entity List) and find the centres whose partners appear on them. A listing is a "
        "fact about a list, not a judgement.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="{clean,screen,edition}")
    _clean_parser(sub.add_parser("clean", help="clean register files into entries + tables"))
    _screen_parser(sub.add_parser("screen", help="screen the cleaned centres against entries"))
    e = sub.add_parser("edition", help="copy the reference register into the raw-input folder")
    e.add_argument("--out", type=Path, default=RAW_DIR, help="folder (default %(default)s)")
    return p


def _clean_parser(c: argparse.ArgumentParser) -> None:
    c.add_argument(
        "inputs", nargs="+", type=Path, help="register files (.csv/.xlsx) or folders holding them"
    )
    c.add_argument("--out", type=Path, required=True, help="output folder (created if absent)")
    c.add_argument(
        "--match-threshold",
        type=float,
        default=MATCH_THRESHOLD_DEFAULT,
        help="lowest fuzzy score (0-100) listed for review as a near match; near "
        "matches are never applied (default %(default)s)",
    )
    c.add_argument(
        "--year-min",
        type=int,
        default=YEAR_MIN_DEFAULT,
        help="earliest valid listing year (%(default)s)",
    )
    c.add_argument(
        "--year-max",
        type=int,
        default=YEAR_MAX_DEFAULT,
        help="latest valid listing year (%(default)s)",
    )
    c.add_argument("--ref-dir", type=Path, default=None, help="reference registry folder")


def _screen_parser(s: argparse.ArgumentParser) -> None:
    s.add_argument(
        "--entries",
        type=Path,
        required=True,
        help="registers_entries.parquet written by 'registers clean'",
    )
    s.add_argument(
        "--processed",
        type=Path,
        default=Path("data/processed"),
        help="folder with centres/centre_partners/organisations parquet and "
        "row_accounting.json (default %(default)s)",
    )
    s.add_argument("--out", type=Path, required=True, help="output folder for the tables")
    s.add_argument(
        "--lists",
        nargs="*",
        default=None,
        help="list names to screen against (default: every list)",
    )
    s.add_argument(
        "--fold-hk-mo",
        action="store_true",
        help="count Hong Kong and Macao organisations with mainland China",
    )
    s.add_argument(
        "--synthetic",
        default="auto",
        choices=["auto", "true", "false"],
        help="whether the centres are invented (auto: from the centres input name)",
    )
    s.add_argument("--ref-dir", type=Path, default=None, help="reference registry folder")


def _clean(args: argparse.Namespace) -> int:
    from pipeline.registers.clean import clean_registers, discover_inputs, write_outputs

    files: list[Path] = []
    for item in args.inputs:
        files.extend(discover_inputs(item) if item.is_dir() else [item])
    result = clean_registers(
        files,
        match_threshold=args.match_threshold,
        year_min=args.year_min,
        year_max=args.year_max,
        ref_dir=args.ref_dir,
    )
    paths = write_outputs(result, args.out)
    acc = result.accounting
    print(f"registers: {len(acc['tables'])} table(s) from {len(files)} file(s)")
    print(f"  rows read:   {acc['raw_rows']}")
    print(
        f"  kept:        {acc['kept']} ({acc['matched']} matched to the registry, "
        f"{acc['near_matches']} near matches for review)"
    )
    print(f"  duplicates:  {acc['duplicates']}")
    print(f"  rejected:    {acc['rejected']}")
    for w in result.warnings:
        print(f"  warning: {w}")
    print("  written:", *(f"    {p}" for p in paths), sep="\n")
    return 0


def _screen(args: argparse.Namespace) -> int:
    import pandas as pd

    from pipeline.io import atomic_write_json
    from pipeline.registers.findings import centres_invented, screen, write_screen
    from pipeline.registries import load_nsi_sectors

    base = args.processed
    result = screen(
        pd.read_parquet(args.entries),
        pd.read_parquet(base / "centres.parquet"),
        pd.read_parquet(base / "centre_partners.parquet"),
        pd.read_parquet(base / "organisations.parquet"),
        load_nsi_sectors(args.ref_dir),
        lists=args.lists or None,
        fold_hk_mo=args.fold_hk_mo,
        synthetic=centres_invented(base / "row_accounting.json", args.synthetic),
    )
    paths = write_screen(result, args.out)
    paths.append(atomic_write_json(args.out / "registers_findings.json", result.findings))
    f = result.findings
    print(
        f"screen: {f['centres_with_listed_partner']} of {f['centres_screened']} centres have "
        f"a partner on a register ({f['listed_partners']} partner organisations)"
    )
    print("  written:", *(f"    {p}" for p in paths), sep="\n")
    return 0


def _edition(args: argparse.Namespace) -> int:
    from pipeline.registers.clean import REFERENCE_REGISTER, write_edition

    (target,) = write_edition(args.out)
    print(f"registers: copied {REFERENCE_REGISTER} -> {target}")
    return 0


def cli(argv: list[str] | None = None) -> int:
    """Run a ``registers`` sub-command; returns the exit code (1 on an input error)."""
    from pipeline.registers.read import RegistersInputError

    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    run = {"clean": _clean, "screen": _screen, "edition": _edition}[args.command]
    try:
        return run(args)
    except (RegistersInputError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(cli(sys.argv[1:]))
