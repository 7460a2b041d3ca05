"""Cleaning the synthetic export reproduces its truth, leaks nothing, accounts for every row."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline.survey.clean import OUTPUT_FILES, RESTRICTED_FILES, clean_export
from pipeline.survey.findings import survey_findings
from pipeline.synthetic import survey as gen

SEED = gen.DEFAULT_SEED


@pytest.fixture(scope="module")
def truth() -> pd.DataFrame:
    return gen.make_truth(SEED)


def _shared(paths: list[Path]) -> list[Path]:
    return [p for p in paths if p.parent.name == "shared"]


def test_outputs_written(cleaned) -> None:
    _, _, paths = cleaned
    assert sorted(p.name for p in _shared(paths)) == sorted(OUTPUT_FILES.values())
    restricted = [p for p in paths if p.parent.name == "restricted"]
    assert sorted(p.name for p in restricted) == sorted(RESTRICTED_FILES.values())
    assert len(paths) == len(OUTPUT_FILES) + len(RESTRICTED_FILES)


def test_reproduces_truth(cleaned, truth) -> None:
    result, _, _ = cleaned
    resp = result.responses
    assert resp["response_id"].tolist() == truth["response_id"].tolist()
    assert resp["source_row"].tolist() == truth["source_row"].tolist()
    cols = [
        "org_id",
        "role",
        "discipline",
        "experience",
        "straightforward",
        "at_risk",
        "drivers_n",
        *[c for c in truth.columns if c.startswith("challenge_")],
    ]
    for col in cols:
        got = resp[col].astype(object).where(resp[col].notna(), None).tolist()
        want = truth[col].astype(object).where(truth[col].notna(), None).tolist()
        assert got == want, col
    long = result.answers_long
    drivers = long[long["question_key"] == "drivers"].groupby("response_id")["value"].apply(set)
    for rid, want in zip(truth["response_id"], truth["drivers"], strict=True):
        assert drivers.get(rid, set()) == set(want)
    # free text is in the restricted table only, typed as given and redacted as the truth says
    text = result.free_text.set_index("response_id")
    for rid, raw, redacted in zip(
        truth["response_id"], truth["comments_raw"], truth["comments"], strict=True
    ):
        if raw is None or pd.isna(raw):
            assert rid not in text.index
            continue
        assert text.loc[rid, "text"] == raw.strip()
        assert text.loc[rid, "redacted"] == redacted.strip(), rid
    assert not {"organisation_text", "comments"} & set(resp.columns)


def test_likert_are_ordered_categoricals(cleaned) -> None:
    resp = cleaned[0].responses
    assert resp["straightforward"].cat.ordered
    assert resp["challenge_funding"].cat.categories[0] == "Strongly disagree"
    assert not resp["role"].cat.ordered


def test_accounting_balances(cleaned, export_rows) -> None:
    acc = cleaned[0].accounting
    assert acc["layout"] == "qualtrics-3row"
    assert acc["raw_rows"] == len(export_rows) - 3
    assert acc["raw_rows"] == acc["kept"] + acc["rejected"] + acc["duplicates"]
    rejects = cleaned[0].rejects
    assert len(rejects) == acc["rejected"]
    assert list(rejects.columns) == ["source_file", "source_row", "column", "value", "reason"]
    # source_row is the line of the file: check it against the parsed export
    ids = export_rows[0]
    lines = {r.source_row: r for r in rejects.itertuples()}
    for line, rej in lines.items():
        assert rej.reason
        assert line > 3
    statuses = set(rejects["value"])
    assert {"Survey Preview", "Spam", "False"} <= statuses
    assert "ResponseId" in ids


def test_findings_match_published(cleaned) -> None:
    import yaml

    figs = yaml.safe_load(
        (
            Path(__file__).resolve().parents[2] / "data" / "reference" / "published_figures.yaml"
        ).read_text(encoding="utf-8")
    )["figures"]
    findings = cleaned[1]
    for key in (
        "survey_responses",
        "survey_organisations",
        "survey_straightforward_n",
        "survey_very_straightforward_share",
        "survey_not_straightforward_share",
        "at_risk_survey_respondents",
    ):
        assert findings[figs[key]["computed"]] == pytest.approx(
            figs[key]["value"], abs=figs[key]["tolerance"]
        ), key
    ranked = [d["count"] for d in findings["drivers_ranked"]]
    assert ranked == sorted(ranked, reverse=True)


def test_findings_from_written_files(cleaned) -> None:
    _, _, paths = cleaned
    out = paths[0].parent
    resp = pd.read_parquet(out / OUTPUT_FILES["responses"])
    long = pd.read_parquet(out / OUTPUT_FILES["answers_long"])
    again = survey_findings(resp, long)
    assert json.loads(json.dumps(again)) == json.loads(
        (out / OUTPUT_FILES["findings"]).read_text(encoding="utf-8")
    )
    assert resp["straightforward"].cat.ordered


def test_no_personal_value_in_outputs(cleaned, export_rows) -> None:
    ids = export_rows[0]
    personal = set(gen.personal_values(SEED))
    for col in (
        "RecipientFirstName",
        "RecipientLastName",
        "RecipientEmail",
        "IPAddress",
        "LocationLatitude",
        "LocationLongitude",
        "ResponseId",
    ):
        personal.update(r[ids.index(col)] for r in export_rows[3:] if r[ids.index(col)])
    assert len(personal) > 100
    for path in _shared(cleaned[2]):
        blob = path.read_bytes()
        if path.suffix == ".parquet":  # compressed: scan the decoded cells as well
            blob += pd.read_parquet(path).to_csv(index=False).encode("utf-8")
        for value in personal:
            assert value.encode("utf-8") not in blob, (path.name, value)
    redactions = cleaned[0].accounting["restricted"]["redactions"]
    assert redactions["email"] >= 1 and redactions["phone"] >= 1
    assert redactions["link"] >= 1 and redactions["name"] >= 1
    # the scan is not vacuous: the restricted copy holds the free text as typed
    restricted = cleaned[2][0].parent.parent / "restricted" / RESTRICTED_FILES["free_text"]
    assert any(v in restricted.read_text(encoding="utf-8") for v in personal)


def test_same_input_same_bytes(export_path: Path, tmp_path: Path, run_fresh) -> None:
    """Two separate processes with different hash seeds (so different set orders) agree,
    in the shareable outputs and in the restricted ones."""
    code = (
        "import sys; from pipeline.survey.clean import run; "
        "run(sys.argv[1], sys.argv[2] + '/out', restricted=sys.argv[2] + '/restricted')"
    )
    run_fresh(code, export_path, tmp_path / "a", hashseed=1)
    run_fresh(code, export_path, tmp_path / "b", hashseed=2)
    names = [f"out/{n}" for n in OUTPUT_FILES.values()]
    names += [f"restricted/{n}" for n in RESTRICTED_FILES.values()]
    for name in names:
        a = hashlib.sha256((tmp_path / "a" / name).read_bytes()).hexdigest()
        b = hashlib.sha256((tmp_path / "b" / name).read_bytes()).hexdigest()
        assert a == b, name


def test_questions_metadata(cleaned) -> None:
    q = cleaned[0].questions
    row = q.set_index("question_id")
    assert row.loc["Q8", "type"] == "likert" and row.loc["Q8", "scale"] == "straightforward4"
    assert row.loc["Q4", "type"] == "multi"
    assert row.loc["RecipientEmail", "handling"].startswith("dropped: personal data")
    assert row.loc["StartDate", "handling"].startswith("dropped: timestamp")
    assert row.loc["RecipientEmail", "text"] == "" and row.loc["StartDate", "import_id"] == ""
    assert row.loc["ResponseId", "handling"].endswith("replaced by response_id")
    assert row.loc["Q7_TEXT", "handling"].startswith("free text: restricted folder only")
    assert q["position"].tolist() == sorted(q["position"])


def test_unresolved_organisation_listed(export_rows, write_variant) -> None:
    rows = [list(r) for r in export_rows]
    ids = rows[0]
    rows[7][ids.index("Q1")] = "Institute of Imaginary Studies"
    result = clean_export(write_variant(rows))
    resp = result.responses
    assert result.unresolved["organisation_text"].tolist() == ["Institute of Imaginary Studies"]
    assert result.unresolved["n_responses"].tolist() == [1]
    rid = result.unresolved["response_ids"].iloc[0]
    assert resp.loc[resp["response_id"] == rid, "org_id"].tolist() == ["unresolved"]
    assert result.accounting["unresolved_names"] == 1
    findings = survey_findings(resp, result.answers_long)
    assert findings["survey_unresolved_organisation_responses"] == 1


def test_duplicate_response_counted(export_rows, write_variant) -> None:
    rows = [list(r) for r in export_rows]
    rows.append(list(rows[-1]))
    result = clean_export(write_variant(rows))
    acc = result.accounting
    assert acc["duplicates"] == 1
    assert acc["raw_rows"] == acc["kept"] + acc["rejected"] + acc["duplicates"]
