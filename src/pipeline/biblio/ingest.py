"""Ingest bibliographic exports of any supported format into one per-work parquet table.

Flow: find files (folders recursively, hidden files skipped, nothing outside the
folder given) -> detect each file's format -> OpenAlex JSONL/.gz files are turned
into rows by DuckDB (parallel across files, streamed, explicit schema), every
other format by a streaming Python reader -> rows staged as parquet -> DuckDB
removes duplicates (first by DOI, then by the source's own id, keeping the
first occurrence in input order) and writes the final parquet in input order
(files in the order found, records in file order).

One OpenAlex snapshot slice (JSONL parts only, no duplicates) takes a fast
path: DuckDB reads the parts once, in parallel, straight into the output
parquet, which is then moved into place rather than rewritten.

Memory stays bounded whatever the input size: DuckDB runs with a memory limit,
two threads and spills to a temporary folder; Python readers hold one record at
a time and write rows in batches.
"""

from __future__ import annotations

import csv
import logging
import os
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.biblio.detect import detect_format
from pipeline.biblio.formats import (
    WORK_COLUMNS,
    Reject,
    WorkRow,
    medline,
    openalex,
    pubmed,
    scopus,
    wos,
)
from pipeline.biblio.formats.openalex import sql_list, sql_str

__all__ = [
    "DEFAULT_CHUNK_FILES",
    "DEFAULT_MEMORY_LIMIT",
    "DEFAULT_THREADS",
    "REJECT_COLUMNS",
    "TABLE_COLUMNS",
    "IngestReport",
    "connect",
    "count_uk_cn_by_year",
    "discover",
    "ingest",
    "iter_works",
    "read_group_by",
]

if TYPE_CHECKING:  # pandas loads only where a table is returned
    import pandas as pd

log = logging.getLogger(__name__)

DEFAULT_MEMORY_LIMIT = "512MB"
DEFAULT_THREADS = 2
#: OpenAlex JSONL files read by one DuckDB query (one staged parquet per chunk).
DEFAULT_CHUNK_FILES = 16
#: Columns of the table :func:`ingest` writes: the work columns and the input it came from.
TABLE_COLUMNS = [*WORK_COLUMNS, "source_file"]
REJECT_COLUMNS = ["source_file", "source_row", "column", "value", "reason"]
_BATCH = 5000

Reader = Callable[..., Iterator[WorkRow | Reject]]
READERS: dict[str, Reader] = {
    "openalex_page": openalex.iter_page,
    "openalex_jsonl": openalex.iter_jsonl,
    "wos_plaintext": wos.iter_plaintext,
    "wos_tab": wos.iter_tab,
    "scopus_csv": scopus.iter_records,
    "medline": medline.iter_records,
    "pubmed_xml": pubmed.iter_records,
}

read_group_by = openalex.read_group_by


@dataclass
class SourceFile:
    """One input file: where it is, how it is named in reports, its format."""

    path: Path
    label: str
    format: str | None = None


@dataclass
class IngestReport:
    """What :func:`ingest` read, rejected, dropped as duplicate and kept.

    ``raw`` counts every record read (works and rejects);
    ``raw == kept + duplicates + rejected`` always holds.
    """

    out: Path | None = None
    files: list[dict[str, object]] = field(default_factory=list)
    per_format: dict[str, int] = field(default_factory=dict)
    raw: int = 0
    rejected: int = 0
    duplicates_doi: int = 0
    duplicates_id: int = 0
    kept: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    group_by: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: Rejected records in file and row order (:attr:`rejects` gives them as a table).
    reject_rows: list[Reject] = field(default_factory=list)

    @property
    def rejects(self) -> pd.DataFrame:
        """Rejected records: ``source_file, source_row, column, value, reason``."""
        import pandas as pd

        return pd.DataFrame(
            [[r.source_file, r.source_row, r.column, r.value, r.reason] for r in self.reject_rows],
            columns=REJECT_COLUMNS,
        ).astype({"source_row": "int64"})

    @property
    def duplicates(self) -> int:
        """Works dropped as duplicates (by DOI or by id)."""
        return self.duplicates_doi + self.duplicates_id

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
            "skipped": [list(s) for s in self.skipped],
            "group_by_files": sorted(self.group_by),
        }

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
        ]
        for name in sorted(self.group_by):
            lines.append(f"group_by response (not works): {name}")
        for name, reason in self.skipped:
            lines.append(f"skipped {name}: {reason}")
        return "\n".join(lines)


