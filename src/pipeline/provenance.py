"""Provenance of an edition: raw-input hashes and parameters.

The parts that depend on the checkout or the machine (source date, git version, the
installed package versions of :data:`KEY_PACKAGES`) are written at book-build time into
``book/generated/edition.md`` and ``environment.md`` by :mod:`pipeline.book`
(:mod:`pipeline.frontmatter`), so the executed notebooks, which DVC tracks, depend on the
inputs alone. The book uses :func:`raw_input_hashes` too, for the edition's data hash;
pandas is imported only by the table functions.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from pipeline.io import repo_root

if TYPE_CHECKING:
    import pandas as pd

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


def raw_files(root: Path) -> list[Path]:
    """Every raw input file (hidden files and READMEs excluded), sorted."""
    raw = root / "data" / "raw"
    return sorted(
        p
        for p in raw.rglob("*")
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(raw).parts)
        and p.name.lower() != "readme.md"
    )


def file_md5(path: Path) -> str:
    h = hashlib.md5()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def raw_input_hashes(root: Path) -> dict[str, str]:
    """``{relative path: md5}`` of every raw input."""
    return {str(p.relative_to(root)): file_md5(p) for p in raw_files(root)}


def raw_inputs_table(root: Path | None = None) -> pd.DataFrame:
    import pandas as pd

    root = root or repo_root()
    rows = [
        {"file": str(p.relative_to(root)), "bytes": p.stat().st_size, "md5": file_md5(p)}
        for p in raw_files(root)
    ]
    return pd.DataFrame(rows, columns=["file", "bytes", "md5"])


def params_table(root: Path | None = None) -> pd.DataFrame:
    import pandas as pd

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
