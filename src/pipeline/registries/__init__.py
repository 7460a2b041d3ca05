"""Reference registries of real facts (organisations, places, topics, NSI sectors, funders).

The CSV files live in ``data/reference/`` (see its README for columns and sources). This
module loads them once, validates them, and offers resolvers that map messy free-text
names onto the registry ids:

* :func:`normalise_name` - the one normalisation used for every name key;
* :class:`OrganisationResolver` - exact / alias / fuzzy (rapidfuzz) resolution of
  organisation names, never guessing between two close candidates;
* :class:`ProvinceResolver` - Chinese province-level units from pinyin, Chinese, ISO
  3166-2, GB/T short codes, adcodes, or (when blank) from the city;
* :class:`FunderResolver` / :func:`resolve_funder` - funders, same rules as organisations;
* :func:`classify_research_area` - the rule semantics of ``research_area_rules.csv``.

The reference directory defaults to ``<repo>/data/reference`` and can be overridden with
the ``PIPELINE_REFERENCE_DIR`` environment variable or a ``ref_dir`` argument.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz, process

from pipeline import catalog

__all__ = [
    "ALIAS_SEP",
    "DISCIPLINE_GROUPS",
    "ORG_TYPES",
    "PROVINCE_KINDS",
    "REFERENCE_DIR",
    "RULE_KINDS",
    "UK_NATIONS",
    "UNCLASSIFIED",
    "AreaClassification",
    "FunderResolver",
    "OrganisationResolver",
    "ProvinceResolver",
    "ReferenceDataError",
    "Resolution",
    "classify_research_area",
    "clear_caches",
    "get_organisation_resolver",
    "get_province_resolver",
    "load_cities",
    "load_funders",
    "load_nsi_sectors",
    "load_organisations",
    "load_provinces",
    "load_rules",
    "load_topics",
    "normalise_name",
    "reference_dir",
    "resolve_funder",
    "split_aliases",
]

REFERENCE_DIR: Path = Path(os.environ.get("PIPELINE_REFERENCE_DIR") or catalog.locate("reference"))
"""Default reference directory (``PIPELINE_REFERENCE_DIR`` at import time, else the project's)."""

ALIAS_SEP = " | "
ORG_TYPES = ("university", "research_institute", "funder", "company", "government_body")
UK_NATIONS = ("ENG", "SCT", "WLS", "NIR")
PROVINCE_KINDS = ("province", "municipality", "autonomous_region", "sar", "disputed")
DISCIPLINE_GROUPS = ("stem", "non_stem", "multidisciplinary")
RULE_KINDS = ("topic", "nsi_sector")
UNCLASSIFIED = "unclassified"

_COLUMNS: dict[str, list[str]] = {
    "organisations.csv": ["org_id", "name", "name_zh", "country", "type", "city",
                          "province_code", "uk_nation", "aliases"],
    "provinces.csv": ["code", "name_en", "name_zh", "kind", "coastal", "aliases"],
    "cities.csv": ["city", "city_zh", "country", "province_code", "uk_nation", "aliases"],
    "topics.csv": ["topic", "label", "discipline_group", "default_nsi_sector"],
    "nsi_sectors.csv": ["sector", "label", "in_nsi_act"],
    "research_area_rules.csv": ["rule_id", "kind", "pattern", "target", "priority"],
    "funders.csv": ["funder_id", "name", "name_zh", "country", "aliases"],
}


class ReferenceDataError(ValueError):
    """A reference CSV is malformed; the message names the file, row and column."""

    def __init__(self, file: str, row: int | None, column: str | None, message: str) -> None:
        self.file, self.row, self.column = file, row, column
        where = file + (f", row {row}" if row is not None else "")
        where += f", column {column!r}" if column else ""
        super().__init__(f"{where}: {message}")


# ----------------------------------------------------------------------------- loading


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
def _read(path_str: str, name: str) -> pd.DataFrame:
    path = Path(path_str)
    if not path.is_file():
        raise ReferenceDataError(str(path), None, None, "reference file not found")
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in _COLUMNS[name] if c not in df.columns]
    if missing:
        raise ReferenceDataError(str(path), 1, missing[0], f"missing columns {missing}")
    df = df[_COLUMNS[name]].copy()
    for col in df.columns:
        df[col] = df[col].str.strip()
    return df


def _check(df: pd.DataFrame, path: Path, col: str, ok, message: str) -> None:
    """Raise on the first row whose ``col`` fails ``ok`` (row numbers are file lines)."""
    for i, value in enumerate(df[col].tolist()):
        if not ok(value):
            raise ReferenceDataError(str(path), i + 2, col, f"{message} (value {value!r})")


