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
* Ratios (:func:`times_phrase`): from :data:`TIMES_FROM` (twice) upwards a change is
  told as "about N times as many"; below it as a percentage more or fewer.
* Leads (:func:`lead_phrase`): the first of a ranking is "well ahead of" the second from
  :data:`TIMES_FROM` times its value, "level with" it inside :data:`STABLE_BAND`, else
  "ahead of" it.
* Spread (:func:`spread_phrase`): when the first of a ranked list is at least
  :data:`CONCENTRATED_FROM` (four) times the last, a few account for much of the total;
  below that, it is spread across many.

The edition
-----------
What the inputs are is data too: ``data/raw/EDITION.yaml`` says whether they are synthetic
and, for a synthetic edition, whether it is calibrated to the brief's published figures
(the reference edition) or to an invented scenario (e.g. the contrast edition).
:func:`read_edition` reads it, :func:`edition_phrase` and :func:`edition_caveat` put it into
words, and :func:`organisation_name` keeps invented facts away from the names of real
organisations: in a synthetic edition a chapter names only the organisations the brief
itself names, and a stand-in ("the leading UK institution") for any other.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "CONCENTRATED_FROM",
    "FEW_BELOW",
    "NEARLY_ALL_FROM",
    "STABLE_BAND",
    "TIMES_FROM",
    "Edition",
    "change_word",
    "comparison_word",
    "direction",
    "edition_caveat",
    "edition_phrase",
    "lead_phrase",
    "more_or_fewer",
    "organisation_name",
    "plural",
    "read_edition",
    "share_word",
    "spread_phrase",
    "times_phrase",
]

#: relative change (of the earlier value) within which two values are "about the same"
STABLE_BAND = 0.10
#: a share under this (and above zero) is "a few"
FEW_BELOW = 0.20
#: a share from this up to (not including) 1 is "almost all"
NEARLY_ALL_FROM = 0.90
#: from this ratio upwards a change is "about N times as many"
TIMES_FROM = 2.0
#: first-to-last ratio of a ranked list from which a few members account for much of it
CONCENTRATED_FROM = 4.0


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


def times_phrase(before: Any, after: Any, noun: str = "") -> str:
    """How ``after`` compares with ``before`` as a ratio, in words.

    ``"about 21 times as many"`` from :data:`TIMES_FROM` upwards, else ``"about 40% more"``
    or ``"about 40% fewer"``, and ``"about as many"`` inside :data:`STABLE_BAND`. ``noun``
    is appended to the "times as many" and "as many" forms (``"papers"``).
    """
    b, a = _number(before, "before"), _number(after, "after")
    if b <= 0:
        raise ValueError("before must be positive to compare as a ratio")
    tail = f" {noun}" if noun else ""
    if direction(b, a) == "flat":
        return f"about as many{tail}"
    if a / b >= TIMES_FROM:
        return f"about {a / b:.0f} times as many{tail}"
    pct = round(100 * abs(a - b) / b)
    return f"about {pct}% {'more' if a > b else 'fewer'}"


def lead_phrase(first: Any, second: Any) -> str:
    """How the first of a ranking stands against the second: "well ahead of", "ahead of" or
    "level with" (thresholds in the module doc)."""
    a, b = _number(first, "first"), _number(second, "second")
    if direction(b, a) == "flat":
        return "level with"
    return "well ahead of" if b > 0 and a / b >= TIMES_FROM else "ahead of"


def spread_phrase(first: Any, last: Any) -> str:
    """Whether a ranked list is concentrated in its first members or spread across many."""
    a, b = _number(first, "first"), _number(last, "last")
    if b <= 0 or a / b >= CONCENTRATED_FROM:
        return "concentrated in a few"
    return "spread across many"


# --------------------------------------------------------------------------- the edition
@dataclass(frozen=True)
class Edition:
    """What the inputs of a build are (``data/raw/EDITION.yaml``)."""

    synthetic: bool
    label: str
    #: the calibration scenario of a synthetic edition; ``None`` for the reference
    scenario: str | None = None

    @property
    def calibrated_to_brief(self) -> bool:
        """A synthetic edition calibrated to the brief's published figures (the reference)."""
        return self.synthetic and self.scenario in (None, "reference")


#: label of an edition whose ``EDITION.yaml`` is absent or does not say it is synthetic
USER_EDITION = "edition built from user-supplied inputs"


def read_edition(path: Path | str) -> Edition:
    """The edition ``EDITION.yaml`` at ``path`` describes.

    No file, or ``synthetic: false``, is an edition of the user's own inputs. A file that is
    not valid YAML raises ``ValueError``, one that is not a mapping ``TypeError``, naming it.
    """
    import yaml

    p = Path(path)
    if not p.is_file():
        return Edition(synthetic=False, label=USER_EDITION)
    try:
        meta = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"{p}: not valid YAML ({exc})") from exc
    if not isinstance(meta, dict):
        raise TypeError(f"{p}: expected a mapping with synthetic: and label:")
    synthetic = meta.get("synthetic") is True
    label = str(meta.get("label") or ("synthetic edition" if synthetic else USER_EDITION))
    scenario = meta.get("scenario")
    return Edition(synthetic, label, str(scenario) if scenario else None)


def edition_phrase(edition: Edition) -> str:
    """The edition in words, to follow "belongs to" or "is part of"."""
    label = edition.label[:1].lower() + edition.label[1:]
    if not edition.synthetic:
        return f"the {label}" if not label.startswith(("the ", "an ", "a ")) else label
    if edition.calibrated_to_brief:
        how = "calibrated to the brief's published aggregates"
    else:
        how = (
            f"calibrated to an invented scenario ({edition.scenario}) that differs from the "
            "brief on purpose, not to the brief's published figures"
        )
    return f"the {label}: inputs invented by seeded code and {how}"


def edition_caveat(edition: Edition) -> str:
    """What the chapter's statements describe: invented inputs, or the inputs as recorded."""
    if edition.synthetic:
        return (
            "Nothing in this chapter describes real people, centres, papers or organisations: "
            "names are real, the facts attached to them are invented."
        )
    return "The statements in this chapter describe these inputs as recorded."


def organisation_name(
    name: str, edition: Edition, named_by_brief: Collection[str], stand_in: str
) -> str:
    """``name`` where a sentence may single it out, else ``stand_in``.

    In a synthetic edition the facts attached to an organisation are invented, so a sentence
    that ranks or judges one names it only when the brief itself names it (``named_by_brief``,
    the organisations the brief reports as most connected); any other is ``stand_in``
    (e.g. "the leading UK institution"). With real inputs every name is used.
    """
    if not edition.synthetic or name in set(named_by_brief):
        return name
    return stand_in
