"""Helpers for the three bibliometric notebooks (cleaning log, Phase 1 chapter, triangulation).

The heavy lifting lives elsewhere: :func:`pipeline.biblio.ingest` reads the exports,
:mod:`pipeline.biblio.analysis` counts and compares, :mod:`pipeline.biblio.triangulate`
joins centres with co-publications. This module holds the glue the notebooks need and
that deserves a test:

* :func:`clean_bibliometrics` - ingest a folder, write ``works.parquet``, a per-file
  accounting JSON (``raw = kept + duplicates + rejected``, asserted per file and in total)
  and a rejects CSV, without leaving stray files in ``data/processed``;
* :func:`group_by_role`, :func:`find_group_by`, :func:`read_sample_meta`,
  :func:`yearly_table` - what the Phase 1 chapter reads;
* :func:`centres_per_org`, :func:`comparison_set`, :func:`spearman_table`,
  :func:`scatter_frame` - what the triangulation chapter reads.

Everything returned is sorted with explicit tie-breaks, so reruns give the same tables.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = [
    "ACCOUNTING_COLUMNS",
    "CleanResult",
    "affiliation_summary",
    "centres_per_org",
    "clean_bibliometrics",
    "comparison_set",
    "count_phrase",
    "describe_rho",
    "estimated_copubs_by_year",
    "find_group_by",
    "group_by_role",
    "log_domain",
    "per_file_accounting",
    "place_labels",
    "read_sample_meta",
    "scatter_frame",
    "sources_table",
    "spearman_table",
    "yearly_table",
]

#: Columns of the per-file accounting table.
ACCOUNTING_COLUMNS = ["source_file", "format", "raw", "duplicates", "kept", "rejected"]
YEARLY_COLUMNS = ["year", "uk_works", "uk_cn_works", "share_of_uk"]


# =========================================================================== cleaning
@dataclass
class CleanResult:
    """What :func:`clean_bibliometrics` did.

    ``report``: the :class:`pipeline.biblio.IngestReport`; ``per_file``: one row per
    file of works (:data:`ACCOUNTING_COLUMNS`); ``accounting``: the dict written to the
    accounting JSON.
    """

    report: Any
    per_file: pd.DataFrame
    accounting: dict[str, Any]


def per_file_accounting(
    report: Any, inputs: Sequence[Path | str], works_path: Path | str, *, fold_hk_mo: bool = False
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
    from pipeline.biblio import discover, iter_works
    from pipeline.biblio.formats import Reject

    entries = sorted(report.files, key=lambda e: str(e["file"]))
    rows: list[dict[str, Any]] = []
    if entries and all("kept" in e for e in entries):
        for e in entries:
            works, rejected, kept = int(e["works"]), int(e["rejected"]), int(e["kept"])
            rows.append(
                {
                    "source_file": str(e["file"]),
                    "format": str(e["format"]),
                    "raw": works + rejected,
                    "duplicates": works - kept,
                    "kept": kept,
                    "rejected": rejected,
                }
            )
        return pd.DataFrame(rows, columns=ACCOUNTING_COLUMNS)

    wanted = {str(e["file"]): e for e in entries}
    owner: dict[str, str] = {}
    for src in discover(list(inputs)):
        if src.label not in wanted:
            continue
        for item in iter_works(
            src.path, str(wanted[src.label]["format"]), fold_hk_mo=fold_hk_mo, label=src.label
        ):
            if not isinstance(item, Reject):
                owner.setdefault(item.work_id, src.label)
    kept_ids = pd.read_parquet(works_path, columns=["work_id"])["work_id"]
    kept_per_file: dict[str, int] = {}
    for wid in kept_ids:
        label = owner.get(str(wid))
        if label is None:
            raise AssertionError(f"{works_path}: work {wid!r} not found in any input file")
        kept_per_file[label] = kept_per_file.get(label, 0) + 1
    for label, e in wanted.items():
        works, rejected = int(e["works"]), int(e["rejected"])
        kept = kept_per_file.get(label, 0)
        rows.append(
            {
                "source_file": label,
                "format": str(e["format"]),
                "raw": works + rejected,
                "duplicates": works - kept,
                "kept": kept,
                "rejected": rejected,
            }
        )
    return pd.DataFrame(rows, columns=ACCOUNTING_COLUMNS)


def _accounting(per_file: pd.DataFrame, report: Any) -> dict[str, Any]:
    files: dict[str, dict[str, Any]] = {}
    for row in per_file.itertuples(index=False):
        assert row.raw == row.kept + row.duplicates + row.rejected, (
            f"{row.source_file}: raw {row.raw} != kept {row.kept} + duplicates "
            f"{row.duplicates} + rejected {row.rejected}"
        )
        files[row.source_file] = {
            "format": row.format,
            "raw": int(row.raw),
            "duplicates": int(row.duplicates),
            "kept": int(row.kept),
            "rejected": int(row.rejected),
        }
    totals = {
        "raw": int(report.raw),
        "kept": int(report.kept),
        "duplicates": int(report.duplicates),
        "duplicates_doi": int(report.duplicates_doi),
        "duplicates_id": int(report.duplicates_id),
        "rejected": int(report.rejected),
    }
    assert totals["raw"] == totals["kept"] + totals["duplicates"] + totals["rejected"], (
        f"totals: raw {totals['raw']} != kept + duplicates + rejected"
    )
    for key in ("raw", "kept", "duplicates", "rejected"):
        assert sum(f[key] for f in files.values()) == totals[key], f"per-file {key} != total"
    return {
        "files": dict(sorted(files.items())),
        "totals": totals,
        "group_by_files": sorted(report.group_by),
        "skipped": sorted([list(s) for s in report.skipped]),
    }


def clean_bibliometrics(
    inputs: Sequence[Path | str] | Path | str,
    works_out: Path | str,
    accounting_out: Path | str,
    rejects_out: Path | str,
    *,
    fold_hk_mo: bool = False,
) -> CleanResult:
    """Ingest every export under ``inputs`` and write the three cleaning outputs.

    ``works_out``: the per-work parquet; ``accounting_out``: JSON with ``files``
    (per file: format, raw, duplicates, kept, rejected), ``totals``, ``group_by_files``
    and ``skipped``; ``rejects_out``: CSV with ``source_file, source_row, column, value,
    reason`` (header only when nothing was rejected). The ingestion also writes its own
    ``<stem>_rejects.csv`` beside its output, so it runs in a temporary folder and only the
    parquet is moved into place.
    """
    from pipeline.biblio import REJECT_COLUMNS, ingest
    from pipeline.io import atomic_write_csv, atomic_write_json

    paths = [inputs] if isinstance(inputs, str | Path) else list(inputs)
    works_out = Path(works_out)
    works_out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".biblio_clean_", dir=works_out.parent) as tmp:
        staged = Path(tmp) / works_out.name
        report = ingest(paths, staged, fold_hk_mo=fold_hk_mo, progress=False)
        per_file = per_file_accounting(report, paths, staged, fold_hk_mo=fold_hk_mo)
        os.replace(staged, works_out)
    report.out = works_out
    accounting = _accounting(per_file, report)
    atomic_write_json(accounting_out, accounting)
    rejects = report.rejects.reindex(columns=REJECT_COLUMNS)
    atomic_write_csv(rejects_out, rejects)
    return CleanResult(report=report, per_file=per_file, accounting=accounting)


def sources_table(report: Any) -> pd.DataFrame:
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
            "format": "side-car metadata" if name.endswith(".meta.json") else "",
            "role": "sample description (sampling rate), read by the chapters"
            if name.endswith(".meta.json")
            else f"not ingested: {reason}",
        }
        for name, reason in report.skipped
    ]
    out = pd.DataFrame(rows, columns=["source_file", "format", "role"])
    return out.sort_values("source_file", kind="stable").reset_index(drop=True)


def affiliation_summary(works: pd.DataFrame) -> pd.DataFrame:
    """Kept works per source format by what their affiliations say.

    Columns: ``source_format, works, uk_cn, not_uk_cn, affiliation_unknown`` and a
    ``total`` row. A work without any affiliation is *unknown*, never "not UK–China".
    """

    def flag(v: Any) -> str:
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
            return "affiliation_unknown"
        return "uk_cn" if bool(v) else "not_uk_cn"

    cols = ["source_format", "works", "uk_cn", "not_uk_cn", "affiliation_unknown"]
    if works.empty:
        return pd.DataFrame([{c: ("total" if c == "source_format" else 0) for c in cols}])
    status = works["uk_cn"].map(flag)
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


# =========================================================================== phase 1
def group_by_role(path: Path | str) -> str | None:
    """``"uk"``, ``"uk_cn"`` or ``None`` for an OpenAlex ``group_by=publication_year`` file.

    Read from the response's ``meta.filter`` (country filters ``GB`` and ``CN``) when
    present, otherwise from the file name (``uk_cn`` / ``gb_cn`` -> UK–China, ``uk`` /
    ``gb`` -> UK). Files grouped by something other than the publication year give None.
    """
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("group_by"), list):
        return None
    meta = doc.get("meta") or {}
    grouped = str(meta.get("group_by") or "publication_year")
    if grouped != "publication_year":
        return None
    flt = str(meta.get("filter") or "").lower()
    if flt:
        codes: set[str] = set()
        for part in flt.split(","):
            key, _, value = part.partition(":")
            if key.strip().endswith("countries") or key.strip().endswith("country_code"):
                codes.update(v.strip().lstrip("!") for v in value.split("|"))
        if {"gb", "cn"} <= codes:
            return "uk_cn"
        if "gb" in codes:
            return "uk"
    name = path.name.lower()
    if "uk_cn" in name or "gb_cn" in name or "uk-cn" in name:
        return "uk_cn"
    if "uk" in name or "gb" in name:
        return "uk"
    return None


def find_group_by(folder: Path | str, uk: str = "", uk_cn: str = "") -> dict[str, Path | None]:
    """The UK and UK–China ``group_by`` files: ``{"uk": path|None, "uk_cn": path|None}``.

    Explicit paths win; otherwise every ``*.json`` under ``folder`` is classified with
    :func:`group_by_role`. Two files with the same role raise ``ValueError`` naming both.
    """
    found: dict[str, Path | None] = {"uk": None, "uk_cn": None}
    root = Path(folder)
    if root.is_dir():
        for path in sorted(root.rglob("*.json")):
            if any(p.startswith(".") for p in path.relative_to(root).parts):
                continue
            role = group_by_role(path)
            if role is None:
                continue
            if found[role] is not None:
                raise ValueError(
                    f"two group_by files for {role!r}: {found[role]} and {path}; "
                    "name one explicitly in params.yaml"
                )
            found[role] = path
    for role, given in (("uk", uk), ("uk_cn", uk_cn)):
        if given:
            found[role] = Path(given)
    return found


def read_sample_meta(folder: Path | str, sampling_rate: float | None = None) -> dict[str, Any]:
    """The sample's side-car metadata and sampling rate.

    Reads every ``*.meta.json`` under ``folder``. Returns ``{"sampling_rate", "source",
    "meta"}``; ``source`` says where the rate came from. An explicit ``sampling_rate``
    wins; with no side-car the extract is taken as complete (rate 1.0). Side-cars that
    disagree on the rate raise ``ValueError`` naming them.
    """
    metas: dict[str, dict[str, Any]] = {}
    root = Path(folder)
    if root.is_dir():
        for path in sorted(root.rglob("*.meta.json")):
            doc = json.loads(path.read_text(encoding="utf-8-sig"))
            if isinstance(doc, dict):
                metas[path.name] = doc
    rates = {name: float(m["sampling_rate"]) for name, m in metas.items() if "sampling_rate" in m}
    meta = next(iter(metas.values()), {})
    if sampling_rate is not None:
        rate, source = float(sampling_rate), "params.yaml"
    elif rates:
        if len(set(rates.values())) > 1:
            raise ValueError(f"side-car files disagree on sampling_rate: {rates}")
        name = min(rates)
        rate, source, meta = rates[name], name, metas[name]
    else:
        rate, source = 1.0, "no side-car file: extract taken as complete"
    if not 0.0 < rate <= 1.0:
        raise ValueError(f"sampling_rate must be in (0, 1], got {rate} ({source})")
    return {"sampling_rate": rate, "source": source, "meta": meta}


def yearly_table(uk: Mapping[int, int] | None, uk_cn: Mapping[int, int]) -> pd.DataFrame:
    """``year, uk_works, uk_cn_works, share_of_uk`` (percent, 2 dp) sorted by year.

    Years of ``uk_cn`` are kept; ``uk_works`` and ``share_of_uk`` are empty where the UK
    count is missing. The share agrees with
    :func:`pipeline.biblio.analysis.copubs_share_of_uk_by_year`.
    """
    from pipeline.biblio.analysis import copubs_share_of_uk_by_year

    share = copubs_share_of_uk_by_year(dict(uk), dict(uk_cn)) if uk else {}
    rows = [
        {
            "year": int(y),
            "uk_works": (uk or {}).get(y),
            "uk_cn_works": int(n),
            "share_of_uk": share.get(y),
        }
        for y, n in sorted(uk_cn.items())
    ]
    out = pd.DataFrame(rows, columns=YEARLY_COLUMNS)
    out["uk_works"] = out["uk_works"].astype("Int64")
    out["share_of_uk"] = out["share_of_uk"].astype("float64")
    return out


# =========================================================================== phase 3
def centres_per_org(
    metrics_path: Path | str,
    partners_path: Path | str | None = None,
    organisations_path: Path | str | None = None,
) -> tuple[pd.DataFrame, str]:
    """Centres per organisation: ``org_id, name, country, type, centres`` and its source.

    Read from the network metrics table when it has those columns; otherwise counted
    from the centre–partner links (distinct centres per ``org_id``) and named from the
    organisations table. Sorted by centres (descending), then ``org_id``.
    """
    need = ["org_id", "name", "country", "type", "centres"]
    metrics_path = Path(metrics_path)
    if metrics_path.exists():
        metrics = pd.read_parquet(metrics_path)
        if set(need) <= set(metrics.columns):
            out, source = metrics[need].copy(), str(metrics_path)
            return _sort_centres(out), source
    if partners_path is None or organisations_path is None:
        raise FileNotFoundError(
            f"{metrics_path}: missing or without columns {need}, and no centre_partners / "
            "organisations tables were given to count centres from"
        )
    links = pd.read_parquet(partners_path, columns=["centre_id", "org_id"])
    orgs = pd.read_parquet(organisations_path)
    counts = links.dropna().drop_duplicates().groupby("org_id").size().rename("centres")
    out = orgs.reindex(columns=["org_id", "name", "country", "type"]).merge(
        counts.reset_index(), on="org_id", how="inner"
    )
    return _sort_centres(out), f"{partners_path} + {organisations_path}"


def _sort_centres(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    df["centres"] = df["centres"].astype("int64")
    for col in ("name", "country", "type"):
        df[col] = df[col].fillna("").astype(str)
    return df.sort_values(
        ["centres", "org_id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


def comparison_set(
    hosts: pd.DataFrame,
    copubs: pd.DataFrame,
    *,
    include_non_hosts: bool = True,
    countries: Iterable[str] = ("GB", "CN"),
    resolver: Any = None,
) -> pd.DataFrame:
    """The organisations to compare: ``org_id, name, country, type, centres``.

    Every centre host is in. With ``include_non_hosts``, registry organisations of
    ``countries`` that appear in ``copubs`` but host no centre are added with
    ``centres = 0``, so that large co-publishers without centres are not left out.
    """
    base = hosts.reindex(columns=["org_id", "name", "country", "type", "centres"]).copy()
    if include_non_hosts:
        if resolver is None:
            from pipeline.registries import OrganisationResolver

            resolver = OrganisationResolver()
        wanted = {c.upper() for c in countries}
        known = set(base["org_id"])
        extra = []
        for org_id in sorted(set(copubs["org_id"]) - known):
            info = resolver.get(org_id)
            if str(info.get("country", "")).upper() in wanted:
                extra.append(
                    {
                        "org_id": org_id,
                        "name": info.get("name", ""),
                        "country": info.get("country", ""),
                        "type": info.get("type", ""),
                        "centres": 0,
                    }
                )
        if extra:
            base = pd.concat([base, pd.DataFrame(extra)], ignore_index=True)
    return _sort_centres(base)


def spearman_table(
    overall: Mapping[str, Any], by_country: Mapping[str, Mapping[str, Any]]
) -> pd.DataFrame:
    """Spearman results as rows: ``group, n, rho, p_value`` (overall first, then countries)."""
    rows = [{"group": "all organisations", **{k: overall.get(k) for k in ("n", "rho", "p_value")}}]
    for cc in sorted(by_country):
        rows.append({"group": cc, **{k: by_country[cc].get(k) for k in ("n", "rho", "p_value")}})
    out = pd.DataFrame(rows, columns=["group", "n", "rho", "p_value"])
    out["n"] = out["n"].astype("int64")
    return out


def scatter_frame(
    table: pd.DataFrame,
    *,
    label_top: int = 5,
    label_outliers: int = 3,
    country_names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The triangulation table with a ``label`` column (empty for unlabelled points).

    Labelled: the ``label_top`` organisations with most centres, the ``label_top`` with
    most estimated co-publications, and the ``label_outliers`` largest rank gaps in each
    direction (``category`` set). ``group`` names the country for the colour legend.
    """
    names = dict(country_names or {"GB": "UK", "CN": "China"})
    df = table.copy()
    picks: set[str] = set()
    picks.update(
        df.sort_values(
            ["centres", "copubs_estimated", "org_id"], ascending=[False, False, True]
        ).head(label_top)["org_id"]
    )
    picks.update(
        df.sort_values(
            ["copubs_estimated", "centres", "org_id"], ascending=[False, False, True]
        ).head(label_top)["org_id"]
    )
    cat = df[df["category"] != ""]
    for asc in (False, True):
        sub = cat[(cat["rank_gap"] > 0) if not asc else (cat["rank_gap"] < 0)]
        picks.update(
            sub.sort_values(["rank_gap", "org_id"], ascending=[asc, True]).head(label_outliers)[
                "org_id"
            ]
        )
    df["label"] = df["name"].where(df["org_id"].isin(picks), "")
    df["group"] = df["country"].map(lambda c: names.get(str(c), "Other"))
    return df


