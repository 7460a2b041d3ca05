"""Clean the UK–China joint research centres table.

Input: any .xlsx/.csv the reader accepts (see :mod:`pipeline.centres.read`). Output: a
:class:`CentresResult` whose tables follow the contract in :mod:`pipeline.centres.schemas`:

* ``centres`` (one row per cleaned centre, ``centre_id`` = ``C`` + 4-digit rank by
  (year, normalised name)), ``organisations``, ``centre_partners``;
* ``rejects`` (one line per problem; a row is counted once), ``duplicates``, ``review`` (kept
  rows worth a human look);
* ``unresolved`` (partner names nobody could match): *restricted* -- a typed name may hold a
  person's name, so it is written only to the restricted review folder
  (:data:`RESTRICTED_FILES`), never with the shared outputs, which show it as
  :data:`pipeline.privacy.WITHHELD`;
* ``accounting``: ``raw_rows = non_data_rows + centres + duplicates + rejected``, asserted.

The steps: read the table, clean each row (:mod:`pipeline.centres.rows`, which parses fields
with :mod:`pipeline.centres.fields` and resolves names with :mod:`pipeline.centres.resolve`),
drop exact duplicates, number the centres, assemble and validate the tables. Organisation,
province and funder names are resolved only through the registries in
:mod:`pipeline.registries`; nothing here invents a match.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow
import pyarrow.parquet as pq

from pipeline.centres import schemas
from pipeline.centres.fields import YEAR_MAX_DEFAULT, YEAR_MIN_DEFAULT
from pipeline.centres.read import CentresInputError, RawTable, read_table
from pipeline.centres.resolve import CentresRegistry, blank_to_none
from pipeline.centres.rows import CleaningLog, YearRange, clean_rows
from pipeline.io import atomic_path, atomic_write_csv, atomic_write_json
from pipeline.privacy import check_restricted_location, write_restricted

__all__ = [
    "FUZZY_THRESHOLD_DEFAULT",
    "OUTPUT_FILES",
    "RESTRICTED_FILES",
    "YEAR_MAX_DEFAULT",
    "YEAR_MIN_DEFAULT",
    "CentresInputError",
    "CentresResult",
    "check_accounting",
    "clean_centres",
    "write_outputs",
]

FUZZY_THRESHOLD_DEFAULT = 90.0

#: Every file :func:`write_outputs` writes, by table.
OUTPUT_FILES = {
    "centres": "centres.parquet",
    "organisations": "organisations.parquet",
    "centre_partners": "centre_partners.parquet",
    "readable": "centres.csv",
    "rejects": "centres_rejects.csv",
    "duplicates": "centres_duplicates.csv",
    "review": "centres_review.csv",
    "accounting": "centres_accounting.json",
    "report": "centres_cleaning_report.json",
}
#: Every restricted file, by table: written only into the restricted folder.
RESTRICTED_FILES = {"unresolved": "centres_unresolved_organisations.csv"}


@dataclass
class CentresResult:
    """Everything the cleaner produced for one input file."""

    centres: pd.DataFrame
    organisations: pd.DataFrame
    centre_partners: pd.DataFrame
    rejects: pd.DataFrame
    duplicates: pd.DataFrame
    unresolved: pd.DataFrame
    accounting: dict[str, Any]
    warnings: list[str]
    review: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=schemas.REVIEW_COLUMNS)
    )
    report: dict[str, Any] = field(default_factory=dict)


def clean_centres(
    path: str | Path,
    *,
    fuzzy_threshold: float = FUZZY_THRESHOLD_DEFAULT,
    year_min: int = YEAR_MIN_DEFAULT,
    year_max: int = YEAR_MAX_DEFAULT,
    ref_dir: Path | None = None,
    sheet: str | None = None,
) -> CentresResult:
    """Read and clean a centres workbook/CSV; see the module docstring for the outputs.

    ``sheet`` names the worksheet to read (None or ``"auto"``: the one visible sheet that
    holds a centres table). Raises :class:`CentresInputError` when the file cannot be read
    as a centres table.
    """
    table = read_table(path, sheet)
    reg = CentresRegistry.load(Path(ref_dir) if ref_dir else None, float(fuzzy_threshold))
    log = CleaningLog(Path(path).name, dict(table.columns), list(table.warnings))
    kept = clean_rows(table, reg, log, YearRange(year_min, year_max))
    centres, duplicates = drop_duplicates(kept, log.source_file)
    links = number_centres(centres, reg)
    tables = validated_tables(centres, links, duplicates, log, reg)
    return CentresResult(
        **tables,
        accounting=row_accounting(table, log, tables),
        warnings=log.warnings,
        report=cleaning_report(table, log, fuzzy_threshold, year_min, year_max),
    )


# =========================================================================== steps
def drop_duplicates(
    kept: list[dict[str, Any]], source_file: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Split kept records into first occurrences and exact duplicates of an earlier one.

    Two rows are the same centre when the normalised name, the year and the set of resolved
    partners agree.
    """
    first_by_key: dict[Any, dict[str, Any]] = {}
    duplicates: list[dict[str, Any]] = []
    for c in kept:
        first = first_by_key.setdefault(c["_key"], c)
        if first is c:
            continue
        duplicates.append(
            {
                "source_file": source_file,
                "source_row": c["source_row"],
                "duplicate_of_row": first["source_row"],
                "name": c["name"],
                "year_established": c["year_established"],
                "partners": " | ".join(c["_orgs"]),
            }
        )
    return list(first_by_key.values()), duplicates


