"""Command line front door: ``python -m pipeline <command> ...``.

Commands (each has ``--help``):

  reference generate   write the synthetic reference edition of every raw input
  centres clean        clean a centres workbook (.xlsx or .csv)
  survey clean         clean and anonymise a survey export (Qualtrics CSV)
  interviews clean     clean an NVivo-style interview coding export and codebook
  biblio ingest        read bibliometric exports (OpenAlex, WoS, Scopus, MEDLINE, PubMed)
  network              network analysis of the cleaned centres tables, with GraphML export
  notebook             run one stage's notebook (what each DVC stage calls)
  book                 build the Jupyter Book (HTML and PDF) from executed notebooks
"""

from __future__ import annotations

import importlib
import sys

# command words -> "module:function" taking argv and returning an exit code
COMMANDS: dict[tuple[str, ...], tuple[str, str]] = {
    ("reference", "generate"): ("pipeline.synthetic.generate", "write the synthetic reference inputs"),
    ("centres", "clean"): ("pipeline.centres.cli", "clean a centres workbook or CSV"),
    ("survey", "clean"): ("pipeline.survey.cli", "clean and anonymise a survey export"),
    ("interviews", "clean"): ("pipeline.interviews.cli", "clean an NVivo-style interview coding export"),
    ("biblio", "ingest"): ("pipeline.biblio.cli", "ingest bibliometric exports into works.parquet"),
    ("network",): ("pipeline.network.cli", "network analysis of the centres' organisations (GraphML too)"),
    ("notebook",): ("pipeline.notebook", "run a stage's notebook with papermill"),
    ("book",): ("pipeline.book", "build the book (HTML and PDF)"),
    ("findings",): ("pipeline.findings", "merge per-stage findings into metrics/findings.json"),
}


#: modules whose ``cli`` parses the sub-command word itself (``ingest ...``)
KEEP_SUBCOMMAND = {"pipeline.biblio.cli"}


def _usage() -> str:
    lines = ["usage: python -m pipeline <command> [options]", "", "commands:"]
    for words, (_, text) in COMMANDS.items():
        lines.append(f"  {' '.join(words):<20} {text}")
    lines.append("")
    lines.append("Run 'python -m pipeline <command> --help' for a command's options.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(_usage())
        return 0
    for words, (module_name, _) in sorted(COMMANDS.items(), key=lambda kv: -len(kv[0])):
        if tuple(args[: len(words)]) == words:
            module = importlib.import_module(module_name)
            # modules with their own sub-command parser get the sub-command word too
            skip = len(words) - (1 if module_name in KEEP_SUBCOMMAND else 0)
            return int(module.cli(args[skip:]) or 0)
    print(f"unknown command: {' '.join(args[:2])}\n\n{_usage()}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