def _unique(df: pd.DataFrame, path: Path, col: str) -> None:
    dup = df[col].duplicated(keep="first")
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][0])
        raise ReferenceDataError(str(path), i + 2, col, f"duplicate id {df[col].iloc[i]!r}")


def _load(name: str, ref_dir: Path | str | None) -> tuple[pd.DataFrame, Path]:
    path = reference_dir(ref_dir) / name
    return _read(str(path.resolve()), name).copy(), path


def _bool_col(df: pd.DataFrame, path: Path, col: str) -> None:
    _check(df, path, col, lambda v: v.lower() in ("true", "false"), "must be true or false")
    df[col] = df[col].str.lower().eq("true")


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SNAKE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
_ISO_CN = re.compile(r"^CN-[A-Z]{2}$")


def load_organisations(ref_dir: Path | str | None = None) -> pd.DataFrame:
    """Organisations registry (``organisations.csv``), one row per real organisation.

    Columns: org_id, name, name_zh, country, type, city, province_code, uk_nation, aliases
    (all strings; blank = ``""``). Raises :class:`ReferenceDataError` on bad rows.
    """
    df, path = _load("organisations.csv", ref_dir)
    _check(df, path, "org_id", lambda v: bool(_SLUG.match(v)), "org_id must be a lowercase slug")
    _unique(df, path, "org_id")
    _check(df, path, "name", bool, "name is required")
    _check(df, path, "country", lambda v: bool(re.fullmatch(r"[A-Z]{2}", v)),
           "country must be an ISO 3166-1 alpha-2 code")
    _check(df, path, "type", lambda v: v in ORG_TYPES, f"type must be one of {ORG_TYPES}")
    _check(df, path, "province_code", lambda v: v == "" or bool(_ISO_CN.match(v)),
           "province_code must be blank or CN-XX")
    _check(df, path, "uk_nation", lambda v: v == "" or v in UK_NATIONS,
           f"uk_nation must be blank or one of {UK_NATIONS}")
    return df.reset_index(drop=True)


def load_provinces(ref_dir: Path | str | None = None) -> pd.DataFrame:
    """The 34 Chinese province-level units (``provinces.csv``); ``coastal`` is a bool."""
    df, path = _load("provinces.csv", ref_dir)
    _check(df, path, "code", lambda v: bool(_ISO_CN.match(v)), "code must be CN-XX")
    _unique(df, path, "code")
    _check(df, path, "kind", lambda v: v in PROVINCE_KINDS, f"kind must be one of {PROVINCE_KINDS}")
    _bool_col(df, path, "coastal")
    return df.reset_index(drop=True)


def load_cities(ref_dir: Path | str | None = None) -> pd.DataFrame:
    """Cities registry (``cities.csv``); city names are unique within the file."""
    df, path = _load("cities.csv", ref_dir)
    _check(df, path, "city", bool, "city is required")
    _unique(df, path, "city")
    _check(df, path, "province_code", lambda v: v == "" or bool(_ISO_CN.match(v)),
           "province_code must be blank or CN-XX")
    _check(df, path, "uk_nation", lambda v: v == "" or v in UK_NATIONS,
           f"uk_nation must be blank or one of {UK_NATIONS}")
    return df.reset_index(drop=True)


def load_topics(ref_dir: Path | str | None = None) -> pd.DataFrame:
    """Academic topics (``topics.csv``) with discipline group and default NSI sector."""
    df, path = _load("topics.csv", ref_dir)
    _check(df, path, "topic", lambda v: bool(_SNAKE.match(v)), "topic must be snake_case")
    _unique(df, path, "topic")
    _check(df, path, "discipline_group", lambda v: v in DISCIPLINE_GROUPS,
           f"discipline_group must be one of {DISCIPLINE_GROUPS}")
    sectors = set(load_nsi_sectors(ref_dir)["sector"])
    _check(df, path, "default_nsi_sector", lambda v: v == "" or v in sectors,
           "default_nsi_sector must be blank or a sector in nsi_sectors.csv")
    return df.reset_index(drop=True)


def load_nsi_sectors(ref_dir: Path | str | None = None) -> pd.DataFrame:
    """NSI Act 2021 sectors plus the study's engineering bucket; ``in_nsi_act`` is a bool."""
    df, path = _load("nsi_sectors.csv", ref_dir)
    _check(df, path, "sector", lambda v: bool(_SNAKE.match(v)), "sector must be snake_case")
    _unique(df, path, "sector")
    _bool_col(df, path, "in_nsi_act")
    return df.reset_index(drop=True)


