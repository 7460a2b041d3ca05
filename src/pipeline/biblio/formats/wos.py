"""Web of Science exports: plain text (tagged) and tab-delimited (UTF-8 or UTF-16).

Fields used: ``UT`` (accession number, the work id), ``DI`` (DOI), ``PY``
(year), ``C1`` (author addresses), ``WC`` (Web of Science categories) or
``SC`` (research areas) for the field. A record without ``C1`` has no
affiliation data (``affiliation_known`` false, ``uk_cn`` null).
"""

from __future__ import annotations

import codecs
import csv
import logging
from collections.abc import Iterator
from pathlib import Path

from pipeline.biblio.countries import split_addresses
from pipeline.biblio.formats import Reject, WorkRow, make_row, year_or_reject
from pipeline.io import csv_field_limit, csv_records

__all__ = ["iter_plaintext", "iter_tab", "open_text", "sniff_encoding"]

log = logging.getLogger(__name__)


def sniff_encoding(path: Path, sample_bytes: int = 1 << 20) -> str:
    """Encoding of a text export: from its byte-order mark, else the first that decodes.

    Tries UTF-8, then GB18030 (a superset of GBK, what Excel on a Chinese-language
    Windows saves), then cp1252; logs a warning when it is not UTF-8.
    """
    with open(path, "rb") as fh:
        head = fh.read(sample_bytes)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        if encoding != "utf-8":
            log.warning("%s is not UTF-8; reading it as %s", path.name, encoding)
        return "utf-8-sig" if encoding == "utf-8" else encoding
    log.warning("%s is not UTF-8; reading it as cp1252", path.name)
    return "cp1252"


def open_text(path: Path):
    """Open ``path`` as text with the encoding its byte-order mark implies."""
    return open(path, encoding=sniff_encoding(path), errors="replace", newline="")


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

    ``source_row`` is the file line of the record (the header is line 1).
    """
    label = label or path.name
    with open_text(path) as fh, csv_field_limit():
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if not header:
            return
        header = [h.strip().lstrip("\ufeff") for h in header]
        for rowno, values in csv_records(reader):
            if not any(v.strip() for v in values):
                continue
            record = dict(zip(header, values, strict=False))
            c1 = split_addresses(record.get("C1"))
            yield _row(
                record,
                fmt="wos_tab",
                label=label,
                source_row=rowno,
                fold_hk_mo=fold_hk_mo,
                addresses=c1 or None,
            )
