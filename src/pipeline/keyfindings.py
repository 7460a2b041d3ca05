"""The key-findings page: one line per published figure the pipeline computes (issue 15).

``python -m pipeline keyfindings`` writes ``book/generated/key_findings.md``, which the book's
front page includes. Each line gives the figure in plain words (the ``finding`` field of
``published_figures.yaml``), the value this edition computes (from ``metrics/findings.json``),
whether it reproduces the brief (``metrics/reproduction.json``) and a link to the chapter
that computes it (the stage whose ``metrics/findings/<stage>.json`` holds the key). The
published values themselves are not shown here: the reproduction appendix sets them beside the
computed ones.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline import catalog, published
from pipeline.changes import stage_of_findings
from pipeline.io import atomic_write_text, repo_root

__all__ = [
    "captions",
    "chapter_titles",
    "figures_list_markdown",
    "key_findings_markdown",
    "value_text",
]

CAPTION = re.compile(r"^(?:\(([\w-]+)\)=\n)?\*\*(Figure|Table) ([\w.]+)\.\*\* (.*)", re.DOTALL)

#: Items of a list or mapping shown before "and N more".
SHOWN_ITEMS = 3


def _number(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:,.4g}"


def _item(value: Any) -> str:
    """One item of a listed value: a record by its name (and count), a code as words."""
    if isinstance(value, Mapping):
        name = value.get("name", value.get("label", ""))
        count = value.get("centres", value.get("count"))
        return f"{name} ({_number(count)})" if count is not None else str(name)
    return str(value).replace("_", " ")


def value_text(value: Any, unit: str = "") -> str:
    """A computed value in a few words: numbers as numbers (years without a thousands
    separator, shares as per cent), lists by their first items (records by their name),
    mappings by their largest items (``"a 40, b 30, c 20 and 5 more"``); codes lose their
    underscores."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, (int, float)):
        if unit.startswith("year"):
            return str(value)
        return f"{value * 100:.1f}%" if unit == "share" else _number(value)
    if isinstance(value, Mapping):
        items = sorted(value.items(), key=lambda kv: (-(kv[1] or 0), str(kv[0])))
        shown = [f"{_item(k)} {_number(v)}" for k, v in items[:SHOWN_ITEMS]]
    elif isinstance(value, (list, tuple)):
        items = list(value)
        shown = [_item(v) for v in items[:SHOWN_ITEMS]]
    else:
        return str(value)
    more = len(items) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "") if shown else "none"


def _lookup(findings: Mapping[str, Any], key: str) -> Any:
    value: Any = findings
    for part in key.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def chapter_titles(root: Path, stages: list[str]) -> dict[str, str]:
    """Stage -> the title of its executed notebook (its first Markdown heading)."""
    titles = {}
    for stage in stages:
        path = catalog.locate(f"generated.{stage}", root)
        if not path.is_file():
            continue
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        for cell in cells:
            text = "".join(cell.get("source", []))
            if cell.get("cell_type") == "markdown" and text.startswith("# "):
                titles[stage] = text.splitlines()[0][2:].strip()
                break
    return titles


def key_findings_markdown(
    figures: Mapping[str, Any],
    findings: Mapping[str, Any],
    matches: Mapping[str, bool],
    owners: Mapping[str, str],
    titles: Mapping[str, str],
    targets: Mapping[str, tuple[str, str]] | None = None,
) -> str:
    """The page's Markdown: a list of the computed figures, in the order of the file.

    A figure whose entry names the ``figure`` (a label of :func:`pipeline.report.target`)
    that shows it links to that figure as well as its chapter; ``targets`` maps labels to
    (figure number, stage), see :func:`figure_targets`.
    """
    targets = targets or {}
    lines = []
    for name, spec in figures.items():
        key = spec.get("computed")
        if not key:
            continue
        value = _lookup(findings, key)
        stage = owners.get(key.split(".")[0], "")
        where = f" ([{titles.get(stage, stage)}](generated/{stage}.ipynb))" if stage else ""
        if spec.get("figure"):
            where = f" ({_figure_link(name, spec['figure'], targets)}){where}"
        status = {True: "reproduces the brief", False: "differs from the brief"}.get(
            matches.get(name), "not checked"
        )
        label = spec.get("finding", name)
        text = value_text(value, str(spec.get("unit", "")))
        lines.append(f"- **{label}**: {text} — {status}{where}")
    return "\n".join(lines) + "\n"


