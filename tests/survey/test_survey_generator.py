"""The synthetic export: calibrated to the published figures, deterministic, realistic."""

from __future__ import annotations

import hashlib
import ipaddress
import json
from pathlib import Path

import pytest
import yaml

from pipeline.synthetic import survey as gen

REPO = Path(__file__).resolve().parents[2]
FIGURES = yaml.safe_load(
    (REPO / "data" / "reference" / "published_figures.yaml").read_text(encoding="utf-8")
)["figures"]
SEED = gen.DEFAULT_SEED


def fig(key: str):
    return FIGURES[key]["value"]


@pytest.fixture(scope="module")
def truth():
    return gen.make_truth(SEED)


def test_truth_survey_responses(truth) -> None:
    assert len(truth) == fig("survey_responses")


def test_truth_survey_organisations(truth) -> None:
    assert truth["org_id"].nunique() == fig("survey_organisations")
    assert truth["org_id"].str.startswith("gb-").all()


def test_truth_straightforward_n(truth) -> None:
    assert truth["straightforward"].notna().sum() == fig("survey_straightforward_n")


def test_truth_very_straightforward_share(truth) -> None:
    n = truth["straightforward"].notna().sum()
    very = (truth["straightforward"] == "Very straightforward").sum()
    assert round(100 * very / n, 1) == pytest.approx(fig("survey_very_straightforward_share"))


def test_truth_not_straightforward_share(truth) -> None:
    n = truth["straightforward"].notna().sum()
    not_sf = (truth["straightforward"] == "Not at all straightforward").sum()
    assert round(100 * not_sf / n, 1) == pytest.approx(fig("survey_not_straightforward_share"))


def test_truth_at_risk(truth) -> None:
    assert (truth["at_risk"] == "Yes").sum() == fig("at_risk_survey_respondents")


def test_count_for_share() -> None:
    assert gen.count_for_share(50.0, 10) == 5
    with pytest.raises(ValueError):
        gen.count_for_share(33.3, 2)


def test_drivers_clearly_ranked_and_one_ticked_nothing(truth) -> None:
    counts = truth["drivers"].explode().dropna().value_counts()
    assert counts.is_unique
    assert (truth["drivers_n"] == 0).sum() >= 1


def test_same_seed_same_bytes(tmp_path: Path, run_fresh) -> None:
    """Two separate processes with different hash seeds write the same export."""
    code = "import sys; from pipeline.synthetic import survey; survey.generate(sys.argv[1], {})"
    run_fresh(code.format(SEED), tmp_path / "a", hashseed=1)
    run_fresh(code.format(SEED), tmp_path / "b", hashseed=2)
    a = (tmp_path / "a" / gen.FILENAME).read_bytes()
    b = (tmp_path / "b" / gen.FILENAME).read_bytes()
    assert hashlib.sha256(a).digest() == hashlib.sha256(b).digest()
    assert gen.render(SEED + 1) != a


def test_committed_export_matches_generator() -> None:
    committed = REPO / "data" / "raw" / "survey" / gen.FILENAME
    assert committed.exists(), f"{committed} is committed and missing"
    assert committed.read_bytes() == gen.render(SEED)


def test_qualtrics_layout(export_rows) -> None:
    ids, text, import_ids = export_rows[:3]
    assert ids[:3] == ["StartDate", "EndDate", "Status"]
    assert {"Q2", "Q4", "Q5_1", "Q7_TEXT"} <= set(ids)
    assert text[ids.index("ResponseId")] == "Response ID"
    assert all(json.loads(cell)["ImportId"] for cell in import_ids)
    assert json.loads(import_ids[ids.index("Q2")]) == {"ImportId": "QID2"}


def test_bom_and_fixed_fieldwork_window(export_path: Path, export_rows) -> None:
    assert export_path.read_bytes().startswith(b"\xef\xbb\xbf")
    starts = [r[0] for r in export_rows[3:]]
    assert all(s.startswith("2021-") for s in starts)


def test_rows_cleaning_must_drop(export_rows) -> None:
    ids = export_rows[0]
    data = export_rows[3:]
    status = [r[ids.index("Status")] for r in data]
    finished = [r[ids.index("Finished")] for r in data]
    assert status.count("Survey Preview") >= 1
    assert status.count("Spam") >= 1
    assert finished.count("False") >= 1
    assert len(data) > fig("survey_responses")


def test_fake_personal_data_is_safe(export_rows) -> None:
    ids = export_rows[0]
    data = export_rows[3:]
    nets = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")]
    for r in data:
        ip = r[ids.index("IPAddress")]
        if ip:
            assert any(ipaddress.ip_address(ip) in n for n in nets)
        email = r[ids.index("RecipientEmail")]
        if email:
            assert email.endswith(("@example.ac.uk", "@example.com"))


def test_organisation_variants_resolve(truth) -> None:
    from pipeline.registries import OrganisationResolver, load_organisations

    resolver = OrganisationResolver(load_organisations())
    for text, org_id in zip(truth["organisation_text"], truth["org_id"], strict=True):
        assert resolver.resolve(text).org_id == org_id, text
    typed = set(truth["organisation_text"])
    assert {"UCL", "Imperial", "Univ of Edinburgh", "king's college london"} <= typed
