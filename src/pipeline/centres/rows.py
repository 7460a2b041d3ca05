"""Clean one row of a centres table: the checks that reject it and the notes that flag it.

:func:`clean_rows` walks the rows of a :class:`~pipeline.centres.read.RawTable` and returns the
kept centres (before duplicates are dropped); everything else it learns goes into the
:class:`CleaningLog`: blank and note rows, rejected rows (one line per problem), partner names
no registry entry matched, and kept rows a person should look at.

A row is rejected when it has no name; neither a year nor a partner; an unreadable or
out-of-range year; no partner, or none that resolves; or a province the registry does not
know. The steps run in that order for every row, so every problem of a row is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.centres.fields import (
    YearParse,
    normalise_location,
    normalise_status,
    parse_year,
    split_names,
)
from pipeline.centres.headers import PARTNER_FIELDS
from pipeline.centres.read import RawTable, cell_text, match_header
from pipeline.centres.resolve import UNCLASSIFIED, CentresRegistry
from pipeline.privacy import WITHHELD, redact

PARTNER_COLUMNS = PARTNER_FIELDS
COLUMN_SIDE = {"uk_partners": "UK", "cn_partners": "CN", "other_partners": "other"}

#: ``(field, value shown, reason)`` of one problem that rejects a row.
Problem = tuple[str, str, str]


@dataclass
class CleaningLog:
    """What cleaning the rows of one file reported besides the kept centres."""

    source_file: str
    labels: dict[str, str]  # canonical field -> header text in the file
    warnings: list[str]
    rejects: list[dict[str, Any]] = field(default_factory=list)
    unresolved: list[dict[str, Any]] = field(default_factory=list)
    review: list[dict[str, Any]] = field(default_factory=list)
    non_data_rows: int = 0
    rejected_rows: int = 0

    def label(self, name: str) -> str:
        """The file's header for a canonical field (the field name when it has none)."""
        return self.labels.get(name, name)

    def reject(self, row: int, problems: list[Problem]) -> None:
        """Count ``row`` as rejected, with one rejects line per problem (identifiers in the value
        shown are redacted: a hand-typed cell can hold anything)."""
        self.rejected_rows += 1
        for name, value, reason in problems:
            self.rejects.append(
                {
                    "source_file": self.source_file,
                    "source_row": row,
                    "column": self.label(name),
                    "value": redact(value)[0],
                    "reason": reason,
                }
            )

    def flag(self, row: int, name: str, value: Any, issue: str) -> None:
        """Note a kept row for review (and as a warning of the cleaning report); identifiers in
        the value shown are redacted."""
        self.review.append(
            {
                "source_file": self.source_file,
                "source_row": row,
                "column": self.label(name),
                "value": "" if value is None else redact(str(value))[0],
                "issue": issue,
            }
        )
        self.warnings.append(f"{self.source_file} row {row}, column {self.label(name)!r}: {issue}")


@dataclass(frozen=True)
class YearRange:
    """Years accepted as a founding year (inclusive)."""

    first: int
    last: int


@dataclass
class Row:
    """One row below the header: its spreadsheet row number, raw cells and cell texts."""

    number: int
    cells: dict[str, Any]
    text: dict[str, str | None]


@dataclass
class Partners:
    """The partner names of a row: how many were named, which resolved, which did not."""

    named: int = 0
    resolved: dict[str, str] = field(default_factory=dict)  # org_id -> column it was typed in
    unresolved: list[dict[str, Any]] = field(default_factory=list)


# =========================================================================== rows
def clean_rows(
    table: RawTable, reg: CentresRegistry, log: CleaningLog, years: YearRange
) -> list[dict[str, Any]]:
    """The kept centre records of ``table`` in file order (duplicates not yet dropped).

    CSV records the reader set aside (wrong number of fields) are rejected whole first.
    """
    for number, reason in table.malformed:
        log.reject(number, [("", "", reason)])
    kept = []
    notes_from = notes_start(table)
    for i, ((number, cells), extras) in enumerate(zip(table.rows, table.extra_cells, strict=True)):
        row = Row(number, cells, {k: cell_text(v) for k, v in cells.items()})
        if is_non_data(row, extras, table.first_column, below_table=i >= notes_from):
            log.non_data_rows += 1
            if [k for k, v in row.text.items() if v] == ["name"]:
                log.warnings.append(
                    f"{log.source_file} row {number}: only the {log.label('name')!r} cell is "
                    "filled, below the table after a blank row: read as a note, not a centre"
                )
            continue
        record = clean_row(row, reg, log, years)
        if record is not None:
            kept.append(record)
    return kept


