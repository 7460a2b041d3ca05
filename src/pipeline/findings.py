"""Findings: the computed values each chapter reports, merged into one DVC metrics file.

Each chapter stage writes its own ``metrics/findings/<stage>.json`` (a DVC
output of that stage); the ``findings`` stage merges them into
``metrics/findings.json``, the file ``dvc metrics diff`` compares between
two editions. A key may be written by one stage only.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from pipeline import catalog
from pipeline.io import atomic_write_json, repo_root

FINDINGS_FILE = catalog.path("metrics.findings")
FINDINGS_DIR = catalog.path("metrics.stage_findings")


def write_stage_findings(stage: str, findings: dict[str, Any], root: Path | None = None) -> Path:
    """Write one stage's findings (deterministic JSON)."""
    return atomic_write_json(catalog.locate(f"findings.{stage}", root), findings)


def merge(paths: list[Path]) -> dict[str, Any]:
    """Merge per-stage findings; a key claimed by two stages is an error."""
    merged: dict[str, Any] = {}
    owner: dict[str, str] = {}
    for path in sorted(paths):
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        for key, value in data.items():
            if key in merged:
                raise ValueError(f"finding {key!r} written by both {owner[key]} and {path.name}")
            merged[key] = value
            owner[key] = path.name
    return dict(sorted(merged.items()))


def load_findings(root: Path | None = None) -> dict[str, Any]:
    return json.loads(catalog.locate("metrics.findings", root).read_text(encoding="utf-8"))


def lookup(findings: dict[str, Any], dotted: str) -> Any:
    """``lookup(f, "topic_counts.engineering")`` -> value, or ``KeyError``."""
    value: Any = findings
    for part in dotted.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, dict) and part.isdigit() and int(part) in value:
            value = value[int(part)]
        else:
            raise KeyError(dotted)
    return value


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline findings",
        description="Merge metrics/findings/*.json into metrics/findings.json.",
    )
    parser.parse_args(argv)
    root = repo_root()
    paths = sorted((root / FINDINGS_DIR).glob("*.json"))
    atomic_write_json(root / FINDINGS_FILE, merge(paths))
    print(f"[findings] merged {len(paths)} files into {FINDINGS_FILE}")
    return 0
