"""Calibration scenarios: the reference is the brief, a scenario file is a checked overlay.

Covers :mod:`pipeline.synthetic.scenario` (loading, overlay, validation) and the
``--scenario`` option of ``python -m pipeline reference generate``. The contrast edition's
content is tested in ``test_contrast_edition.py``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pipeline import published
from pipeline.synthetic import biblio, generate, interviews, survey
from pipeline.synthetic.centres import make_truth
from pipeline.synthetic.scenario import (
    ASSUMPTIONS,
    REFERENCE,
    ScenarioError,
    available_scenarios,
    load_scenario,
    scenario_path,
)

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "data" / "reference" / "scenarios"
CONTRAST = SCENARIOS / "contrast.yaml"


def _write(tmp_path: Path, doc: dict, name: str = "mine.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


# --- the reference scenario is the brief ---------------------------------------------------


def test_reference_is_the_default_and_holds_the_published_figures() -> None:
    ref = load_scenario()
    assert ref == load_scenario(REFERENCE)
    assert ref.is_reference and ref.source is None and ref.overrides == ()
    assert ref.values() == published.values()
    for section in ASSUMPTIONS:
        assert ref.targets(section) == published.values()


def test_generators_default_to_the_reference_targets() -> None:
    values = published.values()
    assert survey.load_targets() == {k: values[k] for k in survey.load_targets()}
    assert interviews.load_targets() == {k: values[k] for k in interviews.load_targets()}
    assert biblio.load_calibration()["copubs_2019"] == values["copubs_2019"]
    assert make_truth().targets == values


def test_values_are_copies() -> None:
    ref = load_scenario()
    ref.values()["topic_counts"]["engineering"] = -1
    assert ref.values() == published.values()


# --- the contrast file ---------------------------------------------------------------------


def test_contrast_is_listed_and_loads_by_name_or_path() -> None:
    assert available_scenarios() == ["contrast", REFERENCE]
    by_name = load_scenario("contrast")
    assert by_name == load_scenario(CONTRAST) == load_scenario(str(CONTRAST))
    assert by_name != load_scenario()
    assert by_name.name == "contrast" and not by_name.is_reference
    assert by_name.calibration_files() == [
        "data/reference/published_figures.yaml",
        "data/reference/scenarios/contrast.yaml",
    ]


def test_contrast_file_says_its_numbers_are_invented_and_uses_published_keys() -> None:
    text = CONTRAST.read_text(encoding="utf-8")
    header = "\n".join(line for line in text.splitlines()[:8] if line.startswith("#"))
    assert "made up" in header and "published_figures.yaml" in header
    doc = yaml.safe_load(text)
    figures = published.load_figures()
    for fid, spec in doc["figures"].items():
        assert fid in figures
        assert spec.get("unit", figures[fid]["unit"]) == figures[fid]["unit"], fid


def test_anything_not_set_keeps_its_published_value() -> None:
    contrast = load_scenario("contrast")
    values, ref = contrast.values(), published.values()
    unchanged = set(ref) - set(contrast.overrides)
    assert unchanged and all(values[k] == ref[k] for k in unchanged)
    assert {"golden_era", "province_map_bins", "centres_last_year"} <= unchanged


def test_a_scenario_file_anywhere_overlays_one_figure(tmp_path: Path) -> None:
    path = _write(tmp_path, {"figures": {"survey_responses": {"value": 50}}})
    scen = load_scenario(path)
    assert scen.name == "mine" and scen.overrides == ("survey_responses",)
    assert scen.values() == {**published.values(), "survey_responses": 50}
    assert scen.calibration_files()[-1] == "mine.yaml"
    assert scen.edition_label == "Synthetic mine edition"


# --- validation: clear errors naming the file and the key ----------------------------------


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"figures": {"no_such_figure": {"value": 1}}}, "figures.no_such_figure"),
        ({"figures": {"centres_total": {"value": 1, "unit": "papers"}}}, "unit 'papers'"),
        ({"figures": {"centres_total": {"value": [1]}}}, "must be a number"),
        ({"figures": {"centres_total": 140}}, "figures.centres_total must be a mapping"),
        ({"figures": {"centres_total": {"valeu": 140}}}, "give 'value'"),
        ({"figure": {}}, "unknown key(s) ['figure']"),
        ({"assumptions": {"network": {}}}, "assumptions.network: no such input"),
        ({"assumptions": {"centres": {"shares": {}}}}, "assumptions.centres.shares: unknown"),
        (
            {"assumptions": {"centres": {"years_after_golden_era": "up"}}},
            "'falling' or 'rising'",
        ),
        (
            {"assumptions": {"centres": {"location_shares": {"CN": 0.7, "GB": 0.5}}}},
            "add up to at most 1",
        ),
        ({"assumptions": {"survey": {"driver_order": ["a", "a"]}}}, "distinct"),
        ({"assumptions": {"survey": {"challenge_means": {"x": 6}}}}, "between 1 and 5"),
        ({"assumptions": {"interviews": {"code_rates": {"x": [0.1]}}}}, "four shares"),
    ],
)
def test_bad_scenario_files_are_refused(tmp_path: Path, doc: dict, message: str) -> None:
    path = _write(tmp_path, doc)
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_unknown_names_and_missing_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="use one of contrast, reference"):
        scenario_path("contrasts")
    with pytest.raises(ScenarioError, match="scenario file not found"):
        load_scenario(tmp_path / "absent.yaml")
    bad = tmp_path / "broken.yaml"
    bad.write_text("figures: [unclosed", encoding="utf-8")
    with pytest.raises(ScenarioError, match="not valid YAML"):
        load_scenario(bad)


def test_generators_check_the_settings_against_their_vocabulary(tmp_path: Path) -> None:
    drivers = _write(tmp_path, {"assumptions": {"survey": {"driver_order": ["Funding"]}}}, "d.yaml")
    with pytest.raises(ValueError, match="every motivation once"):
        survey.make_truth(scenario=drivers)
    means = {"assumptions": {"survey": {"challenge_means": {"challenge_weather": 3}}}}
    with pytest.raises(ValueError, match="unknown items"):
        survey.make_truth(scenario=_write(tmp_path, means, "m.yaml"))
    rates = {"assumptions": {"interviews": {"code_rates": {"rsk_felt_at_risk": [1, 1, 1, 1]}}}}
    with pytest.raises(ValueError, match="not codes drawn at a rate"):
        interviews.make_truth(scenario=_write(tmp_path, rates, "r.yaml"))


# --- the command line ----------------------------------------------------------------------


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "reference", "generate", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_help_explains_the_scenario_option() -> None:
    out = _run("--help")
    assert out.returncode == 0
    text = " ".join(out.stdout.split())
    assert "--scenario NAME|PATH" in text and "contrast" in text and "reference" in text
    assert "data/reference/scenarios/README.md" in text


def test_unknown_scenario_is_a_usage_error(tmp_path: Path) -> None:
    out = _run("--scenario", "nonesuch", "--out", str(tmp_path / "raw"))
    assert out.returncode == 2
    assert "unknown scenario 'nonesuch'" in out.stderr
    assert not (tmp_path / "raw").exists()


def test_scenario_path_on_the_command_line(tmp_path: Path) -> None:
    path = _write(tmp_path, {"figures": {"survey_responses": {"value": 48}}})
    out = tmp_path / "raw"
    assert generate.cli(["--scenario", str(path), "--out", str(out), "--only", "survey"]) == 0
    assert [p.name for p in out.rglob("*") if p.is_file()] == [survey.FILENAME]
    assert len(survey.make_truth(scenario=path)) == 48


def test_edition_text_of_a_scenario_is_yaml_naming_it() -> None:
    text = generate.edition_text(load_scenario("contrast"), 7, "contrast")
    assert text.startswith("# This folder holds a SYNTHETIC edition")
    doc = yaml.safe_load(text)
    assert doc["seed"] == 7 and doc["scenario"] == "contrast" and doc["synthetic"] is True
    assert generate.edition_text(load_scenario(), 7) == generate.EDITION_YAML.format(seed=7)