def load_rules(ref_dir: Path | str | None = None) -> pd.DataFrame:
    """Research-area classification rules; ``priority`` is an int, patterns compile."""
    df, path = _load("research_area_rules.csv", ref_dir)
    _unique(df, path, "rule_id")
    _check(df, path, "kind", lambda v: v in RULE_KINDS, f"kind must be one of {RULE_KINDS}")
    _check(df, path, "priority", lambda v: bool(re.fullmatch(r"-?\d+", v)),
           "priority must be an integer")

    def compiles(p: str) -> bool:
        try:
            re.compile(p, re.IGNORECASE)
        except re.error:
            return False
        return bool(p)

    _check(df, path, "pattern", compiles, "pattern must be a valid, non-empty Python regex")
    df["priority"] = df["priority"].astype(int)
    topics = set(_read(str((reference_dir(ref_dir) / "topics.csv").resolve()),
                       "topics.csv")["topic"])
    sectors = set(load_nsi_sectors(ref_dir)["sector"])
    kinds_targets = list(zip(df["kind"], df["target"]))
    for i, (kind, target) in enumerate(kinds_targets):
        valid = topics if kind == "topic" else sectors
        if target not in valid:
            raise ReferenceDataError(str(path), i + 2, "target",
                                     f"unknown {kind} {target!r}")
    return df.reset_index(drop=True)


def load_funders(ref_dir: Path | str | None = None) -> pd.DataFrame:
    """Funders registry (``funders.csv``); funder ids equal the matching org ids."""
    df, path = _load("funders.csv", ref_dir)
    _check(df, path, "funder_id", lambda v: bool(_SLUG.match(v)),
           "funder_id must be a lowercase slug")
    _unique(df, path, "funder_id")
    _check(df, path, "name", bool, "name is required")
    return df.reset_index(drop=True)


def clear_caches() -> None:
    """Forget every cached file and default resolver (after editing the CSVs in place)."""
    _read.cache_clear()
    _default_funder_resolver.cache_clear()
    _default_org_resolver.cache_clear()
    _default_province_resolver.cache_clear()
    _compiled_rules.cache_clear()


# ----------------------------------------------------------------------------- names

_APOSTROPHES = re.compile(r"['\u2019\u2018`\u00b4]")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_ABBREV = [
    (re.compile(r"\buniv\b\.?"), "university"),
    (re.compile(r"\buni\b\.?"), "university"),
    (re.compile(r"\binst\b\.?"), "institute"),
    (re.compile(r"\bdept\b\.?"), "department"),
    (re.compile(r"\bacad\b\.?"), "academy"),
    (re.compile(r"\bnatl\b\.?"), "national"),
    (re.compile(r"\bsci\b\.?"), "science"),
    (re.compile(r"\bst\b\.(?=\s)"), "st"),
]


def normalise_name(s: str | None) -> str:
    """Normalise a name into a matching key.

    NFKC + casefold; apostrophes dropped (``King's`` -> ``kings``); ``&`` -> ``and``;
    ``univ.``/``uni`` -> ``university`` (and a few other abbreviations); every run of
    punctuation/whitespace becomes one space; a leading ``the`` is removed. Chinese text
    keeps its characters (full-width brackets fold to ASCII and then vanish).
    """
    if s is None or (isinstance(s, float) and pd.isna(s)):
        return ""
    text = unicodedata.normalize("NFKC", str(s)).casefold()
    text = _APOSTROPHES.sub("", text).replace("&", " and ")
    for pattern, repl in _ABBREV:
        text = pattern.sub(repl, text)
    text = _NON_WORD.sub(" ", text).strip()
    return text.removeprefix("the ")


# ----------------------------------------------------------------------------- resolvers


@dataclass(frozen=True)
class Resolution:
    """Result of resolving a name.

    ``org_id`` is the registry id (org_id or funder_id) or None; ``method`` is one of
    ``exact`` (canonical name, English or Chinese), ``alias``, ``fuzzy`` or ``unresolved``;
    ``score`` is 100 for exact/alias and the rapidfuzz score otherwise; ``candidate`` is
    the id of the best candidate (also for unresolved names, as a suggestion for review),
    or None when nothing came close.
    """

    org_id: str | None
    method: str
    score: float
    candidate: str | None

    @property
    def resolved(self) -> bool:
        """True when ``org_id`` is set."""
        return self.org_id is not None

    @property
    def funder_id(self) -> str | None:
        """Same as ``org_id`` (funder ids equal org ids); reads better for funders."""
        return self.org_id


