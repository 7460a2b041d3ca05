"""Where the registry files live, how they are read, and how a bad row is reported.

Every loader in :mod:`pipeline.registries` reads its CSV through :func:`load_table`,
which caches the parsed file, checks its header and strips every cell; the ``check_*``
helpers then stop at the first bad row with a :class:`ReferenceDataError` naming the
file, the row (file line number, header = 1) and the column.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from pipeline import catalog

REFERENCE_DIR: Path = Path(os.environ.get("PIPELINE_REFERENCE_DIR") or catalog.locate("reference"))
"""Default reference directory (``PIPELINE_REFERENCE_DIR`` at import time, else the repo's)."""

ALIAS_SEP = " | "

COLUMNS: dict[str, list[str]] = {
    "organisations.csv": [
        "org_id",
        "name",
        "name_zh",
        "country",
        "type",
        "city",
        "province_code",
        "uk_nation",
        "aliases",
    ],
    "provinces.csv": ["code", "name_en", "name_zh", "kind", "coastal", "aliases"],
    "cities.csv": ["city", "city_zh", "country", "province_code", "uk_nation", "aliases"],
    "topics.csv": ["topic", "label", "discipline_group", "default_nsi_sector"],
    "nsi_sectors.csv": ["sector", "label", "in_nsi_act"],
    "research_area_rules.csv": ["rule_id", "kind", "pattern", "target", "priority"],
    "funders.csv": ["funder_id", "name", "name_zh", "country", "aliases"],
}
"""The columns each registry file must have, in the order the loaders return them."""

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SNAKE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
ISO_CN = re.compile(r"^CN-[A-Z]{2}$")


class ReferenceDataError(ValueError):
    """A reference CSV is malformed; the message names the file, row and column."""

    def __init__(self, file: str, row: int | None, column: str | None, message: str) -> None:
        self.file, self.row, self.column = file, row, column
        where = file + (f", row {row}" if row is not None else "")
        where += f", column {column!r}" if column else ""
        super().__init__(f"{where}: {message}")


def reference_dir(ref_dir: Path | str | None = None) -> Path:
    """Return the reference directory: ``ref_dir``, else ``$PIPELINE_REFERENCE_DIR``, else
    :data:`REFERENCE_DIR`."""
    if ref_dir is not None:
        return Path(ref_dir)
    env = os.environ.get("PIPELINE_REFERENCE_DIR")
    return Path(env) if env else REFERENCE_DIR


def split_aliases(cell: str | None) -> list[str]:
    """Split a ``" | "``-separated alias cell into a list of non-blank, stripped aliases."""
    if not cell or not isinstance(cell, str):
        return []
    return [a.strip() for a in cell.split("|") if a.strip()]


@functools.lru_cache(maxsize=64)
def read_cached(path_str: str, name: str) -> pd.DataFrame:
    """The parsed file at ``path_str`` (registry ``name``): its columns, stripped (cached)."""
    path = Path(path_str)
    if not path.is_file():
        raise ReferenceDataError(str(path), None, None, "reference file not found")
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in COLUMNS[name] if c not in df.columns]
    if missing:
        raise ReferenceDataError(str(path), 1, missing[0], f"missing columns {missing}")
    df = df[COLUMNS[name]].copy()
    for col in df.columns:
        df[col] = df[col].str.strip()
    return df


def load_table(name: str, ref_dir: Path | str | None) -> tuple[pd.DataFrame, Path]:
    """A private copy of registry file ``name`` and the path it was read from."""
    path = reference_dir(ref_dir) / name
    return read_cached(str(path.resolve()), name).copy(), path


def check(df: pd.DataFrame, path: Path, col: str, ok: Callable[[str], bool], message: str) -> None:
    """Raise on the first row whose ``col`` fails ``ok`` (row numbers are file lines)."""
    for i, value in enumerate(df[col].tolist()):
        if not ok(value):
            raise ReferenceDataError(str(path), i + 2, col, f"{message} (value {value!r})")


def check_unique(df: pd.DataFrame, path: Path, col: str) -> None:
    """Raise on the first row whose ``col`` repeats an earlier row's."""
    dup = df[col].duplicated(keep="first")
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][0])
        raise ReferenceDataError(str(path), i + 2, col, f"duplicate id {df[col].iloc[i]!r}")


def check_in(
    df: pd.DataFrame, path: Path, col: str, allowed: tuple[str, ...], *, blank_ok: bool = False
) -> None:
    """Every value of ``col`` is one of ``allowed`` (or blank, with ``blank_ok``)."""
    if blank_ok:
        check(
            df,
            path,
            col,
            lambda v: v == "" or v in allowed,
            f"{col} must be blank or one of {allowed}",
        )
    else:
        check(df, path, col, lambda v: v in allowed, f"{col} must be one of {allowed}")


def check_province_code(df: pd.DataFrame, path: Path, col: str = "province_code") -> None:
    """Every value of ``col`` is blank or an ISO 3166-2:CN code."""
    check(
        df, path, col, lambda v: v == "" or bool(ISO_CN.match(v)), f"{col} must be blank or CN-XX"
    )


def to_bool(df: pd.DataFrame, path: Path, col: str) -> None:
    """Check that ``col`` holds true/false and turn it into booleans (in place)."""
    check(df, path, col, lambda v: v.lower() in ("true", "false"), "must be true or false")
    df[col] = df[col].str.lower().eq("true")