def _filled(cells: dict[str, Any], extras: dict[str, Any]) -> int:
    return sum(cell_text(v) is not None for v in (*cells.values(), *extras.values()))


def notes_start(table: RawTable) -> int:
    """Index into ``table.rows`` where notes below the table may begin.

    That is the first blank row after the last row with two or more filled cells (notes are
    set off from the table by a blank row); ``len(table.rows)`` when there is none.
    """
    counts = [
        _filled(cells, extras)
        for (_, cells), extras in zip(table.rows, table.extra_cells, strict=True)
    ]
    last_data = max((i for i, n in enumerate(counts) if n >= 2), default=-1)
    return next((i for i in range(last_data + 1, len(counts)) if counts[i] == 0), len(counts))


def is_non_data(
    row: Row, extras: dict[str, Any], first_column: str | None, *, below_table: bool = False
) -> bool:
    """Blank rows, notes (one cell: first column, No. or Notes) and repeated headers.

    A row whose one filled cell is the centre name is a centre row (rejected for what it
    lacks) unless it sits below the table after a blank row, where it is a note.
    """
    filled = [k for k, v in row.text.items() if v is not None]
    filled_extra = [k for k, v in extras.items() if cell_text(v) is not None]
    total = len(filled) + len(filled_extra)
    if total == 0:
        return True
    # a repeated header row pasted into the data
    if (
        match_header(row.text.get("year")) == "year"
        and match_header(row.text.get("name")) == "name"
    ):
        return True
    if total == 1:
        if filled_extra:
            return True
        if filled[0] == "name":
            return below_table
        return filled[0] in {first_column, "notes", "no"}
    return False


def clean_row(
    row: Row, reg: CentresRegistry, log: CleaningLog, years: YearRange
) -> dict[str, Any] | None:
    """The centre record of ``row``, or None when the row is rejected (logged)."""
    year = parse_year(row.cells.get("year"), years.first, years.last)
    partners = read_partners(row, reg, log)
    province_code, province_problems = province_of(row, reg)
    problems = name_problems(row) + year_and_partner_problems(row, year, partners)
    log.unresolved.extend(partners.unresolved)
    if problems + province_problems:
        log.reject(row.number, problems + province_problems)
        return None
    return kept_record(row, year, partners, province_code, reg, log)


# =========================================================================== checks
def name_problems(row: Row) -> list[Problem]:
    """A row without a centre name is rejected."""
    return [] if row.text.get("name") else [("name", "", "missing centre name")]


def read_partners(row: Row, reg: CentresRegistry, log: CleaningLog) -> Partners:
    """Split and resolve the names of every partner column of ``row``."""
    partners = Partners()
    for col in PARTNER_COLUMNS:
        if col not in row.cells:
            continue
        names = split_names(row.text.get(col), reg.org_known, reg.org_resolves)
        partners.named += len(names)
        for name in names:
            res = reg.resolve_org(name)
            if res.org_id:
                partners.resolved.setdefault(str(res.org_id), col)
                continue
            partners.unresolved.append(
                {
                    "source_row": row.number,
                    "column": log.label(col),
                    "value": name,
                    "best_candidate": reg.candidate_label(res.candidate),
                    "score": float("nan") if res.score is None else round(float(res.score), 2),
                    "field": col,  # not written: the canonical field, for messages
                }
            )
    return partners


def year_and_partner_problems(row: Row, year: YearParse, partners: Partners) -> list[Problem]:
    """A row needs a valid year and a resolvable partner; having neither is one problem."""
    if year.missing and partners.named == 0:
        return [("year", "", "no year and no partner")]
    return _year_problems(row, year) + _partner_problems(row, partners)


def _year_problems(row: Row, year: YearParse) -> list[Problem]:
    if year.missing:
        return [("year", "", "missing year established")]
    if year.problem:
        return [("year", row.text.get("year") or str(row.cells.get("year")), year.problem)]
    return []


def _partner_problems(row: Row, partners: Partners) -> list[Problem]:
    if partners.named == 0:
        column = next((c for c in PARTNER_COLUMNS if c in row.cells), "uk_partners")
        return [(column, "", "no partner named")]
    if partners.resolved:
        return []
    # the names as typed are restricted (they may hold a person's name): the shared rejects
    # table says how many there were and the closest registry entries, never the names
    unresolved = partners.unresolved
    hints = "; ".join(
        f"{u['best_candidate']!r} ({u['score']:.0f})" for u in unresolved if u["best_candidate"]
    )
    reason = f"no partner resolves to a registry organisation ({len(unresolved)} name(s)"
    reason += f"; closest registry entries: {hints})" if hints else ")"
    return [(unresolved[0]["field"], WITHHELD, reason)]


