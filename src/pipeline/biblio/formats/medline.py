"""MEDLINE (PubMed "MEDLINE" text) exports.

Records are separated by blank lines (a ``PMID-`` line also starts a new one); tags are four
characters padded with spaces, continuation lines are indented. Fields used:
``PMID`` (digits), ``DP`` (publication date; its year), ``LID``/``AID`` ending in
``[doi]``, ``AD`` (affiliations; one per author, several per tag possible) and ``GR``
(grants, ``grant/acronym/agency/country``: the agency is the funder).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from pipeline.biblio.countries import split_addresses
from pipeline.biblio.formats import Reject, WorkRow, make_row, year_or_reject
from pipeline.biblio.formats.ids import id_reject
from pipeline.biblio.formats.textio import open_text
from pipeline.biblio.funders import medline_agency

__all__ = ["iter_records"]


def _emit(
    record: dict[str, list[str]], label: str, start: int, fold_hk_mo: bool
) -> WorkRow | Reject:
    pmid = " ".join(record.get("PMID", [])).strip()
    if not pmid:
        return Reject(label, start, "PMID", "", "missing PMID")
    bad_id = id_reject("pubmed", pmid, label, start, "PMID")
    if bad_id is not None:
        return bad_id
    doi = None
    for tag in ("LID", "AID"):
        for value in record.get(tag, []):
            if value.rstrip().endswith("[doi]"):
                doi = value.rsplit("[doi]", 1)[0].strip()
                break
        if doi:
            break
    year = year_or_reject(" ".join(record.get("DP", [])), label, start, "DP")
    if isinstance(year, Reject):
        return year
    addresses: list[str] = []
    for value in record.get("AD", []):
        addresses.extend(split_addresses(value))
    return make_row(
        work_id=f"pubmed:{pmid}",
        source_format="medline",
        doi=doi,
        year=year,
        addresses=addresses or None,
        fold_hk_mo=fold_hk_mo,
        source_row=start,
        funders=[medline_agency(v) for v in record.get("GR", [])],
    )


def iter_records(
    path: Path, fold_hk_mo: bool = False, label: str | None = None
) -> Iterator[WorkRow | Reject]:
    """Stream works from a MEDLINE text file; ``source_row`` is the record's first line."""
    label = label or path.name
    record: dict[str, list[str]] = {}
    tag = ""
    start = 0
    with open_text(path) as fh:
        for lineno, raw in enumerate(fh, start=1):
            line = raw.rstrip("\r\n")
            if not line.strip():
                if record:  # a blank line ends a record
                    yield _emit(record, label, start, fold_hk_mo)
                    record, tag = {}, ""
                continue
            if len(line) >= 5 and line[4] == "-" and line[:4].strip() and not line[0].isspace():
                tag = line[:4].strip()
                value = line[5:].strip()
                if tag == "PMID" and record:
                    yield _emit(record, label, start, fold_hk_mo)
                    record = {}
                if not record:
                    start = lineno
                record.setdefault(tag, []).append(value)
            elif tag and line[:1].isspace():
                record[tag][-1] = f"{record[tag][-1]} {line.strip()}"
    if record:
        yield _emit(record, label, start, fold_hk_mo)