def estimated_copubs_by_year(works: pd.DataFrame, sampling_rate: float = 1.0) -> dict[int, int]:
    """UK–China works per year from the per-work table, scaled by ``1 / sampling_rate``.

    A fallback for when no UK–China ``group_by`` response is available: only works
    flagged ``uk_cn`` True with a known year count. Sorted by year.
    """
    if not 0.0 < sampling_rate <= 1.0:
        raise ValueError(f"sampling_rate must be in (0, 1], got {sampling_rate}")
    flag = works["uk_cn"].map(lambda v: v is not None and not pd.isna(v) and bool(v))
    years = works.loc[flag.astype(bool), "year"].dropna().astype(int)
    return {int(y): round(n / sampling_rate) for y, n in sorted(years.value_counts().items())}


def describe_rho(rho: float | None, p_value: float | None, alpha: float = 0.05) -> str:
    """Plain words for a rank correlation: strength, direction and whether it is significant.

    Strength by ``|rho|``: below 0.1 "no", below 0.3 "weak", below 0.6 "moderate",
    otherwise "strong". ``None`` (too few organisations) gives "not computed".
    """
    if rho is None or (isinstance(rho, float) and math.isnan(rho)):
        return "not computed (fewer than three organisations, or no variation)"
    size = abs(float(rho))
    if size < 0.1:
        words = "no clear"
    else:
        strength = "weak" if size < 0.3 else "moderate" if size < 0.6 else "strong"
        words = f"a {strength} {'positive' if rho > 0 else 'negative'}"
    signif = (
        "statistically significant"
        if p_value is not None and float(p_value) < alpha
        else "not statistically significant"
    )
    return f"{words} rank association, {signif} at the {alpha:g} level"


