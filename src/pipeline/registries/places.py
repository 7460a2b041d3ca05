"""Places: Chinese province-level units (``provinces.csv``), cities (``cities.csv``) and the
province resolver."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz, process

from pipeline.registries.base import (
    ISO_CN,
    check,
    check_in,
    check_province_code,
    check_unique,
    load_table,
    reference_dir,
    split_aliases,
    to_bool,
)
from pipeline.registries.names import normalise_name
from pipeline.registries.organisations import UK_NATIONS

PROVINCE_KINDS = ("province", "municipality", "autonomous_region", "sar", "disputed")


def load_provinces(ref_dir: Path | str | None = None) -> pd.DataFrame:
    """The 34 Chinese province-level units (``provinces.csv``); ``coastal`` is a bool."""
    df, path = load_table("provinces.csv", ref_dir)
    check(df, path, "code", lambda v: bool(ISO_CN.match(v)), "code must be CN-XX")
    check_unique(df, path, "code")
    check_in(df, path, "kind", PROVINCE_KINDS)
    to_bool(df, path, "coastal")
    return df.reset_index(drop=True)


def load_cities(ref_dir: Path | str | None = None) -> pd.DataFrame:
    """Cities registry (``cities.csv``); city names are unique within the file."""
    df, path = load_table("cities.csv", ref_dir)
    check(df, path, "city", bool, "city is required")
    check_unique(df, path, "city")
    check_province_code(df, path)
    check_in(df, path, "uk_nation", UK_NATIONS, blank_ok=True)
    return df.reset_index(drop=True)


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


def _keys(value: str | None) -> tuple[str, str]:
    """The two keys a value is looked up by: plain normalised, and suffixes stripped."""
    return normalise_name(value), _province_key(value)


class ProvinceResolver:
    """Resolve Chinese province-level units to ISO 3166-2 codes (``CN-JS``).

    ``resolve(value, city=None)`` returns ``(code, method)`` with method ``code`` (ISO,
    GB/T short code or adcode), ``name`` (English/Chinese name), ``alias``, ``city``
    (inferred from ``city``, or ``value`` was itself a known city) or ``unresolved``
    (code None). Fuzzy matching never resolves; :meth:`suggest` offers the closest unit.
    """

    def __init__(
        self, provinces: pd.DataFrame | None = None, cities: pd.DataFrame | None = None
    ) -> None:
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
                for key in set(_keys(k)):
                    if key:
                        self._city.setdefault(key, r.province_code)
        self._keys = sorted(self._index)

    def _add(self, raw: str, code: str, method: str) -> None:
        for key in set(_keys(raw)):
            if key and key not in self._index:
                self._index[key] = (code, method)

    def resolve(self, value: str | None, city: str | None = None) -> tuple[str | None, str]:
        """Resolve ``value`` (falling back to ``city``) to ``(code | None, method)``."""
        for key in _keys(value):
            if key and key in self._index:
                return self._index[key]
        for raw in (value, city):
            code = self.city_province(raw)
            if code is not None:
                return code, "city"
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
        for key in _keys(city):
            if key and key in self._city:
                return self._city[key]
        return None


@functools.lru_cache(maxsize=8)
def _default_province_resolver(ref_dir: str) -> ProvinceResolver:
    return ProvinceResolver(load_provinces(ref_dir), load_cities(ref_dir))


def get_province_resolver(ref_dir: Path | str | None = None) -> ProvinceResolver:
    """A cached :class:`ProvinceResolver` over provinces.csv and cities.csv."""
    return _default_province_resolver(str(reference_dir(ref_dir)))
