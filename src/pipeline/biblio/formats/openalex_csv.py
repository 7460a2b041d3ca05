"""OpenAlex CSV exports (the web interface's "Export CSV"): one row per work, nested fields
flattened into dotted column names, the values of a list joined by ``|``.

Fields used: ``id`` (``https://openalex.org/W…``), ``doi``, ``publication_year``; the
country codes of ``authorships.countries`` and, when present,
``authorships.institutions.country_code``; institution names from
``authorships.institutions.display_name`` (or, in the older layout, from the
``display_name`` and ``country_code`` entries of ``authorships.institutions``); the field
``primary_topic.field.display_name`` when exported; and the funders:
``funders.display_name``, ``grants.funder_display_name``, ``awards.funder_display_name``.
A work without any country code has unknown affiliation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from pipeline.biblio.formats import Reject, WorkRow, make_row, year_or_reject
from pipeline.biblio.formats.ids import id_reject
from pipeline.biblio.formats.tabular import Layout, table_works
from pipeline.biblio.funders import split_names

__all__ = ["LAYOUT", "iter_records"]

LAYOUT = Layout(required=frozenset({"id", "publication_year"}), id_column="id")
_CODE_COLUMNS = ("authorships.countries", "authorships.institutions.country_code")
_FUNDER_COLUMNS = (
    "funders.display_name",
    "grants.funder_display_name",
    "awards.funder_display_name",
)
_OLD_NAME = re.compile(r"'display_name':\s*'((?:[^'\\]|\\.)*)'")
_OLD_CODE = re.compile(r"'country_code':\s*'([A-Za-z]{2})'")
_CODE = re.compile(r"[A-Za-z]{2}")


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


def _codes(record: Mapping[str, str]) -> list[str]:
    codes = [c for col in _CODE_COLUMNS for c in _split(record.get(col))]
    codes += _OLD_CODE.findall(record.get("authorships.institutions") or "")
    return [c.upper() for c in codes if _CODE.fullmatch(c)]


def _institutions(record: Mapping[str, str]) -> list[str]:
    names = _split(record.get("authorships.institutions.display_name"))
    return names or _OLD_NAME.findall(record.get("authorships.institutions") or "")


def _row(record: Mapping[str, str], label: str, line: int, fold_hk_mo: bool) -> WorkRow | Reject:
    wid = (record.get("id") or "").strip().rsplit("/", 1)[-1]
    if not wid:
        return Reject(label, line, "id", "", "OpenAlex work without id")
    bad_id = id_reject("openalex", wid, label, line, "id")
    if bad_id is not None:
        return bad_id
    year = year_or_reject(record.get("publication_year"), label, line, "publication_year")
    if isinstance(year, Reject):
        return year
    return make_row(
        work_id=f"openalex:{wid}",
        source_format="openalex_csv",
        doi=record.get("doi"),
        year=year,
        country_codes=_codes(record),
        institutions=_institutions(record),
        field_name=record.get("primary_topic.field.display_name"),
        fold_hk_mo=fold_hk_mo,
        source_row=line,
        funders=[n for col in _FUNDER_COLUMNS for n in split_names(record.get(col), "|")],
    )


def iter_records(
    path: Path, fold_hk_mo: bool = False, label: str | None = None
) -> Iterator[WorkRow | Reject]:
    """Stream works from an OpenAlex CSV export; ``source_row`` is the file line."""
    label = label or path.name
    yield from table_works(
        path, LAYOUT, label, lambda record, line: _row(record, label, line, fold_hk_mo)
    )
