"""Centres per organisation, read from the network stage's metrics or the centres tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["CENTRES_COLUMNS", "centres_per_org", "sort_by_centres"]

#: Columns of a centres-per-organisation table.
CENTRES_COLUMNS = ["org_id", "name", "country", "type", "centres"]


def sort_by_centres(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with integer centres and text names, sorted by centres (descending), then
    ``org_id``."""
    df = df.copy()
    df["centres"] = df["centres"].astype("int64")
    for col in ("name", "country", "type"):
        df[col] = df[col].fillna("").astype(str)
    return df.sort_values(
        ["centres", "org_id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


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
    need = CENTRES_COLUMNS
    metrics_path = Path(metrics_path)
    if metrics_path.exists():
        metrics = pd.read_parquet(metrics_path)
        if set(need) <= set(metrics.columns):
            return sort_by_centres(metrics[need].copy()), str(metrics_path)
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
    return sort_by_centres(out), f"{partners_path} + {organisations_path}"
