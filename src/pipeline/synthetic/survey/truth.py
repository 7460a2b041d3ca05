"""Survey truth: who answered and what, calibrated to a scenario's targets.

The number of valid responses and of distinct organisations, the answers to the "how
straightforward" question (count and extreme shares) and the respondents who felt at risk
are the scenario's values of those figures (:mod:`pipeline.synthetic.scenario`; by default
the published figures of ``published_figures.yaml``); none is typed here. Everything else
is drawn from seeded, plausible distributions; the ranking of the motivations and the mean
agreement with each challenge follow the scenario's ``survey`` settings where it sets them
(:class:`AnswerModel`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.survey.instrument import Scale
from pipeline.synthetic.scenario import Scenario, load_scenario

#: the published figures the survey is calibrated to
TARGET_KEYS = (
    "survey_responses",
    "survey_organisations",
    "survey_straightforward_n",
    "survey_very_straightforward_share",
    "survey_not_straightforward_share",
    "at_risk_survey_respondents",
)
# Relative pull of each driver (scale order); counts must come out strictly in this order.
DRIVER_PROBS = (0.8, 0.62, 0.48, 0.34, 0.2, 0.1)
DRIVER_RANK = (0, 1, 2, 3, 5, 4)  # index into the scale labels, most chosen first
# Mean agreement (1-5) with each challenge item (the default of ``survey.challenge_means``).
CHALLENGE_MEANS = {
    "challenge_funding": 4.1,
    "challenge_geopolitics": 4.0,
    "challenge_covid_travel": 4.4,
    "challenge_uk_policy": 3.8,
    "challenge_academic_freedom": 3.3,
    "challenge_language_culture": 3.1,
    "challenge_data_access": 3.4,
    "challenge_ip_protection": 2.3,
    "challenge_export_controls": 2.5,
}
DISCIPLINE_PROBS = (0.42, 0.16, 0.24, 0.13, 0.05)
EXPERIENCE_PROBS = (0.14, 0.26, 0.3, 0.3)


def load_targets(scenario: str | Path | Scenario | None = None) -> dict[str, Any]:
    """The survey figures the generator calibrates to: the scenario's (default: published)."""
    values = load_scenario(scenario).values()
    return {k: values[k] for k in TARGET_KEYS}


@dataclass(frozen=True)
class AnswerModel:
    """The answer distributions no figure fixes: motivations and challenge ratings.

    ``driver_probs`` (scale order) is each motivation's chance of being ticked and
    ``driver_rank`` (indexes into the scale, most chosen first) the order their counts must
    come out in; ``challenge_means`` the mean agreement (1-5) with each challenge item.
    """

    driver_probs: tuple[float, ...] = DRIVER_PROBS
    driver_rank: tuple[int, ...] = DRIVER_RANK
    challenge_means: dict[str, float] = field(default_factory=lambda: dict(CHALLENGE_MEANS))


def answer_model(scenario: Scenario, scales: dict[str, Scale]) -> AnswerModel:
    """The scenario's ``survey`` settings over the defaults (unknown labels or keys: ValueError)."""
    means = scenario.assumption("survey", "challenge_means", {})
    unknown = sorted(set(means) - set(CHALLENGE_MEANS))
    if unknown:
        raise ValueError(
            f"survey.challenge_means: unknown items {unknown}; use {list(CHALLENGE_MEANS)}"
        )
    model = AnswerModel(
        challenge_means={k: float(means.get(k, v)) for k, v in CHALLENGE_MEANS.items()}
    )
    order = scenario.assumption("survey", "driver_order")
    if order is None:
        return model
    labels = list(scales["drivers"].labels)
    if sorted(order) != sorted(labels):
        raise ValueError(f"survey.driver_order must list every motivation once: {labels}")
    rank = tuple(labels.index(x) for x in order)
    pull = sorted(DRIVER_PROBS, reverse=True)
    probs = tuple(pull[rank.index(j)] for j in range(len(labels)))
    return AnswerModel(probs, rank, model.challenge_means)


def count_for_share(share: float, n: int) -> int:
    """The whole number of respondents out of ``n`` whose share rounds to ``share`` (1 dp)."""
    hits = [k for k in range(n + 1) if round(100.0 * k / n, 1) == round(float(share), 1)]
    if not hits:
        raise ValueError(f"no count out of {n} gives a share of {share}%")
    return min(hits, key=lambda k: abs(100.0 * k / n - share))


