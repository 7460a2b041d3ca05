"""Tests for pipeline.synthesis.read: the theme files, validated on load."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from synthesis_data import REF, ROOT

from pipeline.synthesis.read import (
    SynthesisInputError,
    load_evidence_themes,
    load_literature_themes,
)


def test_shipped_reference_files_load_and_agree() -> None:
    lit = load_literature_themes(REF / "literature_themes.csv")
    themes = load_evidence_themes(REF / "evidence_themes.csv")
    assert set(lit["theme"]) == set(themes["theme"])
    assert set(lit["kind"]) == {"benefit", "risk"}
    # every basis cites a page of the brief
    assert lit["basis"].str.contains(r"RBA1839-1 pp?\. \d", regex=True).all()
    merged = lit.merge(themes, on="theme", suffixes=("_lit", "_map"))
    assert (merged["kind_lit"] == merged["kind_map"]).all()


def test_shipped_mapping_matches_codebook_and_survey_instrument() -> None:
    from pipeline.survey.instrument import load_questions, load_scales

    themes = load_evidence_themes(REF / "evidence_themes.csv")
    codebook = pd.read_csv(
        ROOT / "data" / "raw" / "interviews" / "interviews_codebook_SYNTHETIC.csv"
    )
    codes = set(codebook["code_id"])
    assert set(themes["interview_code_id"]) - {""} <= codes
    items = {q.item for q in load_questions() if q.item}
    drivers = set(load_scales()["drivers"].labels)
    for t in themes.itertuples(index=False):
        if t.survey_question == "challenge":
            assert t.survey_item in items
        elif t.survey_question == "driver":
            assert t.survey_item in drivers


def test_literature_bad_emphasis_names_row_and_column(tmp_path: Path) -> None:
    p = tmp_path / "lit.csv"
    p.write_text("theme,kind,emphasis,basis\na,risk,high,p. 1\nb,risk,huge,p. 2\n")
    with pytest.raises(SynthesisInputError, match=r"lit.csv: row 3, column emphasis"):
        load_literature_themes(p)


def test_literature_duplicate_theme_and_missing_file(tmp_path: Path) -> None:
    p = tmp_path / "lit.csv"
    p.write_text("theme,kind,emphasis,basis\na,risk,high,p. 1\na,risk,low,p. 2\n")
    with pytest.raises(SynthesisInputError, match="row 3, column theme: duplicate"):
        load_literature_themes(p)
    with pytest.raises(SynthesisInputError, match="file not found"):
        load_literature_themes(tmp_path / "absent.csv")


def test_mapping_requires_item_for_challenge(tmp_path: Path) -> None:
    p = tmp_path / "map.csv"
    p.write_text(
        "theme,label,kind,survey_question,survey_item,interview_code_id\na,A,risk,challenge,,c1\n"
    )
    with pytest.raises(SynthesisInputError, match="row 2, column survey_item"):
        load_evidence_themes(p)
