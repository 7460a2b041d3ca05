"""``python -m pipeline workshop clean``: clean the workshop scoring sheet.

With no option it reads the one CSV/XLSX sheet in ``data/raw/workshop/`` against the
recommendations table and writes the catalog's outputs: the scores, rejects and accounting
to ``data/processed/`` and the participants' comments to the restricted review folder.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline import catalog
from pipeline.synthesis.read import SynthesisInputError, load_recommendations
from pipeline.workshop.clean import OUTPUT_NAMES, clean_workshop, write_outputs
from pipeline.workshop.read import WorkshopInputError, find_sheet


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m pipeline workshop",
        description="Clean a workshop scoring sheet (participant, organisation_type, "
        "recommendation, feasibility 1-5, impact 1-5, comment) into "
        + ", ".join(OUTPUT_NAMES.values()),
    )
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("clean", help="clean the scoring sheet")
    c.add_argument("--sheet", default="auto",
                   help="the sheet (.csv or .xlsx); default: the one in data/raw/workshop")  # fmt: skip
    c.add_argument("--recommendations", type=Path, default=None,
                   help="the recommendations table (default: the catalog's)")  # fmt: skip
    c.add_argument("--out", type=Path, default=None,
                   help="folder for the shared outputs (default data/processed/workshop)")  # fmt: skip
    c.add_argument("--restricted", type=Path, default=None,
                   help="folder for the comments (default: the restricted review folder)")  # fmt: skip
    return p


def _clean(args: argparse.Namespace) -> int:
    try:
        sheet = find_sheet(args.sheet, catalog.path("raw.workshop"))
        recs = load_recommendations(args.recommendations or catalog.path("raw.recommendations"))
        result = clean_workshop(sheet, recs["id"])
    except (WorkshopInputError, SynthesisInputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    acc = result.accounting
    print(
        f"{acc['source_file']}: {acc['raw_rows']} rows = {acc['kept']} kept + "
        f"{acc['duplicates']} duplicates + {acc['rejected']} rejected "
        f"({acc['participants']} participants; {acc['blank_rows']} blank rows skipped)"
    )
    out = args.out or catalog.path("processed.workshop")
    restricted = args.restricted or catalog.path("restricted.workshop")
    for path in write_outputs(result, out, restricted):
        print(f"wrote {path}")
    return 0


def cli(argv: list[str] | None = None) -> int:
    """Entry point; returns a process exit code (0 ok, 1 bad input)."""
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    return _clean(args)


if __name__ == "__main__":
    sys.exit(cli())
