"""Recommendations and good-practice tables: shape, scores, loader errors, own wording."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest
import yaml

from pipeline.synthesis.findings import synthesis_findings
from pipeline.synthesis.read import (
    SynthesisInputError,
    load_good_practices,
    load_recommendations,
)
from pipeline.synthesis.schemas import RECOMMENDATION_THEMES
from pipeline.synthetic import recommendations as rec_gen

REPO = Path(__file__).resolve().parents[2]
BRIEF = REPO / ".." / "shared" / "seeds" / "000_64dfd876e56c80c1.txt"
RAW = REPO / "data" / "raw" / "synthesis"


def figure(key: str) -> object:
    figs = yaml.safe_load((REPO / "data" / "reference" / "published_figures.yaml").read_text())
    return figs["figures"][key]["value"]


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synthesis")
    rec_gen.generate(out, 0)
    return out


def test_recommendations_total_matches_published_figure(tables: Path) -> None:
    recs = load_recommendations(tables / rec_gen.RECOMMENDATIONS_NAME)
    assert len(recs) == figure("recommendations_total")
    assert recs["id"].tolist() == list(range(1, len(recs) + 1))


def test_recommendation_themes_match_published_figure(tables: Path) -> None:
    recs = load_recommendations(tables / rec_gen.RECOMMENDATIONS_NAME)
    assert recs["theme"].nunique() == figure("recommendation_themes")
    assert set(recs["theme"]) == set(RECOMMENDATION_THEMES)
    by_theme = recs.groupby("theme")["id"].apply(list).to_dict()
    assert by_theme["enabling connections"] == [1, 2, 3]
    assert by_theme["sustaining the benefits"] == [4, 5]


def test_recommendations_carry_no_score(tables: Path) -> None:
    """Scores come from the workshop's sheet (pipeline.workshop), never from this table."""
    recs = load_recommendations(tables / rec_gen.RECOMMENDATIONS_NAME)
    assert list(recs.columns) == ["id", "theme", "title"]


def test_good_practice_groups_match_published_figure(tables: Path) -> None:
    gps = load_good_practices(tables / rec_gen.GOOD_PRACTICES_NAME)
    recs = load_recommendations(tables / rec_gen.RECOMMENDATIONS_NAME)
    f = synthesis_findings(recs, gps)
    assert f["good_practice_groups"] == figure("good_practice_groups")
    assert f["recommendations_total"] == figure("recommendations_total")
    assert f["recommendation_themes"] == figure("recommendation_themes")


def test_good_practices_link_to_codebook_codes(tables: Path) -> None:
    from pipeline.synthetic.interviews import codebook_frame

    gps = load_good_practices(tables / rec_gen.GOOD_PRACTICES_NAME)
    codes = codebook_frame()
    gp_codes = set(codes.loc[codes["theme"] == "good_practices", "code_id"])
    assert set(gps["code_id"]) == gp_codes


def test_generation_is_deterministic(tmp_path: Path) -> None:
    a = rec_gen.generate(tmp_path / "a", 3)
    b = rec_gen.generate(tmp_path / "b", 3)
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in a]
    assert digest == [hashlib.sha256(p.read_bytes()).hexdigest() for p in b]


def test_invalid_theme_names_file_row_and_column(tables: Path, tmp_path: Path) -> None:
    src = (tables / rec_gen.RECOMMENDATIONS_NAME).read_text().splitlines()
    cells = src[3].split(",")
    cells[1] = "dragons"  # theme of the third recommendation
    src[3] = ",".join(cells)
    bad = tmp_path / "recs.csv"
    bad.write_text("\n".join(src) + "\n")
    with pytest.raises(SynthesisInputError, match=r"recs\.csv: row 4, column theme"):
        load_recommendations(bad)


def _words(text: str) -> list[str]:
    text = text.replace("\u2019", "'").casefold()
    return re.findall(r"[a-z0-9]+", text)


def _ngrams(words: list[str], n: int = 8) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_no_eight_word_sequence_of_the_brief_is_copied(tables: Path) -> None:
    if not BRIEF.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{BRIEF} (../shared) is absent under CI")
        pytest.skip("brief text not available")
    from pipeline.synthetic.interviews import codebook_frame

    brief = _ngrams(_words(BRIEF.read_text(encoding="utf-8")))
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(tables.iterdir())}
    texts["codebook"] = codebook_frame().to_csv(index=False)
    for name in (
        "recommendations.csv",
        "good_practices.csv",
        "interviews_codebook_SYNTHETIC.csv",
    ):
        if (RAW / name).exists():
            texts[f"data/raw/synthesis/{name}"] = (RAW / name).read_text(encoding="utf-8")
    for name, text in texts.items():
        # each cell separately, so no sequence is formed across a cell boundary
        for line in text.splitlines():
            copied = _ngrams(_words(line)) & brief
            assert not copied, (name, sorted(copied)[:3])
