"""Ingest bibliographic exports of any supported format into one per-work parquet table.

Flow: find files (folders recursively, hidden files skipped, nothing outside the
folder given) -> detect each file's format -> OpenAlex JSONL/.gz files are turned
into rows by DuckDB (parallel across files, streamed, explicit schema), every
other format by a streaming Python reader -> rows staged as parquet -> the funder
names of the DuckDB rows are resolved against the registry -> DuckDB removes
duplicates (first by DOI, then by the source's own id, keeping the first occurrence
in input order) and writes the final parquet in input order (files in the order
found, records in file order).

One OpenAlex snapshot slice (JSONL parts only, no duplicates, no funder name to
change) takes a fast path: DuckDB reads the parts once, in parallel, straight into
the output parquet, which is then moved into place rather than rewritten.

Everything intermediate lives in a staging folder *beside* the output folder
(:mod:`pipeline.biblio.staging`): a run that is killed leaves nothing partial among the
outputs, and the next run removes what it left.

Memory stays bounded whatever the input size: DuckDB runs with a memory limit,
two threads and spills to the staging folder; Python readers hold one record at
a time and write rows in batches. Finding and reading files is
:mod:`pipeline.biblio.read`; the DuckDB steps are :mod:`pipeline.biblio.engine`.
"""

from __future__ import annotations

import csv
import logging
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.biblio.engine import (
    DEFAULT_CHUNK_FILES,
    DEFAULT_MEMORY_LIMIT,
    DEFAULT_THREADS,
    connect,
    count_by_file,
    dedupe_and_write,
    kept_counts,
    resolve_staged_funders,
    stage_jsonl,
)
from pipeline.biblio.formats import Reject, WorkRow, openalex
from pipeline.biblio.formats.textio import GZIP_ERRORS
from pipeline.biblio.read import READERS, SourceFile, classify, discover
from pipeline.biblio.schemas import REJECT_COLUMNS, staging_arrow_schema
from pipeline.biblio.staging import publish, staging_dir

__all__ = ["IngestReport", "NothingReadError", "count_uk_cn_by_year", "ingest"]

if TYPE_CHECKING:  # pandas loads only where a table is returned
    import pandas as pd

log = logging.getLogger(__name__)

_BATCH = 5000
#: What a Python reader may raise part-way through a damaged file.
_READ_ERRORS = (csv.Error, UnicodeError, ValueError, OSError, *GZIP_ERRORS)
#: Columns of the unresolved-funders list written beside the output.
UNRESOLVED_FUNDER_COLUMNS = ("funder", "works")


