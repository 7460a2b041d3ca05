"""The stages' parameters: ``params.yaml``, read by dotted key.

Each notebook's cell tagged ``parameters`` names the values it uses, one line
each, by their key in ``params.yaml``::

    stage = "phase3_network"
    seed = param("common.seed")
    top_fraction = param("phase3_network.top_fraction")

Run by hand (Jupyter), the notebook reads those values here; run as a stage,
the runner injects the same values after that cell (papermill), and ``dvc.yaml``
declares exactly those keys for the stage, so changing one value reruns only
the stages that use it. Each value is typed once, in ``params.yaml``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pipeline.catalog import locate

__all__ = ["UnknownParameter", "load", "lookup", "param"]


class UnknownParameter(KeyError):
    """A key that ``params.yaml`` does not hold."""

    def __str__(self) -> str:
        return str(self.args[0])


def load(root: str | Path | None = None) -> dict[str, Any]:
    """The whole ``params.yaml`` of the project at ``root`` (default: this project)."""
    text = locate("project.params", root).read_text(encoding="utf-8")
    return yaml.safe_load(text) or {}


def lookup(params: dict[str, Any], key: str) -> Any:
    """``params["a"]["b"]`` for key ``"a.b"``; :class:`UnknownParameter` when absent."""
    value: Any = params
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            raise UnknownParameter(f"params.yaml has no key {key!r}")
        value = value[part]
    return value


def param(key: str, root: str | Path | None = None) -> Any:
    """One value of ``params.yaml`` by dotted key, e.g. ``param("common.k_anonymity")``."""
    return lookup(load(root), key)
