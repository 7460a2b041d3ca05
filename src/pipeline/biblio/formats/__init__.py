"""Per-format readers of bibliographic exports.

Every reader exposes ``iter_records(path, fold_hk_mo=False)``, a generator of
:class:`WorkRow` (one per work) and :class:`Reject` (a record that could not be
used, with the file, row and column named). Readers stream: they hold one
record at a time, never the whole file; any of them reads gzip-compressed files too
(:mod:`.textio`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.biblio.countries import _clean_address, countries_from_addresses, fold_codes
from pipeline.biblio.schemas import WORK_COLUMNS

log = logging.getLogger(__name__)

__all__ = [
    "WORK_COLUMNS",
    "Reject",
    "WorkRow",
    "institution_from_address",
    "make_row",
    "normalise_doi",
    "parse_year",
    "work_funders",
    "year_or_reject",
    "year_or_warn",
]


_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_YEAR = re.compile(r"(?<![\d.-])(1[5-9]\d\d|20\d\d|2100)(?![\d.])")
_BARE_NUMBER = re.compile(r"^([+-]?)(\d+)(?:\.0*)?$")
#: Earliest and latest publication year accepted (the range :func:`parse_year` reads).
YEAR_MIN, YEAR_MAX = 1500, 2100
#: What names an organisation in an address, from the whole institution down to its
#: units: a university (or an institute of technology) first, then an academy or college,
#: then hospitals, institutes and other bodies, then schools, centres and laboratories.
_ORG_TIERS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"univ|universit|institute of technology|polytechnic|大学$",
        r"academy|\bacad\b|college|\bcoll\b|学院$|研究院$",
        (
            r"institut|\binst\b|hospital|\bhosp\b|council|ministry|foundation|company|"
            r"\bltd\b|\binc\b|\bcorp"
        ),
        r"school|\bsch\b|centre|center|\bctr\b|laborator|\blab\b",
    )
)
_NOT_AN_ORG = ("dept", "department", "division", "faculty", "unit ", "key lab", "state key")
#: A label letter PubMed puts before an affiliation ("c Department of ...").
_LABEL_LETTER = re.compile(r"^[a-z]\s+(?=[A-Z])")


@dataclass(frozen=True)
class WorkRow:
    """One work, in the shape of the output table (see :data:`WORK_COLUMNS`)."""

    work_id: str
    source_format: str
    doi: str | None
    year: int | None
    countries: list[str]
    institutions: list[str]
    field: str | None
    uk_cn: bool | None
    affiliation_known: bool
    funders: list[str] = field(default_factory=list)
    source_row: int = 0

    def as_dict(self) -> dict[str, object]:
        """The row as a dict with the output columns only."""
        return {c: getattr(self, c) for c in WORK_COLUMNS}


@dataclass(frozen=True)
class Reject:
    """A record that could not be turned into a work."""

    source_file: str
    source_row: int
    column: str
    value: str
    reason: str
    extra: dict[str, object] = field(default_factory=dict)


def normalise_doi(value: str | None) -> str | None:
    """Lower-case a DOI and drop ``https://doi.org/`` / ``doi:`` prefixes; ``None`` if empty."""
    if value is None:
        return None
    text = _DOI_PREFIX.sub("", str(value).strip()).strip().lower()
    return text or None