@dataclass
class IngestReport:
    """What :func:`ingest` read, rejected, dropped as duplicate and kept.

    ``raw`` counts every record read (works and rejects);
    ``raw == kept + duplicates + rejected`` always holds. Of the kept works, ``uk_cn``
    are UK–China and ``affiliation_unknown`` carry no affiliation; ``funder_works`` gives
    the kept works naming each funder.
    """

    out: Path | None = None
    files: list[dict[str, object]] = field(default_factory=list)
    per_format: dict[str, int] = field(default_factory=dict)
    raw: int = 0
    rejected: int = 0
    duplicates_doi: int = 0
    duplicates_id: int = 0
    kept: int = 0
    uk_cn: int = 0
    affiliation_unknown: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    companions: list[str] = field(default_factory=list)
    group_by: dict[str, pd.DataFrame] = field(default_factory=dict)
    funder_works: dict[str, int] = field(default_factory=dict)
    #: Rejected records in file and row order (:attr:`rejects` gives them as a table).
    reject_rows: list[Reject] = field(default_factory=list)

    @property
    def rejects(self) -> pd.DataFrame:
        """Rejected records: ``source_file, source_row, column, value, reason``."""
        import pandas as pd

        return pd.DataFrame(
            [[r.source_file, r.source_row, r.column, r.value, r.reason] for r in self.reject_rows],
            columns=list(REJECT_COLUMNS),
        ).astype({"source_row": "int64"})

    @property
    def duplicates(self) -> int:
        """Works dropped as duplicates (by DOI or by id)."""
        return self.duplicates_doi + self.duplicates_id

    @property
    def nothing_read(self) -> bool:
        """True when no input could be read: no file of works and no yearly counts."""
        return not self.files and not self.group_by

    def unresolved_funders(self) -> dict[str, int]:
        """Funder names of kept works that the registry does not know, with their works."""
        if not self.funder_works:  # nothing to look up: do not load the registry
            return {}
        from pipeline.biblio.funders import default_funder_names

        known = default_funder_names()
        return {n: w for n, w in sorted(self.funder_works.items()) if not known.is_known(n)}

    def check(self) -> None:
        """Raise ``AssertionError`` if the counts do not add up."""
        total = self.kept + self.duplicates + self.rejected
        assert self.raw == total, f"raw {self.raw} != kept+duplicates+rejected {total}"

    def as_dict(self) -> dict[str, object]:
        """Counts as a JSON-friendly dict (no data frames)."""
        return {
            "out": str(self.out) if self.out else None,
            "files": self.files,
            "per_format": dict(sorted(self.per_format.items())),
            "raw": self.raw,
            "rejected": self.rejected,
            "duplicates_doi": self.duplicates_doi,
            "duplicates_id": self.duplicates_id,
            "duplicates": self.duplicates,
            "kept": self.kept,
            "uk_cn": self.uk_cn,
            "affiliation_unknown": self.affiliation_unknown,
            "skipped": [list(s) for s in self.skipped],
            "companions": list(self.companions),
            "group_by_files": sorted(self.group_by),
            "funders": len(self.funder_works),
        }

    def kept_line(self) -> str:
        """One sentence: kept works, of which UK–China, of which with unknown affiliation."""
        return (
            f"kept {self.kept:,} works, of which {self.uk_cn:,} UK–China and "
            f"{self.affiliation_unknown:,} with unknown affiliation"
        )

    def summary(self) -> str:
        """Human-readable multi-line summary (used by the CLI)."""
        lines = ["works read per format:"]
        for fmt, n in sorted(self.per_format.items()):
            lines.append(f"  {fmt:<18} {n:>10,}")
        lines += [
            f"raw records        {self.raw:>10,}",
            f"rejected           {self.rejected:>10,}",
            f"duplicates by DOI  {self.duplicates_doi:>10,}",
            f"duplicates by id   {self.duplicates_id:>10,}",
            f"kept               {self.kept:>10,}",
            f"  UK–China         {self.uk_cn:>10,}",
            f"  unknown affil.   {self.affiliation_unknown:>10,}",
            self.kept_line(),
        ]
        unresolved = self.unresolved_funders() if self.funder_works else {}
        if self.funder_works:
            lines.append(
                f"funders named: {len(self.funder_works):,}, of which {len(unresolved):,} "
                "not in the funder registry"
            )
        for name in sorted(self.group_by):
            lines.append(f"group_by response (not works): {name}")
        for name in self.companions:
            lines.append(f"companion file (not works): {name}")
        for name, reason in self.skipped:
            lines.append(f"skipped {name}: {reason}")
        return "\n".join(lines)


class NothingReadError(ValueError):
    """No input could be read; the message has one line per file found (and why)."""

    def __init__(self, report: IngestReport, paths: Sequence[Path | str]) -> None:
        self.report = report
        where = ", ".join(str(p) for p in paths)
        lines = [f"no input could be read from {where}:"]
        lines += [f"  {name}: {reason}" for name, reason in report.skipped]
        lines += [f"  {name}: companion file, not works" for name in report.companions]
        if len(lines) == 1:
            lines.append("  (no files found)")
        super().__init__("\n".join(lines))


# --------------------------------------------------------------------------- python rows