def log_domain(values: Iterable[float]) -> tuple[float, float]:
    """A log-scale domain covering ``values`` (those > 0), rounded out to 1-2-5 steps."""
    vals = [float(v) for v in values if float(v) > 0]
    if not vals:
        return (1.0, 10.0)
    steps = [m * 10.0**k for k in range(-3, 13) for m in (1, 2, 5)]
    lo = max(s for s in steps if s <= min(vals))
    hi = min(s for s in steps if s >= max(vals))
    return (lo, hi if hi > lo else lo * 2)


def place_labels(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    x_domain: tuple[float, float],
    y_domain: tuple[float, float],
    width: int,
    height: int,
    char_px: float = 5.6,
    line_px: float = 12.0,
    gap_px: float = 6.0,
) -> pd.DataFrame:
    """Positions for the non-empty ``label`` cells that keep labels from overlapping.

    ``x`` is on a linear scale and ``y`` on a log scale with the given domains, drawn in a
    ``width`` x ``height`` pixel plot. Each label goes to the right of its point (to the
    left when it would run off the plot) and is nudged up or down, in steps of one text
    line, until its box clears the labels already placed (biggest ``y`` first). Adds
    ``label_y`` (data units, for the text mark) and ``align`` (``left``/``right``).
    """
    out = df.copy()
    out["label_y"] = out[y].astype(float)
    out["align"] = "left"
    (x0, x1), (y0, y1) = x_domain, y_domain
    ly0, ly1 = math.log10(y0), math.log10(y1)

    def px(v: float) -> float:
        return (float(v) - x0) / (x1 - x0) * width if x1 > x0 else 0.0

    def py(v: float) -> float:
        v = min(max(float(v), y0), y1)
        return height - (math.log10(v) - ly0) / (ly1 - ly0) * height

    placed: list[tuple[float, float, float, float]] = []
    todo = out[out["label"].astype(str) != ""].sort_values([y, "label"], ascending=[False, True])
    steps = [0.0] + [s * k for k in range(1, 8) for s in (line_px, -line_px)]
    for idx, row in todo.iterrows():
        text_w = len(str(row["label"])) * char_px
        cx, cy = px(row[x]), py(row[y])
        if cx + gap_px + text_w <= width:
            left, align = cx + gap_px, "left"
        else:
            left, align = cx - gap_px - text_w, "right"
        chosen = steps[0]
        for dy in steps:
            top = cy + dy - line_px / 2
            box = (left, top, left + text_w, top + line_px)
            clash = any(
                box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed
            )
            if not clash and 0 <= top and top + line_px <= height + line_px:
                chosen = dy
                break
        top = cy + chosen - line_px / 2
        placed.append((left, top, left + text_w, top + line_px))
        new_py = cy + chosen
        out.at[idx, "label_y"] = 10 ** (ly0 + (height - new_py) / height * (ly1 - ly0))
        out.at[idx, "align"] = align
    return out


def count_phrase(n: int, singular: str, plural: str | None = None) -> str:
    """``"1 centre"``, ``"2 centres"``, ``"1,250 papers"`` (thousands separators)."""
    word = singular if int(n) == 1 else (plural or f"{singular}s")
    return f"{int(n):,} {word}"
