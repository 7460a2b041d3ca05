"""What changed since the last edition: findings that moved against an earlier revision.

Every edition's computed values are in ``metrics/findings.json`` (one key per finding, the
file ``dvc metrics diff`` compares). This module reads that file as it was at an earlier git
revision (by default the latest tag, i.e. the last released edition, or any revision a user
names), sets it beside the current one and lists every finding whose value moved, appeared or
disappeared, with the chapter (stage) that computes it. Nested findings (a count per year,
per sector, ...) are compared key by key (``centres_by_year.2019``).
"""

from __future__ import annotations

import json
import math
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import catalog

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "AUTO",
    "ChangesError",
    "baseline_revision",
    "changed_findings",
    "findings_at",
    "flatten",
    "stage_of_findings",
]

#: The baseline a user does not name: the latest tag reachable from HEAD.
AUTO = "auto"
COLUMNS = ["finding", "stage", "previous", "current", "change", "status"]


class ChangesError(ValueError):
    """A named revision, or the findings file in it, cannot be read."""


def _git(root: Path, *args: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return out


def baseline_revision(value: str, root: Path) -> str | None:
    """``value`` itself, or with ``"auto"`` the latest tag reachable from HEAD (None when the
    repository has no tag, or is not a git repository)."""
    if str(value).strip().lower() != AUTO:
        return str(value).strip()
    tag = _git(root, "describe", "--tags", "--abbrev=0")
    return tag.strip() if tag and tag.strip() else None


def findings_at(revision: str, root: Path) -> dict[str, Any]:
    """``metrics/findings.json`` as committed at ``revision``."""
    if _git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}") is None:
        raise ChangesError(f"no git revision {revision!r} in {root} (parameter `baseline`)")
    path = catalog.path("metrics.findings").as_posix()
    text = _git(root, "show", f"{revision}:{path}")
    if text is None:
        raise ChangesError(f"revision {revision!r} has no {path} (not a pipeline edition?)")
    return json.loads(text)


def flatten(findings: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested mappings as dotted keys; lists and scalars kept as values."""
    flat: dict[str, Any] = {}
    for key, value in findings.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def stage_of_findings(root: Path) -> dict[str, str]:
    """Top-level finding -> the stage whose ``metrics/findings/<stage>.json`` writes it."""
    owners: dict[str, str] = {}
    for path in sorted((root / catalog.path("metrics.stage_findings")).glob("*.json")):
        for key in json.loads(path.read_text(encoding="utf-8")):
            owners[key] = path.stem
    return owners


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return None if math.isnan(value) else float(value)


def _change(old: Any, new: Any) -> str:
    a, b = _number(old), _number(new)
    if a is None or b is None:
        return ""
    diff = b - a
    text = f"{diff:+,.4g}"
    return f"{text} ({diff / a:+.0%})" if a else text


def changed_findings(
    previous: Mapping[str, Any], current: Mapping[str, Any], owners: Mapping[str, str]
) -> pd.DataFrame:
    """Findings whose value differs (``changed``), or that exist in only one edition
    (``new``, ``removed``): ``finding, stage, previous, current, change, status``."""
    import pandas as pd  # here only: the key findings stage imports this module without it

    old, new = flatten(previous), flatten(current)
    rows = []
    for key in sorted(set(old) | set(new)):
        if key in old and key in new and old[key] == new[key]:
            continue
        status = "changed" if key in old and key in new else ("new" if key in new else "removed")
        rows.append({"finding": key, "stage": owners.get(key.split(".")[0], ""),
                     "previous": old.get(key), "current": new.get(key),
                     "change": _change(old.get(key), new.get(key)), "status": status})  # fmt: skip
    return pd.DataFrame(rows, columns=COLUMNS, dtype=object)
