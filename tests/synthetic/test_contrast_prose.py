"""The Phase 1 and Phase 2 headline sentences follow the data: on the contrast edition they
state its numbers and its direction, and none of the reference edition's wording survives.

Both editions are generated with ``python -m pipeline reference generate``'s command line and
cleaned with the project's cleaners (:mod:`edition_findings`). Each headline sentence is then
built the way the chapter builds it, without executing the notebook: its values come from the
same :mod:`pipeline.*.chapter` function the notebook's code cell calls, glued with
:func:`pipeline.report.glue`, and placed into the notebook's own Markdown cell (the one that
holds the sentence's section). So a sentence typed back into the Markdown as static text
("fell", "more centres in China") is rendered unchanged on both editions, and the contrast
checks below fail.

Expected directions come from the edition's cleaned data (``Edition.headlines``, the tests'
own words "rising"/"falling"), never from the prose under test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from edition_findings import clean_edition

from pipeline import published, report, wording
from pipeline.biblio import chapter as bp
from pipeline.biblio.findings import yearly_table
from pipeline.biblio.read import find_group_by, year_counts
from pipeline.centres import chapter as cp
from pipeline.centres import charts as cc
from pipeline.centres import clean_centres
from pipeline.interviews import chapter as ip
from pipeline.params import param
from pipeline.survey import chapter as sp
from pipeline.survey.findings import question_bases
from pipeline.synthetic import DEFAULT_SEED, generate
from pipeline.synthetic.scenario import load_scenario

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
EDITIONS = ("reference", "contrast")
ROLE = re.compile(r"\{glue:md\}`([^`]+)`")


@dataclass
class Built:
    """One edition: its cleaned headlines and the chapter values of its headline sentences."""

    heads: dict[str, Any]
    values: dict[str, dict[str, Any]]  # notebook -> glue name -> value


def _chapter_values(raw: Path, findings: Mapping[str, Any], figures: dict) -> dict[str, dict]:
    """The glue values of the headline sentences, from the chapters' own functions."""
    k = int(param("common.k_anonymity"))
    era = published.golden_era(figures)
    named = [str(n) for n in figures["top_connected"]["value"]]
    edition = wording.read_edition(raw / "EDITION.yaml")
    result = clean_centres(next((raw / "centres").glob("*.xlsx")))
    years = cc.years_frame(findings["centres_new_by_year"])
    ranking = cp.partner_ranking(result.centre_partners, result.organisations)
    files = find_group_by(raw / "bibliometrics")
    yearly = yearly_table(year_counts(files["uk"]), year_counts(files["uk_cn"]))
    at_risk_base = question_bases(findings)["at_risk"]
    return {
        "phase2_centres": {
            **cp.growth_prose(years, era),
            **cp.location_prose(findings["centres_by_location"], findings["centres_total"]),
            **cp.partners_prose(ranking, edition, named),
        },
        "phase2_survey": {
            "straightforward_summary": sp.straightforward_summary(findings, k),
            **sp.at_risk_prose(findings),
        },
        "phase2_interviews": ip.risk_prose(
            findings, findings["at_risk_survey_respondents"], at_risk_base
        ),
        "phase1_bibliometrics": {
            **bp.yearly_prose(yearly, era),
            "share_summary": bp.share_summary(yearly),
        },
        "_ranking": {"top10_uk": int((ranking.head(10)["country"] == "GB").sum())},
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    out = {}
    for name in EDITIONS:
        figures = dict(load_scenario(name).figures)
        raw = tmp_path_factory.mktemp(f"{name}_raw")
        args = ["--seed", str(DEFAULT_SEED), "--scenario", name, "--out", str(raw)]
        assert generate.cli(args) == 0
        edition = clean_edition(raw, tmp_path_factory.mktemp(f"{name}_work"), figures)
        out[name] = Built(edition.headlines, _chapter_values(raw, edition.findings, figures))
    return out


def sentence(notebook: str, heading: str, values: Mapping[str, Any]) -> str:
    """The Markdown of the notebook's section ``heading`` (up to the next heading), with each
    ``{glue:md}`` role replaced by the text :func:`pipeline.report.glue` makes of its value
    (a role of another code cell reads ``<name>``), as one line.

    The section, not the role, locates the sentence, so a value typed back into the
    Markdown as static text is still read, and judged, on both editions.
    """
    nb = json.loads((NOTEBOOKS / f"{notebook}.ipynb").read_text(encoding="utf-8"))
    cells = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    lines = "\n".join(cells).splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() == heading]
    assert len(starts) == 1, f"{notebook}: no single section {heading!r}"
    section = []
    for line in lines[starts[0] + 1 :]:
        if line.startswith("#"):
            break
        section.append(line)

    def value(m: re.Match[str]) -> str:
        name = m.group(1)
        return report.glue(name, values[name]) if name in values else f"<{name}>"

    text = ROLE.sub(value, "\n".join(section))
    return " ".join(text.replace("\\", "").split())


