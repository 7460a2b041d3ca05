"""The synthetic export, once cleaned, reproduces each published interview figure."""

from __future__ import annotations

from interviews_helpers import SEED, cleaned, figure, findings

from pipeline.synthetic.interviews import RARE_CODES, make_truth


def test_interviews_total_matches_published_figure() -> None:
    assert findings()["interviews_total"] == figure("interviews_total")


def test_interview_organisations_matches_published_figure() -> None:
    assert findings()["interview_organisations"] == figure("interview_organisations")


def test_at_risk_interviewees_matches_published_figure() -> None:
    assert findings()["at_risk_interviewees"] == figure("at_risk_interviewees")


def test_every_organisation_resolves_to_its_true_registry_id() -> None:
    truth = make_truth(SEED)
    cases = cleaned().cases.set_index("case_id")
    expected = truth["cases"].set_index("case_id")["org_id"]
    assert cases["org_id"].notna().all()
    assert cases.loc[expected.index, "org_id"].tolist() == expected.tolist()
    assert (cases["org_id"].str.startswith("gb-")).all()


def test_code_counts_match_truth_overall_and_by_group() -> None:
    truth = make_truth(SEED)
    f = findings()
    assert f["code_counts"] == truth["code_counts"]
    from pipeline.interviews.schemas import GROUP_IDS

    for label, gid in GROUP_IDS.items():
        assert f["code_counts_by_group"][gid] == truth["code_counts_by_group"][label]


def test_ip_theft_and_dual_use_are_rare() -> None:
    counts = findings()["code_counts"]
    for code in RARE_CODES:
        assert 1 <= counts[code] <= 2, code


def test_targets_hold_for_other_seeds() -> None:
    for seed in (1, 2, 3):
        truth = make_truth(seed)
        assert truth["interviews_total"] == figure("interviews_total")
        assert truth["interview_organisations"] == figure("interview_organisations")
        assert truth["at_risk_interviewees"] == figure("at_risk_interviewees")
