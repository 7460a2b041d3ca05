"""Parse the free-text fields of a centres row: years, name lists, location and status.

Each parser takes one cell as read (numbers, dates and text untouched by the reader) and
returns a plain value or a :class:`YearParse`; none of them consults a registry beyond the
``is_known``/``resolves`` callables :func:`split_names` is given.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pipeline.centres.read import FormulaText, cell_text, header_key

YEAR_MIN_DEFAULT = 1978
YEAR_MAX_DEFAULT = 2022


# =========================================================================== years
@dataclass(frozen=True)
class YearParse:
    """Outcome of parsing one 'year established' cell."""

    year: int | None
    approximate: bool = False
    missing: bool = False
    problem: str | None = None


_MISSING_TOKENS = {
    "",
    "-",
    "--",
    "–",
    "—",
    "?",
    "na",
    "n/a",
    "n.a.",
    "none",
    "unknown",
    "not known",
    "tbc",
    "tbd",
    "nk",
    "不详",
    "未知",
}
_APPROX_PREFIX = re.compile(
    r"^\s*(?:c\.|c\s|ca\.?|circa|around|approx(?:\.|imately)?|about|roughly|~|≈|约)\s*(?=\d)",
    re.IGNORECASE,
)
_APPROX_ANY = re.compile(
    r"\b(?:approx(?:imately)?|circa|around|about|roughly)\b|\?|约", re.IGNORECASE
)
_YEAR_IN_TEXT = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
#: Excel serial day numbers treated as dates: 1950-01-01 .. 2099-12-31.
EXCEL_SERIAL_RANGE = (18264, 73050)


def parse_year(
    value: Any, year_min: int = YEAR_MIN_DEFAULT, year_max: int = YEAR_MAX_DEFAULT
) -> YearParse:
    """Parse a 'year established' cell.

    Accepts ints ("2015"), ranges ("2015/16", "2015-2016": first year), approximate forms
    ("c. 2012", "ca 2012", "around 2012", "2012?": ``approximate=True``), annotated years
    ("2012 (renewed 2017)": first year), dates (datetime cells, date strings, Excel serial day
    numbers between 1950 and 2099). Years outside ``[year_min, year_max]`` are a problem.
    """
    parsed = _read_year(value)
    if parsed.year is None or year_min <= parsed.year <= year_max:
        return parsed
    return YearParse(
        None,
        approximate=parsed.approximate,
        problem=f"year established {parsed.year}{_from(value, parsed.year)} is outside "
        f"[{year_min}, {year_max}]",
    )


def _read_year(value: Any) -> YearParse:
    """The year a cell holds, before the range check."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return YearParse(None, missing=True)
    if isinstance(value, bool):
        return YearParse(None, problem=f"year established {value!r} is not a year")
    if isinstance(value, FormulaText):
        return YearParse(
            None,
            problem=f"year established is a formula with no saved value ({str(value)!r}); "
            "re-save the file in a spreadsheet program or type the year",
        )
    if isinstance(value, (dt.datetime, dt.date)):
        return YearParse(value.year)
    if isinstance(value, (int, float)):
        return _year_from_number(float(value))
    return _year_from_text(cell_text(value) or "")


def _year_from_text(text: str) -> YearParse:
    """A year typed as text: a number, or the first four-digit run (maybe approximate)."""
    if text.casefold().strip(" .") in _MISSING_TOKENS or text.casefold() in _MISSING_TOKENS:
        return YearParse(None, missing=True)
    if _NUMBER.match(text):
        return _year_from_number(float(text))
    m = _YEAR_IN_TEXT.search(text)
    if not m:
        return YearParse(None, problem=f"year established {text!r} is not a recognisable year")
    approx = bool(_APPROX_PREFIX.match(text) or _APPROX_ANY.search(text))
    return YearParse(int(m.group(1)), approximate=approx)


def _year_from_number(n: float) -> YearParse:
    """A four-digit year, or the year of an Excel serial day number."""
    if n.is_integer() and 1000 <= n <= 2999:
        return YearParse(int(n))
    lo, hi = EXCEL_SERIAL_RANGE
    if lo <= n <= hi:
        return YearParse((_EXCEL_EPOCH + dt.timedelta(days=float(n))).year)
    shown = int(n) if n.is_integer() else n
    return YearParse(None, problem=f"year established {shown} is neither a year nor an Excel date")


def _from(value: Any, year: int) -> str:
    text = cell_text(value)
    return "" if text == str(year) else f" (from {text!r})"


# =========================================================================== splitting
_PRIMARY_SEP = re.compile(r"(\s*(?:;|；|/|／|、|\n|\|)\s*)")
_SECONDARY_SEP = re.compile(r"(\s*,\s*|\s*，\s*|\s*&\s*|\s*＆\s*|\s+and\s+)", re.IGNORECASE)
_STRIP = " \t.,;:·•-–—\"'“”‘’()[]"


def _clean_piece(s: str) -> str:
    s = s.strip()
    # drop list bullets and wrapping quotes/brackets, keep inner punctuation
    while s and s[0] in "•·-–—*\"'“‘" and len(s) > 1:
        s = s[1:].strip()
    while s and s[-1] in ";,\"'”’" and len(s) > 1:
        s = s[:-1].strip()
    return s


