"""The contrast edition goes the other way from the brief on every headline, faithfully.

Both editions are generated here with ``python -m pipeline reference generate``'s command
line (``--scenario reference`` and ``--scenario contrast``), cleaned with the project's own
cleaners (:mod:`edition_findings`), and read the way the chapters read them. The reference
edition must still reproduce the brief; the contrast edition must reproduce its scenario
file and state the opposite of the brief on each headline. The expected values come from
the two calibration files (through :mod:`pipeline.synthetic.scenario`), never typed here.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from edition_findings import Edition, clean_edition

from pipeline.findings import lookup
from pipeline.interviews.schemas import GROUP_IDS
from pipeline.survey.instrument import load_questions, load_scales
from pipeline.synthetic import DEFAULT_SEED, generate
from pipeline.synthetic.generate import real_input_names
from pipeline.synthetic.interviews.truth import GROUPS, code_rates
from pipeline.synthetic.scenario import Scenario, load_scenario
from pipeline.synthetic.survey.truth import CHALLENGE_MEANS, DRIVER_RANK

EDITIONS = ("reference", "contrast")


@pytest.fixture(scope="module")
def scenarios() -> dict[str, Scenario]:
    return {name: load_scenario(name) for name in EDITIONS}


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory, scenarios) -> dict[str, Edition]:
    """Each edition generated through the command line, then cleaned."""
    out = {}
    for name in EDITIONS:
        raw = tmp_path_factory.mktemp(f"{name}_raw")
        args = ["--seed", str(DEFAULT_SEED), "--scenario", name, "--out", str(raw)]
        assert generate.cli(args) == 0
        work = tmp_path_factory.mktemp(f"{name}_work")
        out[name] = clean_edition(raw, work, dict(scenarios[name].figures))
    return out


@pytest.fixture(scope="module")
def heads(editions) -> dict[str, dict[str, Any]]:
    return {name: e.headlines for name, e in editions.items()}


# --- the files ---------------------------------------------------------------------------


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_contrast_edition_has_every_input_with_the_same_synthetic_names(editions) -> None:
    assert _files(editions["contrast"].raw) == _files(editions["reference"].raw)
    inputs = [f for f in _files(editions["contrast"].raw) if f.split("/")[-1] != "EDITION.yaml"]
    real = real_input_names(editions["contrast"].raw)
    assert all("SYNTHETIC" in f or f.split("/")[-1] in real for f in inputs), inputs


def test_edition_file_names_the_scenario(editions) -> None:
    contrast = yaml.safe_load((editions["contrast"].raw / "EDITION.yaml").read_text("utf-8"))
    assert contrast["synthetic"] is True
    assert contrast["scenario"] == "contrast"
    assert "contrast" in contrast["label"].lower()
    assert "data/reference/scenarios/contrast.yaml" in contrast["calibration"]
    assert "--scenario contrast" in contrast["generator"]
    reference = yaml.safe_load((editions["reference"].raw / "EDITION.yaml").read_text("utf-8"))
    assert "scenario" not in reference and reference["label"] == "Synthetic reference edition"


def test_contrast_workbook_names_its_edition(editions) -> None:
    from openpyxl import load_workbook

    path = next((editions["contrast"].raw / "centres").glob("*.xlsx"))
    title = load_workbook(path, read_only=True)["Centres"]["A1"].value
    assert "SYNTHETIC contrast edition" in title


# --- faithful: each edition reproduces its calibration file --------------------------------


def _matches(want: Any, got: Any, tolerance: float, key: str) -> bool:
    if isinstance(want, dict):
        return isinstance(got, dict) and all(
            _matches(v, got.get(k), tolerance, key) for k, v in want.items()
        )
    if isinstance(want, list):
        if key == "funders_named_present":
            return set(want) <= set(got)
        return list(got)[: len(want)] == want
    if got is None:
        return False
    return math.isclose(float(got), float(want), abs_tol=tolerance + 1e-9)


@pytest.mark.parametrize("name", EDITIONS)
def test_every_calibrated_figure_is_reproduced(name, editions, scenarios) -> None:
    """Reference: the brief's figures; contrast: its scenario's (all that the inputs fix)."""
    findings = editions[name].findings
    checked, missed = [], []
    for fid, fig in scenarios[name].figures.items():
        key = fig.get("computed")
        if not key or key.split(".")[0] not in findings:
            continue  # computed by a later stage (synthesis) from files no scenario changes
        got = lookup(findings, key)
        ok = _matches(fig["value"], got, float(fig.get("tolerance") or 0), key)
        (checked if ok else missed).append(fid if ok else (fid, fig["value"], got))
    assert not missed, missed
    assert set(scenarios[name].overrides) <= set(checked)
    assert len(checked) >= 25


def test_contrast_overrides_every_headline_figure(scenarios) -> None:
    contrast = scenarios["contrast"]
    headline_figures = {
        "top_connected",
        "top10_uk_count",
        "survey_not_straightforward_share",
        "at_risk_interviewees",
        "at_risk_survey_respondents",
        "copubs_share_of_uk_2019",
        "discipline_share_stem",
        "nsi_sector_counts",
        "topic_counts",
    }
    assert headline_figures <= set(contrast.overrides)
    reference = scenarios["reference"].values()
    assert all(contrast.values()[f] != reference[f] for f in contrast.overrides)


# --- the headlines: the brief's way in the reference, the other way in the contrast ----------


def test_new_centres_fall_after_the_golden_era_in_the_reference_and_rise_in_the_contrast(
    heads, scenarios
) -> None:
    assert heads["reference"]["new_centres_after_era"] == "falling"
    assert heads["contrast"]["new_centres_after_era"] == "rising"
    # the busiest year: inside the era in the reference, the last year in the contrast
    g1 = int(scenarios["reference"].values()["golden_era"][1])
    assert all(y <= g1 for y in heads["reference"]["busiest_years"])
    last = int(scenarios["contrast"].values()["centres_last_year"])
    assert heads["contrast"]["busiest_years"] == [last]


def test_most_connected_organisation_is_british_in_the_reference_and_chinese_in_the_contrast(
    heads, scenarios
) -> None:
    for name, country in (("reference", "GB"), ("contrast", "CN")):
        top = heads[name]["most_connected"]
        assert top["country"] == country
        assert top["name"] == scenarios[name].values()["top_connected"][0]
    assert heads["reference"]["top10_uk_count"] > 5
    assert heads["contrast"]["top10_uk_count"] < 5


def test_more_centres_are_sited_in_china_in_the_reference_and_in_the_uk_in_the_contrast(
    heads,
) -> None:
    ref, con = heads["reference"], heads["contrast"]
    assert ref["china_only"] > ref["uk_only"] and ref["sited_in_china"] > ref["sited_in_uk"]
    assert con["uk_only"] > con["china_only"] and con["sited_in_uk"] > con["sited_in_china"]


def test_most_respondents_found_partnerships_not_straightforward_only_in_the_contrast(
    heads,
) -> None:
    assert heads["reference"]["not_straightforward_share"] < 50
    assert heads["contrast"]["not_straightforward_share"] > 50


def test_nobody_felt_at_risk_in_the_contrast(heads, scenarios) -> None:
    ref = scenarios["reference"].values()
    assert heads["reference"]["at_risk_survey"] == ref["at_risk_survey_respondents"] > 0
    assert heads["reference"]["at_risk_interviews"] == ref["at_risk_interviewees"] > 0
    assert heads["contrast"]["at_risk_survey"] == 0
    assert heads["contrast"]["at_risk_interviews"] == 0


def test_copublications_rise_as_a_share_of_uk_output_only_in_the_reference(heads) -> None:
    assert heads["reference"]["copub_share_trend"] == "rising"
    assert heads["contrast"]["copub_share_trend"] == "falling"
    assert heads["reference"]["copubs_trend"] == "rising"
    assert heads["contrast"]["copubs_trend"] == "falling"
    assert heads["contrast"]["works_kept"] > 1000  # enough sampled works for the chapters


# --- further directional statements of the chapters ----------------------------------------


def test_stem_is_a_majority_only_in_the_reference(heads) -> None:
    assert heads["reference"]["stem_share"] > 50 > heads["contrast"]["stem_share"]


def test_leading_topic_and_sector_follow_each_calibration(heads, scenarios) -> None:
    for name in EDITIONS:
        values = scenarios[name].values()
        topics, sectors = values["topic_counts"], values["nsi_sector_counts"]
        assert heads[name]["top_topic"] == max(topics, key=topics.get)
        assert heads[name]["top_act_sector"] == max(sectors, key=sectors.get)
    assert heads["reference"]["top_topic"] != heads["contrast"]["top_topic"]
    assert heads["reference"]["top_act_sector"] != heads["contrast"]["top_act_sector"]


def test_most_common_motivation_and_most_recognised_challenge_differ(heads, scenarios) -> None:
    labels = load_scales()["drivers"].labels
    assert heads["reference"]["top_driver"] == labels[DRIVER_RANK[0]]
    order = scenarios["contrast"].assumption("survey", "driver_order")
    assert heads["contrast"]["top_driver"] == order[0] != labels[DRIVER_RANK[0]]
    means = {**CHALLENGE_MEANS, **scenarios["contrast"].assumption("survey", "challenge_means")}
    assert heads["reference"]["top_challenge"] == max(CHALLENGE_MEANS, key=CHALLENGE_MEANS.get)
    assert heads["contrast"]["top_challenge"] == max(means, key=means.get)
    assert heads["contrast"]["top_challenge"] != heads["reference"]["top_challenge"]
    assert {q.key for q in load_questions() if q.stem == "challenges"} == set(CHALLENGE_MEANS)


def _expected_top(scenario: Scenario, theme_codes: list[str], by_group: dict[str, int]) -> str:
    """The code raised in most interviews of a theme: round(rate * group size), summed."""
    rates = code_rates(scenario)
    sizes = [by_group[GROUP_IDS[g]] for g in GROUPS]  # the rates' order
    raised = {
        c: sum(round(r * n) for r, n in zip(rates[c], sizes, strict=True)) for c in theme_codes
    }
    return max(raised, key=lambda c: (raised[c], c))


def test_interview_codes_raised_most_follow_each_calibration(heads, scenarios, editions) -> None:
    from pipeline.synthetic.interviews.codebook import CODEBOOK

    for name in EDITIONS:
        for theme in ("drivers", "benefits", "challenges"):
            codes = [c.code_id for c in CODEBOOK if c.theme == theme]
            by_group = heads[name]["interviews_by_group"]
            want = _expected_top(scenarios[name], codes, by_group)
            assert heads[name]["top_code_by_theme"][theme] == want, (name, theme)
    for theme in ("drivers", "benefits", "challenges"):
        ref, con = (heads[n]["top_code_by_theme"][theme] for n in EDITIONS)
        assert ref != con, theme


def test_stem_and_humanities_contrast_is_reversed(heads) -> None:
    ref, con = heads["reference"]["group_shares"], heads["contrast"]["group_shares"]
    comp, persp = "ben_complementarity", "ben_differing_perspectives"
    assert ref[comp]["stem"] > ref[comp]["ssh"] and ref[persp]["ssh"] > ref[persp]["stem"]
    assert con[comp]["ssh"] > con[comp]["stem"] and con[persp]["stem"] > con[persp]["ssh"]
