"""The key-findings page (issue 15 item 1): one line per computed published figure."""

from __future__ import annotations

import pytest

from pipeline.keyfindings import key_findings_markdown, value_text


def test_values_are_written_in_a_few_words() -> None:
    assert value_text(12600) == "12,600" and value_text(2003, "year") == "2003"
    assert value_text(0.6762, "share") == "67.6%"
    assert value_text(77.56, "percent") == "77.56"
    top = [{"centres": 54, "country": "GB", "name": "Alpha"}, {"name": "Beta", "centres": 3}]
    assert value_text(top) == "Alpha (54), Beta (3)"
    assert value_text({"synthetic_biology": 4}) == "synthetic biology 4"
    assert value_text(["A", "B", "C", "D"]) == "A, B, C and 1 more"
    assert value_text({"x": 1, "y": 5}) == "y 5, x 1"
    assert value_text([]) == "none"


def test_every_computed_figure_gets_a_line_with_its_status_and_chapter() -> None:
    figures = {
        "centres_total": {"computed": "centres_total", "finding": "Centres", "unit": "centres"},
        "stem": {"computed": "shares.stem", "finding": "STEM share", "unit": "percent"},
        "era": {"role": "parameter", "value": [2014, 2019]},
    }
    findings = {"centres_total": 160, "shares": {"stem": 77.5}}
    text = key_findings_markdown(
        figures,
        findings,
        {"centres_total": False, "stem": True},
        {"centres_total": "phase2_centres", "shares": "phase2_centres"},
        {"phase2_centres": "Joint centres"},
    )
    lines = text.strip().splitlines()
    assert len(lines) == 2
    assert lines[0] == (
        "- **Centres**: 160 — differs from the brief ([Joint centres](generated/phase2_centres.ipynb))"
    )
    assert "**STEM share**: 77.5 — reproduces the brief" in lines[1]


def test_figures_and_tables_are_listed_from_the_executed_chapters(tmp_path, monkeypatch) -> None:
    import json

    from pipeline import keyfindings

    nb = tmp_path / "phase2_centres.ipynb"
    outputs = [
        {"data": {"text/markdown": ["**Figure 5.1.** Centres by year."]}},
        {"data": {"text/markdown": ["(centres_growth)=\n**Table 5.1.** Centres by\nsector."]}},
        {"data": {"text/markdown": ["Not a caption."]}},
    ]
    nb.write_text(json.dumps({"cells": [{"cell_type": "code", "outputs": outputs}]}), "utf-8")
    assert keyfindings.captions(nb) == [
        ("Figure", "5.1", "Centres by year.", ""),
        ("Table", "5.1", "Centres by sector.", "centres_growth"),
    ]
    monkeypatch.setattr(keyfindings.catalog, "locate", lambda key, root=None: nb)
    text = keyfindings.figures_list_markdown(tmp_path, ["phase2_centres"])
    assert "- [Figure 5.1](generated/phase2_centres.ipynb) Centres by year." in text
    assert "- {ref}`Table 5.1 <centres_growth>` Centres by sector." in text
    assert "## Tables\n\n- {ref}`Table 5.1 <centres_growth>` Centres by sector." in text


def test_a_finding_links_to_the_figure_it_names() -> None:
    figures = {
        "centres_total": {"computed": "centres_total", "finding": "Centres", "figure": "growth"},
    }
    args = ({"centres_total": 160}, {}, {"centres_total": "phase2_centres"}, {})
    text = key_findings_markdown(figures, *args, {"growth": ("5.1", "phase2_centres")})
    assert text.startswith("- **Centres**: 160 — not checked ({ref}`Figure 5.1 <growth>`) (")
    with pytest.raises(ValueError, match="names figure 'growth'"):
        key_findings_markdown(figures, *args, {})


def test_every_figure_a_finding_names_is_labelled_in_a_chapter_notebook() -> None:
    """The key-findings page fails to build if a label goes missing; catch it before."""
    import json
    import re
    from pathlib import Path

    from pipeline import published

    root = Path(__file__).resolve().parents[1]
    named = {s["figure"] for s in published.load_figures().values() if s.get("figure")}
    labels = set()
    for nb in (root / "notebooks").glob("*.ipynb"):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            labels |= set(re.findall(r'label="([a-z0-9_]+)"', "".join(cell["source"])))
    assert named and named <= labels, sorted(named - labels)