def parse_year(value: object) -> int | None:
    """The first year in a date field (``"2016 Jan 15"`` -> 2016), else ``None``.

    Only years 1500-2100 count; ``"in press"``, ``"-2019"`` or ``"3021"`` give ``None``.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1500 <= value <= 2100 else None
    match = _YEAR.search(str(value))
    return int(match.group(1)) if match else None


def year_or_warn(value: object, label: str, row: int, column: str) -> int | None:
    """:func:`parse_year`, logging a warning naming file, row and column when a non-empty
    value is not a year (the work is kept, with its year unknown)."""
    year = parse_year(value)
    if year is None and value is not None and str(value).strip():
        log.warning(
            "%s row %s column %s: %r is not a year; work kept with year unknown",
            label,
            row,
            column,
            str(value)[:40],
        )
    return year


def year_or_reject(value: object, label: str, row: int, column: str) -> int | None | Reject:
    """The publication year of a date field, or a :class:`Reject` when the field is a bare
    number that cannot be a year.

    A signed number (``-2019``, ``+2019``) or one outside ``YEAR_MIN..YEAR_MAX``
    (``3021``) is a data fault: the record is quarantined with a reason naming the value.
    Other text without a year (``"in press"``) keeps the work with its year unknown and
    logs a warning (:func:`year_or_warn`).
    """
    text = "" if value is None else str(value).strip()
    match = _BARE_NUMBER.match(text)
    if match:
        sign, digits = match.groups()
        year = int(digits)
        if sign or not YEAR_MIN <= year <= YEAR_MAX:
            return Reject(
                label,
                row,
                column,
                text[:40],
                f"impossible publication year {text[:40]!r} "
                f"(expected an unsigned year {YEAR_MIN}-{YEAR_MAX})",
            )
        return year
    return year_or_warn(value, label, row, column)


def institution_from_address(address: str) -> str | None:
    """Best guess of the organisation named in an address.

    Web of Science puts the organisation first; other databases often start with a
    department or an institute of the organisation ("Institute of Cell and Molecular
    Science, Queen Mary University of London"), so the parts are ranked: a university
    first, then an academy or college, then institutes, hospitals and other bodies,
    then schools, centres and laboratories; parts naming a department, division or
    faculty are never chosen while another part qualifies. Within a rank the first
    part wins.
    """
    text = _LABEL_LETTER.sub("", _clean_address(address))
    parts = [p.strip(" .") for p in text.split(",")]
    parts = [p for p in parts if p]
    if not parts:
        return None
    candidates = [p for p in parts if not p.lower().startswith(_NOT_AN_ORG)]
    for pattern in _ORG_TIERS:
        for part in candidates:
            if pattern.search(part):
                return part
    return parts[0]


def make_row(
    *,
    work_id: str,
    source_format: str,
    doi: str | None,
    year: int | None,
    addresses: list[str] | None = None,
    country_codes: list[str] | None = None,
    institutions: list[str] | None = None,
    field_name: str | None = None,
    fold_hk_mo: bool = False,
    source_row: int = 0,
    funders: Iterable[str | None] | None = None,
    funding_text: str | None = None,
) -> WorkRow:
    """Build a :class:`WorkRow` from either address strings or ready country codes.

    ``affiliation_known`` is true when any address (or country code) is
    present; ``uk_cn`` is ``None`` when it is not, never ``False``. ``funders`` (names
    as the export gives them) are resolved into the work's ``funders``, or, when there are
    none, the registry funders named in ``funding_text`` (:func:`work_funders`).
    """
    if country_codes is not None:
        countries = fold_codes(country_codes, fold_hk_mo)
        known = bool(countries)
    else:
        addr = [a for a in (addresses or []) if a and a.strip()]
        known = bool(addr)
        countries = countries_from_addresses(addr, fold_hk_mo) if known else []
        if institutions is None:
            institutions = [i for i in (institution_from_address(a) for a in addr) if i]
    insts = sorted({i.strip() for i in (institutions or []) if i and i.strip()})
    uk_cn = ("GB" in countries and "CN" in countries) if known else None
    return WorkRow(
        work_id=work_id,
        source_format=source_format,
        doi=normalise_doi(doi),
        year=year,
        countries=countries,
        institutions=insts,
        field=(field_name.strip() or None) if field_name else None,
        uk_cn=uk_cn,
        affiliation_known=known,
        funders=work_funders(funders, funding_text),
        source_row=source_row,
    )


def work_funders(names: Iterable[str | None] | None, text: str | None = None) -> list[str]:
    """Sorted distinct funders of a work: ``names`` resolved or, when the record lists no
    funder, the registry funders its funding ``text`` names (the databases derive their
    lists from that text; see :class:`pipeline.biblio.funders.FunderNames`)."""
    names = [n for n in (names or []) if n and str(n).strip()]
    if not names and not text:
        return []
    from pipeline.biblio.funders import default_funder_names

    resolver = default_funder_names()
    listed = resolver.normalise(names)
    return listed if listed else resolver.named_in(text)


def display_name(path: Path) -> str:
    """How a file is named in messages and rejects (its name, not a local absolute path)."""
    return path.name
