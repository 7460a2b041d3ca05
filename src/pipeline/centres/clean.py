"""Clean the UK–China joint research centres table.

Input: any .xlsx/.csv the reader accepts (see :mod:`pipeline.centres.read`). Output: a
:class:`CleanResult` whose tables follow the contract in the centres spec:

* ``centres`` (one row per cleaned centre, ``centre_id`` = ``C`` + 4-digit rank by
  (year, normalised name)), ``organisations``, ``centre_partners``;
* ``rejects`` (one line per problem; a row is counted once), ``duplicates``, ``unresolved``
  (partner names nobody could match), ``review`` (kept rows worth a human look);
* ``accounting``: ``raw_rows = non_data_rows + centres + duplicates + rejected``, asserted.

Organisation, province and funder names are resolved only through the registries in
:mod:`pipeline.registries`; this module never invents a match.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.centres.read import (
    CentresInputError,
    FormulaText,
    RawTable,
    cell_text,
    header_key,
    match_header,
    read_table,
)

__all__ = [
    "CentresInputError",
    "CleanResult",
    "YearParse",
    "classify_research_area",
    "clean_centres",
    "normalise_location",
    "normalise_status",
    "parse_year",
    "split_names",
]

YEAR_MIN_DEFAULT = 1978
YEAR_MAX_DEFAULT = 2022
FUZZY_THRESHOLD_DEFAULT = 90.0
UNCLASSIFIED = "unclassified"
#: Research-area text beyond this many characters is not classified (see ``classify``).
CLASSIFY_MAX_CHARS = 10_000
PARTNER_COLUMNS = ("uk_partners", "cn_partners", "other_partners")
COLUMN_SIDE = {"uk_partners": "UK", "cn_partners": "CN", "other_partners": "other"}

REJECT_COLUMNS = ["source_file", "source_row", "column", "value", "reason"]
DUPLICATE_COLUMNS = [
    "source_file",
    "source_row",
    "duplicate_of_row",
    "name",
    "year_established",
    "partners",
]
UNRESOLVED_COLUMNS = ["source_row", "column", "value", "best_candidate", "score"]
REVIEW_COLUMNS = ["source_file", "source_row", "column", "value", "issue"]
CENTRE_COLUMNS = [
    "centre_id",
    "name",
    "name_zh",
    "year_established",
    "year_approximate",
    "status",
    "location",
    "province_code",
    "city",
    "topic",
    "discipline_group",
    "nsi_sector",
    "funders",
    "source_row",
]
ORGANISATION_COLUMNS = ["org_id", "name", "country", "type", "city", "province_code", "uk_nation"]
PARTNER_LINK_COLUMNS = ["centre_id", "org_id", "side"]


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


def _excel_serial_year(n: float) -> int | None:
    lo, hi = EXCEL_SERIAL_RANGE
    if lo <= n <= hi:
        return (_EXCEL_EPOCH + dt.timedelta(days=float(n))).year
    return None


def parse_year(
    value: Any, year_min: int = YEAR_MIN_DEFAULT, year_max: int = YEAR_MAX_DEFAULT
) -> YearParse:
    """Parse a 'year established' cell.

    Accepts ints ("2015"), ranges ("2015/16", "2015-2016": first year), approximate forms
    ("c. 2012", "ca 2012", "around 2012", "2012?": ``approximate=True``), annotated years
    ("2012 (renewed 2017)": first year), dates (datetime cells, date strings, Excel serial day
    numbers between 1950 and 2099). Years outside ``[year_min, year_max]`` are a problem.
    """
    approx = False
    year: int | None = None
    shown = value
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
        year = value.year
    elif isinstance(value, (int, float)):
        year, problem = _year_from_number(float(value))
        if problem:
            return YearParse(None, problem=problem)
    else:
        s = cell_text(value) or ""
        shown = s
        if s.casefold().strip(" .") in _MISSING_TOKENS or s.casefold() in _MISSING_TOKENS:
            return YearParse(None, missing=True)
        approx = bool(_APPROX_PREFIX.match(s) or _APPROX_ANY.search(s))
        if _NUMBER.match(s):
            year, problem = _year_from_number(float(s))
            if problem:
                return YearParse(None, problem=problem)
        else:
            m = _YEAR_IN_TEXT.search(s)
            if not m:
                return YearParse(None, problem=f"year established {s!r} is not a recognisable year")
            year = int(m.group(1))
    assert year is not None
    if not year_min <= year <= year_max:
        return YearParse(
            None,
            approximate=approx,
            problem=f"year established {year}{_from(shown, year)} is outside "
            f"[{year_min}, {year_max}]",
        )
    return YearParse(year, approximate=approx)


def _from(shown: Any, year: int) -> str:
    text = cell_text(shown) if not isinstance(shown, str) else shown
    return "" if text == str(year) else f" (from {text!r})"


def _year_from_number(n: float) -> tuple[int | None, str | None]:
    if n.is_integer() and 1000 <= n <= 2999:
        return int(n), None
    serial = _excel_serial_year(n)
    if serial is not None:
        return serial, None
    shown = int(n) if n.is_integer() else n
    return None, f"year established {shown} is neither a year nor an Excel date"


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


# =========================================================================== location/status
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


_STATUS = {"active": "Active", "closed": "Closed", "dormant": "Dormant", "unknown": "Unknown"}


def normalise_status(text: str | None) -> str | None:
    """Canonical capitalisation of a status cell; blank means "Unknown"; others verbatim."""
    if text is None or not str(text).strip():
        return "Unknown"
    s = str(text).strip()
    return _STATUS.get(s.casefold(), s)


# =========================================================================== classification
def _blank_to_none(v: Any) -> str | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    s = str(v).strip()
    return s or None


def classify_research_area(
    text: str | None, ref_dir: Path | None = None
) -> tuple[str, str | None, str | None]:
    """Classify free text into ``(topic, discipline_group, nsi_sector)``.

    Applies ``research_area_rules.csv`` + ``topics.csv`` exactly as the registry spec defines
    (delegating to :func:`pipeline.registries.classify_research_area`): the topic
    rule whose first match starts earliest wins (ties: lower priority, then rule_id); no match
    gives "unclassified" with no discipline group; non_stem topics get no NSI sector; other
    topics get the earliest ``nsi_sector`` rule, else the topic's default sector. Blanks are
    returned as None.
    """
    res = _registries().classify_research_area(text, ref_dir)
    return (str(res.topic), _blank_to_none(res.discipline_group), _blank_to_none(res.nsi_sector))


# =========================================================================== registries
def _registries() -> Any:
    from pipeline import registries

    return registries


def _split_aliases(v: Any) -> list[str]:
    s = _blank_to_none(v)
    return [a.strip() for a in s.split("|") if a.strip()] if s else []


@dataclass
class _Registry:
    """Registry tables and resolvers used while cleaning one file."""

    orgs: pd.DataFrame
    provinces: pd.DataFrame
    cities: pd.DataFrame
    funders: pd.DataFrame
    org_resolver: Any
    province_resolver: Any
    normalise: Callable[[str], str]
    ref_dir: Path | None
    org_keys: set[str] = field(default_factory=set)
    funder_keys: set[str] = field(default_factory=set)
    org_info: dict[str, dict[str, Any]] = field(default_factory=dict)
    funder_names: dict[str, str] = field(default_factory=dict)
    city_names: dict[str, str] = field(default_factory=dict)
    _org_cache: dict[str, Any] = field(default_factory=dict)
    _keys: dict[str, str] = field(default_factory=dict)
    _classified: dict[str, tuple[str, str | None, str | None]] = field(default_factory=dict)
    _funder_cache: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)

    @classmethod
    def load(cls, ref_dir: Path | None, threshold: float) -> _Registry:
        reg = _registries()
        orgs = reg.load_organisations(ref_dir)
        provinces = reg.load_provinces(ref_dir)
        cities = reg.load_cities(ref_dir)
        funders = reg.load_funders(ref_dir)
        self = cls(
            orgs=orgs,
            provinces=provinces,
            cities=cities,
            funders=funders,
            org_resolver=reg.OrganisationResolver(orgs, threshold=threshold),
            province_resolver=reg.ProvinceResolver(provinces, cities),
            normalise=reg.normalise_name,
            ref_dir=ref_dir,
        )
        for r in orgs.to_dict("records"):
            oid = str(r["org_id"])
            self.org_info[oid] = r
            for n in (r.get("name"), r.get("name_zh"), *_split_aliases(r.get("aliases"))):
                if _blank_to_none(n):
                    self.org_keys.add(self.normalise(str(n)))
        for r in funders.to_dict("records"):
            self.funder_names[str(r["funder_id"])] = str(r["name"])
            for n in (r.get("name"), r.get("name_zh"), *_split_aliases(r.get("aliases"))):
                if _blank_to_none(n):
                    self.funder_keys.add(self.normalise(str(n)))
        for r in cities.to_dict("records"):
            for n in (r.get("city"), r.get("city_zh"), *_split_aliases(r.get("aliases"))):
                if _blank_to_none(n):
                    self.city_names[self.normalise(str(n))] = str(r["city"])
        self.org_keys.discard("")
        self.funder_keys.discard("")
        return self

    # organisations ---------------------------------------------------------
    def key(self, s: str) -> str:
        """Memoised :func:`normalise_name`."""
        k = self._keys.get(s)
        if k is None:
            k = self._keys[s] = self.normalise(s)
        return k

    def classify(self, text: str | None) -> tuple[str, str | None, str | None]:
        """Memoised :func:`classify_research_area` of the first :data:`CLASSIFY_MAX_CHARS`.

        The ~45 rule patterns each scan the whole text, so a multi-megabyte cell would take
        tens of seconds; a research area is a few words, and any longer text is classified by
        its opening (the earliest match wins anyway).
        """
        k = (text or "")[:CLASSIFY_MAX_CHARS]
        if k not in self._classified:
            self._classified[k] = classify_research_area(k, self.ref_dir)
        return self._classified[k]

    def org_known(self, s: str) -> bool:
        return self.key(s) in self.org_keys

    def resolve_org(self, name: str) -> Any:
        if name not in self._org_cache:
            self._org_cache[name] = self.org_resolver.resolve(name)
        return self._org_cache[name]

    def org_resolves(self, name: str) -> bool:
        return getattr(self.resolve_org(name), "org_id", None) is not None

    # funders ---------------------------------------------------------------
    def funder_known(self, s: str) -> bool:
        return self.key(s) in self.funder_keys

    def resolve_funder(self, name: str) -> tuple[str | None, str | None]:
        """``(funder_id, canonical name)`` or ``(None, None)``."""
        if name not in self._funder_cache:
            reg = _registries()
            try:
                res = reg.resolve_funder(name, ref_dir=self.ref_dir)
            except TypeError:
                res = reg.resolve_funder(name)
            fid = _resolution_id(res)
            canon = self.funder_names.get(fid) if fid else None
            if fid and canon is None:
                canon = getattr(res, "name", None)
            self._funder_cache[name] = (fid, canon) if fid else (None, None)
        return self._funder_cache[name]

    def funder_resolves(self, name: str) -> bool:
        return self.resolve_funder(name)[0] is not None

    # places ----------------------------------------------------------------
    def resolve_province(self, value: str | None, city: str | None) -> tuple[str | None, str]:
        code, method = self.province_resolver.resolve(value or None, city=city or None)
        return (_blank_to_none(code), str(method))

    def closest_province(self, value: str) -> str:
        code, score = self.province_resolver.suggest(value)
        if code is None:
            return "none"
        names = dict(zip(self.provinces["code"], self.provinces["name_en"], strict=True))
        return f"{names.get(code, code)} ({code}), similarity {score:.0f}"

    def candidate_label(self, candidate: str | None) -> str | None:
        """Readable label of a resolver candidate id ("Name [org_id]")."""
        if not candidate:
            return None
        info = self.org_info.get(candidate)
        return f"{info['name']} [{candidate}]" if info else str(candidate)

    def canonical_city(self, city: str | None) -> str | None:
        if not city:
            return None
        return self.city_names.get(self.normalise(city), city)


def _resolution_id(res: Any) -> str | None:
    if res is None:
        return None
    if isinstance(res, str):
        return res or None
    if isinstance(res, tuple) and res:
        return _blank_to_none(res[0])
    for attr in ("funder_id", "org_id", "id"):
        v = getattr(res, attr, None)
        if v:
            return str(v)
    return None


# =========================================================================== result
@dataclass
class CleanResult:
    """Everything the cleaner produced for one input file."""

    centres: pd.DataFrame
    organisations: pd.DataFrame
    centre_partners: pd.DataFrame
    rejects: pd.DataFrame
    duplicates: pd.DataFrame
    unresolved: pd.DataFrame
    accounting: dict[str, Any]
    warnings: list[str]
    review: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REVIEW_COLUMNS))
    report: dict[str, Any] = field(default_factory=dict)


def side_of_country(country: str | None) -> str:
    """Partner side from an organisation's country: GB -> UK, CN -> CN, anything else -> other."""
    c = (country or "").strip().upper()
    return {"GB": "UK", "CN": "CN"}.get(c, "other")


