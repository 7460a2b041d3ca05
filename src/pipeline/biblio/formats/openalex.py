"""OpenAlex works: API results pages, JSONL (one work a line) and ``.gz`` snapshot parts.

Countries come from ``authorships[].institutions[].country_code`` and, when
present, ``authorships[].countries`` (OpenAlex's own per-author list). Its
institution matching can be wrong, but these codes are the best
machine-readable signal the format offers. A work whose authorships carry no
country code at all has unknown affiliation (``uk_cn`` null). Work ids must look like
``W…``. Funders come from ``grants[].funder_display_name`` (the older field),
``funders[].display_name`` and ``awards[].funder_display_name`` (the newer ones).

Large JSONL inputs are read by DuckDB (:func:`works_sql`), which parallelises
across files and streams; the Python readers here serve API pages (a page is
at most a few hundred works), group-by responses, and files DuckDB rejects
(so that a malformed line can be reported with its line number).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.biblio.formats import Reject, WorkRow, make_row
from pipeline.biblio.formats.ids import id_reject
from pipeline.biblio.formats.textio import open_binary

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "COUNT_COLUMNS",
    "WORK_JSON_COLUMNS",
    "iter_jsonl",
    "iter_page",
    "read_group_by",
    "sorted_distinct_method",
    "sql_list",
    "sql_str",
    "work_from_json",
    "works_sql",
]

#: The only parts of a work DuckDB is asked to materialise (explicit schema: no
#: sampling of the files, no building of unused columns).
WORK_JSON_COLUMNS: dict[str, str] = {
    "id": "VARCHAR",
    "doi": "VARCHAR",
    "publication_year": "BIGINT",
    "authorships": (
        "STRUCT(institutions STRUCT(display_name VARCHAR, country_code VARCHAR)[], "
        "countries VARCHAR[])[]"
    ),
    "primary_topic": "STRUCT(field STRUCT(display_name VARCHAR))",
    "grants": "STRUCT(funder_display_name VARCHAR)[]",
    "funders": "STRUCT(display_name VARCHAR)[]",
    "awards": "STRUCT(funder_display_name VARCHAR)[]",
}
#: Where a work names its funders: (list field, name field of each entry).
FUNDER_FIELDS = (
    ("grants", "funder_display_name"),
    ("funders", "display_name"),
    ("awards", "funder_display_name"),
)
#: Smaller schema for per-year counting.
COUNT_COLUMNS: dict[str, str] = {
    "publication_year": "BIGINT",
    "authorships": "STRUCT(institutions STRUCT(country_code VARCHAR)[], countries VARCHAR[])[]",
}


def _short_id(value: Any) -> str | None:
    if not value:
        return None
    text = str(value).strip()
    return text.rsplit("/", 1)[-1] or None


def work_funders_json(work: dict[str, Any]) -> list[str]:
    """The funder names a work object gives (see :data:`FUNDER_FIELDS`)."""
    names: list[str] = []
    for list_field, name_field in FUNDER_FIELDS:
        for entry in work.get(list_field) or []:
            if isinstance(entry, dict) and entry.get(name_field):
                names.append(str(entry[name_field]))
    return names


def work_from_json(
    work: Any, *, fmt: str, label: str, source_row: int, fold_hk_mo: bool = False
) -> WorkRow | Reject:
    """Turn one OpenAlex work object into a :class:`WorkRow` (or a :class:`Reject`)."""
    if not isinstance(work, dict):
        return Reject(label, source_row, "", str(work)[:200], "OpenAlex work is not a JSON object")
    wid = _short_id(work.get("id"))
    if not wid:
        return Reject(label, source_row, "id", "", "OpenAlex work without id")
    bad_id = id_reject("openalex", wid, label, source_row, "id")
    if bad_id is not None:
        return bad_id
    codes: list[str] = []
    insts: list[str] = []
    for auth in work.get("authorships") or []:
        if not isinstance(auth, dict):
            continue
        for inst in auth.get("institutions") or []:
            if isinstance(inst, dict):
                if inst.get("country_code"):
                    codes.append(str(inst["country_code"]))
                if inst.get("display_name"):
                    insts.append(str(inst["display_name"]))
        codes.extend(str(c) for c in (auth.get("countries") or []) if c)
    year = work.get("publication_year")
    topic = work.get("primary_topic") or {}
    field = ((topic.get("field") or {}).get("display_name")) if isinstance(topic, dict) else None
    return make_row(
        work_id=f"openalex:{wid}",
        source_format=fmt,
        doi=work.get("doi"),
        year=int(year) if isinstance(year, int | float) and not isinstance(year, bool) else None,
        country_codes=codes,
        institutions=insts,
        field_name=field,
        fold_hk_mo=fold_hk_mo,
        source_row=source_row,
        funders=work_funders_json(work),
    )


def iter_page(
    path: Path, fold_hk_mo: bool = False, label: str | None = None
) -> Iterator[WorkRow | Reject]:
    """Works of one OpenAlex API results page (``{"meta": ..., "results": [...]}``)."""
    label = label or path.name
    with open_binary(path) as fh:
        page = json.loads(fh.read().decode("utf-8-sig"))
    for index, work in enumerate(page.get("results") or [], start=1):
        yield work_from_json(
            work, fmt="openalex_page", label=label, source_row=index, fold_hk_mo=fold_hk_mo
        )


def _open_maybe_gzip(path: Path):
    with open(path, "rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return open(path, encoding="utf-8-sig", errors="replace")


def iter_jsonl(
    path: Path, fold_hk_mo: bool = False, label: str | None = None
) -> Iterator[WorkRow | Reject]:
    """Works of an OpenAlex JSONL file (plain or gzip), one line at a time.

    Slower than the DuckDB route; used for small files and to pinpoint bad lines.
    """
    label = label or path.name
    with _open_maybe_gzip(path) as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                work = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Reject(label, lineno, "", line[:200].strip(), f"invalid JSON: {exc.msg}")
                continue
            yield work_from_json(
                work, fmt="openalex_jsonl", label=label, source_row=lineno, fold_hk_mo=fold_hk_mo
            )


def read_group_by(path: Path) -> pd.DataFrame:
    """Read an OpenAlex ``group_by`` response: columns ``key, key_display_name, count``.

    ``key`` is shortened to the id's last path part ("https://openalex.org/countries/GB"
    -> "GB"); rows keep the response's order.
    """
    import pandas as pd

    with open(path, encoding="utf-8-sig") as fh:
        data = json.load(fh)
    groups = data.get("group_by") if isinstance(data, dict) else None
    if not isinstance(groups, list):
        raise ValueError(f"{path}: not an OpenAlex group_by response (no 'group_by' list)")  # noqa: TRY004
    rows = []
    for index, group in enumerate(groups, start=1):
        if not isinstance(group, dict) or "key" not in group:
            raise ValueError(f"{path}: group_by entry {index} has no 'key'")
        key = group.get("key")
        rows.append(
            {
                "key": _short_id(key) if isinstance(key, str) and "/" in key else key,
                "key_display_name": group.get("key_display_name"),
                "count": int(group.get("count") or 0),
            }
        )
    return pd.DataFrame(rows, columns=["key", "key_display_name", "count"]).astype(
        {"count": "int64"}
    )


def sql_list(values: Sequence[str]) -> str:
    """A DuckDB list literal of quoted strings."""
    return "[" + ", ".join(sql_str(v) for v in values) + "]"


def _struct_literal(columns: dict[str, str]) -> str:
    return "{" + ", ".join(f"'{k}': '{v}'" for k, v in columns.items()) + "}"


def read_json_sql(files: Sequence[Path], columns: dict[str, str]) -> str:
    """``read_json(...)`` over ``files`` with an explicit schema and the file name column."""
    return (
        f"read_json({sql_list([str(f) for f in files])}, "
        f"columns={_struct_literal(columns)}, format='newline_delimited', "
        "compression='auto_detect', filename=true)"
    )


_FLAT_INSTITUTIONS = "flatten(list_transform(authorships, lambda a: a.institutions))"
_FLAT_COUNTRIES = "flatten(list_transform(authorships, lambda a: a.countries))"


def _code_sql(x: str, fold_hk_mo: bool) -> str:
    """SQL: one country code upper-cased (HK and MO to CN when folding)."""
    if fold_hk_mo:
        return f"CASE WHEN upper({x}) IN ('HK', 'MO') THEN 'CN' ELSE upper({x}) END"
    return f"upper({x})"


#: SQL templates for "the distinct values of list {x}, sorted, NULLs dropped".
#: ``histogram`` relies on DuckDB returning histogram keys in sorted order, which
#: :func:`sorted_distinct_method` checks before it is used; it is about twice as
#: fast as ``list_sort(list_distinct(...))`` on snapshot-sized inputs.
SORTED_DISTINCT = {
    "histogram": "coalesce(map_keys(list_histogram({x})), [])",
    "sort": "coalesce(list_sort(list_distinct({x})), [])",
}


def _drop_empty(x: str) -> str:
    # in a sorted list of strings the empty string can only come first
    return f"CASE WHEN {x}[1] = '' THEN {x}[2:] ELSE {x} END"


#: Strings whose sorted order tells whether histogram keys follow Python's ``sorted``.
_ORDER_PROBE = ["b", "a", "B", "", "é", "Z", "北京", "a ", "Ångström", "z", "a", "10", "9"]


def sorted_distinct_method(con) -> str:
    """``"histogram"`` if DuckDB on ``con`` returns histogram keys sorted as Python does,
    else ``"sort"`` (slower, but sorted by definition)."""
    keys = con.execute(
        f"SELECT {SORTED_DISTINCT['histogram'].format(x=sql_list(_ORDER_PROBE))}"
    ).fetchone()[0]
    return "histogram" if list(keys) == sorted(set(_ORDER_PROBE)) else "sort"


#: SQL: the work's OpenAlex id without its URL. The usual form
#: ("https://openalex.org/W1") is cut with substr; anything else takes the general rule
#: (same result, slower).
_WORK_KEY_SQL = (
    "CASE WHEN starts_with(id, 'https://openalex.org/') AND strpos(substr(id, 22), '/') = 0 "
    "AND NOT ends_with(id, ' ') THEN nullif(substr(id, 22), '') "
    "ELSE nullif(string_split(trim(id), '/')[-1], '') END"
)
#: SQL: the DOI lower-cased without its resolver prefix ("https://doi.org/10.x" cut with
#: substr, other spellings by a regular expression).
_DOI_SQL = (
    "nullif(lower(trim(CASE WHEN starts_with(doi, 'https://doi.org/') THEN substr(doi, 17) "
    "ELSE regexp_replace(trim(doi), '^(https?://(dx\\.)?doi\\.org/|doi:\\s*)', '', 'i') "
    "END)), '')"
)


def _work_lists_sql(fold_hk_mo: bool, method: str) -> tuple[str, str]:
    """SQL for a work's sorted distinct country codes and institution names."""
    distinct = SORTED_DISTINCT[method]
    codes = distinct.format(
        x=f"list_concat(list_transform(insts, lambda i: {_code_sql('i.country_code', fold_hk_mo)}), "
        f"list_transform(ctry, lambda c: {_code_sql('c', fold_hk_mo)}))"
    )
    names = distinct.format(x="list_transform(insts, lambda i: trim(i.display_name))")
    return codes, names


