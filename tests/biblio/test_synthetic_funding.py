"""The synthetic sample's funding acknowledgements: their own random stream, registry funders
(never companies), invented local schemes marked as such, and a note that they are
calibrated to nothing published."""

from __future__ import annotations

import gzip
import json
from collections import Counter

import pytest

from pipeline.io import repo_root
from pipeline.registries import load_organisations
from pipeline.synthetic.biblio import funding, truth
from pipeline.synthetic.biblio.writer import META_NAME, SAMPLE_NAME

RAW = repo_root() / "data" / "raw" / "bibliometrics"


@pytest.fixture(scope="module")
def sample() -> list[dict]:
    with gzip.open(RAW / SAMPLE_NAME, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def test_grants_come_from_their_own_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    with_grants = truth.build(sampling_rate=0.005).works
    monkeypatch.setattr(truth, "add_grants", lambda works, seed, ref_dir=None: None)
    without = truth.build(sampling_rate=0.005).works
    assert len(with_grants) == len(without) > 0
    assert [{k: v for k, v in w.items() if k != "grants"} for w in with_grants] == without
    assert any(w["grants"] for w in with_grants)


def test_acknowledgements_name_registry_funders_but_no_company(sample: list[dict]) -> None:
    from pipeline.biblio.funders import default_funder_names

    resolver = default_funder_names()
    orgs = load_organisations()
    companies = set(orgs.loc[orgs["type"] == "company", "name"])
    names = Counter(g["funder_display_name"] for w in sample for g in w["grants"])
    resolved = {resolver.resolve(n) for n in names}
    unknown = {n for n in resolved if not resolver.is_known(n)}
    assert unknown == set(funding.UNLISTED)  # the only names the registry lacks
    assert all("(synthetic)" in n for n in unknown)
    assert not resolved & companies
    share = sum(1 for w in sample if w["grants"]) / len(sample)
    assert abs(share - funding.ACKNOWLEDGED_RATE) < 0.03


def test_funders_are_only_acknowledged_in_their_lifetime(sample: list[dict]) -> None:
    from pipeline.biblio.funders import default_funder_names

    resolver = default_funder_names()
    years = {"UK Research and Innovation": [], "Research Councils UK": [], "Newton Fund": []}
    for w in sample:
        for g in w["grants"]:
            name = resolver.resolve(g["funder_display_name"])
            if name in years:
                years[name].append(w["publication_year"])
    assert min(years["UK Research and Innovation"]) >= 2018
    assert max(years["Research Councils UK"]) <= 2018
    assert min(years["Newton Fund"]) >= 2014


def test_side_car_says_the_acknowledgements_are_calibrated_to_nothing() -> None:
    meta = json.loads((RAW / META_NAME).read_text(encoding="utf-8"))
    assert "calibrated to nothing published" in meta["acknowledgements_note"]
    assert "calibrated to nothing published" in (funding.__doc__ or "")