# --------------------------------------------------------------------------- discovery


def _inside(candidate: Path, root: Path) -> bool:
    try:
        return candidate.is_relative_to(root)
    except (OSError, ValueError):  # pragma: no cover - defensive
        return False


def safe_child(root: Path, name: str) -> Path | None:
    """``root/name`` resolved, or ``None`` (with a warning) if it would leave ``root``.

    Guards against names such as ``../../etc/passwd`` and symbolic links that
    point outside the folder the user gave.
    """
    root_resolved = root.resolve()
    candidate = (root / name).resolve()
    if not _inside(candidate, root_resolved):
        log.warning("skipping %r: resolves outside %s", name, root)
        return None
    return candidate


def _is_hidden(rel_parts: Iterable[str]) -> bool:
    return any(part.startswith(".") and part not in (".", "..") for part in rel_parts)


def discover(
    paths: Sequence[Path | str], skipped: list[tuple[str, str]] | None = None
) -> list[SourceFile]:
    """Files to read: each file given, and every non-hidden file under each folder given.

    Folder contents are walked in sorted order; hidden files and folders (names
    beginning with ``.``) are not read, and a name that resolves outside the folder
    (``..`` parts, symbolic links) is skipped with a warning; each such file or folder
    gets a line in ``skipped``. Labels are
    paths relative to the folder given (prefixed by the folder's name), so reports
    do not depend on where the data sit on disk; a label that would repeat another
    (two folders of the same name) gets a " (2)", " (3)"... suffix.
    """
    skipped = skipped if skipped is not None else []
    found: list[SourceFile] = []
    seen: set[Path] = set()
    labels: set[str] = set()

    def unique(label: str) -> str:
        # two folders of the same name (a/exports, b/exports) must not share labels
        candidate, n = label, 1
        while candidate in labels:
            n += 1
            candidate = f"{label} ({n})"
        labels.add(candidate)
        return candidate

    for given in paths:
        root = Path(given)
        if root.is_file():
            resolved = root.resolve()
            if resolved not in seen:
                seen.add(resolved)
                found.append(SourceFile(resolved, unique(root.name)))
            continue
        if not root.is_dir():
            log.warning("skipping %s: no such file or folder", root)
            skipped.append((str(root), "no such file or folder"))
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            rel_dir = Path(dirpath).relative_to(root)
            for d in sorted(d for d in dirnames if d.startswith(".")):
                skipped.append(((rel_dir / d).as_posix(), "hidden folder (name begins with '.')"))
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                rel = rel_dir / name
                if _is_hidden(rel.parts):
                    skipped.append((rel.as_posix(), "hidden file (name begins with '.')"))
                    continue
                child = safe_child(root, str(rel))
                if child is None:
                    skipped.append((str(rel), "resolves outside the input folder"))
                    continue
                if not child.is_file() or child in seen:
                    continue
                seen.add(child)
                found.append(SourceFile(child, unique(f"{root.name}/{rel.as_posix()}")))
    return found


# --------------------------------------------------------------------------- duckdb


def connect(
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    threads: int = DEFAULT_THREADS,
    temp_dir: Path | None = None,
):
    """An in-memory DuckDB connection configured for bounded memory."""
    import duckdb

    if not re.fullmatch(r"\d+(\.\d+)?\s*[KMGT]i?B", memory_limit):
        raise ValueError(f"memory_limit must look like '512MB' or '1GiB', not {memory_limit!r}")
    con = duckdb.connect(":memory:")
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute(f"SET threads = {int(threads)}")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")
    if temp_dir is not None:
        con.execute(f"SET temp_directory = {sql_str(temp_dir)}")
    return con