def choose_organisations(
    rng: np.random.Generator, names: list[str], featured: list[str], n_orgs: int, n_valid: int
) -> tuple[list[int], list[int], list[int]]:
    """The organisations surveyed (``featured`` ones always) and each respondent's.

    Returns ``(featured, chosen, org_of)``: indexes into ``names`` of the featured
    organisations taken and of all chosen ones (sorted), and one index per respondent
    (every chosen organisation at least once, in random order).
    """
    if len(names) < n_orgs:
        raise ValueError(
            f"the registry has {len(names)} resolvable UK universities; the survey needs {n_orgs}"
        )
    feat = [names.index(n) for n in featured if n in names][:n_orgs]
    others = [i for i in range(len(names)) if i not in feat]
    picked = rng.choice(len(others), size=n_orgs - len(feat), replace=False).tolist()
    chosen = sorted(feat + [others[i] for i in picked])
    org_of = list(chosen) + rng.choice(chosen, size=n_valid - n_orgs).tolist()
    rng.shuffle(org_of)
    return feat, chosen, org_of


def strict_drivers(
    rng: np.random.Generator, n: int, none_idx: set[int], model: AnswerModel | None = None
) -> list[list[int]]:
    """Sample multi-select answers until the counts follow ``model.driver_rank`` strictly."""
    model = model or AnswerModel()
    for _ in range(10_000):
        picks = [
            [j for j, p in enumerate(model.driver_probs) if rng.random() < p] for _ in range(n)
        ]
        for i in none_idx:
            picks[i] = []
        if any(not p for i, p in enumerate(picks) if i not in none_idx):
            continue
        counts = [sum(j in p for p in picks) for j in range(len(model.driver_probs))]
        ranked = [counts[j] for j in model.driver_rank]
        if all(a >= b + 2 for a, b in itertools.pairwise(ranked)):
            return picks
    raise RuntimeError("could not draw a strictly ranked set of drivers")


def likert(rng: np.random.Generator, mean: float, labels: tuple[str, ...]) -> str:
    """One agreement answer, centred on ``mean`` (1 = first label)."""
    weights = np.exp(-0.9 * (np.arange(1, len(labels) + 1) - mean) ** 2)
    return labels[int(rng.choice(len(labels), p=weights / weights.sum()))]


@dataclass
class Calibrated:
    """The answers that must hit the published counts exactly, one per respondent."""

    straightforward: list[str]
    at_risk: list[str]
    drivers: list[list[int]]


def calibrated_answers(
    rng: np.random.Generator,
    targets: dict[str, Any],
    scales: dict[str, Scale],
    model: AnswerModel | None = None,
) -> Calibrated:
    """Straightforwardness, felt-at-risk and drivers answers, shuffled over respondents."""
    n_valid = int(targets["survey_responses"])
    n_sf = int(targets["survey_straightforward_n"])
    n_very = count_for_share(targets["survey_very_straightforward_share"], n_sf)
    n_not = count_for_share(targets["survey_not_straightforward_share"], n_sf)
    n_risk = int(targets["at_risk_survey_respondents"])
    sf = scales["straightforward4"].labels
    n_somewhat = round((n_sf - n_very - n_not) * 0.6)
    sf_answers = (
        [sf[-1]] * n_very
        + [sf[0]] * n_not
        + [sf[2]] * n_somewhat
        + [sf[1]] * (n_sf - n_very - n_not - n_somewhat)
        + [""] * (n_valid - n_sf)
    )
    rng.shuffle(sf_answers)
    risk_lab = scales["yes_no_pnts"].labels
    risk_answers = (
        [risk_lab[0]] * n_risk + [risk_lab[2]] * 2 + [""] + [risk_lab[1]] * (n_valid - n_risk - 3)
    )
    rng.shuffle(risk_answers)
    none_idx = {int(rng.integers(n_valid))}
    return Calibrated(sf_answers, risk_answers, strict_drivers(rng, n_valid, none_idx, model))


def other_answers(
    rng: np.random.Generator, scales: dict[str, Scale], model: AnswerModel | None = None
) -> dict[str, str]:
    """Role, discipline, experience and the challenge ratings of one respondent."""
    means = (model or AnswerModel()).challenge_means
    roles = scales["role"].labels
    disciplines = scales["discipline"].labels
    experience = scales["experience4"].labels
    agree = scales["agreement5"].labels
    ans = {
        "role": roles[0] if rng.random() < 0.74 else roles[1],
        "discipline": disciplines[int(rng.choice(len(disciplines), p=list(DISCIPLINE_PROBS)))],
        "experience": experience[int(rng.choice(len(experience), p=list(EXPERIENCE_PROBS)))],
    }
    for key, mean in means.items():
        ans[key] = "" if rng.random() < 0.03 else likert(rng, mean, agree)
    return ans
