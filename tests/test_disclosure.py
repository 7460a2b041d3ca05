"""Tests for pipeline.disclosure's shares: one rule for every count of people in the book."""

from __future__ import annotations

import math

import pytest

from pipeline import disclosure
from pipeline.disclosure import PRIMARY, SECONDARY, SHOWN, share_of, subset_status


def test_a_small_count_and_its_share_are_hidden() -> None:
    share = share_of(4, 41, k=5)
    assert share.status == PRIMARY and share.count is None
    assert math.isnan(share.value)
    assert share.count_text() == "<5 of 41"
    assert share.percent_text() == "hidden"
    assert share.text() == "hidden (<5 of 41)"
    assert "10" not in share.text() and "4 " not in share.text()


def test_a_shown_share_states_its_denominator() -> None:
    share = share_of(37, 42, k=5)
    assert share.shown and share.count == 37
    assert share.value == pytest.approx(37 / 42)
    assert share.text() == "88% (37 of 42)"
    assert share.text(1) == "88.1% (37 of 42)"
    assert share.bounds == (pytest.approx(37 / 42), pytest.approx(37 / 42))


def test_zero_is_shown_and_k_one_hides_nothing() -> None:
    assert share_of(0, 40, k=5).text() == "0% (0 of 40)"
    assert share_of(1, 40, k=1).shown


def test_bounds_are_what_the_rule_lets_a_reader_know() -> None:
    assert share_of(2, 40, k=5).bounds == (pytest.approx(1 / 40), pytest.approx(4 / 40))
    assert share_of(2, 3, k=5).bounds == (pytest.approx(1 / 3), pytest.approx(1.0))
    assert share_of(16, 42, k=5, status=SECONDARY).bounds == (0.0, 1.0)
    assert all(math.isnan(b) for b in share_of(0, 0, k=5).bounds)


def test_exempt_whole_sample_counts_are_shown() -> None:
    assert set(disclosure.WHOLE_SAMPLE_EXCEPTIONS) == {
        "at_risk_survey_respondents",
        "at_risk_interviewees",
    }
    share = share_of(1, 42, k=5, exempt=True)
    assert share.shown and share.text() == "2% (1 of 42)"


def test_a_status_from_a_protected_line_is_kept() -> None:
    share = share_of(16, 42, k=5, status=SECONDARY)
    assert share.count is None and share.text() == "hidden (* of 42)"


@pytest.mark.parametrize(
    ("count", "base", "k", "status", "message"),
    [
        (5, 4, 5, None, "between 0 and the base"),
        (-1, 4, 5, None, "between 0 and the base"),
        (1, 4, 0, None, "k must be at least 1"),
        (6, 10, 5, "maybe", "unknown disclosure status"),
    ],
)
def test_bad_shares_are_refused(count, base, k, status, message) -> None:
    with pytest.raises(ValueError, match=message):
        share_of(count, base, k, status=status)


def test_subset_status_hides_a_sum_that_would_reveal_a_hidden_cell() -> None:
    agree = [False, False, False, True, True]
    # 16 agreed = 14 + a hidden 2: the sum would give the 2 away
    assert subset_status([1, 7, 18, 14, 2], agree, k=5, groups=agree) == SECONDARY
    # small in itself
    assert subset_status([3, 14, 20, 4, 0], agree, k=5, groups=agree) == PRIMARY
    # nothing hidden on the line
    assert subset_status([0, 2, 12, 23, 6], agree, k=1, groups=agree) == SHOWN
    # two hidden among the members (a small cell and its complement): their sum is known,
    # neither of them is, and the others are all shown
    assert subset_status([6, 20, 15, 10, 2], agree, k=5, groups=agree) == SHOWN
    # the others' small cell has no partner in its own group, so its complement is a member:
    # one hidden on each side, and the sum would give both away
    assert subset_status([0, 0, 2, 10, 9], agree, k=5, groups=agree) == SECONDARY
    # a small cell among the others with its complement beside it: the sum is safe
    assert subset_status([2, 20, 15, 10, 9], agree, k=5, groups=agree) == SHOWN
    with pytest.raises(ValueError, match="differ in length"):
        subset_status([1, 2], [True], k=5)
