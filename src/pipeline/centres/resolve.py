"""Resolve the names a centres row holds against the reference registries.

:class:`CentresRegistry` loads the organisation, province, city and funder registries once
per file and memoises every lookup (a workbook repeats the same partner names many times).
Nothing here invents a match: a name the resolvers of :mod:`pipeline.registries` cannot place
stays unresolved and is reported by the cleaner.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline import registries

#: Research-area text beyond this many characters is not classified (see ``classify``).
CLASSIFY_MAX_CHARS = 10_000
UNCLASSIFIED = registries.UNCLASSIFIED


def blank_to_none(v: Any) -> str | None:
    """A cell as stripped text, or None when blank or NaN."""
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
    res = registries.classify_research_area(text, ref_dir)
    return (str(res.topic), blank_to_none(res.discipline_group), blank_to_none(res.nsi_sector))


def side_of_country(country: str | None) -> str:
    """Partner side from an organisation's country: GB -> UK, CN -> CN, anything else -> other."""
    c = (country or "").strip().upper()
    return {"GB": "UK", "CN": "CN"}.get(c, "other")


def _name_keys(
    records: Iterable[dict[str, Any]], fields: tuple[str, str], normalise: Callable[[str], str]
) -> Iterable[tuple[str, dict[str, Any]]]:
    """``(normalised name, record)`` for each name, Chinese name and alias of each record."""
    for r in records:
        names = (r.get(fields[0]), r.get(fields[1]), *registries.split_aliases(r.get("aliases")))
        for n in names:
            if blank_to_none(n):
                yield normalise(str(n)), r


@dataclass
class CentresRegistry:
    """Registry tables and memoised resolvers used while cleaning one file."""

    orgs: pd.DataFrame
    provinces: pd.DataFrame
    funders: pd.DataFrame
    org_resolver: registries.OrganisationResolver
    province_resolver: registries.ProvinceResolver
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
    def load(cls, ref_dir: Path | None, threshold: float) -> CentresRegistry:
        """Load the registries of ``ref_dir`` (default: the project's) for one cleaning run."""
        orgs = registries.load_organisations(ref_dir)
        provinces = registries.load_provinces(ref_dir)
        cities = registries.load_cities(ref_dir)
        self = cls(
            orgs=orgs,
            provinces=provinces,
            funders=registries.load_funders(ref_dir),
            org_resolver=registries.OrganisationResolver(orgs, threshold=threshold),
            province_resolver=registries.ProvinceResolver(provinces, cities),
            ref_dir=ref_dir,
        )
        self._index(cities)
        return self

    def _index(self, cities: pd.DataFrame) -> None:
        normalise = registries.normalise_name
        orgs = self.orgs.to_dict("records")
        funders = self.funders.to_dict("records")
        self.org_info = {str(r["org_id"]): r for r in orgs}
        self.funder_names = {str(r["funder_id"]): str(r["name"]) for r in funders}
        self.org_keys = {k for k, _ in _name_keys(orgs, ("name", "name_zh"), normalise)}
        self.funder_keys = {k for k, _ in _name_keys(funders, ("name", "name_zh"), normalise)}
        for k, r in _name_keys(cities.to_dict("records"), ("city", "city_zh"), normalise):
            self.city_names[k] = str(r["city"])
        self.org_keys.discard("")
        self.funder_keys.discard("")

    # organisations ---------------------------------------------------------
    def key(self, s: str) -> str:
        """Memoised :func:`pipeline.registries.normalise_name`."""
        k = self._keys.get(s)
        if k is None:
            k = self._keys[s] = registries.normalise_name(s)
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
        """True when ``s`` is an organisation's name or alias exactly (after normalising)."""
        return self.key(s) in self.org_keys

    def resolve_org(self, name: str) -> registries.Resolution:
        """Memoised organisation resolution (exact, alias or fuzzy above the threshold)."""
        if name not in self._org_cache:
            self._org_cache[name] = self.org_resolver.resolve(name)
        return self._org_cache[name]

    def org_resolves(self, name: str) -> bool:
        """True when ``name`` resolves to a registry organisation."""
        return self.resolve_org(name).org_id is not None

    def org_name(self, org_id: str) -> str:
        """Registry name of ``org_id`` (the id itself when unknown)."""
        return self.org_info.get(org_id, {}).get("name", org_id)

    def org_side(self, org_id: str) -> str:
        """UK, CN or other, from the organisation's country in the registry."""
        return side_of_country(self.org_info.get(org_id, {}).get("country"))

    # funders ---------------------------------------------------------------
    def funder_known(self, s: str) -> bool:
        """True when ``s`` is a funder's name or alias exactly (after normalising)."""
        return self.key(s) in self.funder_keys

    def resolve_funder(self, name: str) -> tuple[str | None, str | None]:
        """``(funder_id, canonical name)`` or ``(None, None)``."""
        if name not in self._funder_cache:
            fid = registries.resolve_funder(name, ref_dir=self.ref_dir).funder_id or None
            canon = self.funder_names.get(fid) if fid else None
            self._funder_cache[name] = (fid, canon) if fid else (None, None)
        return self._funder_cache[name]

    def funder_resolves(self, name: str) -> bool:
        """True when ``name`` resolves to a registry funder."""
        return self.resolve_funder(name)[0] is not None

    # places ----------------------------------------------------------------
    def resolve_province(self, value: str | None, city: str | None) -> str | None:
        """ISO code of the province ``value`` names (or, when blank, the one ``city`` is in)."""
        code, _method = self.province_resolver.resolve(value or None, city=city or None)
        return blank_to_none(code)

    def closest_province(self, value: str) -> str:
        """The nearest province name, for a message about an unknown one."""
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
        """The registry's spelling of ``city`` (as typed when the registry lacks it)."""
        if not city:
            return None
        return self.city_names.get(registries.normalise_name(city), city)