def _progress(iterable: Iterable, total: int, desc: str, enabled: bool):
    if not enabled:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, total=total, desc=desc, unit="file", file=sys.stderr, leave=False)


# --------------------------------------------------------------------------- python rows


def iter_works(
    path: Path | str, fmt: str | None = None, *, fold_hk_mo: bool = False, label: str | None = None
) -> Iterator[WorkRow | Reject]:
    """Stream the works (and rejects) of one file with the Python reader of its format."""
    path = Path(path)
    fmt = fmt or detect_format(path)
    if fmt not in READERS:
        raise ValueError(f"{path}: not a recognised bibliographic export of works ({fmt})")
    yield from READERS[fmt](path, fold_hk_mo=fold_hk_mo, label=label or path.name)


def _arrow_schema():
    import pyarrow as pa

    return pa.schema(
        [
            ("work_id", pa.string()),
            ("source_format", pa.string()),
            ("doi", pa.string()),
            ("year", pa.int32()),
            ("countries", pa.list_(pa.string())),
            ("institutions", pa.list_(pa.string())),
            ("field", pa.string()),
            ("uk_cn", pa.bool_()),
            ("affiliation_known", pa.bool_()),
            ("source_file", pa.string()),
            ("rec_rank", pa.int64()),
        ]
    )


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

        schema = _arrow_schema()
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


# --------------------------------------------------------------------------- ingest


def _classify(
    files: list[SourceFile], report: IngestReport
) -> tuple[list[SourceFile], list[SourceFile]]:
    jsonl: list[SourceFile] = []
    others: list[SourceFile] = []
    for src in files:
        try:
            src.format = detect_format(src.path)
        except OSError as exc:
            log.warning("skipping %s: %s", src.label, exc)
            report.skipped.append((src.label, f"unreadable: {exc}"))
            continue
        if src.format is None:
            log.warning("skipping %s: format not recognised", src.label)
            report.skipped.append((src.label, "format not recognised"))
        elif src.format == "openalex_group_by":
            report.group_by[src.label] = read_group_by(src.path)
        elif src.format == "openalex_jsonl":
            jsonl.append(src)
        else:
            others.append(src)
    return jsonl, others


def _execute(con, sql: str, bar=None, weight: float = 0.0) -> None:
    """Run ``sql``; with a progress ``bar``, advance it by ``weight`` as DuckDB reports progress.

    DuckDB releases the GIL while it works, so the query runs in a worker thread
    and this thread polls :meth:`query_progress` (percent of the scan done).
    """
    if bar is None:
        con.execute(sql)
        return
    import threading

    # query_progress() reports only while DuckDB tracks progress; its own bar stays silent
    con.execute("SET enable_progress_bar = true")
    con.execute("SET enable_progress_bar_print = false")

    failure: list[BaseException] = []

    def work() -> None:
        try:
            con.execute(sql)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the calling thread
            failure.append(exc)

    done = 0.0
    worker = threading.Thread(target=work, name="duckdb-ingest", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.25)
            pct = con.query_progress()
            if pct and pct > 0:
                step = weight * min(pct, 100.0) / 100.0 - done
                if step > 0:
                    bar.update(step)
                    done += step
    except BaseException:
        # Ctrl-C (or a failing bar): stop the query before the staging folder goes away
        con.interrupt()
        worker.join()
        raise
    finally:
        con.execute("SET enable_progress_bar = false")
    if failure:
        raise failure[0]
    bar.update(max(weight - done, 0.0))