class _NameIndex:
    """Exact/alias dictionary plus a rapidfuzz fallback over the same keys."""

    def __init__(self, records: Iterable[tuple[str, list[str], list[str]]],
                 threshold: float, margin: float, min_fuzzy_len: int) -> None:
        self.threshold = float(threshold)
        self.margin = float(margin)
        self.min_fuzzy_len = int(min_fuzzy_len)
        self.exact: dict[str, set[str]] = {}
        self.alias: dict[str, set[str]] = {}
        for rid, names, aliases in records:
            for n in names:
                k = normalise_name(n)
                if k:
                    self.exact.setdefault(k, set()).add(rid)
            for a in aliases:
                k = normalise_name(a)
                if k:
                    self.alias.setdefault(k, set()).add(rid)
        keys: dict[str, set[str]] = {}
        for table in (self.exact, self.alias):
            for k, ids in table.items():
                keys.setdefault(k, set()).update(ids)
        self._keys = sorted(keys)
        self._key_ids = [sorted(keys[k]) for k in self._keys]
        self._memo: dict[str, Resolution] = {}

    def ambiguous_keys(self) -> dict[str, list[str]]:
        """Keys (names or aliases) claimed by more than one id."""
        out: dict[str, set[str]] = {}
        for table in (self.exact, self.alias):
            for k, ids in table.items():
                out.setdefault(k, set()).update(ids)
        return {k: sorted(v) for k, v in sorted(out.items()) if len(v) > 1}

    def resolve(self, name: str | None) -> Resolution:
        key = normalise_name(name)
        if not key:
            return Resolution(None, "unresolved", 0.0, None)
        if key in self._memo:
            return self._memo[key]
        res = self._resolve_key(key)
        self._memo[key] = res
        return res

    def _resolve_key(self, key: str) -> Resolution:
        for method, table in (("exact", self.exact), ("alias", self.alias)):
            ids = table.get(key)
            if ids and len(ids) == 1:
                rid = next(iter(ids))
                return Resolution(rid, method, 100.0, rid)
            if ids:  # a key shared by two ids never resolves
                return Resolution(None, "unresolved", 100.0, None)
        matches = process.extract(key, self._keys, scorer=fuzz.token_sort_ratio,
                                  limit=25, processor=None)
        best_by_id: dict[str, float] = {}
        for _, score, idx in matches:
            for rid in self._key_ids[idx]:
                if score > best_by_id.get(rid, -1.0):
                    best_by_id[rid] = float(score)
        if not best_by_id:
            return Resolution(None, "unresolved", 0.0, None)
        ranked = sorted(best_by_id.items(), key=lambda kv: (-kv[1], kv[0]))
        best_id, best = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        if (len(key) >= self.min_fuzzy_len and best >= self.threshold
                and best - runner_up >= self.margin):
            return Resolution(best_id, "fuzzy", best, best_id)
        return Resolution(None, "unresolved", best, best_id)


class OrganisationResolver:
    """Resolve free-text organisation names to ``org_id``.

    Order: exact canonical name (English or Chinese) -> alias -> fuzzy. Fuzzy matching
    uses rapidfuzz ``token_sort_ratio`` on normalised keys; it accepts the best
    organisation only when its score is >= ``threshold`` AND beats the best *other*
    organisation by >= ``margin`` points, and only for keys of at least ``min_fuzzy_len``
    characters (short abbreviations are never fuzzed). Otherwise the name is unresolved
    and ``candidate`` carries the best guess for a reviewer.
    """

    def __init__(self, orgs: pd.DataFrame | None = None, threshold: float = 90.0,
                 margin: float = 4.0, min_fuzzy_len: int = 6) -> None:
        self.orgs = load_organisations() if orgs is None else orgs
        self._by_id = self.orgs.set_index("org_id", drop=False)
        records = [
            (r.org_id, [r.name, r.name_zh], split_aliases(r.aliases))
            for r in self.orgs.itertuples(index=False)
        ]
        self._index = _NameIndex(records, threshold, margin, min_fuzzy_len)

    @property
    def threshold(self) -> float:
        """Minimum fuzzy score accepted."""
        return self._index.threshold

    def resolve(self, name: str | None) -> Resolution:
        """Resolve one name; see the class docstring."""
        return self._index.resolve(name)

    def resolve_many(self, names: Iterable[str | None]) -> pd.DataFrame:
        """Resolve many names: DataFrame with columns input, org_id, method, score, candidate."""
        rows = []
        for n in names:
            r = self.resolve(n)
            rows.append({"input": n, "org_id": r.org_id, "method": r.method,
                         "score": r.score, "candidate": r.candidate})
        return pd.DataFrame(rows, columns=["input", "org_id", "method", "score", "candidate"])

    def get(self, org_id: str) -> dict[str, str]:
        """The registry row of ``org_id`` as a dict (KeyError if unknown)."""
        return self._by_id.loc[org_id].to_dict()

    def ambiguous_keys(self) -> dict[str, list[str]]:
        """Normalised names/aliases that map to more than one org (should be empty)."""
        return self._index.ambiguous_keys()


