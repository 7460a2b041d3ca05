"""The brief's published figures: the one loader of ``data/reference/published_figures.yaml``.

That file is the only place where the figures RAND Europe published are typed
(ground rule 1). It is read for two purposes only: the synthetic generators
calibrate to it, and the reproduction check sets each figure beside the value
computed from ``data/raw/``. Chapters read from it just the analysis settings
the brief defines (the golden-era window, the map key of the province map).

Public API::

    load_document(path=None) -> {"sources": ..., "figures": ...}
    load_figures(path=None)  -> {figure_id: {"value": ..., ...}}
    values(path=None)        -> {figure_id: value}
    golden_era(figures)      -> (start, end)
    province_bins(figures)   -> [lower bounds]
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "FILE_NAME",
    "figures_path",
    "golden_era",
    "load_document",
    "load_figures",
    "province_bins",
    "values",
]

FILE_NAME = "published_figures.yaml"


def figures_path(path: str | Path | None = None) -> Path:
    """``path`` itself, or ``published_figures.yaml`` in the reference directory."""
    if path is not None:
        return Path(path)
    from pipeline.registries import reference_dir

    return Path(reference_dir()) / FILE_NAME


def load_document(path: str | Path | None = None) -> dict[str, Any]:
    """The parsed file: ``sources`` (citations) and ``figures``."""
    p = figures_path(path)
    doc = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    if not isinstance(doc.get("figures"), dict):
        raise TypeError(f"{p}: no 'figures' mapping")
    return doc


def load_figures(path: str | Path | None = None) -> dict[str, Any]:
    """The ``figures`` mapping: ``{figure_id: {value, unit, tolerance, computed, ...}}``."""
    return load_document(path)["figures"]


def values(path: str | Path | None = None) -> dict[str, Any]:
    """``{figure_id: value}`` for every published figure."""
    return {name: spec["value"] for name, spec in load_figures(path).items()}


def golden_era(figures: Mapping[str, Any]) -> tuple[int, int]:
    """First and last year of the golden-era period (``figures.golden_era.value``)."""
    try:
        start, end = (int(v) for v in figures["golden_era"]["value"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError("published figures: golden_era must be a [start, end] pair") from exc
    if start > end:
        raise ValueError(f"published figures: golden_era starts ({start}) after it ends ({end})")
    return start, end


def province_bins(figures: Mapping[str, Any]) -> list[int]:
    """Lower bounds of the province map bins (``figures.province_map_bins.value``)."""
    try:
        bins = [int(v) for v in figures["province_map_bins"]["value"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError("published figures: province_map_bins must be a list of integers") from exc
    if not bins:
        raise ValueError("published figures: province_map_bins is empty")
    return bins
