"""Data-dependent words are chosen from the numbers, with the thresholds stated once."""

from __future__ import annotations

import pytest

from pipeline import wording


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (16.0, 5.5, "fell"),
        (11.5, 22.0, "rose"),
        (10, 10.9, "stayed about the same"),
        (10, 9.05, "stayed about the same"),
        (10, 8.9, "fell"),
        (0, 0, "stayed about the same"),
        (0, 3, "rose"),
    ],
)
def test_change_word_follows_the_numbers(before, after, expected):
    assert wording.change_word(before, after) == expected


def test_change_word_takes_the_chapter_vocabulary():
    assert wording.change_word(1, 2, up="grew", down="shrank", flat="held") == "grew"


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (0, 43, "none"),
        (1, 43, "a few"),
        (9, 43, "a minority"),
        (20, 40, "half"),
        (37, 43, "most"),
        (39, 43, "almost all"),
        (43, 43, "all"),
    ],
)
def test_share_word_thresholds(part, whole, expected):
    assert wording.share_word(part, whole) == expected


@pytest.mark.parametrize("args", [(1, 0), (5, 4), (-1, 4), (float("nan"), 4), ("x", 4)])
def test_share_word_refuses_impossible_shares(args):
    with pytest.raises(ValueError):
        wording.share_word(*args)


def test_comparisons_and_plurals():
    assert wording.more_or_fewer(56, 22) == "more than"
    assert wording.more_or_fewer(22, 56) == "fewer than"
    assert wording.more_or_fewer(3, 3) == "as many as"
    assert wording.plural(1, "centre") == "centre"
    assert wording.plural(2, "centre") == "centres"
    assert wording.plural(2, "entity", "entities") == "entities"


def test_glue_escapes_data_and_formats_counts(monkeypatch):
    from pipeline import report

    glued = {}
    monkeypatch.setattr("myst_nb.glue", lambda name, obj, display: glued.update({name: obj}))
    assert report.glue("n", 15533) == "15,533"
    assert report.glue("org", "A*B [x]") == report.md_escape("A*B [x]")
    assert report.glue("lead", "**most**", markdown=True) == "**most**"
    assert glued["n"].data == "15,533"
    with pytest.raises(TypeError):
        report.glue("flag", True)