class FunderResolver(OrganisationResolver):
    """Resolve funder names to ``funder_id`` (ids shared with organisations.csv)."""

    def __init__(self, funders: pd.DataFrame | None = None, threshold: float = 90.0,
                 margin: float = 4.0, min_fuzzy_len: int = 6) -> None:
        self.orgs = load_funders() if funders is None else funders
        self._by_id = self.orgs.set_index("funder_id", drop=False)
        records = [
            (r.funder_id, [r.name, r.name_zh], split_aliases(r.aliases))
            for r in self.orgs.itertuples(index=False)
        ]
        self._index = _NameIndex(records, threshold, margin, min_fuzzy_len)

    def resolve_many(self, names: Iterable[str | None]) -> pd.DataFrame:
        """Resolve many names: columns input, funder_id, method, score, candidate."""
        return super().resolve_many(names).rename(columns={"org_id": "funder_id"})


@functools.lru_cache(maxsize=8)
def _default_funder_resolver(ref_dir: str) -> FunderResolver:
    return FunderResolver(load_funders(ref_dir))


def resolve_funder(name: str | None, ref_dir: Path | str | None = None) -> Resolution:
    """Resolve a funder name with a cached default :class:`FunderResolver`."""
    return _default_funder_resolver(str(reference_dir(ref_dir))).resolve(name)


_PROVINCE_SUFFIXES = re.compile(
    r"\s*\b(?:province|sheng|shi|municipality|city|autonomous region|zizhiqu|"
    r"special administrative region|sar|prc|china|p r china|peoples republic of china)$"
)
_ZH_SUFFIXES = re.compile(
    r"(?:壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|特別行政區|省|市)$"
)


def _province_key(value: str | None) -> str:
    """Normalise a province/city value and strip administrative suffixes."""
    key = normalise_name(value)
    key = re.sub(r"^(?:china|中国)\s+", "", key)
    for _ in range(3):
        new = _PROVINCE_SUFFIXES.sub("", key).strip()
        new = _ZH_SUFFIXES.sub("", new).strip()
        if new == key:
            break
        key = new
    return key


class ProvinceResolver:
    """Resolve Chinese province-level units to ISO 3166-2 codes (``CN-JS``).

    ``resolve(value, city=None)`` returns ``(code, method)`` with method ``code`` (ISO,
    GB/T short code or adcode), ``name`` (English/Chinese name), ``alias``, ``city``
    (inferred from ``city``, or ``value`` was itself a known city) or ``unresolved``
    (code None). Fuzzy matching never resolves; :meth:`suggest` offers the closest unit.
    """

    def __init__(self, provinces: pd.DataFrame | None = None,
                 cities: pd.DataFrame | None = None) -> None:
        self.provinces = load_provinces() if provinces is None else provinces
        self.cities = load_cities() if cities is None else cities
        self._index: dict[str, tuple[str, str]] = {}
        for r in self.provinces.itertuples(index=False):
            for k in (r.code, r.code[3:]):
                self._add(k, r.code, "code")
            for k in (r.name_en, r.name_zh):
                self._add(k, r.code, "name")
            for a in split_aliases(r.aliases):
                method = "code" if re.fullmatch(r"\d{6}|[A-Z]{2}", a) else "alias"
                self._add(a, r.code, method)
        self._city: dict[str, str] = {}
        for r in self.cities.itertuples(index=False):
            if not r.province_code:
                continue
            for k in [r.city, r.city_zh, *split_aliases(r.aliases)]:
                for key in {normalise_name(k), _province_key(k)}:
                    if key:
                        self._city.setdefault(key, r.province_code)
        self._keys = sorted(self._index)

    def _add(self, raw: str, code: str, method: str) -> None:
        for key in {normalise_name(raw), _province_key(raw)}:
            if key and key not in self._index:
                self._index[key] = (code, method)

    def resolve(self, value: str | None, city: str | None = None) -> tuple[str | None, str]:
        """Resolve ``value`` (falling back to ``city``) to ``(code | None, method)``."""
        for key in (normalise_name(value), _province_key(value)):
            if key and key in self._index:
                return self._index[key]
        for raw in (value, city):
            for key in (normalise_name(raw), _province_key(raw)):
                if key and key in self._city:
                    return self._city[key], "city"
        return None, "unresolved"

    def suggest(self, value: str | None) -> tuple[str | None, float]:
        """Closest province for an unresolved value: ``(code | None, score 0-100)``."""
        key = _province_key(value)
        if not key:
            return None, 0.0
        hit = process.extractOne(key, self._keys, scorer=fuzz.ratio, processor=None)
        if hit is None:
            return None, 0.0
        return self._index[hit[0]][0], float(hit[1])

    def city_province(self, city: str | None) -> str | None:
        """Province code of a known city, else None."""
        for key in (normalise_name(city), _province_key(city)):
            if key and key in self._city:
                return self._city[key]
        return None


