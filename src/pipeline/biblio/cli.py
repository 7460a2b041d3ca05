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
        description="Bibliometric exports (OpenAlex, Web of Science, Scopus, MEDLINE, PubMed).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    ing = sub.add_parser(
        "ingest",
        help="read exports and write one deduplicated per-work parquet",
        description=(
            "Read bibliographic exports (files, or folders searched recursively; hidden "
            "files skipped), detect each file's format, and write one row per work to a "
            "parquet file, removing duplicates by DOI and then by the source's own id. "
            "Rejected records go to <out stem>_rejects.csv beside the output."
        ),
    )
    ing.add_argument("paths", nargs="+", type=Path, help="export files or folders")
    ing.add_argument("--out", required=True, type=Path, help="output parquet file")
    ing.add_argument(
        "--fold-hk-mo", action="store_true", help="count Hong Kong and Macao as China (CN)"
    )
    ing.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")
    return parser


def cli(argv: list[str]) -> int:
    """Run the ``biblio`` command line with ``argv`` (without the program name); return exit code."""
    from pipeline.biblio.ingest import ingest

    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    if args.command == "ingest":
        try:
            report = ingest(
                args.paths, args.out, fold_hk_mo=args.fold_hk_mo, progress=not args.no_progress
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
