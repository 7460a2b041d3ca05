"""Scopus CSV exports.

Fields used: ``EID`` (work id), ``DOI``, ``Year``, ``Affiliations`` (one
address per affiliation, ``;``-separated) or, when that column is empty,
``Authors with affiliations`` (``Surname, I., address; ...``), and a subject
column when the export has one (``Subject area``/``Subject Area``/``Subject``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from pipeline.biblio.countries import split_addresses
from pipeline.biblio.formats import Reject, WorkRow, make_row, year_or_reject
from pipeline.biblio.formats.wos import open_text
from pipeline.io import csv_field_limit, csv_records

__all__ = ["SUBJECT_COLUMNS", "iter_records"]

SUBJECT_COLUMNS = ("Subject area", "Subject Area", "Subject areas", "Subject", "ASJC")


def _author_affiliations(text: str | None) -> list[str]:
    """Addresses from ``Authors with affiliations`` (drops the ``Surname, I.,`` lead)."""
    out = []
    for item in split_addresses(text):
        parts = item.split(",", 2)
        out.append(parts[2].strip() if len(parts) == 3 else item)
    return [a for a in out if a]


def iter_records(
    path: Path, fold_hk_mo: bool = False, label: str | None = None
) -> Iterator[WorkRow | Reject]:
    """Stream works from a Scopus CSV export.

    ``source_row`` is the file line the record starts on (the header is line 1; a
    quoted cell may run over several lines).
    """
    label = label or path.name
    with open_text(path) as fh, csv_field_limit():
        reader = csv.reader(fh)
        header = next(reader, None)
        if not header:
            return
        header = [h.strip().lstrip("\ufeff") for h in header]
        subject_col = next((c for c in SUBJECT_COLUMNS if c in header), None)
        for rowno, values in csv_records(reader):
            if not any(v.strip() for v in values):
                continue
            record = dict(zip(header, values, strict=False))
            eid = (record.get("EID") or "").strip()
            if not eid:
                yield Reject(label, rowno, "EID", "", "missing Scopus EID")
                continue
            year = year_or_reject(record.get("Year"), label, rowno, "Year")
            if isinstance(year, Reject):
                yield year
                continue
            addresses = split_addresses(record.get("Affiliations"))
            if not addresses:
                addresses = _author_affiliations(record.get("Authors with affiliations"))
            subject = (record.get(subject_col) or "") if subject_col else ""
            yield make_row(
                work_id=f"scopus:{eid}",
                source_format="scopus_csv",
                doi=record.get("DOI"),
                year=year,
                addresses=addresses or None,
                field_name=subject.split(";")[0] if subject else None,
                fold_hk_mo=fold_hk_mo,
                source_row=rowno,
            )
