"""Tests of pipeline.biblio.triangulate: name matching, counts per organisation, Spearman and
outliers, on toy tables with known answers (plus one run on the bundled synthetic sample)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline.biblio import triangulate as T
from pipeline.registries import OrganisationResolver

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "raw" / "bibliometrics" / "openalex_uk_cn_sample_SYNTHETIC.jsonl.gz"


@pytest.fixture(scope="module")
def resolver() -> OrganisationResolver:
    return OrganisationResolver()


def test_match_institutions_methods(resolver: OrganisationResolver) -> None:
    table = T.match_institutions(
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
    cp = T.copubs_per_organisation(_works(), resolver, sampling_rate=0.5)
    assert list(cp.columns) == ["org_id", "copubs_in_sample", "copubs_estimated"]
    assert cp.to_dict("records") == [
        {"org_id": "cn-tsinghua", "copubs_in_sample": 3, "copubs_estimated": 6},
        {"org_id": "gb-cambridge", "copubs_in_sample": 2, "copubs_estimated": 4},
        {"org_id": "gb-edinburgh", "copubs_in_sample": 2, "copubs_estimated": 4},
        {"org_id": "cn-southeast", "copubs_in_sample": 1, "copubs_estimated": 2},
    ]
    everything = T.copubs_per_organisation(_works(), resolver, uk_cn_only=False)
    assert everything.set_index("org_id").loc["cn-southeast", "copubs_in_sample"] == 2
    with pytest.raises(ValueError, match="sampling_rate"):
        T.copubs_per_organisation(_works(), resolver, sampling_rate=2.0)


def test_unmatched_institutions(resolver: OrganisationResolver) -> None:
    un = T.unmatched_institutions(_works(), resolver)
    assert un["institution"].tolist() == ["Nowhere Institute of Nothing"]
    assert un["works"].tolist() == [1]


def test_spearman_known_rho() -> None:
    # d = (-1, 1, -1, 1, 0): rho = 1 - 6 * 4 / (5 * 24) = 0.8
    out = T.spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])
    assert out["rho"] == pytest.approx(0.8) and out["n"] == 5
    assert 0.0 < out["p_value"] < 1.0
    assert T.spearman([1, 2, 3], [3, 2, 1])["rho"] == pytest.approx(-1.0)
    assert T.spearman([1, 2], [1, 2]) == {"rho": None, "p_value": None, "n": 2}
    assert T.spearman([1, 1, 1], [1, 2, 3])["rho"] is None
    with pytest.raises(ValueError, match="length"):
        T.spearman([1, 2, 3], [1, 2])


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
    result = T.triangulate(centres, copubs, min_rank_gap=4)
    table = result.table.set_index("org_id")
    # d has no co-publications (missing -> 0); zz hosts no centre so it is not compared
    assert table.loc["d", "copubs_estimated"] == 0 and "zz" not in table.index
    assert len(table) == 8
    # ranks: centres a1 e2 b3 f4 c5 g6 d7 h8; copubs a1 h2 b3 f4 c5 g6 e7 d8
    assert table.loc["e", "rank_gap"] == 5 and table.loc["h", "rank_gap"] == -6
    assert result.outlier_ids() == {
        T.CATEGORY_MANY_CENTRES: ["e"],
        T.CATEGORY_FEW_CENTRES: ["h"],
    }
    # Spearman on the same pairs, d^2 = 0+25+0+0+0+0+1+36 = 62 -> 1 - 6*62/(8*63)
    assert result.spearman["rho"] == pytest.approx(1 - 6 * 62 / (8 * 63), abs=1e-6)
    assert result.spearman["n"] == 8
    assert set(result.spearman_by_country) == {"CN", "GB"}
    assert result.spearman_by_country["GB"]["n"] == 4
    assert result.findings() == {"centres_copubs_spearman": result.spearman}
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
    result = T.triangulate(centres, copubs)
    assert result.min_rank_gap == 1.0  # ceil(4 * 0.25)
    # p and q tie on every key: org_id breaks the tie
    assert list(result.many_centres_few_copubs["org_id"]) == ["p", "q"]
    assert list(result.few_centres_many_copubs["org_id"]) == ["r", "s"]
    assert result.spearman["rho"] == pytest.approx(-1.0)
    again = T.triangulate(centres.iloc[::-1], copubs.iloc[::-1])
    pd.testing.assert_frame_equal(result.table, again.table)


def test_triangulate_rejects_bad_input() -> None:
    centres, copubs = _toy()
    with pytest.raises(ValueError, match="appears more than once"):
        T.triangulate(pd.concat([centres, centres.head(1)]), copubs)
    bad = centres.astype({"centres": object})
    bad.loc[2, "centres"] = "many"
    with pytest.raises(ValueError, match=r"row 3, column 'centres'"):
        T.triangulate(bad, copubs)
    with pytest.raises(ValueError, match="missing column"):
        T.triangulate(centres.drop(columns=["centres"]), copubs)


def test_centres_per_org_from_counts(resolver: OrganisationResolver) -> None:
    df = T.centres_per_org_from_counts({"gb-cambridge": 5, "cn-southeast": 7}, resolver)
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
    cp = T.copubs_per_organisation(works, resolver, sampling_rate=0.05)
    assert cp["org_id"].iloc[0] == "cn-cas"
    # every registry institution in the sample resolves (only non-registry names are left)
    unmatched = set(T.unmatched_institutions(works, resolver)["institution"])
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
    centres = T.centres_per_org_from_counts(
        {k: v for k, v in counts.items() if k in resolver.orgs["org_id"].values}, resolver
    )
    result = T.triangulate(centres, cp)
    assert result.spearman["n"] == len(centres)
    assert "cn-southeast" in result.outlier_ids()[T.CATEGORY_MANY_CENTRES]
