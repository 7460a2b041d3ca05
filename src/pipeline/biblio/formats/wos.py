"""Web of Science exports: plain text (tagged) and tab-delimited (UTF-8 or UTF-16).

Fields used: ``UT`` (accession number, the work id; it must look like ``WOS:…`` or
another Web of Science database's prefix), ``DI`` (DOI), ``PY`` (year), ``C1`` (author
addresses), ``WC`` (Web of Science categories) or ``SC`` (research areas) for the field,
and the funders: ``FU`` (``Name [grant]; ...``) plus the registry funders named in the
funding text ``FX``. A record without ``C1`` has no affiliation data
(``affiliation_known`` false, ``uk_cn`` null).
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterator
from pathlib import Path

from pipeline.biblio.countries import split_addresses
from pipeline.biblio.formats import Reject, WorkRow, make_row, year_or_reject
from pipeline.biblio.formats.ids import id_reject
from pipeline.biblio.formats.tabular import Layout, table_works
from pipeline.biblio.formats.textio import open_text, sniff_encoding
from pipeline.biblio.funders import bracketed_names

__all__ = ["TAB_LAYOUT", "iter_plaintext", "iter_tab", "open_text", "sniff_encoding"]

log = logging.getLogger(__name__)

#: The layout of a tab-delimited export: no quoting, and no column where extra fields go.
TAB_LAYOUT = Layout(
    required=frozenset({"PT", "UT"}), id_column="UT", delimiter="\t", quoting=csv.QUOTE_NONE
)


def _first(values: list[str] | None) -> str | None:
    if not values:
        return None
    text = " ".join(v.strip() for v in values).strip()
    return text or None


def _field(wc: str | None, sc: str | None) -> str | None:
    for raw in (wc, sc):
        if raw:
            first = raw.split(";")[0].strip()
            if first:
                return first
    return None


def _row(
    record: dict[str, list[str]] | dict[str, str],
    *,
    fmt: str,
    label: str,
    source_row: int,
    fold_hk_mo: bool,
    addresses: list[str] | None,
) -> WorkRow | Reject:
    def get(tag: str) -> str | None:
        value = record.get(tag)
        if isinstance(value, list):
            return _first(value)
        return (value or "").strip() or None

    ut = get("UT")
    if not ut:
        return Reject(label, source_row, "UT", "", "missing Web of Science accession number (UT)")
    bad_id = id_reject("wos", ut, label, source_row, "UT")
    if bad_id is not None:
        return bad_id
    year = year_or_reject(get("PY"), label, source_row, "PY")
    if isinstance(year, Reject):
        return year
    return make_row(
        work_id=f"wos:{ut}",
        source_format=fmt,
        doi=get("DI"),
        year=year,
        addresses=addresses,
        field_name=_field(get("WC"), get("SC")),
        fold_hk_mo=fold_hk_mo,
        source_row=source_row,
        funders=bracketed_names(get("FU")),
        funding_text=get("FX"),
    )


def iter_plaintext(
    path: Path, fold_hk_mo: bool = False, label: str | None = None
) -> Iterator[WorkRow | Reject]:
    """Stream works from a Web of Science plain-text export (``FN``/``VR``/``PT`` ... ``ER``).

    ``source_row`` is the line number where the record starts.
    """
    label = label or path.name
    record: dict[str, list[str]] = {}
    tag = ""
    start = 0
    with open_text(path) as fh:
        for lineno, raw in enumerate(fh, start=1):
            line = raw.rstrip("\r\n")
            if not line.strip():
                continue
            if line.startswith("   ") and tag:
                record.setdefault(tag, []).append(line.strip())
                continue
            tag, value = line[:2], line[3:] if len(line) > 3 else ""
            if tag in ("FN", "VR", "EF"):
                tag = ""
                continue
            if tag == "ER":
                if record:
                    yield _row(
                        record,
                        fmt="wos_plaintext",
                        label=label,
                        source_row=start,
                        fold_hk_mo=fold_hk_mo,
                        addresses=_c1_lines(record.get("C1")),
                    )
                record, tag = {}, ""
                continue
            if not record:
                start = lineno
            record.setdefault(tag, []).append(value.strip())
    if record:
        yield Reject(
            label, start, "ER", "", "record not terminated by an ER line (file truncated?)"
        )


def _c1_lines(lines: list[str] | None) -> list[str] | None:
    if not lines:
        return None
    out: list[str] = []
    for line in lines:
        out.extend(split_addresses(line))
    return out or None


def iter_tab(
    path: Path, fold_hk_mo: bool = False, label: str | None = None
) -> Iterator[WorkRow | Reject]:
    """Stream works from a Web of Science tab-delimited export (UTF-8 or UTF-16).

    ``source_row`` is the file line of the record (the header is line 1). A row whose
    field count differs from the header's (beyond the trailing tab Web of Science writes)
    is quarantined with both counts.
    """
    label = label or path.name

    def build(record, line: int) -> WorkRow | Reject:
        return _row(
            record,
            fmt="wos_tab",
            label=label,
            source_row=line,
            fold_hk_mo=fold_hk_mo,
            addresses=split_addresses(record.get("C1")) or None,
        )

    yield from table_works(path, TAB_LAYOUT, label, build)