# =========================================================================== main
def _is_non_data(text: dict[str, str | None], extras: dict[str, Any], table: RawTable) -> bool:
    """Blank rows, trailing notes (one cell: first column, No. or Notes) and repeated headers."""
    filled = [k for k, v in text.items() if v is not None]
    filled_extra = [k for k, v in extras.items() if cell_text(v) is not None]
    total = len(filled) + len(filled_extra)
    if total == 0:
        return True
    # a repeated header row pasted into the data
    if match_header(text.get("year")) == "year" and match_header(text.get("name")) == "name":
        return True
    if total == 1:
        if filled_extra:
            return True
        return filled[0] in {table.first_column, "notes", "no"}
    return False


def clean_centres(
    path: str | Path,
    *,
    fuzzy_threshold: float = FUZZY_THRESHOLD_DEFAULT,
    year_min: int = YEAR_MIN_DEFAULT,
    year_max: int = YEAR_MAX_DEFAULT,
    ref_dir: Path | None = None,
) -> CleanResult:
    """Read and clean a centres workbook/CSV; see the module docstring for the outputs.

    Raises :class:`CentresInputError` when the file cannot be read as a centres table.
    """
    table = read_table(path)
    reg = _Registry.load(Path(ref_dir) if ref_dir else None, float(fuzzy_threshold))
    src = Path(path).name
    col_label = dict(table.columns)

    def label(fieldname: str) -> str:
        return col_label.get(fieldname, fieldname)

    rejects: list[dict[str, Any]] = []
    unresolved: list[dict[str, Any]] = []
    review: list[dict[str, Any]] = []
    warnings: list[str] = list(table.warnings)
    kept: list[dict[str, Any]] = []
    non_data = 0
    rejected_rows = 0

    def add_review(row: int, fieldname: str, value: Any, issue: str) -> None:
        review.append(
            {
                "source_file": src,
                "source_row": row,
                "column": label(fieldname),
                "value": "" if value is None else str(value),
                "issue": issue,
            }
        )
        warnings.append(f"{src} row {row}, column {label(fieldname)!r}: {issue}")

    for (row, rec), extras in zip(table.rows, table.extra_cells, strict=True):
        text = {k: cell_text(v) for k, v in rec.items()}
        if _is_non_data(text, extras, table):
            non_data += 1
            continue
        problems: list[tuple[str, str, str]] = []  # (field, value, reason)
        row_unresolved: list[dict[str, Any]] = []

        name = text.get("name")
        if not name:
            problems.append(("name", "", "missing centre name"))

        yp = parse_year(rec.get("year"), year_min, year_max)

        # partners ------------------------------------------------------------
        named = 0
        resolved: dict[str, str] = {}  # org_id -> typed column
        for col in PARTNER_COLUMNS:
            if col not in rec:
                continue
            names = split_names(text.get(col), reg.org_known, reg.org_resolves)
            named += len(names)
            for nm in names:
                res = reg.resolve_org(nm)
                oid = getattr(res, "org_id", None)
                if oid:
                    resolved.setdefault(str(oid), col)
                else:
                    score = getattr(res, "score", None)
                    row_unresolved.append(
                        {
                            "source_row": row,
                            "column": label(col),
                            "value": nm,
                            "best_candidate": reg.candidate_label(getattr(res, "candidate", None)),
                            "score": round(float(score), 2) if score is not None else float("nan"),
                        }
                    )

        if yp.missing and named == 0:
            problems.append(("year", "", "no year and no partner"))
        else:
            if yp.missing:
                problems.append(("year", "", "missing year established"))
            elif yp.problem:
                problems.append(("year", text.get("year") or str(rec.get("year")), yp.problem))
            if named == 0:
                pcol = next((c for c in PARTNER_COLUMNS if c in rec), "uk_partners")
                problems.append((pcol, "", "no partner named"))
            elif not resolved:
                vals = " | ".join(u["value"] for u in row_unresolved)
                hints = "; ".join(
                    f"{u['value']!r} ~ {u['best_candidate']!r} ({u['score']:.0f})"
                    for u in row_unresolved
                    if u["best_candidate"]
                )
                reason = "no partner resolves to a registry organisation"
                if hints:
                    reason += f" (closest: {hints})"
                problems.append((_field_of(row_unresolved[0], col_label), vals, reason))

        # province ---------------------------------------------------------------
        prov_text, city_text = text.get("province"), text.get("city")
        province_code: str | None = None
        if prov_text:
            # a given province must resolve on its own (no silent fallback to the city)
            province_code, _ = reg.resolve_province(prov_text, None)
            if province_code is None:
                problems.append(
                    (
                        "province",
                        prov_text,
                        (
                            f"unknown province {prov_text!r} (closest known: "
                            f"{reg.closest_province(prov_text)})"
                        ),
                    )
                )
        elif city_text:
            province_code, _ = reg.resolve_province(None, city_text)

        unresolved.extend(row_unresolved)
        if problems:
            rejected_rows += 1
            for fieldname, value, reason in problems:
                rejects.append(
                    {
                        "source_file": src,
                        "source_row": row,
                        "column": label(fieldname),
                        "value": value,
                        "reason": reason,
                    }
                )
            continue
        assert name is not None and yp.year is not None

        # location ---------------------------------------------------------------
        loc_text = text.get("location")
        location = normalise_location(loc_text)
        if loc_text and location is None:
            add_review(row, "location", loc_text, "unrecognised physical location; left blank")
        elif not loc_text:
            if province_code:
                location = "CN"
            else:
                add_review(row, "location", "", "physical location blank and not inferable")
        if location in ("CN", "both") and province_code is None:
            add_review(
                row,
                "province",
                prov_text or "",
                f"province not given and city {city_text or ''!r} is not in the registry; "
                "province left blank",
            )

        for u in row_unresolved:
            add_review(row, _field_of(u, col_label), u["value"], "partner name not resolved")
        for oid, col in resolved.items():
            side = side_of_country(reg.org_info.get(oid, {}).get("country"))
            if COLUMN_SIDE[col] != side:
                add_review(
                    row,
                    col,
                    reg.org_info.get(oid, {}).get("name", oid),
                    f"organisation {oid} is on side {side} but was typed under {label(col)!r}",
                )

        # research area ------------------------------------------------------------
        area = text.get("research_area")
        topic, dgroup, sector = reg.classify(area)
        if topic == UNCLASSIFIED:
            add_review(row, "research_area", area or "", "research area not classified")

        # funders ------------------------------------------------------------------
        funders: list[str] = []
        for fname in split_names(text.get("funders"), reg.funder_known, reg.funder_resolves):
            fid, canon = reg.resolve_funder(fname)
            if fid is None:
                add_review(row, "funders", fname, "funder not in the registry; kept verbatim")
                funders.append(fname)
            else:
                funders.append(str(canon))
        funders = sorted(set(funders))

        kept.append(
            {
                "name": name,
                "name_zh": text.get("name_zh"),
                "year_established": int(yp.year),
                "year_approximate": bool(yp.approximate),
                "status": normalise_status(text.get("status")),
                "location": location,
                "province_code": province_code,
                "city": reg.canonical_city(city_text),
                "topic": topic,
                "discipline_group": dgroup,
                "nsi_sector": sector,
                "funders": funders,
                "source_row": int(row),
                "_key": (reg.normalise(name), int(yp.year), frozenset(resolved)),
                "_orgs": sorted(resolved),
            }
        )

    # dedup ---------------------------------------------------------------------------
    first_by_key: dict[Any, dict[str, Any]] = {}
    duplicates: list[dict[str, Any]] = []
    centres_rows: list[dict[str, Any]] = []
    for c in kept:
        k = c["_key"]
        if k in first_by_key:
            duplicates.append(
                {
                    "source_file": src,
                    "source_row": c["source_row"],
                    "duplicate_of_row": first_by_key[k]["source_row"],
                    "name": c["name"],
                    "year_established": c["year_established"],
                    "partners": " | ".join(c["_orgs"]),
                }
            )
            continue
        first_by_key[k] = c
        centres_rows.append(c)

    centres_rows.sort(key=lambda c: (c["year_established"], c["_key"][0], c["source_row"]))
    links: list[dict[str, Any]] = []
    for rank, c in enumerate(centres_rows, start=1):
        c["centre_id"] = f"C{rank:04d}"
        for oid in c["_orgs"]:
            side = side_of_country(reg.org_info.get(oid, {}).get("country"))
            links.append({"centre_id": c["centre_id"], "org_id": oid, "side": side})

    centres = _frame(centres_rows, CENTRE_COLUMNS).sort_values("centre_id", kind="stable")
    centres["year_established"] = centres["year_established"].astype("int64")
    centres["source_row"] = centres["source_row"].astype("int64")
    centres["year_approximate"] = centres["year_approximate"].astype(bool)
    partners = _frame(links, PARTNER_LINK_COLUMNS).sort_values(["centre_id", "org_id"])
    used = sorted(set(partners["org_id"]))
    orgs = reg.orgs[reg.orgs["org_id"].isin(used)].copy()
    organisations = _frame(
        [
            {c: _blank_to_none(r.get(c)) for c in ORGANISATION_COLUMNS}
            for r in orgs.to_dict("records")
        ],
        ORGANISATION_COLUMNS,
    ).sort_values("org_id")

    rejects_df = _frame(rejects, REJECT_COLUMNS).sort_values(["source_row", "column", "reason"])
    dups_df = _frame(duplicates, DUPLICATE_COLUMNS).sort_values("source_row")
    unres_df = _frame(unresolved, UNRESOLVED_COLUMNS).sort_values(["source_row", "column", "value"])
    review_df = _frame(review, REVIEW_COLUMNS).sort_values(
        ["source_row", "column", "issue", "value"]
    )
    for df in (rejects_df, dups_df, unres_df, review_df):
        df["source_row"] = df["source_row"].astype("int64")
    dups_df["duplicate_of_row"] = dups_df["duplicate_of_row"].astype("int64")
    dups_df["year_established"] = dups_df["year_established"].astype("int64")
    unres_df["score"] = unres_df["score"].astype("float64")

    accounting = {
        "source_file": src,
        "raw_rows": len(table.rows),
        "non_data_rows": non_data,
        "centres": len(centres),
        "duplicates": len(dups_df),
        "rejected": rejected_rows,
    }
    check_accounting(accounting)

    report = {
        "source_file": src,
        "sheet": table.sheet,
        "header_row": table.header_row,
        "encoding": table.encoding,
        "delimiter": table.delimiter,
        "columns": dict(sorted(table.columns.items())),
        "ignored_columns": list(table.ignored_columns),
        "parameters": {
            "fuzzy_threshold": float(fuzzy_threshold),
            "year_min": int(year_min),
            "year_max": int(year_max),
        },
        "warnings": warnings,
    }
    from pipeline.centres import schemas

    result = CleanResult(
        centres=schemas.validate_centres(centres.reset_index(drop=True)),
        organisations=schemas.validate_organisations(organisations.reset_index(drop=True)),
        centre_partners=schemas.validate_centre_partners(partners.reset_index(drop=True)),
        rejects=schemas.validate_rejects(rejects_df.reset_index(drop=True)),
        duplicates=schemas.validate_duplicates(dups_df.reset_index(drop=True)),
        unresolved=schemas.validate_unresolved(unres_df.reset_index(drop=True)),
        accounting=accounting,
        warnings=warnings,
        review=schemas.validate_review(review_df.reset_index(drop=True)),
        report=report,
    )
    return result


