"""What changed since the last edition (issue 15 item 7): findings compared with a git revision."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from pipeline.changes import (
    ChangesError,
    baseline_revision,
    changed_findings,
    findings_at,
    flatten,
)


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def _commit(root: Path, findings: dict, message: str) -> None:
    path = root / "metrics" / "findings.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(findings), "utf-8")
    _git(root, "add", "-A")
    _git(root, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", message)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    _git(tmp_path, "init", "-q")
    _commit(tmp_path, {"centres_total": 156, "by_year": {"2019": 11}, "gone": 1}, "one")
    _git(tmp_path, "tag", "v1")
    _commit(tmp_path, {"centres_total": 160, "by_year": {"2019": 11}, "top": ["A"]}, "two")
    return tmp_path


def test_auto_is_the_latest_tag_and_a_named_revision_is_kept(repo: Path, tmp_path: Path) -> None:
    assert baseline_revision("auto", repo) == "v1"
    assert baseline_revision("HEAD~1", repo) == "HEAD~1"


def test_no_tag_means_no_baseline(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    _commit(tmp_path, {"a": 1}, "one")
    assert baseline_revision("auto", tmp_path) is None


def test_moved_new_and_removed_findings_are_listed(repo: Path) -> None:
    current = json.loads((repo / "metrics" / "findings.json").read_text("utf-8"))
    table = changed_findings(findings_at("v1", repo), current, {"centres_total": "phase2"})
    rows = {r.finding: r for r in table.itertuples(index=False)}
    assert set(rows) == {"centres_total", "gone", "top"}  # by_year.2019 did not move
    assert rows["centres_total"].change == "+4 (+3%)" and rows["centres_total"].stage == "phase2"
    assert (rows["gone"].status, rows["top"].status) == ("removed", "new")


def test_an_unknown_revision_is_named(repo: Path) -> None:
    with pytest.raises(ChangesError, match="no git revision 'v9'"):
        findings_at("v9", repo)


def test_flatten_keeps_lists_and_joins_keys() -> None:
    assert flatten({"a": {"b": {"c": 1}}, "d": [1, 2]}) == {"a.b.c": 1, "d": [1, 2]}
