"""Disclosure control: the one place where counts of people are hidden below k.

The rule (stated for readers in the methods appendix, ``book/appendix_methods.md``)
---------------------------------------------------------------------------------
Every count or share of people that reaches the book (survey respondents, interviewees,
organisations in survey or interview cross-tabulations) passes through this module,
wherever it is shown: prose, tables, charts, alt text, the data behind a figure,
data downloads and ``metrics/findings``. With ``k`` the stage parameter
``common.k_anonymity`` (5 unless set otherwise):

1. **Primary suppression.** A count of people from 1 to ``k - 1`` is hidden and reads
   ``"<k"`` (for example ``"<5"``), whatever defines the group: who the people are
   (role, discipline, experience, type of institution) or what they said (an answer to a
   question, a motivation chosen, an interview code raised).
2. **Everything derived is hidden with it.** A share, percentage, prominence band, bar
   length or chart position computed from a hidden count is not shown either; a chart
   draws a hidden cell at a nominal size, and a band can only be stated where every
   count the rule allows (1 to ``k - 1``) would give the same band
   (:meth:`Share.bounds`).
3. **Complementary (secondary) suppression.** Where a line's total is printed (a table
   margin, the number who answered a question) and exactly one cell of the line is
   hidden, a second cell is hidden as well and marked ``"*"``
   (:func:`protect_line`, :func:`protect_table`); a sum of several cells of a protected
   line (for example "agreed" = somewhat + strongly agree) is hidden when showing it would
   reveal a hidden cell (:func:`subset_status`).
4. **Denominators.** Every share states its denominator: the people who answered that
   question (or all interviews, for an interview code). The same question has the same
   denominator in every chapter.
5. **Shown as they are:** zero (an empty group describes nobody); the size of each
   whole sample (respondents, interviews, organisations taking part) and the number who
   answered a question; the row accounting of the cleaning logs (rows read, kept,
   duplicated, rejected), which describes the input files rather than anyone's answers;
   and the whole-sample counts listed in :data:`WHOLE_SAMPLE_EXCEPTIONS`: the number of
   people in each source who said they had felt at risk. The study itself published
   both counts (``data/reference/published_figures.yaml``), they are the reason the
   question was asked, and they are never broken down by any attribute or other answer.

A hidden cell stays hidden on every page: any chapter that shows the same count (or a
share of it) takes its status from the functions here, so the synthesis cannot print what
the survey chapter hides.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

# pandas and numpy are imported by the functions that use them: the book's stages need only
# the labels (``suppressed_label``), and importing pandas would cost them 0.4 s each

__all__ = [
    "COMPLEMENT_LABEL",
    "PRIMARY",
    "SECONDARY",
    "SHOWN",
    "WHOLE_SAMPLE_EXCEPTIONS",
    "Share",
    "cell_label",
    "complete_line",
    "hidden_key",
    "is_small",
    "mark_suppressed",
    "protect_line",
    "protect_table",
    "share_of",
    "subset_status",
    "suppress",
    "suppressed_label",
]

DEFAULT_TOTAL_LABELS = ("Total", "All")


def suppressed_label(k: int) -> str:
    """The text shown instead of a small count: ``"<k"``."""
    return f"<{int(k)}"


def is_small(value: Any, k: int) -> bool:
    import pandas as pd

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
    import pandas as pd

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
    import pandas as pd

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
    import pandas as pd

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
    import pandas as pd

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
    import numpy as np
    import pandas as pd

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


# --------------------------------------------------------------------------- shares
#: Whole-sample counts that are shown even below k (rule 5 of the module docstring), keyed
#: by their findings key, with the reason. Nothing else below k is exempt.
WHOLE_SAMPLE_EXCEPTIONS: dict[str, str] = {
    "at_risk_survey_respondents": "survey respondents who said they had felt at risk "
    "(a whole-sample count the study published; never broken down)",
    "at_risk_interviewees": "interviewees who said they had felt at risk "
    "(a whole-sample count the study published; never broken down)",
}


def subset_status(
    values: Sequence[Any], members: Sequence[bool], k: int = 5, groups: Sequence[Any] | None = None
) -> str:
    """Status of the sum of the ``members`` cells of one line whose total is shown.

    The line is protected as :func:`protect_line` does (with ``groups``, as the chart of
    the line groups it). The sum is ``primary`` when it is itself small, ``secondary``
    when showing it would let a hidden cell be worked out (exactly one hidden cell among
    the members, or exactly one among the other cells, whose sum is the total minus this
    one), else ``shown``.
    """
    import pandas as pd

    if len(values) != len(members):
        raise ValueError("values and members differ in length")
    status = protect_line(values, k, total_shown=True, groups=groups)
    total = sum(0 if pd.isna(v) else int(v) for v, m in zip(values, members, strict=True) if m)
    if is_small(total, k):
        return PRIMARY
    hidden_in = sum(1 for st, m in zip(status, members, strict=True) if m and st != SHOWN)
    hidden_out = sum(1 for st, m in zip(status, members, strict=True) if not m and st != SHOWN)
    return SECONDARY if 1 in (hidden_in, hidden_out) else SHOWN


@dataclass(frozen=True)
class Share:
    """A count of people out of a base, as the rule lets it be shown.

    ``count`` is ``None`` when the cell is hidden (``status`` ``primary`` or
    ``secondary``), so a hidden count cannot leak through this object.
    """

    count: int | None
    base: int
    status: str
    k: int

    @property
    def shown(self) -> bool:
        return self.status == SHOWN

    @property
    def value(self) -> float:
        """The share (0 to 1); NaN when hidden or when nobody answered."""
        if not self.shown or not self.base or self.count is None:
            return math.nan
        return self.count / self.base

    @property
    def bounds(self) -> tuple[float, float]:
        """What a reader can know of the share: exact when shown; for a small count, the
        range every count from 1 to ``k - 1`` would give; for a complementary cell, nothing."""
        if not self.base:
            return (math.nan, math.nan)
        if self.shown:
            return (self.value, self.value)
        if self.status == PRIMARY:
            return (1 / self.base, min(self.k - 1, self.base) / self.base)
        return (0.0, 1.0)

    def count_text(self) -> str:
        """``"37 of 42"``, ``"<5 of 41"`` or ``"* of 42"``."""
        return f"{cell_label(self.status, self.count, self.k)} of {self.base:,}"

    def percent_text(self, digits: int = 0) -> str:
        """``"88%"``; ``"hidden"`` when the count is hidden; ``"n/a"`` when the base is 0."""
        if not self.shown:
            return "hidden"
        if not self.base:
            return "n/a"
        return f"{100 * self.value:.{digits}f}%"

    def text(self, digits: int = 0) -> str:
        """``"88% (37 of 42)"`` or, hidden, ``"hidden (<5 of 41)"``."""
        return f"{self.percent_text(digits)} ({self.count_text()})"


def share_of(
    count: Any, base: Any, k: int = 5, status: str | None = None, exempt: bool = False
) -> Share:
    """``count`` people out of ``base`` as a :class:`Share`, hidden by the rule.

    ``status`` comes from a protected line (:func:`protect_line`, :func:`subset_status`)
    when the count is a cell of one; otherwise a count from 1 to ``k - 1`` is hidden.
    ``exempt`` marks one of the :data:`WHOLE_SAMPLE_EXCEPTIONS`.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    n, b = int(count), int(base)
    if not 0 <= n <= b:
        raise ValueError(f"count {n} is not between 0 and the base {b}")
    if exempt:
        status = SHOWN
    elif status is None:
        status = PRIMARY if is_small(n, k) else SHOWN
    if status not in (SHOWN, PRIMARY, SECONDARY):
        raise ValueError(f"unknown disclosure status {status!r}")
    return Share(n if status == SHOWN else None, b, status, int(k))
