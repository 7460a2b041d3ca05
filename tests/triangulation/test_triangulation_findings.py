"""Tests of pipeline.triangulation.findings: name matching, counts per organisation, Spearman and
outliers, on toy tables with known answers (plus one run on the bundled synthetic sample)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import ClassVar

import pandas as pd
import pytest

from pipeline.registries import OrganisationResolver
from pipeline.triangulation.findings import (
    CATEGORY_FEW_CENTRES,
    CATEGORY_MANY_CENTRES,
    centres_per_org_from_counts,
    comparison_set,
    copubs_per_organisation,
    describe_rho,
    largest_without_centres,
    match_institutions,
    not_uk_cn_count,
    spearman,
    spearman_table,
    triangulate,
    triangulation_findings,
    unmatched_institutions,
)

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "raw" / "bibliometrics" / "openalex_uk_cn_sample_SYNTHETIC.jsonl.gz"


@pytest.fixture(scope="module")
def resolver() -> OrganisationResolver:
    return OrganisationResolver()


def test_match_institutions_methods(resolver: OrganisationResolver) -> None:
    table = match_institutions(
        [
            "University of Cambridge",
            "Univ. of Cambridge",
            "SEU",
            "Nowhere Institute of Nothing",
            "University of Cambridge",
            " ",
        ],
        resolver,
    )
    by = table.set_index("institution")
    assert list(table["institution"]) == sorted(table["institution"])  # distinct, sorted
    assert len(table) == 4
    assert by.loc["University of Cambridge", "org_id"] == "gb-cambridge"
    assert by.loc["University of Cambridge", "method"] == "exact"
    assert by.loc["Univ. of Cambridge", "org_id"] == "gb-cambridge"
    assert by.loc["SEU", "org_id"] == "cn-southeast"
    assert by.loc["Nowhere Institute of Nothing", "method"] == "unresolved"
    assert pd.isna(by.loc["Nowhere Institute of Nothing", "org_id"])


def _works() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "work_id": ["w1", "w2", "w3", "w4", "w5"],
            "institutions": [
                ["University of Cambridge", "Southeast University"],
                # two spellings of one organisation count once
                ["University of Cambridge", "The University of Cambridge", "Tsinghua University"],
                ["University of Edinburgh", "Tsinghua University", "Nowhere Institute of Nothing"],
                ["University of Edinburgh", "Southeast University"],  # flagged not UK-CN
                ["University of Edinburgh", "Tsinghua University"],  # unknown flag: kept
            ],
            "uk_cn": [True, True, True, False, None],
        }
    )


def test_copubs_per_organisation_known_answer(resolver: OrganisationResolver) -> None:
    cp = copubs_per_organisation(_works(), resolver, sampling_rate=0.5)
    assert list(cp.columns) == ["org_id", "copubs_in_sample", "copubs_estimated"]
    assert cp.to_dict("records") == [
        {"org_id": "cn-tsinghua", "copubs_in_sample": 3, "copubs_estimated": 6},
        {"org_id": "gb-cambridge", "copubs_in_sample": 2, "copubs_estimated": 4},
        {"org_id": "gb-edinburgh", "copubs_in_sample": 2, "copubs_estimated": 4},
        {"org_id": "cn-southeast", "copubs_in_sample": 1, "copubs_estimated": 2},
    ]
    everything = copubs_per_organisation(_works(), resolver, uk_cn_only=False)
    assert everything.set_index("org_id").loc["cn-southeast", "copubs_in_sample"] == 2
    with pytest.raises(ValueError, match="sampling_rate"):
        copubs_per_organisation(_works(), resolver, sampling_rate=2.0)


def test_unmatched_institutions(resolver: OrganisationResolver) -> None:
    un = unmatched_institutions(_works(), resolver)
    assert un["institution"].tolist() == ["Nowhere Institute of Nothing"]
    assert un["works"].tolist() == [1]


def test_spearman_known_rho() -> None:
    # d = (-1, 1, -1, 1, 0): rho = 1 - 6 * 4 / (5 * 24) = 0.8
    out = spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])
    assert out["rho"] == pytest.approx(0.8) and out["n"] == 5
    assert 0.0 < out["p_value"] < 1.0
    assert spearman([1, 2, 3], [3, 2, 1])["rho"] == pytest.approx(-1.0)
    assert spearman([1, 2], [1, 2]) == {"rho": None, "p_value": None, "n": 2}
    assert spearman([1, 1, 1], [1, 2, 3])["rho"] is None
    with pytest.raises(ValueError, match="length"):
        spearman([1, 2, 3], [1, 2])


def _toy() -> tuple[pd.DataFrame, pd.DataFrame]:
    centres = pd.DataFrame(
        {
            "org_id": ["a", "b", "c", "d", "e", "f", "g", "h"],
            "name": ["A", "B", "C", "D", "E", "F", "G", "H"],
            "country": ["GB", "GB", "GB", "GB", "CN", "CN", "CN", "CN"],
            "centres": [10, 8, 6, 4, 9, 7, 5, 1],
        }
    )
    copubs = pd.DataFrame(
        {
            "org_id": ["a", "b", "c", "e", "f", "g", "h", "zz"],
            "copubs_in_sample": [50, 40, 30, 2, 35, 25, 45, 99],
            "copubs_estimated": [500, 400, 300, 20, 350, 250, 450, 990],
        }
    )
    return centres, copubs


def test_triangulate_known_answer() -> None:
    centres, copubs = _toy()
    result = triangulate(centres, copubs, min_rank_gap=4)
    table = result.table.set_index("org_id")
    # d has no co-publications (missing -> 0); zz hosts no centre so it is not compared
    assert table.loc["d", "copubs_estimated"] == 0 and "zz" not in table.index
    assert len(table) == 8
    # ranks: centres a1 e2 b3 f4 c5 g6 d7 h8; copubs a1 h2 b3 f4 c5 g6 e7 d8
    assert table.loc["e", "rank_gap"] == 5 and table.loc["h", "rank_gap"] == -6
    assert result.outlier_ids() == {
        CATEGORY_MANY_CENTRES: ["e"],
        CATEGORY_FEW_CENTRES: ["h"],
    }
    # Spearman on the same pairs, d^2 = 0+25+0+0+0+0+1+36 = 62 -> 1 - 6*62/(8*63)
    assert result.spearman["rho"] == pytest.approx(1 - 6 * 62 / (8 * 63), abs=1e-6)
    assert result.spearman["n"] == 8
    assert set(result.spearman_by_country) == {"CN", "GB"}
    assert result.spearman_by_country["GB"]["n"] == 4
    assert triangulation_findings(result) == {"centres_copubs_spearman": result.spearman}
    # table order: centres desc, then co-publications desc, then org_id
    assert list(result.table["org_id"]) == ["a", "e", "b", "f", "c", "g", "d", "h"]


def test_triangulate_default_gap_and_ties() -> None:
    centres = pd.DataFrame({"org_id": ["p", "q", "r", "s"], "centres": [3, 3, 1, 1]})
    copubs = pd.DataFrame(
        {
            "org_id": ["p", "q", "r", "s"],
            "copubs_in_sample": [1, 1, 9, 9],
            "copubs_estimated": [1, 1, 9, 9],
        }
    )
    result = triangulate(centres, copubs)
    assert result.min_rank_gap == 1.0  # ceil(4 * 0.25)
    # p and q tie on every key: org_id breaks the tie
    assert list(result.many_centres_few_copubs["org_id"]) == ["p", "q"]
    assert list(result.few_centres_many_copubs["org_id"]) == ["r", "s"]
    assert result.spearman["rho"] == pytest.approx(-1.0)
    again = triangulate(centres.iloc[::-1], copubs.iloc[::-1])
    pd.testing.assert_frame_equal(result.table, again.table)


def test_triangulate_rejects_bad_input() -> None:
    centres, copubs = _toy()
    with pytest.raises(ValueError, match="appears more than once"):
        triangulate(pd.concat([centres, centres.head(1)]), copubs)
    bad = centres.astype({"centres": object})
    bad.loc[2, "centres"] = "many"
    with pytest.raises(ValueError, match=r"row 3, column 'centres'"):
        triangulate(bad, copubs)
    with pytest.raises(ValueError, match="missing column"):
        triangulate(centres.drop(columns=["centres"]), copubs)


def test_centres_per_org_from_counts(resolver: OrganisationResolver) -> None:
    df = centres_per_org_from_counts({"gb-cambridge": 5, "cn-southeast": 7}, resolver)
    assert df.to_dict("records") == [
        {"org_id": "cn-southeast", "name": "Southeast University", "country": "CN", "centres": 7},
        {
            "org_id": "gb-cambridge",
            "name": "University of Cambridge",
            "country": "GB",
            "centres": 5,
        },
    ]


def test_on_bundled_sample(resolver: OrganisationResolver) -> None:
    """The synthetic sample: big hosts of centres are not all top co-publishers."""
    assert SAMPLE.exists(), f"{SAMPLE} is committed and missing"
    rows = []
    with gzip.open(SAMPLE, "rt", encoding="utf-8") as fh:
        for line in fh:
            w = json.loads(line)
            codes = {i["country_code"] for a in w["authorships"] for i in a["institutions"]}
            rows.append(
                {
                    "institutions": sorted(
                        {i["display_name"] for a in w["authorships"] for i in a["institutions"]}
                    ),
                    "uk_cn": {"GB", "CN"} <= codes,
                }
            )
    works = pd.DataFrame(rows)
    cp = copubs_per_organisation(works, resolver, sampling_rate=0.05)
    assert cp["org_id"].iloc[0] == "cn-cas"
    # every registry institution in the sample resolves (only non-registry names are left)
    unmatched = set(unmatched_institutions(works, resolver)["institution"])
    registry_names = set(resolver.orgs["name"])
    assert not unmatched & registry_names
    counts = {
        "gb-cambridge": 20,
        "cn-southeast": 18,
        "gb-edinburgh": 12,
        "gb-oxford": 2,
        "cn-tsinghua": 6,
        "cn-zhejiang": 3,
        "gb-nottingham": 9,
        "cn-peking": 5,
    }
    centres = centres_per_org_from_counts(
        {k: v for k, v in counts.items() if k in resolver.orgs["org_id"].values}, resolver
    )
    result = triangulate(centres, cp)
    assert result.spearman["n"] == len(centres)
    assert "cn-southeast" in result.outlier_ids()[CATEGORY_MANY_CENTRES]


class _FakeResolver:
    rows: ClassVar[dict[str, dict[str, str]]] = {
        "x": {"name": "X Univ", "country": "GB", "type": "university"},
        "y": {"name": "Y Univ", "country": "CN", "type": "university"},
        "z": {"name": "Z Univ", "country": "US", "type": "university"},
    }

    def get(self, org_id: str) -> dict[str, str]:
        return self.rows[org_id]


def test_comparison_set_adds_publishers_without_centres() -> None:
    hosts = pd.DataFrame(
        {"org_id": ["a"], "name": ["A"], "country": ["GB"], "type": ["u"], "centres": [2]}
    )
    copubs = pd.DataFrame(
        {
            "org_id": ["x", "y", "z", "a"],
            "copubs_in_sample": [5, 4, 3, 1],
            "copubs_estimated": [10, 8, 6, 2],
        }
    )
    out = comparison_set(hosts, copubs, resolver=_FakeResolver())
    assert out["org_id"].tolist() == ["a", "x", "y"]
    assert out.set_index("org_id").loc["x", "centres"] == 0
    only = comparison_set(hosts, copubs, include_non_hosts=False, resolver=_FakeResolver())
    assert only["org_id"].tolist() == ["a"]


def test_spearman_table_and_reading() -> None:
    out = spearman_table(
        {"rho": 0.5, "p_value": 0.01, "n": 10}, {"GB": {"rho": None, "p_value": None, "n": 2}}
    )
    assert out["group"].tolist() == ["all organisations", "GB"]
    assert out["n"].tolist() == [10, 2]
    assert describe_rho(0.5, 0.01).startswith("a moderate positive")
    assert "not statistically significant" in describe_rho(-0.2, 0.4)
    assert describe_rho(-0.7, 0.001).startswith("a strong negative")
    assert describe_rho(0.05, 0.9).startswith("no clear")
    assert describe_rho(None, None).startswith("not computed")


def test_largest_without_centres_and_not_uk_cn_count() -> None:
    compared = pd.DataFrame(
        {"org_id": ["a", "x", "y", "z"], "name": list("AXYZ"), "centres": [2, 0, 0, 0]}
    )
    copubs = pd.DataFrame(
        {
            "org_id": ["x", "y", "z", "a"],
            "copubs_in_sample": [2, 4, 4, 1],
            "copubs_estimated": [4, 8, 8, 2],
        }
    )
    out = largest_without_centres(compared, copubs, n=2)
    assert out["org_id"].tolist() == ["y", "z"]
    works = pd.DataFrame({"uk_cn": [True, False, None, False]})
    assert not_uk_cn_count(works) == 2