def _stage_jsonl(
    con,
    files: list[SourceFile],
    stage_dir: Path,
    fold_hk_mo: bool,
    progress: bool,
    chunk_files: int,
) -> tuple[list[Path], list[SourceFile]]:
    """Rows of OpenAlex JSONL files via DuckDB: staged parquet files, and files to redo.

    Files are read ``chunk_files`` at a time, in parallel within a chunk, each chunk
    written to one parquet in file and line order (the connection preserves insertion
    order here). A chunk DuckDB cannot read is split into single files, and a file it
    still cannot read, or that holds a work without an id, is returned for the
    line-by-line Python reader, which names the bad line.
    """
    staged: list[Path] = []
    redo: list[SourceFile] = []
    if not files:
        return staged, redo
    sizes = {str(f.path): f.path.stat().st_size for f in files}
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(
            total=sum(sizes.values()),
            desc="openalex jsonl",
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            file=sys.stderr,
        )
    method = openalex.sorted_distinct_method(con)
    con.execute("SET preserve_insertion_order = true")
    try:
        pending = [files[i : i + chunk_files] for i in range(0, len(files), chunk_files)]
        pending.reverse()
        while pending:
            batch = pending.pop()
            target = stage_dir / f"jsonl_{len(staged):05d}_{len(redo):05d}.parquet"
            labels = {str(f.path): f.label for f in batch}
            sql = openalex.works_sql([f.path for f in batch], fold_hk_mo, labels, method)
            weight = float(sum(sizes[str(f.path)] for f in batch))
            try:
                _execute(
                    con,
                    f"COPY ({sql}) TO {sql_str(target)} (FORMAT parquet, COMPRESSION zstd)",
                    bar,
                    weight,
                )
            except Exception as exc:  # noqa: BLE001 - duckdb raises several error types
                target.unlink(missing_ok=True)
                if len(batch) > 1:
                    # find the bad file(s): retry one at a time, in order
                    if bar is not None:
                        bar.update(-weight)
                    pending.extend(reversed([[f] for f in batch]))
                    continue
                log.warning(
                    "DuckDB could not read %s (%s); reading it line by line",
                    batch[0].label,
                    str(exc).splitlines()[0],
                )
                redo.append(batch[0])
                continue
            missing = {
                r[0]
                for r in con.execute(
                    f"SELECT DISTINCT source_file FROM read_parquet({sql_str(target)}) "
                    "WHERE work_id IS NULL"
                ).fetchall()
            }
            if missing:
                target.unlink()
                redo.extend(f for f in batch if f.label in missing)
                keep = [f for f in batch if f.label not in missing]
                if keep:
                    if bar is not None:
                        bar.update(-float(sum(sizes[str(f.path)] for f in keep)))
                    pending.append(keep)
                continue
            staged.append(target)
    finally:
        con.execute("SET preserve_insertion_order = false")
        if bar is not None:
            bar.close()
    return staged, redo


