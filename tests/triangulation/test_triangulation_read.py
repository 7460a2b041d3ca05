"""Tests for pipeline.triangulation.read: centres per organisation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.triangulation.read import centres_per_org


def test_centres_per_org_from_metrics_or_links(tmp_path: Path) -> None:
    metrics = pd.DataFrame(
        {
            "org_id": ["b", "a"],
            "name": ["B", "A"],
            "country": ["CN", "GB"],
            "type": ["university"] * 2,
            "centres": [1, 3],
            "rank": [2, 1],
        }
    )
    metrics.to_parquet(tmp_path / "m.parquet")
    out, source = centres_per_org(tmp_path / "m.parquet")
    assert out["org_id"].tolist() == ["a", "b"] and source.endswith("m.parquet")

    metrics.drop(columns=["centres"]).to_parquet(tmp_path / "m2.parquet")
    links = pd.DataFrame({"centre_id": ["C1", "C1", "C2", "C2"], "org_id": ["a", "b", "a", "a"]})
    links.to_parquet(tmp_path / "p.parquet")
    metrics.drop(columns=["centres", "rank"]).to_parquet(tmp_path / "o.parquet")
    out, source = centres_per_org(
        tmp_path / "m2.parquet", tmp_path / "p.parquet", tmp_path / "o.parquet"
    )
    assert dict(zip(out["org_id"], out["centres"])) == {"a": 2, "b": 1}
    assert "p.parquet" in source
    with pytest.raises(FileNotFoundError):
        centres_per_org(tmp_path / "absent.parquet")
