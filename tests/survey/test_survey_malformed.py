"""Exports in other layouts, encodings and delimiters, and broken ones."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline.survey.clean import CleanParams, clean_export, run
from pipeline.survey.findings import survey_findings
from pipeline.survey.instrument import load_scales
from pipeline.survey.read import SurveyInputError, read_export
from pipeline.survey.rules import split_multi
from pipeline.synthetic import survey as gen

N_VALID = len(gen.make_truth(gen.DEFAULT_SEED))


def _kept_ids(result) -> list[tuple[str, str]]:
    """What identifies the kept responses across layouts: organisation and free text."""
    text = dict(zip(result.free_text["response_id"], result.free_text["text"], strict=True))
    rids, orgs = result.responses["response_id"], result.responses["org_id"]
    return [(org, text.get(rid, "")) for rid, org in zip(rids, orgs, strict=True)]


@pytest.fixture(scope="module")
def reference(export_path: Path):
    return clean_export(export_path)


@pytest.mark.parametrize(
    ("header_rows", "layout"),
    [((0, 1, 2), "qualtrics-3row"), ((0, 1), "qualtrics-2row"), ((0,), "plain")],
)
def test_header_layouts(export_rows, write_variant, reference, header_rows, layout) -> None:
    rows = [export_rows[i] for i in header_rows] + export_rows[3:]
    result = clean_export(write_variant(rows))
    assert result.accounting["layout"] == layout
    assert result.accounting["kept"] == N_VALID
    assert _kept_ids(result) == _kept_ids(reference)
    assert (
        result.responses["straightforward"].tolist()
        == reference.responses["straightforward"].tolist()
    )


@pytest.mark.parametrize(
    ("delimiter", "encoding", "bom", "name"),
    [
        (",", "utf-8", False, "comma"),
        (",", "utf-8", True, "comma"),
        (";", "utf-8", True, "semicolon"),
        ("\t", "utf-8", False, "tab"),
        ("\t", "utf-16", False, "tab"),
        (",", "utf-16-le", False, "comma"),
        (";", "cp1252", False, "semicolon"),
    ],
)
def test_encodings_and_delimiters(
    export_rows, write_variant, reference, delimiter, encoding, bom, name
) -> None:
    rows = export_rows
    if encoding == "cp1252":  # drop characters Windows-1252 cannot hold
        rows = [[c.encode("cp1252", "replace").decode("cp1252") for c in r] for r in rows]
    path = write_variant(rows, delimiter=delimiter, encoding=encoding, bom=bom)
    result = clean_export(path)
    assert result.accounting["delimiter"] == name
    assert result.accounting["kept"] == N_VALID
    assert _kept_ids(result) == _kept_ids(reference)
    assert result.responses["source_row"].tolist() == reference.responses["source_row"].tolist()


def test_extra_columns(export_rows, write_variant, tmp_path: Path) -> None:
    rows = [list(r) for r in export_rows]
    extra = {
        "Q_RecaptchaScore": "0.9",
        "Team": "Materials group",
        "ContactEmail": "x",
        "Notes": "ok",
    }
    for name, value in extra.items():
        rows[0].append(name)
        rows[1].append(name)
        rows[2].append(json.dumps({"ImportId": name}))
        for r in rows[3:]:
            r.append(value)
    rows[5][rows[0].index("Notes")] = "198.51.100.77"
    rows[6][rows[0].index("ContactEmail")] = "someone.else@example.com"
    path = write_variant(rows)
    result, _, paths = run(path, tmp_path / "out", restricted=tmp_path / "restricted")
    cols = set(result.responses.columns)
    assert not {c for c in cols if "team" in c or "recaptcha" in c or "notes" in c}
    dropped = result.accounting["columns_dropped"]
    assert dropped["Team"] == "not a question of the instrument"
    assert dropped["Q_RecaptchaScore"] == "survey-platform metadata the analysis does not use"
    assert dropped["ContactEmail"].startswith("personal data")
    assert dropped["Notes"] == "personal data (values look like e-mail or IP addresses)"
    for p in paths:
        blob = p.read_bytes()
        if p.suffix == ".parquet":
            blob += pd.read_parquet(p).to_csv(index=False).encode("utf-8")
        for value in (b"198.51.100.77", b"someone.else@example.com", b"Materials group"):
            assert value not in blob, (p.name, value)


def test_unknown_likert_label_names_label_question_and_row(export_rows, write_variant) -> None:
    line = int(gen.make_truth(gen.DEFAULT_SEED)["source_row"].iloc[0])
    idx = line - 1
    assert all("\n" not in c for r in export_rows[:idx] for c in r)
    rows = [list(r) for r in export_rows]
    rows[idx][rows[0].index("Q5_3")] = "Kinda agree"
    path = write_variant(rows)
    with pytest.raises(SurveyInputError) as err:
        clean_export(path)
    msg = str(err.value)
    assert "'Kinda agree'" in msg
    assert "Q5_3" in msg and "COVID-19 travel restrictions" in msg
    assert f"line {line}" in msg and str(path) in msg
    # the same export with on_unknown_label=reject quarantines the row and goes on
    result = clean_export(path, CleanParams(on_unknown_label="reject"))
    assert result.accounting["kept"] == N_VALID - 1
    rej = result.rejects[result.rejects["source_row"] == line]
    assert rej["column"].tolist() == ["Q5_3"] and rej["value"].tolist() == ["Kinda agree"]


def test_label_variants_accepted(export_rows, write_variant, reference) -> None:
    line = int(gen.make_truth(gen.DEFAULT_SEED)["source_row"].iloc[0])
    rows = [list(r) for r in export_rows]
    rows[line - 1][rows[0].index("Q8")] = "  not straightforward AT ALL "
    rows[line - 1][rows[0].index("Q6")] = "3\u20135 years"
    result = clean_export(write_variant(rows))
    first = result.responses.iloc[0]
    assert first["straightforward"] == "Not at all straightforward"
    assert first["experience"] == "3-5 years"


def test_respondent_who_ticked_nothing(export_rows, write_variant) -> None:
    line = int(gen.make_truth(gen.DEFAULT_SEED)["source_row"].iloc[0])
    rows = [list(r) for r in export_rows]
    rows[line - 1][rows[0].index("Q4")] = ""
    result = clean_export(write_variant(rows))
    resp = result.responses
    assert len(resp) == N_VALID
    assert resp.iloc[0]["drivers_n"] == 0
    long = result.answers_long
    assert long[(long["response_id"] == "R001") & (long["question_id"] == "Q4")].empty
    findings = survey_findings(resp, long)
    assert findings["drivers_no_answer"] == int((resp["drivers_n"] == 0).sum()) >= 1
    assert findings["survey_responses"] == N_VALID


def test_empty_file(tmp_path: Path) -> None:
    for data in (b"", b"\xef\xbb\xbf", b"\r\n\r\n"):
        path = tmp_path / "empty.csv"
        path.write_bytes(data)
        with pytest.raises(SurveyInputError, match="empty"):
            read_export(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SurveyInputError, match="no such file"):
        read_export(tmp_path / "nope.csv")


@pytest.mark.parametrize("n_header", [1, 2, 3])
def test_header_only(export_rows, write_variant, tmp_path: Path, n_header) -> None:
    path = write_variant(export_rows[:n_header])
    result, findings, paths = run(path, tmp_path / "out")
    assert result.accounting["raw_rows"] == 0 == result.accounting["kept"]
    assert len(result.responses) == 0
    assert findings["survey_responses"] == 0
    assert findings["survey_very_straightforward_share"] is None
    assert all(p.exists() for p in paths)


def test_ragged_row_is_quarantined(export_rows, write_variant) -> None:
    rows = [list(r) for r in export_rows]
    rows[4] = rows[4] + ["surplus", "cells"]
    result = clean_export(write_variant(rows))
    acc = result.accounting
    assert acc["raw_rows"] == len(rows) - 3
    assert acc["raw_rows"] == acc["kept"] + acc["rejected"] + acc["duplicates"]
    assert result.rejects["reason"].str.startswith("malformed row").any()


def test_numeric_status_codes(export_rows, write_variant) -> None:
    codes = {"IP Address": "0", "Survey Preview": "1", "Spam": "8"}
    rows = [list(r) for r in export_rows]
    col = rows[0].index("Status")
    for r in rows[3:]:
        r[col] = codes[r[col]]
    result = clean_export(write_variant(rows))
    assert result.accounting["kept"] == N_VALID


def test_split_multi_handles_commas_inside_labels() -> None:
    scale = load_scales()["drivers"]
    labels, unknown = split_multi(
        "Access to data, data subjects and infrastructure,Access to funding", scale
    )
    assert labels == ["Access to data, data subjects and infrastructure", "Access to funding"]
    assert unknown == []
    labels, unknown = split_multi("Access to funding,Free lunches", scale)
    assert labels == ["Access to funding"] and unknown == ["Free lunches"]
    assert split_multi("", scale) == ([], [])


def test_unknown_multiselect_option_raises(export_rows, write_variant) -> None:
    line = int(gen.make_truth(gen.DEFAULT_SEED)["source_row"].iloc[0])
    rows = [list(r) for r in export_rows]
    rows[line - 1][rows[0].index("Q4")] = "Access to funding,Free lunches"
    with pytest.raises(SurveyInputError, match="Free lunches"):
        clean_export(write_variant(rows))