def ingest(
    paths: Sequence[Path | str],
    out: Path | str,
    *,
    fold_hk_mo: bool = False,
    progress: bool = True,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    threads: int = DEFAULT_THREADS,
    chunk_files: int = DEFAULT_CHUNK_FILES,
) -> IngestReport:
    """Read every export under ``paths`` and write one deduplicated per-work parquet to ``out``.

    Columns: :data:`TABLE_COLUMNS`, that is ``work_id, source_format, doi, year,
    countries, institutions, field, uk_cn, affiliation_known`` (see
    :data:`pipeline.biblio.formats.WORK_COLUMNS`) and ``source_file``, the input the
    work was kept from. Rows are in input order: files in the order found, records in
    file order. Rejected records are written beside ``out`` as ``<stem>_rejects.csv``
    (``source_file, source_row, column, value, reason``) and returned in the report,
    as are OpenAlex ``group_by`` responses (which hold counts, not works).
    ``fold_hk_mo`` counts Hong Kong and Macao as China.
    """
    from pipeline.io import atomic_path, atomic_write_rows_csv

    out = Path(out)
    report = IngestReport(out=out)
    files = discover(paths, report.skipped)
    jsonl, others = _classify(files, report)
    ranks = {f.label: i for i, f in enumerate(files)}
    per_file: dict[str, Counter] = {f.label: Counter() for f in jsonl + others}
    rejects: list[Reject] = []
    out.parent.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="biblio_ingest_", dir=out.parent) as tmp:
        stage_dir = Path(tmp)
        con = connect(memory_limit, threads, stage_dir / "spill")
        staged, redo = _stage_jsonl(con, jsonl, stage_dir, fold_hk_mo, progress, chunk_files)
        jsonl_works = _count_by_file(con, staged)
        for label, n in jsonl_works.items():
            per_file[label]["works"] += n

        writer = _RowWriter(stage_dir / "python_rows.parquet")
        python_files = sorted(others + redo, key=lambda f: ranks[f.label])
        shown = progress and bool(python_files)
        for src in _progress(python_files, len(python_files), "bibliographic files", shown):
            counts = per_file[src.label]
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
            except (csv.Error, UnicodeError, ValueError, OSError, EOFError) as exc:
                # works read before the fault are kept; the rest of the file is one reject
                rejects.append(
                    Reject(
                        src.label,
                        last_row + 1,
                        "",
                        "",
                        f"file could not be read past this point: {exc}",
                    )
                )
                counts["rejected"] += 1
        python_rows = writer.path if writer.close() else None

        kept, report.duplicates_doi, report.duplicates_id, kept_per_file = _finish(
            con, staged, jsonl_works, python_rows, ranks, out, atomic_path
        )
        report.kept = kept
        con.close()

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
    report.rejected = len(rejects)
    report.raw = sum(c["works"] for c in per_file.values()) + report.rejected
    report.reject_rows = sorted(rejects, key=lambda r: (r.source_file, r.source_row))
    atomic_write_rows_csv(
        out.with_name(f"{out.stem}_rejects.csv"),
        REJECT_COLUMNS,
        ([r.source_file, r.source_row, r.column, r.value, r.reason] for r in report.reject_rows),
    )
    for r in rejects:
        log.warning("%s row %s column %r: %s", r.source_file, r.source_row, r.column, r.reason)
    report.check()
    return report


#: A query with the output columns and no rows (nothing was read).
_EMPTY_TABLE = (
    "NULL::VARCHAR AS work_id, NULL::VARCHAR AS source_format, NULL::VARCHAR AS doi, "
    "NULL::INTEGER AS year, NULL::VARCHAR[] AS countries, NULL::VARCHAR[] AS institutions, "
    "NULL::VARCHAR AS field, NULL::BOOLEAN AS uk_cn, NULL::BOOLEAN AS affiliation_known, "
    "NULL::VARCHAR AS source_file WHERE false"
)


def _count_by_file(con, staged: list[Path]) -> dict[str, int]:
    """Works per ``source_file`` label in staged parquet files."""
    if not staged:
        return {}
    return dict(
        con.execute(
            f"SELECT source_file, count(*) FROM read_parquet({sql_list(map(str, staged))}) "
            "GROUP BY 1 ORDER BY 1"
        ).fetchall()
    )