def _funders_sql(method: str) -> str:
    """SQL: a work's funder names as given (trimmed), sorted and distinct."""
    parts = ", ".join(
        f"list_transform(coalesce({lst}, []), lambda e: trim(e.{name}))"
        for lst, name in FUNDER_FIELDS
    )
    return SORTED_DISTINCT[method].format(x=f"flatten([{parts}])")


def _fields_sql(files: Sequence[Path], labels: dict[str, str], lists: dict[str, str]) -> str:
    """SQL: per work, the cleaned id, DOI, year, code, name and funder lists, field and file
    label (``lists``: the SQL of the three lists, keyed ``cs``, ``ns`` and ``fs``)."""
    label_case = " ".join(
        f"WHEN {sql_str(name)} THEN {sql_str(label)}" for name, label in labels.items()
    )
    return f"""
                SELECT
                    {_WORK_KEY_SQL} AS work_key,
                    {_DOI_SQL} AS doi,
                    CAST(publication_year AS INTEGER) AS year,
                    {lists["cs"]} AS cs,
                    {lists["ns"]} AS ns,
                    {lists["fs"]} AS fs,
                    nullif(trim(primary_topic.field.display_name), '') AS field,
                    CASE filename {label_case} END AS source_file
                FROM (
                    SELECT id, doi, publication_year, primary_topic, filename, grants, funders,
                           awards, {_FLAT_INSTITUTIONS} AS insts, {_FLAT_COUNTRIES} AS ctry
                    FROM {read_json_sql(files, WORK_JSON_COLUMNS)}
                )
            """


