"""Disclosure control: the one place where counts of people are hidden below k.

Every count or share of people that reaches the book (survey respondents,
interviewees, organisations in survey or interview cross-tabulations) passes
through these functions, wherever it is shown: prose, tables, charts, alt text,
data downloads and ``metrics/findings.json``.

* primary suppression: a count ``0 < n < k`` reads ``"<k"`` (for example ``"<5"``);
* complementary (secondary) suppression: where a line's total is printed, a line
  with exactly one hidden cell gets a second hidden cell, marked ``"*"``, so that
  subtraction recovers nothing (:func:`protect_line`, :func:`protect_table`);
* zeros and single overall totals are shown as they are.

The rule is stated for readers in the methods appendix.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "COMPLEMENT_LABEL",
    "PRIMARY",
    "SECONDARY",
    "SHOWN",
    "cell_label",
    "complete_line",
    "hidden_key",
    "is_small",
    "mark_suppressed",
    "protect_line",
    "protect_table",
    "suppress",
    "suppressed_label",
]

DEFAULT_TOTAL_LABELS = ("Total", "All")


def suppressed_label(k: int) -> str:
    """The text shown instead of a small count: ``"<k"``."""
    return f"<{int(k)}"


def is_small(value: Any, k: int) -> bool:
    return value is not None and not pd.isna(value) and 0 < float(value) < k


#: Label of a cell hidden only so that a small cell cannot be worked out from a shown total.
COMPLEMENT_LABEL = "*"
SHOWN, PRIMARY, SECONDARY = "shown", "primary", "secondary"


def hidden_key(k: int) -> str:
    """Legend entry for hidden cells in every chart."""
    return f"Hidden ({suppressed_label(k)} or {COMPLEMENT_LABEL})"


def complete_line(
    status: list[str], values: Sequence[Any], groups: Sequence[Any] | None = None
) -> bool:
    """Hide one more cell of a line whose sum is shown when exactly one cell is hidden.

    The extra (complementary) cell is the smallest non-zero shown cell, taken from
    the same group as the hidden cell when ``groups`` is given and that group has
    one (so that subtotals of the groups stay publishable), else from the whole
    line; zeros only when nothing else is left. Returns whether ``status`` changed.
    """
    hidden = [i for i, s in enumerate(status) if s != SHOWN]
    if len(hidden) != 1:
        return False
    shown = [i for i, s in enumerate(status) if s == SHOWN]
    if not shown:
        return False

    def nonzero(cands: list[int]) -> list[int]:
        return [i for i in cands if not pd.isna(values[i]) and float(values[i]) > 0]

    pools = []
    if groups is not None:
        pools.append(nonzero([i for i in shown if groups[i] == groups[hidden[0]]]))
    pools += [nonzero(shown), shown]
    pool = next(p for p in pools if p)
    pick = min(pool, key=lambda i: (float(values[i] or 0), i))
    status[pick] = SECONDARY
    return True


def protect_line(
    values: Sequence[Any],
    k: int = 5,
    total_shown: bool = True,
    groups: Sequence[Any] | None = None,
) -> list[str]:
    """Disclosure status of each count of one line: ``shown``, ``primary`` or ``secondary``.

    ``primary``: 0 < n < k. When the line's total is shown (``total_shown``) and
    exactly one cell would be hidden, a second (``secondary``) cell is hidden so
    that the first cannot be recovered by subtraction; with ``groups`` (one key
    per cell) the second cell is sought in the first one's group first.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    status = [PRIMARY if is_small(v, k) else SHOWN for v in values]
    if total_shown:
        complete_line(status, list(values), groups)
    return status


def cell_label(status: str, value: Any, k: int) -> str:
    if status == PRIMARY:
        return suppressed_label(k)
    if status == SECONDARY:
        return COMPLEMENT_LABEL
    return "" if value is None or pd.isna(value) else str(int(value))


