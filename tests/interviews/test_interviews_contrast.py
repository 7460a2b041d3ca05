"""Discipline contrast: STEM cases code complementarity, SS/AH cases differing perspectives."""

from __future__ import annotations

from interviews_helpers import findings

from pipeline.interviews.findings import group_share

SSH = ["social_sciences", "arts_and_humanities"]


def test_stem_codes_complementarity_more_than_social_sciences_and_humanities() -> None:
    f = findings()
    assert group_share(f, "ben_complementarity", ["stem"]) > group_share(
        f, "ben_complementarity", SSH
    )


def test_social_sciences_and_humanities_code_differing_perspectives_more() -> None:
    f = findings()
    assert group_share(f, "ben_differing_perspectives", SSH) > group_share(
        f, "ben_differing_perspectives", ["stem"]
    )


def test_every_group_is_represented() -> None:
    f = findings()
    assert all(n > 0 for n in f["interviews_by_group"].values())
    assert sum(f["interviews_by_group"].values()) == f["interviews_total"]


def test_code_shares_table_agrees_with_findings() -> None:
    from interviews_helpers import cleaned

    from pipeline.interviews.findings import code_shares_by_group

    r = cleaned()
    t = code_shares_by_group(r.cases, r.codes_long, r.codebook)
    f = findings()
    assert len(t) == len(r.codebook) * 4
    assert t["share"].between(0, 1).all()
    row = t[(t["code_id"] == "ben_complementarity") & (t["group"] == "stem")].iloc[0]
    assert row["raising"] == f["code_counts_by_group"]["stem"]["ben_complementarity"]
