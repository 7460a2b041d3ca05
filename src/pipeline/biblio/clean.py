"""The bibliometric cleaning stage (``clean_bibliometrics``): ingest, account, quarantine.

:func:`clean_bibliometrics` ingests every export in the input folder and writes three
outputs: the per-work parquet, a per-file accounting JSON (``raw = kept + duplicates +
rejected``, asserted per file and in total) and the rejects CSV, without leaving stray
files in ``data/processed``. The other functions shape what the cleaning log shows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.biblio.formats import Reject
from pipeline.biblio.ingest import UNRESOLVED_FUNDER_COLUMNS, IngestReport, ingest
from pipeline.biblio.read import discover, iter_works
from pipeline.biblio.schemas import (
    ACCOUNTING_COLUMNS,
    AFFILIATION_COLUMNS,
    REJECT_COLUMNS,
    SOURCES_COLUMNS,
)
from pipeline.quality import balances

__all__ = [
    "CleanResult",
    "accounting_record",
    "accounting_table",
    "affiliation_summary",
    "clean_bibliometrics",
    "per_file_accounting",
    "rejects_by_reason",
    "sources_table",
    "unresolved_funders_path",
    "unresolved_funders_table",
]


@dataclass
class CleanResult:
    """What :func:`clean_bibliometrics` did.

    ``report``: the :class:`pipeline.biblio.ingest.IngestReport`; ``per_file``: one row
    per file of works (:data:`~pipeline.biblio.schemas.ACCOUNTING_COLUMNS`);
    ``accounting``: the dict written to the accounting JSON.
    """

    report: IngestReport
    per_file: pd.DataFrame
    accounting: dict[str, Any]


# --------------------------------------------------------------------------- accounting


def _file_row(label: str, fmt: str, works: int, kept: int, rejected: int) -> dict[str, Any]:
    return {
        "source_file": label,
        "format": fmt,
        "raw": works + rejected,
        "duplicates": works - kept,
        "kept": kept,
        "rejected": rejected,
    }


def _kept_by_first_occurrence(
    entries: dict[str, dict[str, Any]],
    inputs: Sequence[Path | str],
    works_path: Path | str,
    fold_hk_mo: bool,
) -> dict[str, int]:
    """Kept works per file label, each kept ``work_id`` given to the first file holding it."""
    owner: dict[str, str] = {}
    for src in discover(list(inputs)):
        if src.label not in entries:
            continue
        fmt = str(entries[src.label]["format"])
        for item in iter_works(src.path, fmt, fold_hk_mo=fold_hk_mo, label=src.label):
            if not isinstance(item, Reject):
                owner.setdefault(item.work_id, src.label)
    kept_per_file: dict[str, int] = {}
    for wid in pd.read_parquet(works_path, columns=["work_id"])["work_id"]:
        label = owner.get(str(wid))
        if label is None:
            raise AssertionError(f"{works_path}: work {wid!r} not found in any input file")
        kept_per_file[label] = kept_per_file.get(label, 0) + 1
    return kept_per_file


def per_file_accounting(
    report: IngestReport,
    inputs: Sequence[Path | str],
    works_path: Path | str,
    *,
    fold_hk_mo: bool = False,
) -> pd.DataFrame:
    """Raw, duplicate, kept and rejected records per file of works.

    The ingestion report gives works read and rejects per file, but duplicates only in
    total. When its file entries carry ``kept`` (newer ingestion), they are used as is;
    otherwise each kept ``work_id`` of ``works_path`` is attributed to the first file, in
    reading order, that holds a record with that id (the ingestion keeps the first
    occurrence in file order), and a file's duplicates are its works minus its kept ones.
    Totals therefore always match the report; the split between files follows the
    ingestion's first-occurrence rule.
    """
    entries = sorted(report.files, key=lambda e: str(e["file"]))
    if entries and all("kept" in e for e in entries):
        rows = [
            _file_row(
                str(e["file"]),
                str(e["format"]),
                int(e["works"]),
                int(e["kept"]),
                int(e["rejected"]),
            )
            for e in entries
        ]
        return pd.DataFrame(rows, columns=ACCOUNTING_COLUMNS)
    wanted = {str(e["file"]): e for e in entries}
    kept = _kept_by_first_occurrence(wanted, inputs, works_path, fold_hk_mo)
    rows = [
        _file_row(label, str(e["format"]), int(e["works"]), kept.get(label, 0), int(e["rejected"]))
        for label, e in wanted.items()
    ]
    return pd.DataFrame(rows, columns=ACCOUNTING_COLUMNS)


def accounting_record(per_file: pd.DataFrame, report: IngestReport) -> dict[str, Any]:
    """The accounting JSON: ``files`` (per file: format, raw, duplicates, kept, rejected),
    ``totals``, ``group_by_files`` and ``skipped``; raises ``AssertionError`` when a file or
    the totals do not balance, or the files do not add up to the totals."""
    files: dict[str, dict[str, Any]] = {}
    for row in per_file.itertuples(index=False):
        assert balances(row.raw, row.kept, row.duplicates, row.rejected), (
            f"{row.source_file}: raw {row.raw} != kept {row.kept} + duplicates "
            f"{row.duplicates} + rejected {row.rejected}"
        )
        files[row.source_file] = {
            "format": row.format,
            **{k: int(getattr(row, k)) for k in ("raw", "duplicates", "kept", "rejected")},
        }
    totals = {
        k: int(getattr(report, k))
        for k in ("raw", "kept", "duplicates", "duplicates_doi", "duplicates_id", "rejected")
    }
    assert balances(totals["raw"], totals["kept"], totals["duplicates"], totals["rejected"]), (
        f"totals: raw {totals['raw']} != kept + duplicates + rejected"
    )
    for key in ("raw", "kept", "duplicates", "rejected"):
        assert sum(f[key] for f in files.values()) == totals[key], f"per-file {key} != total"
    return {
        "files": dict(sorted(files.items())),
        "totals": totals,
        "group_by_files": sorted(report.group_by),
        "companion_files": sorted(report.companions),
        "skipped": sorted([list(s) for s in report.skipped]),
    }


def unresolved_funders_path(rejects_out: Path | str) -> Path:
    """Where the unresolved funder names go: beside the rejects, ``<input>_unresolved_funders.csv``
    (``bibliometrics_rejects.csv`` -> ``bibliometrics_unresolved_funders.csv``)."""
    rejects_out = Path(rejects_out)
    stem = rejects_out.stem.removesuffix("_rejects")
    return rejects_out.with_name(f"{stem}_unresolved_funders.csv")


def clean_bibliometrics(
    inputs: Sequence[Path | str] | Path | str,
    works_out: Path | str,
    accounting_out: Path | str,
    rejects_out: Path | str,
    *,
    fold_hk_mo: bool = False,
    allow_empty: bool = False,
    unresolved_funders_out: Path | str | None = None,
) -> CleanResult:
    """Ingest every export under ``inputs`` and write the cleaning outputs.

    ``works_out``: the per-work parquet; ``accounting_out``: JSON with ``files``
    (per file: format, raw, duplicates, kept, rejected), ``totals``, ``group_by_files``,
    ``companion_files`` and ``skipped``; ``rejects_out``: CSV with ``source_file,
    source_row, column, value, reason`` (header only when nothing was rejected);
    ``unresolved_funders_out`` (default: :func:`unresolved_funders_path`): the funder names
    of kept works that the funder registry does not know, with their works. When no input
    can be read the stage stops with :class:`pipeline.biblio.ingest.NothingReadError`
    (one line per file) unless ``allow_empty``.
    """
    from pipeline.io import atomic_write_csv, atomic_write_json, atomic_write_rows_csv

    paths = [inputs] if isinstance(inputs, str | Path) else list(inputs)
    works_out = Path(works_out)
    report = ingest(
        paths,
        works_out,
        fold_hk_mo=fold_hk_mo,
        progress=False,
        allow_empty=allow_empty,
        side_files=False,
    )
    per_file = per_file_accounting(report, paths, works_out, fold_hk_mo=fold_hk_mo)
    accounting = accounting_record(per_file, report)
    atomic_write_json(accounting_out, accounting)
    atomic_write_csv(rejects_out, report.rejects.reindex(columns=list(REJECT_COLUMNS)))
    atomic_write_rows_csv(
        unresolved_funders_out or unresolved_funders_path(rejects_out),
        UNRESOLVED_FUNDER_COLUMNS,
        [[n, w] for n, w in report.unresolved_funders().items()],
    )
    return CleanResult(report=report, per_file=per_file, accounting=accounting)


# --------------------------------------------------------------------------- the cleaning log


def sources_table(report: IngestReport) -> pd.DataFrame:
    """Every file found, with what was done with it: ``source_file, format, role``."""
    rows = [
        {"source_file": str(e["file"]), "format": str(e["format"]), "role": "works (ingested)"}
        for e in report.files
    ]
    rows += [
        {
            "source_file": name,
            "format": "openalex_group_by",
            "role": "yearly counts (read by the Phase 1 chapter)",
        }
        for name in report.group_by
    ]
    rows += [
        {
            "source_file": name,
            "format": "side-car metadata",
            "role": "sample description (sampling rate), read by the chapters",
        }
        for name in report.companions
    ]
    rows += [
        {"source_file": name, "format": "", "role": f"not ingested: {reason}"}
        for name, reason in report.skipped
    ]
    out = pd.DataFrame(rows, columns=SOURCES_COLUMNS)
    return out.sort_values("source_file", kind="stable").reset_index(drop=True)


def accounting_table(result: CleanResult) -> pd.DataFrame:
    """Records per file with a total row: ``file, format, raw records, duplicates, kept,
    rejected``."""
    totals = result.accounting["totals"]
    per_file = result.per_file.rename(
        columns={"source_file": "file", "raw": "raw records", "kept": "kept"}
    )
    total_row = pd.DataFrame(
        [
            {
                "file": "total",
                "format": "",
                "raw records": totals["raw"],
                "duplicates": totals["duplicates"],
                "kept": totals["kept"],
                "rejected": totals["rejected"],
            }
        ]
    )
    return pd.concat([per_file, total_row], ignore_index=True)


def rejects_by_reason(rejects: pd.DataFrame) -> pd.DataFrame:
    """Rejected records counted by file and reason (``source_file, reason, records``), the
    most frequent reason of each file first."""
    return (
        rejects.groupby(["source_file", "reason"])
        .size()
        .rename("records")
        .reset_index()
        .sort_values(["source_file", "records", "reason"], ascending=[True, False, True])
    )


def _affiliation_flag(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return "affiliation_unknown"
    return "uk_cn" if bool(v) else "not_uk_cn"


def affiliation_summary(works: pd.DataFrame) -> pd.DataFrame:
    """Kept works per source format by what their affiliations say.

    Columns: ``source_format, works, uk_cn, not_uk_cn, affiliation_unknown`` and a
    ``total`` row. A work without any affiliation is *unknown*, never "not UK–China".
    """
    cols = AFFILIATION_COLUMNS
    if works.empty:
        return pd.DataFrame([{c: ("total" if c == "source_format" else 0) for c in cols}])
    status = works["uk_cn"].map(_affiliation_flag)
    unknown = ~works["affiliation_known"].fillna(False).astype(bool)
    status = status.where(~unknown, "affiliation_unknown")
    frame = pd.DataFrame({"source_format": works["source_format"].astype(str), "status": status})
    table = (
        frame.groupby(["source_format", "status"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=cols[2:], fill_value=0)
        .reset_index()
    )
    table.insert(1, "works", table[cols[2:]].sum(axis=1))
    table = table.sort_values("source_format", kind="stable")
    total = {"source_format": "total", **{c: int(table[c].sum()) for c in cols[1:]}}
    out = pd.concat([table, pd.DataFrame([total])], ignore_index=True)[cols]
    return out.astype({c: "int64" for c in cols[1:]})


def unresolved_funders_table(report: IngestReport, n: int = 20) -> pd.DataFrame:
    """The ``n`` funder names the register lacks that most kept works name:
    ``funder name as written, works`` (most works first, then name)."""
    rows = sorted(report.unresolved_funders().items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return pd.DataFrame(rows, columns=["funder name as written", "works"]).astype(
        {"works": "int64"}
    )