def _figure_link(name: str, label: str, targets: Mapping[str, tuple[str, str]]) -> str:
    if label not in targets:
        raise ValueError(
            f"published_figures.yaml: {name} names figure {label!r}, but no chapter shows a "
            "figure with that label (report.show_chart(..., label=...))"
        )
    number, _ = targets[label]
    return f"{{ref}}`Figure {number} <{label}>`"


def captions(notebook: Path) -> list[tuple[str, str, str, str]]:
    """``(kind, number, caption, target)`` of every numbered figure and table an executed
    notebook shows, in order (``target`` is its cross-reference label, see
    :func:`pipeline.report.target`)."""
    found = []
    for cell in json.loads(notebook.read_text(encoding="utf-8")).get("cells", []):
        for output in cell.get("outputs", []):
            text = "".join(output.get("data", {}).get("text/markdown", []))
            match = CAPTION.match(text.strip())
            if match:
                target, kind, number, caption = match.groups()
                found.append((kind, number, " ".join(caption.split()), target or ""))
    return found


def _ref(kind: str, number: str, target: str, stage: str) -> str:
    """A link to a figure or table: to the figure itself when it has a target, else to its
    chapter."""
    if target:
        return f"{{ref}}`{kind} {number} <{target}>`"
    return f"[{kind} {number}](generated/{stage}.ipynb)"


Captions = dict[str, list[tuple[str, str, str, str]]]


def captions_by_stage(root: Path, stages: list[str]) -> Captions:
    """:func:`captions` of each stage's executed notebook (none for a stage not built), read
    once for both the lists of figures and tables and the key findings' links."""
    found: Captions = {}
    for stage in stages:
        path = catalog.locate(f"generated.{stage}", root)
        found[stage] = captions(path) if path.is_file() else []
    return found


def figures_list_markdown(root: Path, stages: list[str], found: Captions | None = None) -> str:
    """The lists of figures and of tables, chapter by chapter in book order, each entry
    linked to the figure or table itself (``found``: :func:`captions_by_stage`)."""
    found = captions_by_stage(root, stages) if found is None else found
    parts = []
    for kind in ("Figure", "Table"):
        lines = [f"## {kind}s", ""]
        for stage in stages:
            entries = [c for c in found[stage] if c[0] == kind]
            lines += [f"- {_ref(k, n, t, stage)} {text}" for k, n, text, t in entries]
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def figure_targets(
    root: Path, stages: list[str], found: Captions | None = None
) -> dict[str, tuple[str, str]]:
    """Figure label -> (figure number, stage), for the figures shown under a label."""
    found = captions_by_stage(root, stages) if found is None else found
    return {
        target: (number, stage)
        for stage in stages
        for kind, number, _, target in found[stage]
        if kind == "Figure" and target and not target.startswith("figure-")
    }


def write_page(root: Path | None = None) -> Path:
    """Write ``book/generated/key_findings.md`` (and the lists of figures and tables) from the
    built metrics and executed notebooks."""
    root = root or repo_root()
    figures = published.load_figures(catalog.locate("reference.published_figures", root))
    findings = json.loads(catalog.locate("metrics.findings", root).read_text(encoding="utf-8"))
    summary = json.loads(catalog.locate("metrics.reproduction", root).read_text(encoding="utf-8"))
    owners = stage_of_findings(root)
    stages = _book_order(root)  # every chapter, so every stage that owns a finding
    titles = chapter_titles(root, stages)
    found = captions_by_stage(root, stages)
    targets = figure_targets(root, stages, found)
    text = key_findings_markdown(
        figures, findings, summary.get("match", {}), owners, titles, targets
    )
    atomic_write_text(
        catalog.locate("project.figures_page", root), figures_list_markdown(root, stages, found)
    )
    return atomic_write_text(catalog.locate("project.key_findings_page", root), text)


def _book_order(root: Path) -> list[str]:
    """The executed notebooks' stages in the order of ``_toc.yml``."""
    import yaml

    toc = yaml.safe_load(catalog.locate("project.toc", root).read_text(encoding="utf-8"))
    files = [Path(c["file"]) for p in toc.get("parts", []) for c in p.get("chapters", [])]
    return [f.name for f in files if f.parent.name == "generated"]


def cli(argv: list[str] | None = None) -> int:
    """Entry point: write the key-findings page; returns 0."""
    argparse.ArgumentParser(
        prog="python -m pipeline keyfindings",
        description="Write book/generated/key_findings.md: one line per published figure the "
        "pipeline computes, with this edition's value, whether it reproduces the brief, and a "
        "link to its chapter.",
    ).parse_args(list(sys.argv[1:] if argv is None else argv))
    print(f"wrote {write_page()}")
    return 0


if __name__ == "__main__":
    sys.exit(cli())
