"""Disclosure control holds on every output of the built book (issue 13 item 3).

The hidden cells are counted here from the processed survey and interview tables, not taken
from the chapters, so a chapter that forgets to hide a cell is caught too: every count of
people from 1 to k-1 (one answer to a survey question, the respondents agreeing with a
statement, an interview code overall and by discipline group), apart from the whole-sample
counts that ``pipeline.disclosure.WHOLE_SAMPLE_EXCEPTIONS`` allows. No output of the build
(executed notebooks, HTML, JSON and CSV files) may hold a number from which such a cell can
be recomputed: "c of n", "c/n", its share as a percentage (one decimal or whole, with or
without the people it is a share of) or as a share in ``metrics/findings.json``; a text that
a shown cell also produces (the published "1 of 42" who felt at risk) is ambiguous and
skipped. The outputs scanned are the chapters that
show counts of people (survey, interviews, synthesis), in both forms, and the CSV downloads;
other chapters' percentages (papers, centres) are not about people and would only collide.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pipeline import disclosure

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]

#: Chapters that show counts of people (the outputs scanned).
PEOPLE_CHAPTERS = ("phase2_survey", "phase2_interviews", "phase3_synthesis")
#: Survey answers counted together as agreeing with a statement.
AGREE = ("Somewhat agree", "Strongly agree")
#: Interview code-count columns and the discipline group each counts.
GROUP_COLUMNS = {
    "stem": "STEM",
    "social_sciences": "Social sciences",
    "arts_and_humanities": "Arts and humanities",
    "support_services": "Support services",
}
#: (source, question or code, answer or group) of the whole-sample counts shown by rule.
EXCEPTIONS = {("survey", "at_risk", "Yes"), ("interviews", "rsk_felt_at_risk", "all")}


def _k(root: Path) -> int:
    params = yaml.safe_load((root / "params.yaml").read_text(encoding="utf-8"))
    return int(params["common"]["k_anonymity"])


def _survey_cells(root: Path) -> list[tuple[str, str, str, int, int]]:
    answers = pd.read_parquet(root / "data/processed/survey/survey_answers_long.parquet")
    cells = []
    for question, rows in answers.groupby("question_key"):
        n = rows["response_id"].nunique()
        counts = rows.groupby("value")["response_id"].nunique()
        for value, c in counts.items():
            cells.append(("survey", str(question), str(value), int(c), n))
        if counts.index.isin(AGREE).any():
            agreed = rows.loc[rows["value"].isin(AGREE), "response_id"].nunique()
            cells.append(("survey", str(question), "agree", int(agreed), n))
    return cells


def _interview_cells(root: Path) -> list[tuple[str, str, str, int, int]]:
    folder = root / "data/processed/interviews"
    cases = pd.read_parquet(folder / "interviews_cases.parquet")
    codes = pd.read_parquet(folder / "interviews_code_counts.parquet")
    sizes = cases["discipline_group"].value_counts()
    n_all = cases["case_id"].nunique()
    cells = []
    for row in codes.itertuples(index=False):
        cells.append(("interviews", row.code_id, "all", int(row.interviews_total), n_all))
        for column, group in GROUP_COLUMNS.items():
            cells.append(
                ("interviews", row.code_id, group, int(getattr(row, column)), sizes[group])
            )
    return cells


def _cells(root: Path) -> tuple[list[tuple], list[tuple]]:
    """(hidden, shown) cells: ``(source, question, answer, count, denominator)``."""
    k = _k(root)
    hidden, shown = [], []
    for cell in _survey_cells(root) + _interview_cells(root):
        small = 0 < cell[3] < k and cell[:3] not in EXCEPTIONS
        (hidden if small else shown).append(cell)
    return hidden, shown


def _outputs(root: Path) -> list[Path]:
    """The outputs that show counts of people: the people chapters as executed notebooks and
    HTML pages, and every CSV and Excel download of the book, the figures' and tables' files
    and the tables workbook among them (findings.json is read separately)."""
    files = [root / f"book/generated/{stem}.ipynb" for stem in PEOPLE_CHAPTERS]
    files += [
        p
        for p in sorted((root / "book/_build/html").rglob("*.html"))
        if any(stem in p.name for stem in PEOPLE_CHAPTERS)
    ]
    files += sorted((root / "book/_build/html").rglob("*.csv"))
    files += sorted((root / "book/_build/html").rglob("*.xlsx"))
    missing = [str(p) for p in files if not p.is_file()]
    assert not missing, f"outputs not built: {missing}"
    return files


#: outputs of a notebook that are images: their base64 text can spell "3/9" by chance
BINARY_OUTPUTS = ("image/png", "application/pdf")


def _text(path: Path) -> str:
    """The text of an output: a workbook's sheets as CSV text, one after another; a
    notebook without its images (each chart is also in it as text: spec, alt text)."""
    if path.suffix == ".xlsx":
        sheets = pd.read_excel(path, sheet_name=None, dtype=str)
        return "\n".join(frame.to_csv(index=False) for frame in sheets.values())
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb.get("cells", []):
            for output in cell.get("outputs", []):
                for kind in BINARY_OUTPUTS:
                    output.get("data", {}).pop(kind, None)
        return json.dumps(nb, ensure_ascii=False)
    return path.read_text(encoding="utf-8", errors="replace")


def _patterns(c: int, n: int, source: str) -> set[str]:
    """Regular expressions for the texts that state (or recompute) ``c`` of ``n``."""
    pct = 100 * c / n
    people = "interviews" if source == "interviews" else "(?:survey )?respondents"
    texts = {
        rf"{c}\s*(?:of|out of|/)\s*{n}",
        rf"{pct:.1f}\s*%",
        rf"{pct:.0f}\s*% of (?:the )?(?:all )?{people}",
        rf"{pct:.0f}\s*%",
    }
    return {rf"(?<![\w.,]){t}(?![\w]|[.,]\d)" for t in texts}


def _share_values(findings: object, path: str = "") -> list[tuple[str, float]]:
    """Non-integer numbers under share-like keys about people in findings.json, by key path."""
    if isinstance(findings, dict):
        return [v for key, value in findings.items() for v in _share_values(value, f"{path}.{key}")]
    if isinstance(findings, list):
        return [v for i, value in enumerate(findings) for v in _share_values(value, f"{path}[{i}]")]
    name = path.lower()
    people = any(w in name for w in ("survey", "interview", "synthesis", "at_risk"))
    shareish = people and any(w in name for w in ("share", "pct", "percent", "proportion"))
    if shareish and isinstance(findings, float) and not findings.is_integer():
        return [(path, findings)]
    return []


def scan(root: Path) -> dict[str, list[str]]:
    """Every output holding a number that recomputes a hidden cell, with what was found."""
    hidden, shown = _cells(root)
    # a text a shown cell also produces ("1 of 42", "2%") cannot tell which cell it states
    ambiguous = set().union(*(_patterns(c, n, source) for source, _, _, c, n in shown if n))
    leaks: dict[str, list[str]] = {}
    for path in _outputs(root):
        text = _text(path)
        for source, question, answer, c, n in hidden:
            for pattern in sorted(_patterns(c, n, source) - ambiguous):
                hit = re.search(pattern, text)
                if hit:
                    where = str(path.relative_to(root))
                    leaks.setdefault(where, []).append(f"{source} {question}={answer}: {hit[0]!r}")
    findings = json.loads((root / "metrics/findings.json").read_text(encoding="utf-8"))
    for key, value in _share_values(findings):
        for source, question, answer, c, n in hidden:
            if abs(value - 100 * c / n) < 0.05 or abs(value - c / n) < 0.0005:
                leaks.setdefault("metrics/findings.json", []).append(
                    f"{source} {question}={answer}: {key}={value}"
                )
    return leaks


def test_the_scan_has_hidden_cells_to_look_for(built) -> None:
    hidden, shown = _cells(built.root)
    assert len(hidden) >= 10, "the synthetic edition should hold small counts of people"
    assert shown, "and counts large enough to show"
    assert set(disclosure.WHOLE_SAMPLE_EXCEPTIONS) == {
        "at_risk_survey_respondents",
        "at_risk_interviewees",
    }, "the scan's EXCEPTIONS must list the cells the disclosure rule lets through"


def test_no_output_recomputes_a_hidden_count_of_people(built) -> None:
    leaks = scan(built.root)
    assert not leaks, f"hidden counts of people can be recomputed from: {leaks}"


def test_each_survey_question_has_one_denominator_across_chapters(built) -> None:
    """The respondents who answered a question are the same number wherever a share of it
    is stated: findings.json and every "of N survey respondents" in the people chapters."""
    root = built.root
    answers = pd.read_parquet(root / "data/processed/survey/survey_answers_long.parquet")
    answered = answers.groupby("question_key")["response_id"].nunique()
    findings = json.loads((root / "metrics/findings.json").read_text(encoding="utf-8"))
    checked = [
        key
        for key, question in (
            ("survey_drivers_answered", "drivers"),
            ("survey_at_risk_answered", "at_risk"),
            ("survey_straightforward_n", "straightforward"),
        )
        if key in findings and findings[key] == answered[question]
    ]
    present = {"survey_drivers_answered", "survey_at_risk_answered", "survey_straightforward_n"}
    assert checked == [key for key in present if key in findings] or sorted(checked) == sorted(
        present & set(findings)
    ), (
        f"findings.json disagrees with the answers on {sorted((present & set(findings)) - set(checked))}"
    )
    assert checked, "findings.json states no survey denominator to compare"
    allowed = {int(n) for n in answered}
    stated = re.compile(r"\b\d+ of (\d+) (?:survey )?respondents")
    # the one survey count every people chapter states: who felt at risk, out of who answered
    at_risk = re.compile(rf"\b{findings['at_risk_survey_respondents']} of (\d+) survey respondents")
    for stem in PEOPLE_CHAPTERS:
        text = (root / f"book/generated/{stem}.ipynb").read_text(encoding="utf-8")
        wrong = {int(n) for n in stated.findall(text)} - allowed
        assert not wrong, f"{stem}: shares out of {sorted(wrong)} respondents, no question's count"
        risk = {int(n) for n in at_risk.findall(text)} - {int(answered["at_risk"])}
        assert not risk, f"{stem}: felt at risk out of {sorted(risk)}, not {answered['at_risk']}"


def _named_organisations(root: Path, chapter: str) -> set[str]:
    """Registry names in the outputs of ``chapter`` before its Limitations section (where the
    triangulation chapter lists institution names as recorded, for matching, not as claims)."""
    from pipeline import published

    notebook = json.loads((root / f"book/generated/{chapter}.ipynb").read_text(encoding="utf-8"))
    texts = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown" and "## Limitations" in "".join(cell["source"]):
            break
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            texts.append(
                "".join(data.get("text/html", "")) + "".join(data.get("text/markdown", ""))
            )
    text = re.sub(r"data:[\w/+.-]+;base64,[\w/+=]+", "", "\n".join(texts))  # embedded images
    registry = pd.read_csv(root / "data/reference/organisations.csv")
    brief = published.load_figures(root / "data/reference/published_figures.yaml")
    kept = set(brief["top_connected"]["value"])
    return {
        name
        for name in registry["name"]
        if name not in kept and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)
    }


def test_a_synthetic_edition_makes_no_claim_about_a_named_real_organisation(built) -> None:
    """Issue 13 item 4: the network and triangulation chapters name only the organisations the
    brief names as most connected; every other organisation carries a pseudonym."""
    edition = yaml.safe_load((built.root / "data/raw/EDITION.yaml").read_text(encoding="utf-8"))
    assert edition["synthetic"] is True, "the bundled data should be the synthetic edition"
    for chapter in ("phase3_network", "phase3_triangulation"):
        named = _named_organisations(built.root, chapter)
        assert not named, f"{chapter} names real organisations beside simulated values: {named}"
    text = (built.root / "book/generated/phase3_triangulation.ipynb").read_text(encoding="utf-8")
    assert "UK organisation 1" in text, "the pseudonyms should be shown instead"