# ----------------------------------------------------------------------------- topics


@dataclass(frozen=True)
class AreaClassification:
    """Classification of a free-text research area (see data/reference/README.md)."""

    topic: str
    discipline_group: str
    nsi_sector: str
    topic_rule: str | None
    sector_rule: str | None


@functools.lru_cache(maxsize=8)
def _compiled_rules(ref_dir: str) -> tuple[list, list, dict[str, tuple[str, str]]]:
    rules = load_rules(ref_dir)
    compiled: dict[str, list] = {"topic": [], "nsi_sector": []}
    for r in rules.itertuples(index=False):
        compiled[r.kind].append((re.compile(r.pattern, re.IGNORECASE), int(r.priority),
                                 r.rule_id, r.target))
    topics = load_topics(ref_dir)
    info = {t.topic: (t.discipline_group, t.default_nsi_sector)
            for t in topics.itertuples(index=False)}
    return compiled["topic"], compiled["nsi_sector"], info


def _earliest(rules: list, text: str) -> tuple[str, str] | None:
    best: tuple[int, int, str, str] | None = None
    for pattern, priority, rule_id, target in rules:
        m = pattern.search(text)
        if m is None:
            continue
        cand = (m.start(), priority, rule_id, target)
        if best is None or cand < best:
            best = cand
    return None if best is None else (best[3], best[2])


def classify_research_area(text: str | None,
                           ref_dir: Path | str | None = None) -> AreaClassification:
    """Classify free text into topic, discipline group and NSI sector.

    Topic: the ``topic`` rule whose first match starts earliest (ties: lower priority,
    then rule_id); no match -> ``unclassified`` with a blank discipline group.
    NSI sector: blank for non_stem topics; otherwise the earliest ``nsi_sector`` rule
    (same tie-break), else the topic's ``default_nsi_sector`` (may be blank).
    """
    topic_rules, sector_rules, info = _compiled_rules(str(reference_dir(ref_dir)))
    s = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
    t = _earliest(topic_rules, s)
    if t is None:
        topic, topic_rule, group, default = UNCLASSIFIED, None, "", ""
    else:
        topic, topic_rule = t
        group, default = info[topic]
    if group == "non_stem":
        return AreaClassification(topic, group, "", topic_rule, None)
    sec = _earliest(sector_rules, s)
    if sec is None:
        return AreaClassification(topic, group, default, topic_rule, None)
    return AreaClassification(topic, group, sec[0], topic_rule, sec[1])


@functools.lru_cache(maxsize=8)
def _default_org_resolver(ref_dir: str) -> OrganisationResolver:
    return OrganisationResolver(load_organisations(ref_dir))


@functools.lru_cache(maxsize=8)
def _default_province_resolver(ref_dir: str) -> ProvinceResolver:
    return ProvinceResolver(load_provinces(ref_dir), load_cities(ref_dir))


def get_organisation_resolver(ref_dir: Path | str | None = None) -> OrganisationResolver:
    """A cached :class:`OrganisationResolver` over the registry (default settings)."""
    return _default_org_resolver(str(reference_dir(ref_dir)))


def get_province_resolver(ref_dir: Path | str | None = None) -> ProvinceResolver:
    """A cached :class:`ProvinceResolver` over provinces.csv and cities.csv."""
    return _default_province_resolver(str(reference_dir(ref_dir)))
