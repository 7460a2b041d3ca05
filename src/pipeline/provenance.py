"""Provenance of an edition: raw-input hashes, parameters, package versions.

The volatile parts (build date, git version) are written at book-build time
into ``book/generated/edition.md`` by :mod:`pipeline.book`, so the executed
notebooks stay byte-identical between runs.
"""

from __future__ import annotations

import importlib.metadata as md
import platform
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from pipeline.book import file_md5, raw_files
from pipeline.io import repo_root

KEY_PACKAGES = (
    "pandas",
    "pyarrow",
    "numpy",
    "scipy",
    "pandera",
    "rapidfuzz",
    "duckdb",
    "networkx",
    "altair",
    "vl-convert-python",
    "geopandas",
    "shapely",
    "openpyxl",
    "papermill",
    "jupyter-book",
    "myst-nb",
    "sphinx",
    "dvc",
    "pyyaml",
)


def raw_inputs_table(root: Path | None = None) -> pd.DataFrame:
    root = root or repo_root()
    rows = [
        {"file": str(p.relative_to(root)), "bytes": p.stat().st_size, "md5": file_md5(p)}
        for p in raw_files(root)
    ]
    return pd.DataFrame(rows, columns=["file", "bytes", "md5"])


def params_table(root: Path | None = None) -> pd.DataFrame:
    root = root or repo_root()
    params = yaml.safe_load((root / "params.yaml").read_text(encoding="utf-8")) or {}
    rows: list[dict[str, Any]] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        else:
            rows.append({"parameter": prefix, "value": str(value)})

    walk("", params)
    return pd.DataFrame(rows, columns=["parameter", "value"])


def packages_table() -> pd.DataFrame:
    rows = [{"package": "python", "version": platform.python_version()}]
    for name in KEY_PACKAGES:
        try:
            rows.append({"package": name, "version": md.version(name)})
        except md.PackageNotFoundError:
            rows.append({"package": name, "version": "not installed"})
    return pd.DataFrame(rows)
