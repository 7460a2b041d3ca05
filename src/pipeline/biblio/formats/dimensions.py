"""Dimensions CSV exports ("Publications export"), with or without the preamble line.

Dimensions writes one line ("About the data: Exported on ...") above the header; it is
skipped (:mod:`.tabular`). Fields used: ``Publication ID`` (the work id, ``pub.…``),
``DOI``, ``PubYear``; the research organisations, as aligned ``;``-separated lists:
``Research Organizations - standardized`` with their city, state and country (``City of
Research organization``... or, in newer exports, ``City of standardized research
organization``...); the first ``Fields of Research`` category; and the funders: ``Funder``
plus the registry funders named in ``Acknowledgements`` and ``Funding``.

Dimensions' country column gives "China" for organisations in Hong Kong and Macao. An
organisation is therefore placed in Hong Kong or Macao when its city or state says so (or,
with neither given, its name), and otherwise in the country the export gives, so the two
SARs stay separate by default, as in every other format (``fold_hk_mo`` folds them into
China). A work with no organisation has unknown affiliation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from pipeline.biblio.countries import address_country
from pipeline.biblio.formats import Reject, WorkRow, make_row, year_or_reject
from pipeline.biblio.formats.ids import id_reject
from pipeline.biblio.formats.tabular import Layout, table_works
from pipeline.biblio.funders import split_names

__all__ = ["LAYOUT", "iter_records", "organisation_country"]

LAYOUT = Layout(required=frozenset({"Publication ID", "Title"}), id_column="Publication ID")
_ORGS = ("Research Organizations - standardized",)
_PLACE = {
    "city": ("City of Research organization", "City of standardized research organization"),
    "state": ("State of Research organization", "State of standardized research organization"),
    "country": (
        "Country of Research organization",
        "Country of standardized research organization",
    ),
}
_YEAR = ("PubYear", "Publication Year")
_FIELDS = ("Fields of Research (ANZSRC 2020)", "FOR (ANZSRC) Categories")
_FOR_CODE = re.compile(r"^\d+\s+")
_SAR = {"HK", "MO"}


def _first_of(record: Mapping[str, str], names: tuple[str, ...]) -> str:
    return next((record[n] for n in names if record.get(n)), "")


def _aligned(record: Mapping[str, str], names: tuple[str, ...], size: int) -> list[str]:
    """One column's ``;`` list, padded to ``size`` when it does not line up."""
    values = [v.strip() for v in _first_of(record, names).split(";")]
    return values if len(values) == size else [""] * size


def organisation_country(name: str, city: str, state: str, country: str) -> str | None:
    """ISO code of one research organisation, Hong Kong and Macao kept apart from China."""
    place = ", ".join(p for p in (city, state) if p)
    sar = address_country(place or name) if (place or name) else None
    if sar in _SAR:
        return sar
    if country:
        return address_country(country)
    return address_country(", ".join(p for p in (name, place) if p)) if name else None


def _organisations(record: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """Organisation names and the country code of each (unknown ones left out)."""
    names = [n.strip() for n in _first_of(record, _ORGS).split(";")]
    if not any(names):
        return [], []
    cities, states, countries = (_aligned(record, _PLACE[k], len(names)) for k in _PLACE)
    codes = [
        organisation_country(*parts)
        for parts in zip(names, cities, states, countries, strict=True)
        if parts[0]
    ]
    return [n for n in names if n], [c for c in codes if c]


def _field(record: Mapping[str, str]) -> str | None:
    first = _first_of(record, _FIELDS).split(";")[0].strip()
    return _FOR_CODE.sub("", first) or None


def _row(record: Mapping[str, str], label: str, line: int, fold_hk_mo: bool) -> WorkRow | Reject:
    pub = (record.get("Publication ID") or "").strip()
    if not pub:
        return Reject(label, line, "Publication ID", "", "missing Dimensions publication id")
    bad_id = id_reject("dimensions", pub, label, line, "Publication ID")
    if bad_id is not None:
        return bad_id
    year = year_or_reject(_first_of(record, _YEAR), label, line, "PubYear")
    if isinstance(year, Reject):
        return year
    names, codes = _organisations(record)
    text = " ".join(record.get(c) or "" for c in ("Acknowledgements", "Funding"))
    return make_row(
        work_id=f"dimensions:{pub}",
        source_format="dimensions_csv",
        doi=record.get("DOI"),
        year=year,
        country_codes=codes if names else None,
        institutions=names,
        field_name=_field(record),
        fold_hk_mo=fold_hk_mo,
        source_row=line,
        funders=split_names(record.get("Funder")),
        funding_text=text.strip() or None,
    )


def iter_records(
    path: Path, fold_hk_mo: bool = False, label: str | None = None
) -> Iterator[WorkRow | Reject]:
    """Stream works from a Dimensions CSV export; ``source_row`` is the file line (the
    preamble, when present, is line 1 and the header line 2)."""
    label = label or path.name
    yield from table_works(
        path, LAYOUT, label, lambda record, line: _row(record, label, line, fold_hk_mo)
    )