def works_sql(
    files: Sequence[Path],
    fold_hk_mo: bool = False,
    labels: dict[str, str] | None = None,
    method: str = "sort",
) -> str:
    """SQL selecting one row per work from OpenAlex JSONL files, in file and line order.

    Columns are those of :data:`pipeline.biblio.schemas.WORK_COLUMNS` plus
    ``source_file``, the file's label from ``labels`` (absolute path -> label;
    the file name when not given). ``funders`` holds the names as the works give them;
    :mod:`pipeline.biblio.engine` resolves them against the registry afterwards. Rows come out in input order only when the
    connection preserves insertion order. ``method`` names the
    :data:`SORTED_DISTINCT` template used for the country and institution lists.

    Written for speed on snapshot-sized inputs: the JSON reader materialises only
    the fields used (:data:`WORK_JSON_COLUMNS`), and each work's codes and names
    are flattened, cleaned, de-duplicated and sorted once, without lambdas beyond
    the flattening and one per-element clean-up.
    """
    labels = labels or {str(f): Path(f).name for f in files}
    codes, names = _work_lists_sql(fold_hk_mo, method)
    lists = {"cs": codes, "ns": names, "fs": _funders_sql(method)}
    return f"""
        SELECT
            'openalex:' || work_key AS work_id,
            'openalex_jsonl' AS source_format,
            doi,
            year,
            countries,
            institutions,
            field,
            CASE WHEN len(countries) > 0
                 THEN list_contains(countries, 'GB') AND list_contains(countries, 'CN') END AS uk_cn,
            len(countries) > 0 AS affiliation_known,
            funders,
            source_file
        FROM (
            SELECT work_key, doi, year, {_drop_empty("cs")} AS countries,
                   {_drop_empty("ns")} AS institutions, field, {_drop_empty("fs")} AS funders,
                   source_file
            FROM ({_fields_sql(files, labels, lists)})
        )
    """


def sql_str(value: object) -> str:
    """``value`` as a quoted SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def count_sql(files: Sequence[Path], fold_hk_mo: bool = False) -> str:
    """SQL counting works and UK–China works per publication year, straight from JSONL files.

    Works on the raw (unsorted, possibly repeated) codes: only membership matters here.
    """

    def has(*codes: str) -> str:
        return "(" + " OR ".join(f"list_contains(cc, '{c}')" for c in codes) + ")"

    cn = has("CN", "cn", "HK", "hk", "MO", "mo") if fold_hk_mo else has("CN", "cn")
    return f"""
        SELECT CAST(publication_year AS INTEGER) AS year,
               count(*) AS works,
               count(*) FILTER (WHERE {has("GB", "gb")} AND {cn}) AS uk_cn
        FROM (
            SELECT publication_year,
                   list_concat(
                       list_transform({_FLAT_INSTITUTIONS}, lambda i: i.country_code),
                       {_FLAT_COUNTRIES}) AS cc
            FROM {read_json_sql(files, COUNT_COLUMNS)}
        )
        GROUP BY ALL
    """
