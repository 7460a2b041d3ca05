"""Recall and precision of pipeline.privacy on the labelled evaluation set (issue 19).

Recall must be at least 99 % overall and 100 % for e-mail addresses (plain and disguised) and
for the respondent's own recorded names; precision is reported (and must stay above a floor,
so that recall cannot be bought by redacting everything).
"""

from __future__ import annotations

import pytest

from .evaluation import EMAIL_KINDS, load, pipeline_spans, score

MIN_ANSWERS = 200
MIN_KINDS = 12
PRECISION_FLOOR = 0.90


@pytest.fixture(scope="module")
def answers():
    return load()


@pytest.fixture(scope="module")
def result(answers):
    return score(answers, pipeline_spans)


def test_the_set_is_large_and_varied(answers) -> None:
    assert len(answers) >= MIN_ANSWERS
    kinds = {kind for a in answers for kind, _, _ in a.planted}
    assert len(kinds) >= MIN_KINDS, kinds
    per_kind = {k: sum(kind == k for a in answers for kind, _, _ in a.planted) for k in kinds}
    assert min(per_kind.values()) >= 4, per_kind
    assert sum(not a.planted for a in answers) >= 30  # answers holding no identifier
    for a in answers:  # the markers were parsed: no bracket pair is left in a text
        assert "[[" not in a.text and "]]" not in a.text, a.line


def test_recall_and_precision(result, capsys) -> None:
    with capsys.disabled():
        print("\npipeline.privacy on the evaluation set\n" + result.table())
        for line, kind, value in result.missed:
            print(f"  missed (line {line}, {kind}): {value!r}")
        for line, text in result.false:
            print(f"  false positive (line {line}): {text!r}")
    assert result.recall(EMAIL_KINDS) == 1.0, [m for m in result.missed if m[1] in EMAIL_KINDS]
    assert result.recall(["own_name"]) == 1.0, [m for m in result.missed if m[1] == "own_name"]
    assert result.recall() >= 0.99, result.missed
    assert result.precision >= PRECISION_FLOOR, result.false
