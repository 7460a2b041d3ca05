"""Lens.org scholarly CSV exports.

Fields used: ``Lens ID`` (the work id, ``000-000-000-000-000``), ``DOI``, ``Publication
Year``, the first ``Fields of Study`` entry, and the funders listed in ``Funding``
(``;``-separated names).

A Lens CSV export carries no author affiliations: its ``Source Country`` is the country of
the journal, not of any author, and is never read as one. Every Lens work therefore has
unknown affiliation (``uk_cn`` null) unless the export has an ``Affiliations`` column, which
is then read like Scopus' (one address per ``;``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from pipeline.biblio.countries import split_addresses
from pipeline.biblio.formats import Reject, WorkRow, make_row, year_or_reject
from pipeline.biblio.formats.ids import id_reject
from pipeline.biblio.formats.tabular import Layout, table_works
from pipeline.biblio.funders import split_names

__all__ = ["LAYOUT", "iter_records"]

LAYOUT = Layout(required=frozenset({"Lens ID", "Title", "Publication Year"}), id_column="Lens ID")


def _row(record: Mapping[str, str], label: str, line: int, fold_hk_mo: bool) -> WorkRow | Reject:
    lens_id = (record.get("Lens ID") or "").strip()
    if not lens_id:
        return Reject(label, line, "Lens ID", "", "missing Lens ID")
    bad_id = id_reject("lens", lens_id, label, line, "Lens ID")
    if bad_id is not None:
        return bad_id
    year = year_or_reject(record.get("Publication Year"), label, line, "Publication Year")
    if isinstance(year, Reject):
        return year
    fields = (record.get("Fields of Study") or "").split(";")
    return make_row(
        work_id=f"lens:{lens_id}",
        source_format="lens_csv",
        doi=record.get("DOI"),
        year=year,
        addresses=split_addresses(record.get("Affiliations")) or None,
        field_name=fields[0].strip() or None,
        fold_hk_mo=fold_hk_mo,
        source_row=line,
        funders=split_names(record.get("Funding")),
    )


def iter_records(
    path: Path, fold_hk_mo: bool = False, label: str | None = None
) -> Iterator[WorkRow | Reject]:
    """Stream works from a Lens.org CSV export; ``source_row`` is the file line."""
    label = label or path.name
    yield from table_works(
        path, LAYOUT, label, lambda record, line: _row(record, label, line, fold_hk_mo)
    )
