"""``python -m pipeline literature <clean|edition> ...``: clean a library, or write the edition.

``clean`` reads reference-manager exports (files or folders of ``.ris``, ``.bib``,
``.json``) and a coding sheet and writes the cleaned tables, the rejects, the
duplicates, the accounting and the generated ``literature.bib`` into ``--out``.
``edition`` rewrites the reference edition's export files from the verified registry.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from pipeline.literature.clean import OUTPUT_FILES, CleanParams, clean_literature, write_outputs
from pipeline.literature.schemas import LiteratureInputError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m pipeline literature",
        description="Clean a literature library (RIS, BibTeX or CSL-JSON exports of Zotero, "
        "EndNote or Mendeley, plus a coding sheet), or write the reference edition.",
    )
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser(
        "clean",
        help="clean exports and a coding sheet",
        description="Writes " + ", ".join(OUTPUT_FILES) + " into --out.",
    )
    c.add_argument("library", nargs="+", type=Path, help="export files, or folders holding them")
    c.add_argument("--coding", type=Path, required=True, help="the coding sheet (.csv or .xlsx)")
    c.add_argument("--out", type=Path, required=True, help="folder for the cleaned outputs")
    c.add_argument("--params", type=Path, default=None,
                   help="a params.yaml holding the options (default: built-in defaults)")  # fmt: skip
    c.add_argument("--section", default="clean_literature",
                   help="section of --params laid over its `common` section")  # fmt: skip
    c.add_argument("--encoding", default=None,
                   help="text encoding of the exports when not UTF-8 (e.g. cp1252)")  # fmt: skip
    e = sub.add_parser("edition", help="write the reference edition's export files")
    e.add_argument("--out", type=Path, default=Path("data/raw/literature"),
                   help="output folder (default data/raw/literature)")  # fmt: skip
    return p


def _params(args: argparse.Namespace) -> CleanParams:
    values: dict = {}
    if args.params is not None:
        loaded = yaml.safe_load(args.params.read_text(encoding="utf-8")) or {}
        values = {**(loaded.get("common") or {}), **(loaded.get(args.section) or {})}
    if args.encoding:
        values["encoding"] = args.encoding
    return CleanParams.from_mapping(values)


def _clean(args: argparse.Namespace) -> int:
    try:
        result = clean_literature(args.library, args.coding, _params(args))
    except LiteratureInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    lib, cod = result.accounting["library"], result.accounting["coding"]
    print(
        f"records: {lib['raw_records']} read = {lib['kept']} kept + {lib['duplicates']} "
        f"duplicates + {lib['rejected']} rejected; coding rows: {cod['raw_rows']} = "
        f"{cod['kept']} kept + {cod['duplicates']} duplicates + {cod['rejected']} rejected "
        f"({cod['unmatched']} matching no reference)"
    )
    for path in write_outputs(result, args.out):
        print(f"wrote {path}")
    return 0


def cli(argv: list[str] | None = None) -> int:
    """Entry point; returns a process exit code (0 ok, 1 bad input)."""
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.command == "clean":
        return _clean(args)
    from pipeline.literature.edition import write_edition

    for path in write_edition(args.out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(cli())