def split_names(
    text: str | None,
    is_known: Callable[[str], bool],
    resolves: Callable[[str], bool] | None = None,
) -> list[str]:
    """Split a partner/funder cell into names.

    Separators: ``;`` ``/`` ``、`` line breaks (always), and ``,`` ``&`` `` and `` (only where
    the pieces are not one known name). The whole cell and the longest runs of pieces that
    ``is_known`` (exact/alias registry match) are kept together first, so "School of Oriental
    and African Studies" stays whole when known. Leftover pieces that no registry entry matches
    even approximately (``resolves``) are kept together as one name rather than cut up.
    """
    if text is None:
        return []
    text = str(text).strip()
    if not text:
        return []
    if is_known(text):
        return [_clean_piece(text)]
    resolves = resolves or is_known
    out: list[str] = []
    # pieces between primary separators, but let a known name span a primary separator
    prim = _PRIMARY_SEP.split(text)
    p_atoms, p_seps = prim[0::2], prim[1::2]
    for chunk in _greedy(p_atoms, p_seps, is_known, lambda _s: False):
        if is_known(chunk):
            out.append(_clean_piece(chunk))
            continue
        sec = _SECONDARY_SEP.split(chunk)
        atoms, seps = sec[0::2], sec[1::2]
        out.extend(_greedy(atoms, seps, is_known, resolves))
    seen: set[str] = set()
    result = []
    for name in (_clean_piece(n) for n in out):
        if name and name.strip(_STRIP) and name not in seen:
            seen.add(name)
            result.append(name)
    return result


def _greedy(
    atoms: list[str],
    seps: list[str],
    is_known: Callable[[str], bool],
    resolves: Callable[[str], bool],
) -> list[str]:
    """Greedy longest-known-span grouping of ``atoms`` (joined back with their ``seps``)."""

    def join(i: int, j: int) -> str:
        parts = [atoms[i]]
        for k in range(i + 1, j):
            parts.append(seps[k - 1])
            parts.append(atoms[k])
        return "".join(parts).strip()

    out: list[str] = []
    run: list[int] = []  # indices of consecutive unknown atoms

    def flush() -> None:
        if not run:
            return
        names = [atoms[k].strip() for k in run if atoms[k].strip()]
        if len(names) > 1 and not any(resolves(n) for n in names):
            out.append(join(run[0], run[-1] + 1))
        else:
            out.extend(names)
        run.clear()

    i, n = 0, len(atoms)
    while i < n:
        if not atoms[i].strip():
            i += 1
            continue
        for j in range(n, i, -1):
            if j - i > 0 and is_known(join(i, j)):
                flush()
                out.append(join(i, j))
                i = j
                break
        else:
            run.append(i)
            i += 1
    flush()
    return out


# =========================================================================== location
_LOCATION_VARIANTS: dict[str, tuple[str, ...]] = {
    "CN": (
        "China",
        "CN",
        "PRC",
        "P.R. China",
        "PR China",
        "Mainland China",
        "China mainland",
        "Chinese mainland",
        "People's Republic of China",
        "In China",
        "China-based",
        "中国",
        "中国大陆",
        "中华人民共和国",
    ),
    "GB": (
        "UK",
        "U.K.",
        "GB",
        "United Kingdom",
        "Great Britain",
        "Britain",
        "England",
        "Scotland",
        "Wales",
        "Northern Ireland",
        "In the UK",
        "UK-based",
        "英国",
    ),
    "both": (
        "Both",
        "UK & China",
        "UK and China",
        "China & UK",
        "China and UK",
        "UK/China",
        "China/UK",
        "UK-China",
        "China-UK",
        "UK + China",
        "Both UK and China",
        "Both (UK and China)",
        "UK & PRC",
        "中英",
        "英中",
        "中英两国",
    ),
    "virtual": (
        "Virtual",
        "Online",
        "Virtual centre",
        "Virtual center",
        "Virtual network",
        "Remote",
        "Distributed",
        "Networked",
        "虚拟",
        "线上",
    ),
}
_LOCATION_INDEX = {header_key(v): k for k, vs in _LOCATION_VARIANTS.items() for v in vs}
_UK_WORDS = re.compile(
    r"\b(uk|u\.k\.|united kingdom|britain|england|scotland|wales)\b|英国", re.IGNORECASE
)
_CN_WORDS = re.compile(r"\b(china|prc|chinese)\b|中国", re.IGNORECASE)


def normalise_location(text: str | None) -> str | None:
    """Map a 'physical location' cell to CN, GB, both or virtual (None when blank/unknown)."""
    if text is None or not str(text).strip():
        return None
    key = header_key(text)
    if key in _LOCATION_INDEX:
        return _LOCATION_INDEX[key]
    s = str(text)
    if re.search(r"virtual|online|虚拟", s, re.IGNORECASE):
        return "virtual"
    uk, cn = bool(_UK_WORDS.search(s)), bool(_CN_WORDS.search(s))
    if uk and cn:
        return "both"
    if cn:
        return "CN"
    if uk:
        return "GB"
    return None


# =========================================================================== status
_STATUS = {"active": "Active", "closed": "Closed", "dormant": "Dormant", "unknown": "Unknown"}


def normalise_status(text: str | None) -> str | None:
    """Canonical capitalisation of a status cell; blank means "Unknown"; others verbatim."""
    if text is None or not str(text).strip():
        return "Unknown"
    s = str(text).strip()
    return _STATUS.get(s.casefold(), s)