def _finish(
    con,
    staged: list[Path],
    staged_works: dict[str, int],
    python_rows: Path | None,
    ranks: dict[str, int],
    out: Path,
    atomic_path,
) -> tuple[int, int, int, dict[str, int]]:
    """Remove duplicates (DOI first, then id; first in input order wins) and write ``out``.

    ``staged_works`` are the works per file label in ``staged``. Returns kept,
    duplicates by DOI, duplicates by id, and kept works per file label.
    When every work came from one staged JSONL chunk and nothing is duplicated (one
    OpenAlex snapshot slice, the common large case), that chunk already is the
    output, in input order, and is moved into place instead of being rewritten.
    """
    cols = ", ".join(TABLE_COLUMNS)

    def union(columns: str) -> str:
        parts = [
            f"SELECT {columns}, file_row_number AS rec_rank "
            f"FROM read_parquet({sql_str(p)}, file_row_number = true)"
            for p in staged
        ]
        if python_rows is not None:
            parts.append(f"SELECT {columns}, rec_rank FROM read_parquet({sql_str(python_rows)})")
        return " UNION ALL ".join(parts)

    if not staged and python_rows is None:
        with atomic_path(out) as tmp:
            con.execute(
                f"COPY (SELECT {_EMPTY_TABLE}) TO {sql_str(tmp)} (FORMAT parquet, COMPRESSION zstd)"
            )
        return 0, 0, 0, {}
    total, with_doi, distinct_doi, distinct_id = con.execute(
        "SELECT count(*), count(doi), count(DISTINCT doi), count(DISTINCT work_id) "
        f"FROM ({union('work_id, doi')})"
    ).fetchone()
    no_duplicates = with_doi == distinct_doi and total == distinct_id
    if no_duplicates and len(staged) == 1 and python_rows is None:
        log.info("one JSONL chunk and no duplicates: its staged parquet becomes %s", out.name)
        with atomic_path(out) as tmp:
            os.replace(staged[0], tmp)
        return total, 0, 0, staged_works
    con.execute("CREATE OR REPLACE TEMP TABLE _files (source_file VARCHAR, file_rank BIGINT)")
    con.executemany("INSERT INTO _files VALUES (?, ?)", sorted(ranks.items()))
    con.execute(
        "CREATE OR REPLACE TEMP VIEW _all_rows AS "
        f"SELECT u.*, f.file_rank FROM ({union(cols)}) u LEFT JOIN _files f USING (source_file)"
    )
    order = "file_rank, rec_rank, work_id, source_format"
    if no_duplicates:
        keep = "_all_rows"
        after_doi = kept = total
    else:
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _keep AS
            WITH by_doi AS (
                SELECT *, CASE WHEN doi IS NULL THEN 1
                          ELSE row_number() OVER (PARTITION BY doi ORDER BY {order}) END AS rn_doi
                FROM _all_rows
            )
            SELECT * EXCLUDE (rn_doi),
                   row_number() OVER (PARTITION BY work_id ORDER BY {order}) AS rn_id
            FROM by_doi WHERE rn_doi = 1
        """)
        keep = "(SELECT * FROM _keep WHERE rn_id = 1)"
        after_doi = con.execute("SELECT count(*) FROM _keep").fetchone()[0]
        kept = con.execute(f"SELECT count(*) FROM {keep}").fetchone()[0]
    per_file = dict(con.execute(f"SELECT source_file, count(*) FROM {keep} GROUP BY 1").fetchall())
    with atomic_path(out) as tmp:
        con.execute(
            f"COPY (SELECT {cols} FROM {keep} ORDER BY {order}) "
            f"TO {sql_str(tmp)} (FORMAT parquet, COMPRESSION zstd)"
        )
    con.execute("DROP TABLE IF EXISTS _keep")
    con.execute("DROP VIEW _all_rows")
    return kept, total - after_doi, after_doi - kept, per_file


# --------------------------------------------------------------------------- counting


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
    jsonl, others = _classify(files, report)
    frames = []
    if jsonl:
        with tempfile.TemporaryDirectory(prefix="biblio_count_") as tmp:
            con = connect(memory_limit, threads, Path(tmp))
            frames.append(con.execute(openalex.count_sql([f.path for f in jsonl], fold_hk_mo)).df())
            con.close()
    if others:
        counts: Counter = Counter()
        ukcn: Counter = Counter()
        for src in others:
            for item in READERS[str(src.format)](src.path, fold_hk_mo=fold_hk_mo, label=src.label):
                if isinstance(item, WorkRow):
                    counts[item.year] += 1
                    ukcn[item.year] += bool(item.uk_cn)
        frames.append(
            pd.DataFrame(
                {
                    "year": list(counts),
                    "works": list(counts.values()),
                    "uk_cn": [ukcn[y] for y in counts],
                }
            )
        )
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
