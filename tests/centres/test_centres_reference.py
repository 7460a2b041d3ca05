"""Integration with the curated registries and the synthetic reference workbook.

* resolver/classifier integration against the real ``data/reference`` files;
* end to end: cleaning the generated workbook reproduces the generator's truth tables
  (the generator is part of the project: its absence is a failure, not a skip).
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from centres_helpers import REPO, assert_accounting, row, write_xlsx

from pipeline import registries
from pipeline.centres import centres_findings, classify_research_area, clean_centres, write_outputs
from pipeline.synthetic import centres as gen

REF = REPO / "data" / "reference"


def test_real_registry_resolves_canonical_names_and_aliases() -> None:
    orgs = registries.load_organisations(REF)
    resolver = registries.OrganisationResolver(orgs, threshold=90)
    sample = orgs.sort_values("org_id").head(40)
    for r in sample.itertuples(index=False):
        assert resolver.resolve(r.name).org_id == r.org_id
        for alias in registries.split_aliases(r.aliases):
            assert resolver.resolve(alias).org_id == r.org_id, (alias, r.org_id)


def test_real_registry_in_a_workbook(tmp_path: Path) -> None:
    orgs = registries.load_organisations(REF)
    uk = orgs[orgs["country"] == "GB"].sort_values("org_id").iloc[0]
    cn = (
        orgs[(orgs["country"] == "CN") & (orgs["province_code"] != "")]
        .sort_values("org_id")
        .iloc[0]
    )
    provinces = registries.load_provinces(REF).set_index("code")
    rows = [
        row(
            {
                "UK partner(s)": f"The {uk['name'].upper()}",
                "Chinese partner(s)": cn["name"],
                "City": None,
                "Province": provinces.loc[cn["province_code"], "name_zh"],
            }
        )
    ]
    r = clean_centres(write_xlsx(tmp_path / "real.xlsx", rows))
    assert_accounting(r)
    assert r.accounting["centres"] == 1
    assert set(r.centre_partners["org_id"]) == {uk["org_id"], cn["org_id"]}
    assert dict(zip(r.centre_partners["org_id"], r.centre_partners["side"], strict=True)) == {
        uk["org_id"]: "UK",
        cn["org_id"]: "CN",
    }
    assert r.centres["province_code"][0] == cn["province_code"]


def test_classifier_follows_rules_file() -> None:
    topics = registries.load_topics(REF).set_index("topic")
    rules = registries.load_rules(REF)
    assert classify_research_area("", REF)[0] == "unclassified"
    assert classify_research_area(None, REF) == ("unclassified", None, None)
    for r in rules[rules["kind"] == "topic"].itertuples(index=False):
        topic, group, sector = classify_research_area(_sample_text(r.pattern), REF)
        if topic != r.target:
            continue  # an earlier-starting rule legitimately wins for this sample
        assert group == topics.loc[topic, "discipline_group"]
        if group == "non_stem":
            assert sector is None


def _sample_text(pattern: str) -> str:
    """A plain word the pattern matches (first alternative, regex syntax stripped)."""
    import re

    first = pattern.split("|")[0]
    text = re.sub(r"\\b|\\s\*|\\s\+|\\s|\(\?[^)]*\)|[\^\$\?\*\+\(\)\[\]]", " ", first)
    return " ".join(text.split())


# ------------------------------------------------------------------------------ end to end
@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path, Any]:
    truth = gen.make_truth(gen.DEFAULT_SEED)
    path = tmp_path_factory.mktemp("centres") / "centres_SYNTHETIC.xlsx"
    gen.write_workbook(truth, path, gen.DEFAULT_SEED)
    result = clean_centres(path)
    return truth, path, result


def _norm(v: Any) -> Any:
    if isinstance(v, (list, tuple)) or (hasattr(v, "tolist") and not hasattr(v, "item")):
        return tuple(sorted(str(x) for x in list(v)))
    if hasattr(v, "tolist") and hasattr(v, "ndim") and v.ndim > 0:
        return tuple(sorted(str(x) for x in v.tolist()))
    if hasattr(v, "item"):
        v = v.item()
    if v is None or v == "" or (isinstance(v, float) and math.isnan(v)):
        return None
    return v


def test_generated_workbook_reproduces_truth(generated: tuple[Any, Path, Any]) -> None:
    truth, _path, r = generated
    assert_accounting(r)
    expected = gen.expected_accounting(truth, gen.DEFAULT_SEED)
    assert {k: r.accounting[k] for k in expected} == expected
    tc = truth.centres.set_index("name")
    cc = r.centres.set_index("name")
    assert sorted(tc.index) == sorted(cc.index)
    cols = [
        "year_established",
        "year_approximate",
        "name_zh",
        "status",
        "city",
        "topic",
        "discipline_group",
        "nsi_sector",
        "location",
        "province_code",
        "funders",
    ]
    for col in cols:
        diffs = [
            (n, _norm(tc.loc[n, col]), _norm(cc.loc[n, col]))
            for n in tc.index
            if _norm(tc.loc[n, col]) != _norm(cc.loc[n, col])
        ]
        assert not diffs, f"{col}: {len(diffs)} centres differ, e.g. {diffs[:3]}"
    tp = truth.partners.merge(truth.centres[["truth_key", "name"]], on="truth_key")
    cp = r.centre_partners.merge(r.centres[["centre_id", "name"]], on="centre_id")

    def sets(df: pd.DataFrame) -> dict[str, frozenset[tuple[str, str]]]:
        return {
            n: frozenset(zip(g["org_id"], g["side"], strict=True)) for n, g in df.groupby("name")
        }

    assert sets(tp) == sets(cp)


def test_generated_workbook_findings_match_published(generated: tuple[Any, Path, Any]) -> None:
    import yaml

    _truth, _path, r = generated
    figures = yaml.safe_load((REF / "published_figures.yaml").read_text(encoding="utf-8"))
    findings = centres_findings(r)
    checked = 0
    for fig in figures["figures"].values():
        key = fig.get("computed")
        if not key:
            continue
        head, _, sub = key.partition(".")
        if head not in findings or not head.startswith(
            ("centres_", "discipline_", "topic_", "nsi_", "funders_")
        ):
            continue
        got = findings[head][sub] if sub else findings[head]
        want = fig["value"]
        if isinstance(want, dict):
            assert {k: got.get(k) for k in want} == want, key
        elif isinstance(want, list) and head == "funders_named_present":
            assert set(want) <= set(got), key
        elif isinstance(want, (int, float)) and not isinstance(want, bool):
            assert abs(float(got) - float(want)) <= float(fig.get("tolerance") or 0) + 1e-9, key
        else:
            assert got == want, key
        checked += 1
    assert checked >= 5


def test_generated_outputs_byte_stable(generated: tuple[Any, Path, Any], tmp_path: Path) -> None:
    _truth, path, r = generated
    a = write_outputs(r, tmp_path / "a")
    b = write_outputs(clean_centres(path), tmp_path / "b")
    digest = [
        {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths} for paths in (a, b)
    ]
    assert digest[0] == digest[1]
