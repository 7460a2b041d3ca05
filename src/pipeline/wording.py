"""Words that depend on the data, chosen by code from the numbers.

A sentence such as "new centres fell after 2019" or "most respondents found it hard" is
only true for some data. In this book such words are never typed into a chapter's prose:
the chapter computes the numbers, asks this module for the word, and places the word in
its Markdown with MyST-NB's ``glue`` (see :func:`pipeline.report.glue`). The thresholds
that decide between words are stated here, once, and in the methods appendix.

Thresholds
----------
* :data:`STABLE_BAND`: a change of less than 10 % of the earlier value (in either
  direction) is described as "about the same"; anything larger rose or fell.
* Shares of a group (:func:`share_word`): none (0 %); a few (under 20 %); a minority
  (20 % to under 50 %); half (exactly 50 %); most (over 50 % to under 90 %); almost all
  (90 % to under 100 %); all (100 %).
"""

from __future__ import annotations

import math
from typing import Any

__all__ = [
    "FEW_BELOW",
    "NEARLY_ALL_FROM",
    "STABLE_BAND",
    "change_word",
    "comparison_word",
    "direction",
    "more_or_fewer",
    "plural",
    "share_word",
]

#: relative change (of the earlier value) within which two values are "about the same"
STABLE_BAND = 0.10
#: a share under this (and above zero) is "a few"
FEW_BELOW = 0.20
#: a share from this up to (not including) 1 is "almost all"
NEARLY_ALL_FROM = 0.90


def _number(value: Any, name: str) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a number, not {value!r}") from exc
    if math.isnan(x):
        raise ValueError(f"{name} is missing (NaN)")
    return x


def direction(before: Any, after: Any, band: float = STABLE_BAND) -> str:
    """``"up"``, ``"down"`` or ``"flat"``: how ``after`` compares with ``before``.

    Flat means the change is under ``band`` times the earlier value (both zero is flat;
    from zero to anything positive is up).
    """
    b, a = _number(before, "before"), _number(after, "after")
    if b == a:
        return "flat"
    if b == 0:
        return "up" if a > 0 else "down"
    if abs(a - b) < band * abs(b):
        return "flat"
    return "up" if a > b else "down"


def change_word(
    before: Any,
    after: Any,
    up: str = "rose",
    down: str = "fell",
    flat: str = "stayed about the same",
) -> str:
    """The verb for a change from ``before`` to ``after`` (see :func:`direction`)."""
    return {"up": up, "down": down, "flat": flat}[direction(before, after)]


def comparison_word(
    value: Any, other: Any, more: str = "more", fewer: str = "fewer", same: str = "as many"
) -> str:
    """``more``/``fewer``/``same``: how ``value`` compares with ``other`` (exact comparison)."""
    v, o = _number(value, "value"), _number(other, "other")
    if v > o:
        return more
    if v < o:
        return fewer
    return same


def more_or_fewer(value: Any, other: Any) -> str:
    """ "more than", "fewer than" or "as many as" (for counts)."""
    return comparison_word(value, other, "more than", "fewer than", "as many as")


def share_word(part: Any, whole: Any) -> str:
    """How much of a group ``part`` of ``whole`` is, in words (thresholds in the module doc)."""
    p, w = _number(part, "part"), _number(whole, "whole")
    if w <= 0:
        raise ValueError("whole must be positive")
    if p < 0 or p > w:
        raise ValueError(f"part {p} is not between 0 and whole {w}")
    share = p / w
    if share == 0:
        return "none"
    if share < FEW_BELOW:
        return "a few"
    if share < 0.5:
        return "a minority"
    if share == 0.5:
        return "half"
    if share < NEARLY_ALL_FROM:
        return "most"
    if share < 1:
        return "almost all"
    return "all"


def plural(n: Any, singular: str, plural_form: str | None = None) -> str:
    """``singular`` for one, else ``plural_form`` (default: ``singular + "s"``)."""
    return singular if int(n) == 1 else (plural_form or singular + "s")