class _RowWriter:
    """Batched parquet writer for rows produced in Python."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.writer = None
        self.buffer: list[dict[str, object]] = []
        self.count = 0

    def add(self, row: WorkRow, label: str) -> None:
        record = row.as_dict()
        record["source_file"] = label
        record["rec_rank"] = row.source_row
        self.buffer.append(record)
        self.count += 1
        if len(self.buffer) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = staging_arrow_schema()
        table = pa.Table.from_pylist(self.buffer, schema=schema)
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, schema)
        self.writer.write_table(table)
        self.buffer = []

    def close(self) -> bool:
        self.flush()
        if self.writer is not None:
            self.writer.close()
            return True
        return False


def _progress(iterable: Iterable, total: int, desc: str, enabled: bool):
    if not enabled:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc, unit="file", file=sys.stderr, leave=False)


def _fault_reason(label: str, exc: BaseException) -> str:
    if isinstance(exc, GZIP_ERRORS):
        return (
            f"{label}: compressed data end early or are damaged ({exc}); the records before "
            "this point are kept, the rest of the file is lost"
        )
    return f"file could not be read past this point: {exc}"


def _read_file(
    src: SourceFile, writer: _RowWriter, counts: Counter, rejects: list[Reject], fold_hk_mo: bool
) -> None:
    """Stage the works of one file and collect its rejects; a file that breaks part-way
    (a damaged file, a gzip file cut short) keeps the works read before the fault, and
    the rest of it is one reject naming the file."""
    last_row = 0
    try:
        for item in READERS[src.format](src.path, fold_hk_mo=fold_hk_mo, label=src.label):
            last_row = max(last_row, item.source_row)
            if isinstance(item, Reject):
                rejects.append(item)
                counts["rejected"] += 1
            else:
                writer.add(item, src.label)
                counts["works"] += 1
    except _READ_ERRORS as exc:
        rejects.append(Reject(src.label, last_row + 1, "", "", _fault_reason(src.label, exc)))
        counts["rejected"] += 1


def _stage_python(
    files: list[SourceFile],
    path: Path,
    per_file: dict[str, Counter],
    rejects: list[Reject],
    *,
    fold_hk_mo: bool,
    progress: bool,
) -> Path | None:
    """Stage the works of ``files`` (read in Python) at ``path``; None when there were none."""
    writer = _RowWriter(path)
    shown = progress and bool(files)
    for src in _progress(files, len(files), "bibliographic files", shown):
        _read_file(src, writer, per_file[src.label], rejects, fold_hk_mo)
    return writer.path if writer.close() else None


# --------------------------------------------------------------------------- ingest


def _record_files(
    report: IngestReport,
    files: list[SourceFile],
    per_file: dict[str, Counter],
    kept_per_file: dict[str, int],
) -> None:
    fmt_of = {f.label: f.format for f in files}
    for label in sorted(per_file):
        counts = per_file[label]
        fmt = str(fmt_of[label])
        kept_here = int(kept_per_file.get(label, 0))
        report.per_format[fmt] = report.per_format.get(fmt, 0) + counts["works"]
        report.files.append(
            {
                "file": label,
                "format": fmt,
                "works": counts["works"],
                "rejected": counts["rejected"],
                "kept": kept_here,
                "duplicates": counts["works"] - kept_here,
            }
        )


def _record_rejects(report: IngestReport, rejects: list[Reject], per_file: dict[str, Counter]):
    """Count the rejects into ``report`` (sorted by file and row) and log each."""
    report.rejected = len(rejects)
    report.raw = sum(c["works"] for c in per_file.values()) + report.rejected
    report.reject_rows = sorted(rejects, key=lambda r: (r.source_file, r.source_row))
    for r in rejects:
        log.warning("%s row %s column %r: %s", r.source_file, r.source_row, r.column, r.reason)


def _write_side_files(report: IngestReport, out: Path, scratch: Path) -> None:
    """``<stem>_rejects.csv`` and ``<stem>_unresolved_funders.csv`` beside ``out``."""
    from pipeline.io import atomic_write_rows_csv

    tables = {
        "rejects": (
            REJECT_COLUMNS,
            [
                [r.source_file, r.source_row, r.column, r.value, r.reason]
                for r in report.reject_rows
            ],
        ),
        "unresolved_funders": (
            UNRESOLVED_FUNDER_COLUMNS,
            [[n, w] for n, w in report.unresolved_funders().items()],
        ),
    }
    for what, (header, rows) in tables.items():
        name = f"{out.stem}_{what}.csv"
        publish(atomic_write_rows_csv(scratch / name, header, rows), out.with_name(name))


@dataclass
class _Run:
    """The settings of one ingest run, passed to its steps."""

    fold_hk_mo: bool
    progress: bool
    memory_limit: str
    threads: int
    chunk_files: int


def _ingest_in(
    stage_dir: Path,
    report: IngestReport,
    files: list[SourceFile],
    classified: tuple[list[SourceFile], list[SourceFile]],
    run: _Run,
) -> tuple[dict[str, Counter], list[Reject]]:
    """Stage every file's works in ``stage_dir``, write the output; return the counts."""
    jsonl, others = classified
    ranks = {f.label: i for i, f in enumerate(files)}
    per_file: dict[str, Counter] = {f.label: Counter() for f in jsonl + others}
    rejects: list[Reject] = []
    out = Path(report.out or "")
    con = connect(run.memory_limit, run.threads, stage_dir / "spill")
    staged, redo = stage_jsonl(con, jsonl, stage_dir, run.fold_hk_mo, run.progress, run.chunk_files)
    jsonl_works = count_by_file(con, staged)
    for label, n in jsonl_works.items():
        per_file[label]["works"] += n
    python_files = sorted(others + redo, key=lambda f: ranks[f.label])
    python_rows = _stage_python(
        python_files,
        stage_dir / "python_rows.parquet",
        per_file,
        rejects,
        fold_hk_mo=run.fold_hk_mo,
        progress=run.progress,
    )
    mapped = resolve_staged_funders(con, staged) > 0
    report.kept, report.duplicates_doi, report.duplicates_id, kept_per_file = dedupe_and_write(
        con, staged, jsonl_works, python_rows, ranks, out, scratch=stage_dir, mapped=mapped
    )
    counts = kept_counts(con, out)
    con.close()
    report.uk_cn, report.affiliation_unknown = (
        int(counts["uk_cn"]),
        int(counts["affiliation_unknown"]),
    )
    report.funder_works = dict(counts["funders"])
    _record_files(report, files, per_file, kept_per_file)
    return per_file, rejects


