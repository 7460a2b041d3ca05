"""Issue 19: the survey cleaner keeps only the instrument's columns, free text stays restricted,
and only excerpts a reviewer approved (by hash of the redacted text) are published."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline.privacy import PrivacyError, excerpt_hash
from pipeline.survey.anonymise import platform_columns
from pipeline.survey.clean import OUTPUT_FILES, CleanParams, clean_export, run
from pipeline.survey.instrument import load_questions

FORMS_TIMES = {"Start time": "3/14/22 9:41:27", "Completion time": "3/14/22 9:58:03"}
CONTACT = "call +44 7700 900461 or ruth.plantwell@example.org"


def _with_extra_columns(rows: list[list[str]]) -> list[list[str]]:
    rows = [list(r) for r in rows]
    for name, text in [("Q10", "How can we reach you?"), *((t, t) for t in FORMS_TIMES)]:
        rows[0].append(name)
        rows[1].append(text)
        rows[2].append(json.dumps({"ImportId": name}))
        for r in rows[3:]:
            r.append(CONTACT if name == "Q10" else FORMS_TIMES[name])
    return rows


def _shared_text(folder: Path) -> str:
    parts = []
    for p in sorted(folder.iterdir()):
        parts.append(
            pd.read_parquet(p).astype(str).to_csv(index=False)
            if p.suffix == ".parquet"
            else p.read_text(encoding="utf-8")
        )
    return "\n".join(parts)


def test_only_the_instrument_s_columns_are_kept(export_rows, write_variant, tmp_path) -> None:
    path = write_variant(_with_extra_columns(export_rows))
    result, _, _ = run(path, tmp_path / "out", restricted=tmp_path / "restricted")
    questions = load_questions()
    allowed = {"response_id", "source_row", "org_id", "org_match_method", "org_match_score"}
    allowed |= {p.output for p in platform_columns() if p.output}
    allowed |= {q.key for q in questions if q.type in ("single", "likert", "multi")}
    allowed |= {f"{q.key}_n" for q in questions if q.type == "multi"}
    assert set(result.responses.columns) <= allowed, set(result.responses.columns) - allowed
    dropped = result.accounting["columns_dropped"]
    assert dropped["Q10"].startswith("personal data")  # "reach you" in its question text
    assert (
        dropped["Start time"] == dropped["Completion time"] == "timestamp (the analysis uses none)"
    )
    text = _shared_text(tmp_path / "out")
    for value in (CONTACT, "+44 7700 900461", "ruth.plantwell", *FORMS_TIMES.values()):
        assert value not in text, value
    assert "How can we reach you?" not in text  # dropped columns: by name only
    assert "Q10" in text and "Completion time" in text


def test_free_text_and_unresolved_names_only_in_the_restricted_folder(
    export_rows, write_variant, tmp_path
) -> None:
    rows = [list(r) for r in export_rows]
    q1 = rows[0].index("Q1")
    self_named = "Dr A. Person, Dept of Chemistry, University of X"
    rows[5][q1] = self_named
    result, _, _ = run(write_variant(rows), tmp_path / "out", restricted=tmp_path / "r")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(OUTPUT_FILES.values())
    shared = _shared_text(tmp_path / "out")
    assert "A. Person" not in shared and "Dept of Chemistry" not in shared
    kept_back = (tmp_path / "r" / "survey_unresolved_organisations.csv").read_text("utf-8")
    assert self_named in kept_back
    free_text = pd.read_csv(tmp_path / "r" / "survey_free_text.csv")
    assert len(free_text) == result.accounting["restricted"]["free_text_answers"] > 0
    assert (free_text["sha256"] == free_text["redacted"].map(excerpt_hash)).all()
    for text in free_text["text"]:
        assert text not in shared


def test_own_two_letter_surnames_are_redacted(export_rows, write_variant) -> None:
    rows = [list(r) for r in export_rows]
    ids = rows[0]
    kept = {"Status": "IP Address", "Finished": "True", "Progress": "100"}
    row = next(r for r in rows[3:] if all(r[ids.index(c)] == v for c, v in kept.items()))
    row[ids.index("RecipientLastName")] = "Xu"
    row[ids.index("RecipientFirstName")] = "Li"
    row[ids.index("Q7_TEXT")] = (
        "Xu and Li ran the joint lab; write to li.xu [at] example [dot] org."
    )
    result = clean_export(write_variant(rows))
    hit = result.free_text[result.free_text["text"].str.startswith("Xu and Li")]
    assert hit["redacted"].tolist() == [
        "[name removed] and [name removed] ran the joint lab; write to [email removed]."
    ]
    # another respondent's two-letter names are not removed from everyone's text
    others = result.free_text[~result.free_text["text"].str.startswith("Xu and Li")]
    assert not others["redacted"].str.contains("[name removed]", regex=False).all()


def _approve(path: Path, rows: list[tuple[str, str]]) -> Path:
    lines = ["excerpt_id,sha256,reviewer", *(f"{i},{h},A. Reviewer" for i, h in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_only_approved_unchanged_excerpts_are_published(export_path, tmp_path) -> None:
    first = clean_export(export_path)
    assert first.excerpts.empty  # nothing approved: nothing published
    candidates = first.free_text
    pick = candidates.iloc[[0, 1]]
    approvals = _approve(
        tmp_path / "approved.csv",
        [
            (pick["excerpt_id"].iloc[0], pick["sha256"].iloc[0]),
            (pick["excerpt_id"].iloc[1], excerpt_hash("an older wording of the answer")),
            ("survey:R999:comments", excerpt_hash("no such excerpt")),
        ],
    )
    params = CleanParams(approvals_path=str(approvals))
    result, _, _ = run(export_path, tmp_path / "out", params, restricted=tmp_path / "r")
    published = pd.read_csv(tmp_path / "out" / OUTPUT_FILES["excerpts"])
    assert published.to_dict("records") == [
        {"excerpt_id": pick["excerpt_id"].iloc[0], "text": pick["redacted"].iloc[0]}
    ]
    assert result.accounting["restricted"]["excerpts"] == {
        "candidates": len(candidates),
        "approved": 1,
        "stale": 1,
        "unknown": 1,
    }


def test_a_malformed_approvals_file_is_an_error_naming_the_line(export_path, tmp_path) -> None:
    bad = _approve(tmp_path / "approved.csv", [("survey:R001:comments", "not-a-hash")])
    with pytest.raises(PrivacyError, match=r"approved.csv: line 2: sha256 'not-a-hash'"):
        clean_export(export_path, CleanParams(approvals_path=str(bad)))
