"""Command line: ``python -m pipeline biblio ingest <files or folders>... --out works.parquet``."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

__all__ = ["cli", "main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline biblio",
        description=(
            "Bibliometric exports (OpenAlex, Web of Science, Scopus, Dimensions, Lens.org, "
            "MEDLINE, PubMed; any of them may be gzip-compressed)."
        ),
    )
    sub = parser.add_subparsers(dest="command", required=True)
    ing = sub.add_parser(
        "ingest",
        help="read exports and write one deduplicated per-work parquet",
        description=(
            "Read bibliographic exports (files, or folders searched recursively; hidden "
            "files skipped), detect each file's format, and write one row per work to a "
            "parquet file, removing duplicates by DOI and then by the source's own id. "
            "Rejected records go to <out stem>_rejects.csv beside the output, funder names "
            "the registry does not know to <out stem>_unresolved_funders.csv. Exits with "
            "status 1, naming every file and why it could not be read, when no input could "
            "be read (unless --allow-empty)."
        ),
    )
    ing.add_argument("paths", nargs="+", type=Path, help="export files or folders")
    ing.add_argument("--out", required=True, type=Path, help="output parquet file")
    ing.add_argument(
        "--fold-hk-mo", action="store_true", help="count Hong Kong and Macao as China (CN)"
    )
    ing.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")
    ing.add_argument(
        "--allow-empty",
        action="store_true",
        help="when no input can be read, write an empty table and exit 0 (for scripted runs "
        "that expect it)",
    )
    return parser


def cli(argv: list[str]) -> int:
    """Run the ``biblio`` command line with ``argv`` (without the program name); return exit code."""
    from pipeline.biblio.ingest import ingest

    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    if args.command == "ingest":
        try:
            report = ingest(
                args.paths,
                args.out,
                fold_hk_mo=args.fold_hk_mo,
                progress=not args.no_progress,
                allow_empty=args.allow_empty,
            )
        except (OSError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(report.summary())
        print(f"wrote {report.kept:,} works to {args.out}")
        return 0
    return 2  # pragma: no cover - argparse enforces the sub-command


def main() -> None:
    """Entry point for ``python -m pipeline.biblio``."""
    raise SystemExit(cli(sys.argv[1:]))
