"""Command line front door: ``python -m pipeline <command> ...``.

Every command, and every group of commands (``centres``, ``survey``, ...),
answers ``--help``. Run ``python -m pipeline`` for the list.
"""

from __future__ import annotations

import importlib
import os
import sys

# command words -> (module whose ``cli(argv)`` runs it, one-line description)
COMMANDS: dict[tuple[str, ...], tuple[str, str]] = {
    ("reference", "generate"): (
        "pipeline.synthetic.generate",
        "write the synthetic reference inputs",
    ),
    ("centres", "clean"): ("pipeline.centres.cli", "clean a centres workbook or CSV"),
    ("survey", "clean"): ("pipeline.survey.cli", "clean and anonymise a survey export"),
    ("interviews", "clean"): (
        "pipeline.interviews.cli",
        "clean an NVivo-style interview coding export",
    ),
    ("biblio", "ingest"): ("pipeline.biblio.cli", "ingest bibliometric exports into works.parquet"),
    ("literature", "clean"): (
        "pipeline.literature.cli",
        "clean reference-manager exports and a coding sheet (the literature library)",
    ),
    ("literature", "edition"): (
        "pipeline.literature.cli",
        "rewrite the reference edition of the library from the verified registry",
    ),
    ("workshop", "clean"): (
        "pipeline.workshop.cli",
        "clean the workshop's scoring sheet (feasibility and impact of each recommendation)",
    ),
    ("registers", "clean"): ("pipeline.registers.cli", "clean registers of listed organisations"),
    ("registers", "screen"): (
        "pipeline.registers.cli",
        "screen the cleaned centres' partners against cleaned registers",
    ),
    ("registers", "edition"): (
        "pipeline.registers.cli",
        "copy the reference register of public listings into data/raw/registers",
    ),
    ("network",): (
        "pipeline.network.cli",
        "network analysis of the centres' organisations (GraphML too)",
    ),
    ("notebook",): (
        "pipeline.notebook",
        "run a stage's notebook with papermill (what each DVC stage calls)",
    ),
    ("findings",): ("pipeline.findings", "merge per-stage findings into metrics/findings.json"),
    ("keyfindings",): (
        "pipeline.keyfindings",
        "write the key-findings page (book/generated/key_findings.md)",
    ),
    ("downloads", "workbook"): (
        "pipeline.downloads",
        "write the workbook of every numbered table of the book (one sheet each)",
    ),
    ("book",): ("pipeline.book", "build the book (HTML and PDF)"),
    ("dag",): ("pipeline.dag", "generate or check dvc.yaml from the stage table"),
    ("catalog",): ("pipeline.catalog", "list the datasets the pipeline reads and writes"),
    ("plots", "template"): (
        "pipeline.plots",
        "write the offline page template for `dvc plots diff`",
    ),
}

GROUP_HELP = {
    "reference": "the synthetic reference edition of the inputs",
    "centres": "the joint research centres database",
    "survey": "the survey export",
    "interviews": "the interview coding export",
    "biblio": "bibliometric exports",
    "literature": "the literature library (Phase 1 review)",
    "registers": "registers of listed organisations and the due-diligence screen",
    "workshop": "the workshop's scoring of the recommendations",
    "plots": "DVC plots",
    "downloads": "the book's downloads (figures' and tables' files, the tables workbook)",
}

#: modules whose ``cli`` parses the sub-command word itself (``ingest ...``)
KEEP_SUBCOMMAND = {
    "pipeline.biblio.cli",
    "pipeline.literature.cli",
    "pipeline.registers.cli",
    "pipeline.workshop.cli",
}
HELP = {"-h", "--help", "help"}


def _usage(group: str | None = None) -> str:
    prog = "python -m pipeline" + (f" {group}" if group else "")
    lines = [f"usage: {prog} <command> [options]", ""]
    if group:
        lines += [f"{GROUP_HELP.get(group, group)}", ""]
    lines.append("commands:")
    for words, (_, text) in COMMANDS.items():
        if group is None or words[0] == group:
            lines.append(f"  {' '.join(words):<20} {text}")
    lines += ["", f"Run '{prog} <command> --help' for a command's options."]
    return "\n".join(lines)


def _trace(words: tuple[str, ...], rest: list[str]) -> None:
    """With ``PIPELINE_TRACE_READS`` set, record the files this process opens."""
    if not os.environ.get("PIPELINE_TRACE_READS"):
        return
    from pipeline import tracing
    from pipeline.io import repo_root

    stage = tracing.stage_name(os.environ.get("DVC_STAGE", "")) or (
        rest[0] if words == ("notebook",) and rest else "-".join(words)
    )
    out = tracing.trace_file(stage)
    if out is not None:
        tracing.record(out, {repo_root(), tracing.code_root()})


def _run(words: tuple[str, ...], args: list[str]) -> int:
    module_name = COMMANDS[words][0]
    rest = args[len(words) :]
    _trace(words, rest)
    module = importlib.import_module(module_name)
    # modules with their own sub-command parser get the sub-command word too
    argv = args[len(words) - 1 :] if module_name in KEEP_SUBCOMMAND else rest
    return int(module.cli(argv) or 0)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in HELP:
        print(_usage())
        return 0
    for words in sorted(COMMANDS, key=len, reverse=True):
        if tuple(args[: len(words)]) == words:
            return _run(words, args)
    groups = {w[0] for w in COMMANDS if len(w) > 1}
    if args[0] in groups:
        if len(args) > 1 and args[1] in HELP:
            print(_usage(args[0]))
            return 0
        problem = f"unknown command: {' '.join(args[:2])}" if len(args) > 1 else "missing command"
        print(f"{problem}\n\n{_usage(args[0])}", file=sys.stderr)
        return 2
    print(f"unknown command: {args[0]}\n\n{_usage()}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
