"""Small helpers shared by the generators: integer apportionment and byte-stable workbooks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from openpyxl import Workbook

from pipeline.io import atomic_write_workbook


def largest_remainder(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (Hamilton's method).

    Ties between equal remainders go to the earlier weight.
    """
    w = np.asarray(weights, dtype=float)
    if total == 0 or w.sum() <= 0:
        return [0] * len(w)
    raw = w / w.sum() * total
    base = np.floor(raw).astype(int)
    rest = total - int(base.sum())
    order = sorted(range(len(w)), key=lambda i: (-(raw[i] - base[i]), i))
    for i in order[:rest]:
        base[i] += 1
    return [int(x) for x in base]


def has_cjk(text: str) -> bool:
    """True when ``text`` holds a CJK unified ideograph (a Chinese name or alias)."""
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def save_workbook(
    wb: Workbook, path: Path | str, *, creator: str, title: str, timestamp: dt.datetime
) -> Path:
    """Write ``wb`` to ``path`` atomically with fixed metadata and zip entries (byte-stable).

    ``openpyxl.save_workbook`` would stamp the "modified" property with the current time
    and the zip entries with the current date; this writes the given ``timestamp`` and
    then normalises the container (:func:`pipeline.io.normalise_zip`).
    """
    return atomic_write_workbook(path, wb, creator=creator, title=title, timestamp=timestamp)