def both(built: dict[str, Built], notebook: str, heading: str) -> tuple[str, str]:
    return tuple(sentence(notebook, heading, built[n].values[notebook]) for n in EDITIONS)


# --- centres ------------------------------------------------------------------------------


def test_growth_sentence_says_falling_in_the_reference_and_rising_in_the_contrast(built):
    ref, con = both(built, "phase2_centres", "## When the centres were founded")
    assert built["reference"].heads["new_centres_after_era"] == "falling"
    assert built["contrast"].heads["new_centres_after_era"] == "rising"
    assert "new centres a year fell after the golden era" in ref
    assert "new centres a year rose after the golden era" in con
    assert "fell" not in con, con
    for name, text in (("reference", ref), ("contrast", con)):
        heads = built[name].heads
        assert f"average of {heads['mean_new_in_era']:.1f} new centres" in text, text
        assert f"the average was {heads['mean_new_after_era']:.1f}" in text, text
    assert ref != con


def test_location_sentence_says_which_country_has_more_centres(built):
    ref, con = both(built, "phase2_centres", "## Where the centres are")
    for name, text in (("reference", ref), ("contrast", con)):
        heads = built[name].heads
        assert f"{heads['sited_in_china']} centres have a base in China" in text, text
        assert f"{heads['sited_in_uk']} in the UK" in text, text
    assert "more centres have a base in China than in the UK" in ref
    assert "more centres have a base in the UK than in China" in con
    assert "base in China than" not in con, con


def test_partner_sentence_names_the_country_of_the_first_and_the_british_in_the_top_ten(built):
    ref, con = both(built, "phase2_centres", "### Partner institutions")
    assert "a British organisation" in ref and "a Chinese organisation" not in ref
    assert "a Chinese organisation" in con and "a British organisation" not in con, con
    ref_uk = built["reference"].values["_ranking"]["top10_uk"]
    con_uk = built["contrast"].values["_ranking"]["top10_uk"]
    assert ref_uk > 5 > con_uk  # the data: most of the top ten British only in the reference
    assert f"{ref_uk} are British" in ref
    assert f"{con_uk} are British" in con, con


# --- survey and interviews ----------------------------------------------------------------


def test_straightforward_sentence_says_most_found_it_hard_only_in_the_contrast(built):
    ref, con = both(built, "phase2_survey", "## How straightforward it was to set up a partnership")
    assert built["contrast"].heads["not_straightforward_share"] > 50
    assert built["reference"].heads["not_straightforward_share"] < 50
    share = built["contrast"].heads["not_straightforward_share"]
    assert re.search(rf"most \(\d+, or {share:.1f}%\) found it not straightforward", con), con
    assert "most (" not in ref.split("found it not straightforward")[0], ref
    assert not re.search(r"(a minority|a few) \([^)]*\) found it not straightforward", con), con


@pytest.mark.parametrize(
    ("notebook", "heading"),
    [
        ("phase2_survey", "## Feeling at risk"),
        ("phase2_interviews", "## Feeling at risk: interviews and survey together"),
    ],
)
def test_at_risk_sentences_say_nobody_in_the_contrast(built, notebook, heading):
    ref, con = both(built, notebook, heading)
    said = {
        n: (built[n].heads["at_risk_survey"], built[n].heads["at_risk_interviews"])
        for n in EDITIONS
    }
    assert min(said["reference"]) > 0 and said["contrast"] == (0, 0)
    if notebook == "phase2_survey":
        expected = {n: f"answered the question, {said[n][0] or 'none'} said" for n in EDITIONS}
    else:
        expected = {
            n: f"sources, {said[n][1] or 'none'} of the {{}} interviewees and "
            f"{said[n][0] or 'none'} of the"
            for n in EDITIONS
        }
        total = {n: built[n].values[notebook]["risk_interviews_total"] for n in EDITIONS}
        expected = {n: expected[n].format(total[n]) for n in EDITIONS}
    assert expected["reference"] in ref, ref
    assert expected["contrast"] in con, con
    assert "none" not in ref, ref


# --- bibliometrics ------------------------------------------------------------------------


def test_copublication_sentence_says_grew_in_the_reference_and_fell_in_the_contrast(built):
    ref, con = both(built, "phase1_bibliometrics", "## Co-publications per year")
    assert built["reference"].heads["copubs_trend"] == "rising"
    assert built["contrast"].heads["copubs_trend"] == "falling"
    assert "Co-publications grew from" in ref and "times as many" in ref
    assert "Co-publications fell from" in con and "grew" not in con, con
    assert "times as many" not in con and "fewer" in con, con


def test_share_of_uk_output_sentence_follows_the_share(built):
    ref, con = both(built, "phase1_bibliometrics", "## Share of UK output")
    assert built["reference"].heads["copub_share_trend"] == "rising"
    assert built["contrast"].heads["copub_share_trend"] == "falling"
    assert "the share rose" in ref and "grew faster than UK publishing" in ref
    assert "the share fell" in con and "lost ground" in con, con
    assert "rose" not in con and "grew faster" not in con, con