def province_of(row: Row, reg: CentresRegistry) -> tuple[str | None, list[Problem]]:
    """The province code of ``row`` and, for a province the registry lacks, the problem.

    A province that is given must resolve on its own (no silent fall-back to the city); a
    blank province is taken from the city when the registry knows it.
    """
    prov_text, city_text = row.text.get("province"), row.text.get("city")
    if not prov_text:
        return (reg.resolve_province(None, city_text) if city_text else None), []
    code = reg.resolve_province(prov_text, None)
    if code is not None:
        return code, []
    closest = reg.closest_province(prov_text)
    reason = f"unknown province {prov_text!r} (closest known: {closest})"
    return None, [("province", prov_text, reason)]


# =========================================================================== kept rows
def kept_record(
    row: Row,
    year: YearParse,
    partners: Partners,
    province_code: str | None,
    reg: CentresRegistry,
    log: CleaningLog,
) -> dict[str, Any]:
    """The centre record of a row that passed every check (review notes are logged)."""
    location = location_of(row, province_code, log)
    flag_partners(row, partners, reg, log)
    topic, group, sector = research_area_of(row, reg, log)
    funders = funders_of(row, reg, log)
    name = str(row.text["name"])
    assert year.year is not None
    return {
        "name": name,
        "name_zh": row.text.get("name_zh"),
        "year_established": int(year.year),
        "year_approximate": bool(year.approximate),
        "status": normalise_status(row.text.get("status")),
        "location": location,
        "province_code": province_code,
        "city": reg.canonical_city(row.text.get("city")),
        "topic": topic,
        "discipline_group": group,
        "nsi_sector": sector,
        "funders": funders,
        "source_row": int(row.number),
        "_key": (reg.key(name), int(year.year), frozenset(partners.resolved)),
        "_orgs": sorted(partners.resolved),
    }


def location_of(row: Row, province_code: str | None, log: CleaningLog) -> str | None:
    """CN, GB, both or virtual; a blank location is China when a province is known."""
    text = row.text.get("location")
    location = normalise_location(text)
    if text and location is None:
        log.flag(row.number, "location", text, "unrecognised physical location; left blank")
    elif not text and province_code:
        location = "CN"
    elif not text:
        log.flag(row.number, "location", "", "physical location blank and not inferable")
    if location in ("CN", "both") and province_code is None:
        city = row.text.get("city") or ""
        issue = f"province not given and city {city!r} is not in the registry; province left blank"
        log.flag(row.number, "province", row.text.get("province") or "", issue)
    return location


def flag_partners(row: Row, partners: Partners, reg: CentresRegistry, log: CleaningLog) -> None:
    """Flag unresolved partner names, and partners typed in the other country's column."""
    for u in partners.unresolved:
        log.flag(row.number, u["field"], WITHHELD, "partner name not resolved (restricted list)")
    for org_id, col in partners.resolved.items():
        side = reg.org_side(org_id)
        if COLUMN_SIDE[col] != side:
            issue = (
                f"organisation {org_id} is on side {side} but was typed under {log.label(col)!r}"
            )
            log.flag(row.number, col, reg.org_name(org_id), issue)


def research_area_of(
    row: Row, reg: CentresRegistry, log: CleaningLog
) -> tuple[str, str | None, str | None]:
    """``(topic, discipline group, NSI sector)`` of the research area; unclassified is flagged."""
    area = row.text.get("research_area")
    topic, group, sector = reg.classify(area)
    if topic == UNCLASSIFIED:
        log.flag(row.number, "research_area", area or "", "research area not classified")
    return topic, group, sector


def funders_of(row: Row, reg: CentresRegistry, log: CleaningLog) -> list[str]:
    """Sorted canonical funder names; a funder the registry lacks is kept verbatim (flagged)."""
    funders: list[str] = []
    for name in split_names(row.text.get("funders"), reg.funder_known, reg.funder_resolves):
        funder_id, canonical = reg.resolve_funder(name)
        if funder_id is None:
            log.flag(row.number, "funders", name, "funder not in the registry; kept verbatim")
            funders.append(name)
        else:
            funders.append(str(canonical))
    return sorted(set(funders))