def _field_of(u: dict[str, Any], col_label: dict[str, str]) -> str:
    """Canonical field of an unresolved entry (stored with its header label)."""
    for k, v in col_label.items():
        if v == u["column"]:
            return k
    return str(u["column"])


def _frame(rows: Iterable[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    rows = list(rows)
    df = pd.DataFrame(rows, columns=columns) if rows else pd.DataFrame(columns=columns)
    return df[columns].copy()


def check_accounting(acc: dict[str, Any]) -> None:
    """Assert raw_rows = non_data_rows + centres + duplicates + rejected."""
    total = acc["non_data_rows"] + acc["centres"] + acc["duplicates"] + acc["rejected"]
    if acc["raw_rows"] != total:
        raise AssertionError(
            f"{acc.get('source_file')}: row accounting broken: raw_rows {acc['raw_rows']} != "
            f"non_data {acc['non_data_rows']} + centres {acc['centres']} + duplicates "
            f"{acc['duplicates']} + rejected {acc['rejected']}"
        )


# =========================================================================== outputs
def _arrow_schemas() -> dict[str, Any]:
    import pyarrow as pa

    s, i, b = pa.string(), pa.int64(), pa.bool_()
    return {
        "centres": pa.schema(
            [
                ("centre_id", s),
                ("name", s),
                ("name_zh", s),
                ("year_established", i),
                ("year_approximate", b),
                ("status", s),
                ("location", s),
                ("province_code", s),
                ("city", s),
                ("topic", s),
                ("discipline_group", s),
                ("nsi_sector", s),
                ("funders", pa.list_(s)),
                ("source_row", i),
            ]
        ),
        "organisations": pa.schema([(c, s) for c in ORGANISATION_COLUMNS]),
        "centre_partners": pa.schema([(c, s) for c in PARTNER_LINK_COLUMNS]),
    }


def write_parquet(df: pd.DataFrame, path: Path, schema: Any) -> Path:
    """Write ``df`` with an explicit arrow schema, no index, atomically (same data -> same bytes)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pipeline.io import atomic_path

    table = pa.Table.from_pandas(df.reset_index(drop=True), schema=schema, preserve_index=False)
    table = table.replace_schema_metadata(None)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd")
    return Path(path)


OUTPUT_FILES = (
    "centres.parquet",
    "organisations.parquet",
    "centre_partners.parquet",
    "centres.csv",
    "rejects.csv",
    "duplicates.csv",
    "unresolved_organisations.csv",
    "review.csv",
    "row_accounting.json",
    "cleaning_report.json",
)


def write_outputs(result: CleanResult, out_dir: Path) -> list[Path]:
    """Write every output table of ``result`` into ``out_dir`` (atomic, sorted, formula-safe).

    Parquet: centres, organisations, centre_partners. CSV (cells starting = + - @ tab CR get a
    leading single quote): centres.csv (a readable copy, funders joined by " | "), rejects,
    duplicates, unresolved_organisations, review. JSON: row_accounting, cleaning_report.
    """
    from pipeline.centres import schemas as sch
    from pipeline.io import atomic_write_csv, atomic_write_json

    out = Path(out_dir)
    check_accounting(result.accounting)
    sch.validate_centres(result.centres)
    sch.validate_organisations(result.organisations)
    sch.validate_centre_partners(result.centre_partners)
    sch.validate_rejects(result.rejects)
    sch.validate_duplicates(result.duplicates)
    sch.validate_unresolved(result.unresolved)
    sch.validate_review(result.review)
    out.mkdir(parents=True, exist_ok=True)
    schemas = _arrow_schemas()
    written = [
        write_parquet(result.centres, out / "centres.parquet", schemas["centres"]),
        write_parquet(
            result.organisations, out / "organisations.parquet", schemas["organisations"]
        ),
        write_parquet(
            result.centre_partners, out / "centre_partners.parquet", schemas["centre_partners"]
        ),
    ]
    readable = result.centres.copy()
    readable["funders"] = readable["funders"].map(lambda v: " | ".join(v))
    written.append(atomic_write_csv(out / "centres.csv", readable))
    written.append(atomic_write_csv(out / "rejects.csv", result.rejects))
    written.append(atomic_write_csv(out / "duplicates.csv", result.duplicates))
    written.append(atomic_write_csv(out / "unresolved_organisations.csv", result.unresolved))
    written.append(atomic_write_csv(out / "review.csv", result.review))
    written.append(atomic_write_json(out / "row_accounting.json", result.accounting))
    written.append(atomic_write_json(out / "cleaning_report.json", result.report))
    return [Path(p) for p in written]
