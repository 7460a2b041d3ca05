"""Records of a delimited export (CSV or tab-delimited), checked against the header.

Shared by every tabular reader (Scopus, Dimensions, Lens, OpenAlex CSV, Web of Science
tab-delimited). :func:`iter_table` yields, per record, the file line it starts on and a
``{column: value}`` dict, or a :class:`~pipeline.biblio.formats.Reject` when the record
cannot be trusted:

* a *preamble* line above the header (Dimensions writes "About the data: ..." there) is
  skipped when the second line, not the first, holds the header;
* extra fields that are all blank at the end of a row (a trailing separator, which Web of
  Science writes on every line) are dropped;
* a row with fewer fields than the header, or with extra fields that cannot be placed, is
  quarantined with a reason naming the file, the line and the expected and found counts;
* a row with extra fields is *realigned* only when the layout names where such fields go
  (Scopus: further "Funding Text N" columns after the last one the header names) and every
  check of the layout's columns holds after the shift, the id column among them (for Scopus
  the EID must also be the one in the row's ``Link``). The extra fields are then kept under
  the names the header would have given them.
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.biblio.formats import Reject, WorkRow
from pipeline.biblio.formats.textio import open_text
from pipeline.io import csv_field_limit, csv_records

__all__ = ["Layout", "TableStats", "iter_table", "read_header", "table_works"]

log = logging.getLogger(__name__)

Check = Callable[[str, Mapping[str, str]], bool]


@dataclass(frozen=True)
class Layout:
    """How one tabular export is laid out.

    ``required``: columns a header must have (also how the header line is recognised);
    ``delimiter``/``quoting``: the csv dialect; ``spill``: pattern of the numbered columns
    ("Funding Text 1") after which extra fields of a ragged row belong, ``None`` when no
    extra field can be placed; ``checks``: per column, a test of its value (given the
    whole record) that a realigned row must pass; ``id_column``: the column that must be
    among the checked ones after the extra fields.
    """

    required: frozenset[str]
    id_column: str
    delimiter: str = ","
    quoting: int = csv.QUOTE_MINIMAL
    spill: re.Pattern[str] | None = None
    checks: Mapping[str, Check] = field(default_factory=dict)


@dataclass
class TableStats:
    """What :func:`iter_table` noticed: rows realigned, and the header read."""

    header: list[str] = field(default_factory=list)
    realigned: int = 0


def _clean_header(values: list[str]) -> list[str]:
    return [h.strip().lstrip("\ufeff").strip() for h in values]


def read_header(reader, layout: Layout) -> list[str] | None:
    """The header row: the first line, or the second when the first is a preamble."""
    first = next(reader, None)
    if first is None:
        return None
    header = _clean_header(first)
    if layout.required <= set(header):
        return header
    second = next(reader, None)
    if second is not None and layout.required <= set(_clean_header(second)):
        return _clean_header(second)
    return header


def _field_count_reject(label: str, row: int, expected: int, found: int, why: str) -> Reject:
    return Reject(
        label,
        row,
        "",
        "",
        f"line {row} of {label}: expected {expected} fields (as in the header), "
        f"found {found}; {why}",
    )


def _spill_point(header: list[str], layout: Layout) -> int | None:
    """Index after the last header column matching the layout's spill pattern."""
    if layout.spill is None:
        return None
    hits = [i for i, h in enumerate(header) if layout.spill.fullmatch(h)]
    return hits[-1] + 1 if hits else None


def _spill_names(header: list[str], at: int, extra: int) -> list[str]:
    """Names for ``extra`` fields spilling after ``header[at - 1]`` ("Funding Text 2", ...)."""
    last = header[at - 1]
    match = re.match(r"^(.*?)(\d+)$", last)
    if not match:
        return [f"{last} ({n})" for n in range(2, extra + 2)]
    stem, number = match.group(1), int(match.group(2))
    return [f"{stem}{number + n}" for n in range(1, extra + 1)]


def _realign(header: list[str], values: list[str], layout: Layout) -> dict[str, str] | None:
    """The record with its extra fields placed at the spill point, if every check holds."""
    at = _spill_point(header, layout)
    extra = len(values) - len(header)
    if at is None or layout.id_column not in header or header.index(layout.id_column) < at:
        return None
    record = dict(zip(header[:at], values[:at], strict=True))
    record.update(zip(header[at:], values[at + extra :], strict=True))
    checked = [c for c in layout.checks if c in record]
    if layout.id_column not in checked:
        return None
    if not all(layout.checks[c](record[c], record) for c in checked):
        return None
    record.update(zip(_spill_names(header, at, extra), values[at : at + extra], strict=True))
    return record


def _record(
    header: list[str], values: list[str], layout: Layout, label: str, row: int
) -> tuple[dict[str, str] | Reject, bool]:
    """``values`` as a record of ``header`` (realigned or rejected when the counts differ)
    and whether it was realigned."""
    n, m = len(header), len(values)
    if m > n and not any(v.strip() for v in values[n:]):
        values, m = values[:n], n
    if m == n:
        return dict(zip(header, values, strict=True)), False
    if m < n:
        return _field_count_reject(label, row, n, m, "the missing fields cannot be placed"), False
    record = _realign(header, values, layout)
    if record is None:
        why = "the extra fields cannot be placed with certainty"
        return _field_count_reject(label, row, n, m, why), False
    return record, True


def iter_table(
    path: Path, layout: Layout, label: str, stats: TableStats | None = None
) -> Iterator[tuple[int, dict[str, str]] | Reject]:
    """``(line, record)`` for each non-blank record of ``path``, or a :class:`Reject`.

    ``stats`` (when given) receives the header and the number of realigned rows; a
    warning is logged per file when rows were realigned.
    """
    stats = stats if stats is not None else TableStats()
    with open_text(path) as fh, csv_field_limit():
        reader = csv.reader(fh, delimiter=layout.delimiter, quoting=layout.quoting)
        header = read_header(reader, layout)
        if not header:
            return
        stats.header = header
        for row, values in csv_records(reader):
            if not any(v.strip() for v in values):
                continue
            record, realigned = _record(header, values, layout, label, row)
            stats.realigned += realigned
            yield record if isinstance(record, Reject) else (row, record)
    if stats.realigned:
        at = _spill_point(header, layout) or 1
        log.warning(
            "%s: %d rows had more fields than the header; their extra fields follow %r "
            "and every checked column agrees after the shift, so they were realigned",
            label,
            stats.realigned,
            header[at - 1],
        )


def table_works(
    path: Path,
    layout: Layout,
    label: str,
    build: Callable[[Mapping[str, str], int], WorkRow | Reject],
) -> Iterator[WorkRow | Reject]:
    """The works of a tabular export: ``build(record, line)`` for each trusted record, and
    the rejects of :func:`iter_table` as they come."""
    for item in iter_table(path, layout, label):
        yield item if isinstance(item, Reject) else build(item[1], item[0])
