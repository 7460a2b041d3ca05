"""Coded excerpts (issue 16 item 4): matched to codes and cases, redacted, published only when
approved and only for codes raised in at least k interviews; nothing identifying reaches a
shared file; the synthetic edition's approvals cannot drift from its excerpts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline import catalog
from pipeline.interviews.excerpts import (
    OUTPUT_FILES,
    clean_excerpts,
    excerpt_id,
    find_excerpts,
    write_excerpts,
)
from pipeline.interviews.read import InterviewsInputError
from pipeline.io import repo_root
from pipeline.privacy import excerpt_hash, redact

CODEBOOK = pd.DataFrame(
    {
        "code_id": ["ben_trust", "rsk_rare", "gp_a"],
        "code_path": ["Benefits\\Trust", "Risks\\Rare", "Good practices\\Trust"],
        "theme": ["benefits", "risks", "good_practices"],
        "description": ["", "", ""],
    }
)
COUNTS = pd.DataFrame({"code_id": ["ben_trust", "rsk_rare", "gp_a"], "interviews_total": [9, 2, 6]})
CASES = ["INT-01", "INT-02"]
EMAIL, NAME = "w.zhang@example.edu.cn", "Dr Wei Zhang"


def _export(tmp: Path, rows: list[tuple[str, str, str]], header: str = "Node,Document,Segment"):
    path = tmp / "excerpts.csv"
    body = "".join(f'"{a}","{b}","{c}"\n' for a, b, c in rows)
    path.write_text(header + "\n" + body, "utf-8")
    return path


def _approve(tmp: Path, items: list[tuple[str, str, str]]) -> Path:
    lines = ["excerpt_id,sha256"]
    for case, code, text in items:
        lines.append(f"{excerpt_id(case, code, text)},{excerpt_hash(redact(text)[0])}")
    path = tmp / "approved.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def test_codes_match_by_id_path_or_last_part_and_bad_rows_are_rejected(tmp_path: Path) -> None:
    rows = [("ben_trust", "int-01", "a"), ("Nodes\\Risks\\Rare", "INT-02", "b"),
            ("Nodes > Benefits > Trust", "INT-02", "c"), ("Trust", "INT-01", "d"),
            ("Nowhere", "INT-01", "e"), ("ben_trust", "INT-99", "f"), ("ben_trust", "INT-01", ""),
            ("ben_trust", "int-01", "a")]  # fmt: skip
    result = clean_excerpts(_export(tmp_path, rows), CODEBOOK, CASES, COUNTS, tmp_path / "no", 5)
    assert list(result.candidates["code_id"]) == ["ben_trust", "rsk_rare", "ben_trust"]
    reasons = dict(zip(result.rejects["source_row"], result.rejects["reason"], strict=True))
    assert reasons[5].startswith("code not in the codebook")  # "Trust" names two codes
    assert reasons[6].startswith("code not in the codebook")
    assert reasons[7].startswith("case not on the case sheet")
    assert reasons[8] == "no excerpt text" and reasons[9].startswith("duplicate")
    acc = result.accounting
    assert acc["raw_rows"] == acc["kept"] + acc["duplicates"] + acc["rejected"] == 8
    assert result.published.empty  # nothing approved


def test_only_approved_excerpts_of_codes_raised_k_times_are_published(tmp_path: Path) -> None:
    items = [("INT-01", "ben_trust", "We trust them."), ("INT-02", "rsk_rare", "It was rare."),
             ("INT-02", "gp_a", "We talk often.")]  # fmt: skip
    rows = [(code, case, text) for case, code, text in items]
    approvals = _approve(tmp_path, items[:2])
    result = clean_excerpts(_export(tmp_path, rows), CODEBOOK, CASES, COUNTS, approvals, 5)
    assert result.published["text"].tolist() == ["We trust them."]
    assert result.accounting["withheld_rare_code"] == 1
    assert "case_id" not in result.published.columns


def test_an_approval_lapses_when_the_text_changes(tmp_path: Path) -> None:
    approvals = _approve(tmp_path, [("INT-01", "ben_trust", "We trust them.")])
    rows = [("ben_trust", "INT-01", "We trust them a lot.")]
    result = clean_excerpts(_export(tmp_path, rows), CODEBOOK, CASES, COUNTS, approvals, 5)
    assert result.published.empty


def test_identifiers_reach_only_the_restricted_folder(tmp_path: Path) -> None:
    text = f"{NAME} ({EMAIL}) said we trust them."
    approvals = _approve(tmp_path, [("INT-01", "ben_trust", text)])
    export = _export(tmp_path, [("ben_trust", "INT-01", text)])
    result = clean_excerpts(export, CODEBOOK, CASES, COUNTS, approvals, 5)
    shared, private = tmp_path / "shared", tmp_path / "private"
    write_excerpts(result, shared, private)
    published = (shared / OUTPUT_FILES["published"]).read_text("utf-8")
    assert "said we trust them" in published
    for value in (EMAIL, "Wei Zhang"):
        assert all(value not in p.read_text("utf-8") for p in shared.iterdir())
        assert value in (private / "interviews_excerpts.csv").read_text("utf-8")


def test_a_missing_text_column_is_named(tmp_path: Path) -> None:
    export = _export(tmp_path, [("ben_trust", "INT-01", "x")], header="Code,Case,Memo")
    with pytest.raises(InterviewsInputError, match="no text column"):
        clean_excerpts(export, CODEBOOK, CASES, COUNTS, tmp_path / "no", 5)


def test_no_excerpts_folder_means_no_excerpts(tmp_path: Path) -> None:
    assert find_excerpts("auto", tmp_path / "absent") is None
    (tmp_path / "e").mkdir()
    assert find_excerpts("auto", tmp_path / "e") is None


def test_the_synthetic_approvals_match_the_synthetic_excerpts() -> None:
    from pipeline.synthetic.interviews.excerpts import APPROVER, approval_rows

    root = repo_root()
    excerpts = pd.read_csv(
        root / catalog.path("raw.interviews") / "excerpts" / "interviews_excerpts_SYNTHETIC.csv",
        dtype=str,
        keep_default_na=False,
    )
    committed = pd.read_csv(root / catalog.path("review.approved_excerpts"), comment="#", dtype=str)
    synthetic = committed[committed["reviewer"] == APPROVER].reset_index(drop=True)
    assert len(synthetic) > 20
    pd.testing.assert_frame_equal(synthetic, approval_rows(excerpts).astype(str))