def ingest(
    paths: Sequence[Path | str],
    out: Path | str,
    *,
    fold_hk_mo: bool = False,
    progress: bool = True,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    threads: int = DEFAULT_THREADS,
    chunk_files: int = DEFAULT_CHUNK_FILES,
    allow_empty: bool = True,
    side_files: bool = True,
) -> IngestReport:
    """Read every export under ``paths`` and write one deduplicated per-work parquet to ``out``.

    Columns: :data:`pipeline.biblio.schemas.TABLE_COLUMNS`, that is ``work_id,
    source_format, doi, year, countries, institutions, field, uk_cn, affiliation_known,
    funders`` and ``source_file``, the input the work was kept from. Rows are in input
    order: files in the order found, records in file order. With ``side_files`` the
    rejected records are written beside ``out`` as ``<stem>_rejects.csv`` (``source_file,
    source_row, column, value, reason``) and the funder names the registry does not know as
    ``<stem>_unresolved_funders.csv``; both are also in the report, as are OpenAlex
    ``group_by`` responses (which hold counts, not works). ``fold_hk_mo`` counts Hong Kong
    and Macao as China. When no input can be read, :class:`NothingReadError` is raised
    before anything is written unless ``allow_empty`` (then an empty table is written).
    """
    out = Path(out)
    report = IngestReport(out=out)
    files = discover(paths, report.skipped)
    classified = classify(files, report.skipped, report.group_by, report.companions)
    if not allow_empty and not (classified[0] or classified[1] or report.group_by):
        raise NothingReadError(report, paths)
    run = _Run(fold_hk_mo, progress, memory_limit, threads, chunk_files)
    out.parent.mkdir(parents=True, exist_ok=True)
    with staging_dir(out) as stage_dir:
        per_file, rejects = _ingest_in(stage_dir, report, files, classified, run)
        _record_rejects(report, rejects, per_file)
        if side_files:
            _write_side_files(report, out, stage_dir)
    report.check()
    return report


# --------------------------------------------------------------------------- counting


def _count_python(others: list[SourceFile], fold_hk_mo: bool) -> pd.DataFrame:
    """``year, works, uk_cn`` of the works of ``others``, read with their Python readers."""
    import pandas as pd

    counts: Counter = Counter()
    ukcn: Counter = Counter()
    for src in others:
        for item in READERS[str(src.format)](src.path, fold_hk_mo=fold_hk_mo, label=src.label):
            if isinstance(item, WorkRow):
                counts[item.year] += 1
                ukcn[item.year] += bool(item.uk_cn)
    return pd.DataFrame(
        {"year": list(counts), "works": list(counts.values()), "uk_cn": [ukcn[y] for y in counts]}
    )


def count_uk_cn_by_year(
    paths: Sequence[Path | str],
    *,
    fold_hk_mo: bool = False,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    threads: int = DEFAULT_THREADS,
) -> pd.DataFrame:
    """Works and UK–China works per publication year, without writing anything.

    OpenAlex JSONL/.gz files are counted by DuckDB straight from the files (all
    files in one parallel query); other formats through their Python readers.
    No de-duplication is applied (use :func:`ingest` for that). Returns columns
    ``year, works, uk_cn`` sorted by year (null year last).
    """
    import pandas as pd

    report = IngestReport()
    files = discover(paths, report.skipped)
    jsonl, others = classify(files, report.skipped, report.group_by, report.companions)
    frames = []
    if jsonl:
        with tempfile.TemporaryDirectory(prefix="biblio_count_") as tmp:
            con = connect(memory_limit, threads, Path(tmp))
            frames.append(con.execute(openalex.count_sql([f.path for f in jsonl], fold_hk_mo)).df())
            con.close()
    if others:
        frames.append(_count_python(others, fold_hk_mo))
    if not frames:
        return pd.DataFrame(
            {
                "year": pd.Series(dtype="Int64"),
                "works": pd.Series(dtype="int64"),
                "uk_cn": pd.Series(dtype="int64"),
            }
        )
    df = pd.concat(frames, ignore_index=True)
    df["year"] = df["year"].astype("Int64")
    df = df.groupby("year", dropna=False, as_index=False)[["works", "uk_cn"]].sum()
    df = df.astype({"works": "int64", "uk_cn": "int64"})
    return df.sort_values("year", na_position="last", ignore_index=True)
