"""An export without an optional question cleans, says so, and the survey chapter still runs.

The chapter's code cells are executed in this process (parameters overridden, findings written
under a temporary root) on tables cleaned from the synthetic export with Q8 removed; what the
chapter prints is collected from :func:`pipeline.report.show_markdown` and
:func:`pipeline.report.glue`.
"""

from __future__ import annotations

import json
import shutil
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pipeline import catalog, report
from pipeline.survey.clean import clean_export, write_outputs
from pipeline.survey.findings import survey_findings

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "phase2_survey.ipynb"
NOT_ASKED = "does not include this question, so it was not asked"


def _without(rows: list[list[str]], column: str) -> list[list[str]]:
    i = rows[0].index(column)
    return [r[:i] + r[i + 1 :] for r in rows]


def _run_chapter(
    out: Path, root: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[str], dict[str, Any]]:
    """Execute the chapter's code cells on the tables in ``out``; (markdown shown or glued
    into the prose, findings)."""
    shown: list[str] = []
    original = report.show_markdown
    original_glue = report.glue

    def record(text: str, *args: Any, **kwargs: Any) -> Any:
        shown.append(str(text))
        return original(text, *args, **kwargs)

    def record_glue(name: str, value: Any, **kwargs: Any) -> str:
        text = original_glue(name, value, **kwargs)
        shown.append(text)
        return text

    monkeypatch.setattr(report, "show_markdown", record)
    monkeypatch.setattr(report, "glue", record_glue)
    monkeypatch.setenv("PIPELINE_ROOT", str(root))
    monkeypatch.chdir(root)  # stages run from the project root; catalog paths are relative
    # a project root as the stage sees it: its parameters, and the tables where the catalog
    # puts them
    for name in ("params.yaml", "_toc.yml"):
        shutil.copyfile(REPO / name, root / name)
    processed = catalog.locate("processed.survey", root)
    if Path(out).resolve() != processed.resolve():
        shutil.copytree(out, processed, dirs_exist_ok=True)
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    namespace: dict[str, Any] = {}
    with warnings.catch_warnings():  # the notebook silences warnings: keep that in here
        for cell in cells:
            if cell["cell_type"] != "code":
                continue
            exec("".join(cell["source"]), namespace)  # noqa: S102 - the project's own notebook
    findings = json.loads((root / "metrics" / "findings" / "phase2_survey.json").read_text())
    return shown, findings


def test_export_without_q8_cleans_with_a_warning_and_no_figure(
    export_rows: list[list[str]], write_variant: Callable[..., Path]
) -> None:
    result = clean_export(write_variant(_without(export_rows, "Q8")))
    assert "straightforward" not in result.responses.columns
    assert any("Q8" in w and "not asked" in w for w in result.accounting["warnings"])
    f = survey_findings(result.responses, result.answers_long)
    assert f["questions_not_asked"] == ["straightforward"]
    assert f["survey_straightforward_n"] is None
    assert f["survey_very_straightforward_share"] is None
    assert f["straightforward_counts"] == []


def test_survey_chapter_runs_without_q8_and_says_it_was_not_asked(
    export_rows: list[list[str]],
    write_variant: Callable[..., Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    result = clean_export(write_variant(_without(export_rows, "Q8")))
    out = tmp_path / "processed"
    write_outputs(result, out)
    shown, findings = _run_chapter(out, tmp_path, monkeypatch)
    assert any(NOT_ASKED in text for text in shown), shown
    # no figure or sentence about the absent question (other questions' shares still name
    # the respondents who answered them)
    assert not any("straightforward" in text for text in shown if NOT_ASKED not in text), shown
    assert findings["survey_straightforward_n"] is None
    assert findings["survey_responses"] == len(result.responses)


def test_survey_chapter_with_q8_gives_the_figure(
    cleaned: tuple[Any, dict, list[Path]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The control: with the question present the chapter states its figure, not the note."""
    result, _, paths = cleaned
    shown, findings = _run_chapter(paths[0].parent, tmp_path, monkeypatch)
    assert not any(NOT_ASKED in text for text in shown)
    answered = int(result.responses["straightforward"].notna().sum())
    assert findings["survey_straightforward_n"] == answered > 0
    assert any(f"Of the {answered} respondents who answered" in text for text in shown), shown
