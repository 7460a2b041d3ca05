"""The DuckDB engine behind :func:`pipeline.biblio.ingest.ingest`.

* :func:`connect` - an in-memory connection with bounded memory, a thread count and a spill
  folder;
* :func:`execute` - run a statement, advancing a progress bar as DuckDB reports progress;
* :func:`stage_jsonl` - OpenAlex JSONL files turned into staged parquet rows, in parallel,
  chunk by chunk, setting aside files DuckDB cannot read for the line-by-line reader;
* :func:`resolve_staged_funders` - the funder names of the staged OpenAlex rows resolved
  against the registry (a name-to-name map DuckDB applies when writing);
* :func:`dedupe_and_write` - remove duplicates (DOI first, then id; the first in input order
  wins) and write the output parquet in input order, in the staging folder, then move it
  into place.

The SQL itself (one row per OpenAlex work) is :func:`pipeline.biblio.formats.openalex.works_sql`.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.biblio.formats import openalex
from pipeline.biblio.formats.openalex import sql_list, sql_str
from pipeline.biblio.read import SourceFile
from pipeline.biblio.schemas import TABLE_COLUMNS, empty_table_sql
from pipeline.biblio.staging import publish

__all__ = [
    "DEFAULT_CHUNK_FILES",
    "DEFAULT_MEMORY_LIMIT",
    "DEFAULT_THREADS",
    "connect",
    "count_by_file",
    "dedupe_and_write",
    "execute",
    "kept_counts",
    "resolve_staged_funders",
    "stage_jsonl",
]

log = logging.getLogger(__name__)

DEFAULT_MEMORY_LIMIT = "512MB"
DEFAULT_THREADS = 2
#: OpenAlex JSONL files read by one DuckDB query (one staged parquet per chunk).
DEFAULT_CHUNK_FILES = 16
_PARQUET = "(FORMAT parquet, COMPRESSION zstd)"


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


def _poll(con, worker, bar, weight: float) -> float:
    """Advance ``bar`` by DuckDB's progress on the running query; return the amount shown."""
    done = 0.0
    while worker.is_alive():
        worker.join(0.25)
        pct = con.query_progress()
        if pct and pct > 0:
            step = weight * min(pct, 100.0) / 100.0 - done
            if step > 0:
                bar.update(step)
                done += step
    return done


def execute(con, sql: str, bar=None, weight: float = 0.0) -> None:
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

    worker = threading.Thread(target=work, name="duckdb-ingest", daemon=True)
    worker.start()
    try:
        done = _poll(con, worker, bar, weight)
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


# --------------------------------------------------------------------------- staging JSONL


@dataclass
class _JsonlStager:
    """Turns chunks of OpenAlex JSONL files into staged parquet files (see :func:`stage_jsonl`)."""

    con: Any
    stage_dir: Path
    fold_hk_mo: bool
    sizes: dict[str, int]
    bar: Any
    method: str
    staged: list[Path] = field(default_factory=list)
    redo: list[SourceFile] = field(default_factory=list)
    pending: list[list[SourceFile]] = field(default_factory=list)

    def weight(self, batch: list[SourceFile]) -> float:
        return float(sum(self.sizes[str(f.path)] for f in batch))

    def step(self, batch: list[SourceFile]) -> None:
        """Stage one chunk, or queue what to try next when it cannot be staged whole."""
        target = self.stage_dir / f"jsonl_{len(self.staged):05d}_{len(self.redo):05d}.parquet"
        labels = {str(f.path): f.label for f in batch}
        sql = openalex.works_sql([f.path for f in batch], self.fold_hk_mo, labels, self.method)
        weight = self.weight(batch)
        try:
            execute(self.con, f"COPY ({sql}) TO {sql_str(target)} {_PARQUET}", self.bar, weight)
        except Exception as exc:  # noqa: BLE001 - duckdb raises several error types
            target.unlink(missing_ok=True)
            self._unreadable(batch, exc, weight)
            return
        missing = self._labels_without_id(target)
        if missing:
            target.unlink()
            self._set_aside(batch, missing)
            return
        self.staged.append(target)

    def _unreadable(self, batch: list[SourceFile], exc: Exception, weight: float) -> None:
        if len(batch) > 1:
            # find the bad file(s): retry one at a time, in order
            if self.bar is not None:
                self.bar.update(-weight)
            self.pending.extend(reversed([[f] for f in batch]))
            return
        log.warning(
            "DuckDB could not read %s (%s); reading it line by line",
            batch[0].label,
            str(exc).splitlines()[0],
        )
        self.redo.append(batch[0])

    def _labels_without_id(self, target: Path) -> set[str]:
        """Files holding a work whose id is missing or not an OpenAlex work id (W…)."""
        return {
            r[0]
            for r in self.con.execute(
                f"SELECT DISTINCT source_file FROM read_parquet({sql_str(target)}) "
                "WHERE work_id IS NULL OR NOT regexp_full_match(work_id, 'openalex:W[0-9]+')"
            ).fetchall()
        }

    def _set_aside(self, batch: list[SourceFile], missing: set[str]) -> None:
        """Files holding a work without an id go to the Python reader; the rest are retried."""
        self.redo.extend(f for f in batch if f.label in missing)
        keep = [f for f in batch if f.label not in missing]
        if keep:
            if self.bar is not None:
                self.bar.update(-self.weight(keep))
            self.pending.append(keep)


