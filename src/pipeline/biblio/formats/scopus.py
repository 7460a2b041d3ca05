"""Scopus CSV exports.

Fields used: ``EID`` (work id, checked to look like ``2-s2.0-…``), ``DOI``, ``Year``,
``Affiliations`` (one address per affiliation, ``;``-separated) or, when that column is
empty, ``Authors with affiliations`` (``Surname, I., address; ...``), a subject column when
the export has one (``Subject area``/``Subject Area``/``Subject``), and the funders:
``Funding Details`` (``Name, ACRONYM: grant; ...``) plus the registry funders named in
``Funding Text 1``, ``Funding Text 2``, ...

Scopus writes as many "Funding Text N" fields as a record needs while the header may name
fewer; such rows have more fields than the header. They are realigned when every checked
column agrees after the shift (see :mod:`.tabular`): the EID is an EID and is the one in
the row's ``Link``, ``Source`` says Scopus, the year, DOI and stage look right. Other
ragged rows are quarantined with the field counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from pipeline.biblio.countries import split_addresses
from pipeline.biblio.formats import Reject, WorkRow, make_row, year_or_reject
from pipeline.biblio.formats.ids import id_reject, looks_like
from pipeline.biblio.formats.tabular import Layout, table_works
from pipeline.biblio.funders import scopus_names

__all__ = ["LAYOUT", "SUBJECT_COLUMNS", "iter_records"]

SUBJECT_COLUMNS = ("Subject area", "Subject Area", "Subject areas", "Subject", "ASJC")
_FUNDING_TEXT = re.compile(r"Funding Text \d+")
_LINK_EID = re.compile(r"[?&]eid=([^&]+)")
_STAGES = {"final", "article in press"}


def _eid_check(value: str, record: Mapping[str, str]) -> bool:
    eid = value.strip()
    link = _LINK_EID.search(record.get("Link") or "")
    return looks_like("scopus", eid) and (link is None or link.group(1) == eid)


def _blank_or(pattern: str) -> object:
    compiled = re.compile(pattern)
    return lambda value, _record: not value.strip() or bool(compiled.fullmatch(value.strip()))


#: The layout of a Scopus CSV and the checks a realigned row must pass.
LAYOUT = Layout(
    required=frozenset({"Authors", "Title", "Year", "EID"}),
    id_column="EID",
    spill=_FUNDING_TEXT,
    checks={
        "EID": _eid_check,
        "Year": _blank_or(r"\d{4}"),
        "DOI": _blank_or(r"10\..+"),
        "Link": _blank_or(r"https?://\S+"),
        "Source": _blank_or(r"Scopus"),
        "PubMed ID": _blank_or(r"\d+"),
        "Publication Stage": lambda v, _r: not v.strip() or v.strip().lower() in _STAGES,
    },
)


def _author_affiliations(text: str | None) -> list[str]:
    """Addresses from ``Authors with affiliations`` (drops the ``Surname, I.,`` lead)."""
    out = []
    for item in split_addresses(text):
        parts = item.split(",", 2)
        out.append(parts[2].strip() if len(parts) == 3 else item)
    return [a for a in out if a]


def _funding_text(record: Mapping[str, str]) -> str:
    return " ".join(v for k, v in sorted(record.items()) if _FUNDING_TEXT.fullmatch(k) and v)


def _row(record: Mapping[str, str], label: str, rowno: int, fold_hk_mo: bool) -> WorkRow | Reject:
    eid = (record.get("EID") or "").strip()
    if not eid:
        return Reject(label, rowno, "EID", "", "missing Scopus EID")
    bad_id = id_reject("scopus", eid, label, rowno, "EID")
    if bad_id is not None:
        return bad_id
    year = year_or_reject(record.get("Year"), label, rowno, "Year")
    if isinstance(year, Reject):
        return year
    addresses = split_addresses(record.get("Affiliations"))
    if not addresses:
        addresses = _author_affiliations(record.get("Authors with affiliations"))
    subject = next((record[c] for c in SUBJECT_COLUMNS if record.get(c)), "")
    return make_row(
        work_id=f"scopus:{eid}",
        source_format="scopus_csv",
        doi=record.get("DOI"),
        year=year,
        addresses=addresses or None,
        field_name=subject.split(";")[0] if subject else None,
        fold_hk_mo=fold_hk_mo,
        source_row=rowno,
        funders=scopus_names(record.get("Funding Details")),
        funding_text=_funding_text(record),
    )


def iter_records(
    path: Path, fold_hk_mo: bool = False, label: str | None = None
) -> Iterator[WorkRow | Reject]:
    """Stream works from a Scopus CSV export.

    ``source_row`` is the file line the record starts on (the header is line 1; a
    quoted cell may run over several lines).
    """
    label = label or path.name
    yield from table_works(
        path, LAYOUT, label, lambda record, line: _row(record, label, line, fold_hk_mo)
    )