def mark_suppressed(
    df: pd.DataFrame,
    count_col: str = "count",
    k: int = 5,
    total_shown: bool = False,
    groups: Sequence[Any] | None = None,
) -> pd.DataFrame:
    """Return a copy of ``df`` ready to draw, with small counts hidden.

    Adds ``status`` (see :func:`protect_line`; with ``total_shown`` the rows are
    treated as one line whose total is published), ``suppressed`` (bool),
    ``label`` (the count as text, ``"<k"`` or ``"*"``) and ``plot_count`` (the
    count, or the nominal ``k / 2`` for a hidden cell). ``count_col`` is set to
    missing for hidden rows so that the true value never reaches a chart's data.
    """
    out = df.copy()
    values = list(out[count_col])
    status = protect_line(values, k, total_shown, groups)
    hidden = [st != SHOWN for st in status]
    out["status"] = status
    out["suppressed"] = hidden
    out["label"] = [cell_label(st, v, k) for st, v in zip(status, values, strict=True)]
    out["plot_count"] = [
        k / 2 if h else (0.0 if pd.isna(v) else float(v))
        for h, v in zip(hidden, values, strict=True)
    ]
    out[count_col] = pd.array(
        [None if h or pd.isna(v) else int(v) for h, v in zip(hidden, values, strict=True)],
        dtype="Int64",
    )
    return out


def protect_table(tab: pd.DataFrame, k: int = 5, total: str = "Total") -> pd.DataFrame:
    """Disclosure status of every cell of a table whose last row and column are ``total``.

    Primary: 0 < n < k (the grand total is exempt). Secondary: repeated passes
    over rows and columns; a line (inner cells plus its margin) whose margin is
    shown and which has exactly one hidden inner cell gets a second hidden inner
    cell, or, when it has no other cell, its margin hidden.
    The result does not depend on the order of passes beyond being deterministic.
    """
    status = pd.DataFrame(SHOWN, index=tab.index, columns=tab.columns, dtype=object)
    for r in tab.index:
        for c in tab.columns:
            if not (r == total and c == total) and is_small(tab.at[r, c], k):
                status.at[r, c] = PRIMARY
    inner_rows = [r for r in tab.index if r != total]
    inner_cols = [c for c in tab.columns if c != total]
    changed = True
    while changed:
        changed = False
        lines = [(r, inner_cols, "row") for r in tab.index] + [
            (c, inner_rows, "col") for c in tab.columns
        ]
        for key, cells, kind in lines:
            margin = (key, total) if kind == "row" else (total, key)
            if status.at[margin] != SHOWN:
                continue
            pos = [(key, c) if kind == "row" else (c, key) for c in cells]
            line = [status.at[p] for p in pos]
            if sum(st != SHOWN for st in line) != 1:
                continue
            if complete_line(line, [tab.at[p] for p in pos]):
                for p, st in zip(pos, line, strict=True):
                    status.at[p] = st
            elif margin != (total, total):
                status.at[margin] = SECONDARY
            changed = True
    return status


def suppress(
    df: pd.DataFrame | pd.Series, k: int = 5, total_labels: Sequence[str] = DEFAULT_TOTAL_LABELS
) -> pd.DataFrame | pd.Series:
    """Replace small counts (``0 < n < k``) in a cross-tabulation of people by ``"<k"``.

    Zeros stay (an empty cell discloses nothing about a person) and so does the
    grand total -- the cell whose row and column labels are both in
    ``total_labels`` (for a Series: the entry labelled as a total). Single
    overall totals reported on their own are not passed through this function.
    Returns an object-dtype copy; the input is not modified.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    token = f"<{k}"
    totals = set(total_labels)

    def small(v: Any) -> bool:
        return isinstance(v, (int, float, np.integer, np.floating)) and not pd.isna(v) and 0 < v < k

    if isinstance(df, pd.Series):
        out_s = df.astype(object).copy()
        for idx, v in out_s.items():
            if idx not in totals and small(v):
                out_s.at[idx] = token
        return out_s
    out = df.astype(object).copy()
    for r in out.index:
        for c in out.columns:
            if r in totals and c in totals:
                continue
            if small(out.at[r, c]):
                out.at[r, c] = token
    return out