def number_centres(centres: list[dict[str, Any]], reg: CentresRegistry) -> list[dict[str, Any]]:
    """Give each centre its id by (year, normalised name, row); return its partner links."""
    centres.sort(key=lambda c: (c["year_established"], c["_key"][0], c["source_row"]))
    links: list[dict[str, Any]] = []
    for rank, c in enumerate(centres, start=1):
        c["centre_id"] = f"C{rank:04d}"
        for org_id in c["_orgs"]:
            links.append(
                {"centre_id": c["centre_id"], "org_id": org_id, "side": reg.org_side(org_id)}
            )
    return links


# =========================================================================== tables
def _frame(rows: Iterable[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    rows = list(rows)
    df = pd.DataFrame(rows, columns=columns) if rows else pd.DataFrame(columns=columns)
    return df[columns].copy()


def centres_frame(centres: list[dict[str, Any]]) -> pd.DataFrame:
    """The centres table, by centre id."""
    df = _frame(centres, schemas.CENTRE_COLUMNS).sort_values("centre_id", kind="stable")
    df["year_established"] = df["year_established"].astype("int64")
    df["source_row"] = df["source_row"].astype("int64")
    df["year_approximate"] = df["year_approximate"].astype(bool)
    return df.reset_index(drop=True)


def partners_frame(links: list[dict[str, Any]]) -> pd.DataFrame:
    """Centre-organisation links, by centre and organisation."""
    df = _frame(links, schemas.PARTNER_LINK_COLUMNS).sort_values(["centre_id", "org_id"])
    return df.reset_index(drop=True)


def organisations_frame(links: list[dict[str, Any]], reg: CentresRegistry) -> pd.DataFrame:
    """The registry organisations that partner in at least one centre, by id."""
    used = {link["org_id"] for link in links}
    orgs = reg.orgs[reg.orgs["org_id"].isin(used)]
    records = [
        {c: blank_to_none(r.get(c)) for c in schemas.ORGANISATION_COLUMNS}
        for r in orgs.to_dict("records")
    ]
    df = _frame(records, schemas.ORGANISATION_COLUMNS).sort_values("org_id")
    return df.reset_index(drop=True)


def _log_frame(rows: list[dict[str, Any]], columns: list[str], order: list[str]) -> pd.DataFrame:
    df = _frame(rows, columns).sort_values(order)
    df["source_row"] = df["source_row"].astype("int64")
    return df.reset_index(drop=True)


def rejects_frame(rejects: list[dict[str, Any]]) -> pd.DataFrame:
    """One line per problem of a rejected row, by row."""
    return _log_frame(rejects, schemas.REJECT_COLUMNS, ["source_row", "column", "reason"])


def duplicates_frame(duplicates: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows set aside as exact duplicates, by row."""
    df = _log_frame(duplicates, schemas.DUPLICATE_COLUMNS, ["source_row"])
    df["duplicate_of_row"] = df["duplicate_of_row"].astype("int64")
    df["year_established"] = df["year_established"].astype("int64")
    return df


def unresolved_frame(unresolved: list[dict[str, Any]]) -> pd.DataFrame:
    """Partner names no registry organisation matched, by row."""
    df = _log_frame(unresolved, schemas.UNRESOLVED_COLUMNS, ["source_row", "column", "value"])
    df["score"] = df["score"].astype("float64")
    return df


def review_frame(review: list[dict[str, Any]]) -> pd.DataFrame:
    """Kept rows flagged for a person to check, by row."""
    order = ["source_row", "column", "issue", "value"]
    return _log_frame(review, schemas.REVIEW_COLUMNS, order)


def validated_tables(
    centres: list[dict[str, Any]],
    links: list[dict[str, Any]],
    duplicates: list[dict[str, Any]],
    log: CleaningLog,
    reg: CentresRegistry,
) -> dict[str, pd.DataFrame]:
    """Every output table, checked against its schema, keyed as in :class:`CentresResult`."""
    return {
        "centres": schemas.validate_centres(centres_frame(centres)),
        "organisations": schemas.validate_organisations(organisations_frame(links, reg)),
        "centre_partners": schemas.validate_centre_partners(partners_frame(links)),
        "rejects": schemas.validate_rejects(rejects_frame(log.rejects)),
        "duplicates": schemas.validate_duplicates(duplicates_frame(duplicates)),
        "unresolved": schemas.validate_unresolved(unresolved_frame(log.unresolved)),
        "review": schemas.validate_review(review_frame(log.review)),
    }


# =========================================================================== accounting
def row_accounting(
    table: RawTable, log: CleaningLog, tables: dict[str, pd.DataFrame]
) -> dict[str, Any]:
    """Where every row went; raises when the outcomes do not add up to the rows read."""
    accounting = {
        "source_file": log.source_file,
        "raw_rows": len(table.rows) + len(table.malformed),
        "non_data_rows": log.non_data_rows,
        "centres": len(tables["centres"]),
        "duplicates": len(tables["duplicates"]),
        "rejected": log.rejected_rows,
        "unresolved_names": len(tables["unresolved"]),
    }
    check_accounting(accounting)
    return accounting


def check_accounting(acc: dict[str, Any]) -> None:
    """Assert raw_rows = non_data_rows + centres + duplicates + rejected."""
    total = acc["non_data_rows"] + acc["centres"] + acc["duplicates"] + acc["rejected"]
    if acc["raw_rows"] != total:
        raise AssertionError(
            f"{acc.get('source_file')}: row accounting broken: raw_rows {acc['raw_rows']} != "
            f"non_data {acc['non_data_rows']} + centres {acc['centres']} + duplicates "
            f"{acc['duplicates']} + rejected {acc['rejected']}"
        )


def cleaning_report(
    table: RawTable, log: CleaningLog, fuzzy_threshold: float, year_min: int, year_max: int
) -> dict[str, Any]:
    """How the file was read (sheet, header, encoding, columns) and the settings used."""
    return {
        "source_file": log.source_file,
        "sheet": table.sheet,
        "header_row": table.header_row,
        "encoding": table.encoding,
        "delimiter": table.delimiter,
        "columns": dict(sorted(table.columns.items())),
        "ignored_columns": list(table.ignored_columns),
        "parameters": {
            "fuzzy_threshold": float(fuzzy_threshold),
            "year_min": int(year_min),
            "year_max": int(year_max),
        },
        "warnings": log.warnings,
    }


# =========================================================================== outputs
def write_parquet(df: pd.DataFrame, path: Path, schema: pyarrow.Schema) -> Path:
    """Write ``df`` with an explicit arrow schema, no index, atomically (same data -> same bytes)."""
    table = pyarrow.Table.from_pandas(
        df.reset_index(drop=True), schema=schema, preserve_index=False
    )
    table = table.replace_schema_metadata(None)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd")
    return Path(path)


def validate_result(result: CentresResult) -> None:
    """Check every table against its schema and the row accounting (raises on a break)."""
    check_accounting(result.accounting)
    schemas.validate_centres(result.centres)
    schemas.validate_organisations(result.organisations)
    schemas.validate_centre_partners(result.centre_partners)
    schemas.validate_rejects(result.rejects)
    schemas.validate_duplicates(result.duplicates)
    schemas.validate_unresolved(result.unresolved)
    schemas.validate_review(result.review)


def write_outputs(
    result: CentresResult, out_dir: Path, restricted: str | Path | None = None
) -> list[Path]:
    """Write every shared table of ``result`` into ``out_dir`` (atomic, sorted, formula-safe)
    and, when ``restricted`` names a folder, the restricted list of unresolved partner names
    there (owner-only; never inside ``out_dir``).

    Parquet: centres, organisations, centre_partners. CSV (cells starting = + - @ tab CR get a
    leading single quote): centres.csv (a readable copy, funders joined by " | "), and the
    rejects, duplicates and review lists. JSON: the row accounting and the cleaning report.
    File names are in :data:`OUTPUT_FILES` and :data:`RESTRICTED_FILES`.
    """
    validate_result(result)
    if restricted is not None:
        check_restricted_location(restricted, [out_dir])
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    names = {key: out / name for key, name in OUTPUT_FILES.items()}
    written = [
        write_parquet(getattr(result, key), names[key], schemas.arrow_schema(key))
        for key in ("centres", "organisations", "centre_partners")
    ]
    readable = result.centres.copy()
    readable["funders"] = readable["funders"].map(lambda v: " | ".join(v))
    written.append(atomic_write_csv(names["readable"], readable))
    for key in ("rejects", "duplicates", "review"):
        written.append(atomic_write_csv(names[key], getattr(result, key)))
    written.append(atomic_write_json(names["accounting"], result.accounting))
    written.append(atomic_write_json(names["report"], result.report))
    if restricted is not None:
        written += write_restricted(restricted, {RESTRICTED_FILES["unresolved"]: result.unresolved})
    return [Path(p) for p in written]