def _bytes_bar(total: int):
    from tqdm.auto import tqdm

    return tqdm(
        total=total,
        desc="openalex jsonl",
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        file=sys.stderr,
    )


def stage_jsonl(
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
    line-by-line Python reader, which names the bad line. So does a file holding a work
    whose id is not an OpenAlex work id.
    """
    if not files:
        return [], []
    sizes = {str(f.path): f.path.stat().st_size for f in files}
    bar = _bytes_bar(sum(sizes.values())) if progress else None
    method = openalex.sorted_distinct_method(con)
    stager = _JsonlStager(con, stage_dir, fold_hk_mo, sizes, bar, method)
    con.execute("SET preserve_insertion_order = true")
    try:
        stager.pending = [files[i : i + chunk_files] for i in range(0, len(files), chunk_files)]
        stager.pending.reverse()
        while stager.pending:
            stager.step(stager.pending.pop())
    finally:
        con.execute("SET preserve_insertion_order = false")
        if bar is not None:
            bar.close()
    return stager.staged, stager.redo


def count_by_file(con, staged: list[Path]) -> dict[str, int]:
    """Works per ``source_file`` label in staged parquet files."""
    if not staged:
        return {}
    return dict(
        con.execute(
            f"SELECT source_file, count(*) FROM read_parquet({sql_list(map(str, staged))}) "
            "GROUP BY 1 ORDER BY 1"
        ).fetchall()
    )


# --------------------------------------------------------------------------- de-duplication


def resolve_staged_funders(con, staged: list[Path]) -> int:
    """Resolve the funder names of the staged OpenAlex rows; return how many names change.

    The distinct names are read from the staged parquet (one column), resolved in Python
    (:class:`pipeline.biblio.funders.FunderNames`) and the names that change are stored in
    the temporary table ``_funder_map`` (``raw, name``; ``name`` is empty for a name that
    is dropped, such as a bare grant number) for :func:`dedupe_and_write` to apply.
    """
    con.execute("CREATE OR REPLACE TEMP TABLE _funder_map (raw VARCHAR, name VARCHAR)")
    if not staged:
        return 0
    raw = [
        r[0]
        for r in con.execute(
            f"SELECT DISTINCT f FROM (SELECT unnest(funders) AS f "
            f"FROM read_parquet({sql_list(map(str, staged))})) WHERE f IS NOT NULL ORDER BY f"
        ).fetchall()
    ]
    if not raw:
        return 0
    from pipeline.biblio.funders import default_funder_names

    resolver = default_funder_names()
    changes = [(name, resolver.resolve(name)) for name in raw]
    changes = [(a, b) for a, b in changes if a != b]
    con.executemany("INSERT INTO _funder_map VALUES (?, ?)", changes)
    return len(changes)


#: SQL: the staged ``funders`` list with the names of ``_funder_map`` replaced (``_fm.m`` is
#: the map as one value), blanks dropped, sorted and distinct.
_MAPPED_FUNDERS = (
    "list_sort(list_distinct(list_filter(list_transform(funders, "
    "lambda f: coalesce(_fm.m[f], f)), lambda f: f <> ''))) AS funders"
)
_FUNDER_MAP_ONE = "(SELECT map(list(raw), list(name)) AS m FROM _funder_map) _fm"


def _union_sql(
    staged: list[Path], python_rows: Path | None, mapped: bool = False
) -> Callable[[str], str]:
    """A function giving the SQL union of every staged row, with the given columns and
    ``rec_rank`` (the record's position in its file). With ``mapped`` the staged OpenAlex
    rows' funders go through ``_funder_map``."""

    def staged_part(p: Path, columns: str) -> str:
        source = f"read_parquet({sql_str(p)}, file_row_number = true)"
        names = [c.strip() for c in columns.split(",")]
        if mapped and "funders" in names:
            columns = ", ".join(_MAPPED_FUNDERS if c == "funders" else c for c in names)
            source += f", {_FUNDER_MAP_ONE}"
        return f"SELECT {columns}, file_row_number AS rec_rank FROM {source}"

    def union(columns: str) -> str:
        parts = [staged_part(p, columns) for p in staged]
        if python_rows is not None:
            parts.append(f"SELECT {columns}, rec_rank FROM read_parquet({sql_str(python_rows)})")
        return " UNION ALL ".join(parts)

    return union


def _keep_first(con, order: str) -> tuple[str, int, int]:
    """Mark the first row of each DOI, then of each id; return the kept rows' source and
    the counts left after the DOI pass and after both passes."""
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
    return keep, after_doi, kept


def dedupe_and_write(
    con,
    staged: list[Path],
    staged_works: dict[str, int],
    python_rows: Path | None,
    ranks: dict[str, int],
    out: Path,
    *,
    scratch: Path,
    mapped: bool = False,
) -> tuple[int, int, int, dict[str, int]]:
    """Remove duplicates (DOI first, then id; first in input order wins) and write ``out``.

    ``staged_works`` are the works per file label in ``staged``; ``mapped`` says that
    ``_funder_map`` holds names to replace in the staged rows' funders
    (:func:`resolve_staged_funders`). The output is written in the staging folder
    ``scratch`` and then moved into place. Returns kept, duplicates by DOI, duplicates
    by id, and kept works per file label.
    When every work came from one staged JSONL chunk, nothing is duplicated and no funder
    name changes (one OpenAlex snapshot slice, the common large case), that chunk already
    is the output, in input order, and is moved into place instead of being rewritten.
    """
    cols = ", ".join(TABLE_COLUMNS)
    target = scratch / "output.parquet"
    if not staged and python_rows is None:
        con.execute(f"COPY (SELECT {empty_table_sql()}) TO {sql_str(target)} {_PARQUET}")
        publish(target, out)
        return 0, 0, 0, {}
    union = _union_sql(staged, python_rows, mapped)
    total, with_doi, distinct_doi, distinct_id = con.execute(
        "SELECT count(*), count(doi), count(DISTINCT doi), count(DISTINCT work_id) "
        f"FROM ({union('work_id, doi')})"
    ).fetchone()
    no_duplicates = with_doi == distinct_doi and total == distinct_id
    if no_duplicates and len(staged) == 1 and python_rows is None and not mapped:
        log.info("one JSONL chunk and no duplicates: its staged parquet becomes %s", out.name)
        publish(staged[0], out)
        return total, 0, 0, staged_works
    con.execute("CREATE OR REPLACE TEMP TABLE _files (source_file VARCHAR, file_rank BIGINT)")
    con.executemany("INSERT INTO _files VALUES (?, ?)", sorted(ranks.items()))
    con.execute(
        "CREATE OR REPLACE TEMP VIEW _all_rows AS "
        f"SELECT u.*, f.file_rank FROM ({union(cols)}) u LEFT JOIN _files f USING (source_file)"
    )
    order = "file_rank, rec_rank, work_id, source_format"
    if no_duplicates:
        keep, after_doi, kept = "_all_rows", total, total
    else:
        keep, after_doi, kept = _keep_first(con, order)
    per_file = dict(con.execute(f"SELECT source_file, count(*) FROM {keep} GROUP BY 1").fetchall())
    con.execute(
        f"COPY (SELECT {cols} FROM {keep} ORDER BY {order}) TO {sql_str(target)} {_PARQUET}"
    )
    publish(target, out)
    con.execute("DROP TABLE IF EXISTS _keep")
    con.execute("DROP VIEW _all_rows")
    return kept, total - after_doi, after_doi - kept, per_file


def kept_counts(con, out: Path) -> dict[str, object]:
    """Of the works in ``out``: how many are UK–China, how many have unknown affiliation,
    and the works naming each funder (``{"uk_cn", "affiliation_unknown", "funders"}``)."""
    src = f"read_parquet({sql_str(out)})"
    uk_cn, unknown = con.execute(
        f"SELECT count(*) FILTER (WHERE uk_cn), count(*) FILTER (WHERE NOT affiliation_known) "
        f"FROM {src}"
    ).fetchone()
    funders = con.execute(
        f"SELECT f, count(*) FROM (SELECT unnest(funders) AS f FROM {src}) GROUP BY f ORDER BY f"
    ).fetchall()
    return {"uk_cn": int(uk_cn), "affiliation_unknown": int(unknown), "funders": dict(funders)}
