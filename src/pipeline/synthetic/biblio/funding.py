"""Funding acknowledgements of the synthetic OpenAlex works (``grants``), SYNTHETIC.

**These acknowledgements are calibrated to nothing published.** No figure in the brief says
which funders UK–China co-publications acknowledge, so the funders, their weights and the
share of works with an acknowledgement below are invented for the reference edition: they
give the funder chapter something of the right shape to compute, and say nothing about any
real funder. The funders are real organisations (the registry's, ``funders.csv``, companies left out) because
the pipeline resolves acknowledgements against the registry; the counts are not theirs.

Each work acknowledges, with :data:`ACKNOWLEDGED_RATE`, one or more funders: a Chinese one
(mostly the national science foundation), a UK one, sometimes one from elsewhere. A funder
is only drawn for years it existed in (:data:`FUNDER_YEARS`). Names are written as OpenAlex
writes them (the registry name), now and then as an alias or with the acronym in brackets,
and a few are invented local schemes the registry does not know (marked "synthetic"), so
that resolution and the list of unresolved names have work to do. Draws use their own
random stream, ``[seed, 4]``: adding them changed nothing else in the sample.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pipeline.registries import load_funders, load_organisations, split_aliases
from pipeline.synthetic.biblio.institutions import hash_int

__all__ = ["ACKNOWLEDGED_RATE", "FUNDER_WEIGHTS", "FUNDER_YEARS", "add_grants"]

#: Share of works with at least one funding acknowledgement (invented).
ACKNOWLEDGED_RATE = 0.78
#: Chance that an acknowledging work names a Chinese, a UK and another funder (invented).
SIDE_RATES = {"CN": 0.82, "GB": 0.58, "OTHER": 0.12}
#: Relative weight of each registry funder within its side (invented; 1 when not listed).
FUNDER_WEIGHTS = {
    "cn-nsfc": 30.0,
    "cn-most": 6.0,
    "cn-cas": 4.0,
    "cn-csc": 4.0,
    "cn-moe": 3.0,
    "cn-cpsf": 3.0,
    "gb-epsrc": 8.0,
    "gb-royal-society": 4.0,
    "gb-newton-fund": 4.0,
    "gb-bbsrc": 3.0,
    "gb-mrc": 3.0,
    "gb-nerc": 3.0,
    "gb-wellcome": 3.0,
    "gb-ukri": 3.0,
    "gb-rcuk": 3.0,
    "gb-leverhulme": 2.0,
    "be-ec": 4.0,
    "be-erc": 2.0,
}
#: First and last year a funder could be acknowledged (facts about their lifetimes).
FUNDER_YEARS: dict[str, tuple[int | None, int | None]] = {
    "gb-rcuk": (None, 2018),
    "gb-ukri": (2018, None),
    "gb-newton-fund": (2014, None),
    "be-erc": (2007, None),
    "gb-nihr": (2006, None),
}
#: Local schemes the registry does not know (invented, and named so).
UNLISTED = (
    "Municipal Science Innovation Scheme (synthetic)",
    "University Seed Grant Programme (synthetic)",
)
UNLISTED_RATE = 0.04
ALIAS_RATE = 0.15
ACRONYM_RATE = 0.08


def _pools(table, companies: set[str]) -> dict[str, list[tuple[str, str, list[str]]]]:
    """Registry funders that are not companies, by side: ``(funder_id, name, aliases)``,
    sorted by id."""
    pools: dict[str, list[tuple[str, str, list[str]]]] = {"CN": [], "GB": [], "OTHER": []}
    for row in table.sort_values("funder_id").itertuples(index=False):
        if row.funder_id in companies:
            continue
        side = row.country if row.country in ("CN", "GB") else "OTHER"
        latin = [a for a in split_aliases(row.aliases) if a.isascii()]
        pools[side].append((row.funder_id, row.name, latin))
    return pools


def _open(funder_id: str, year: int) -> bool:
    first, last = FUNDER_YEARS.get(funder_id, (None, None))
    return (first is None or year >= first) and (last is None or year <= last)


def _spelling(rng: np.random.Generator, name: str, aliases: list[str]) -> str:
    """The name as a work writes it: the registry name, an alias, or ``Name (ACRONYM)``."""
    u = rng.random()
    acronyms = [a for a in aliases if a.isupper() and 2 < len(a) <= 8]
    if u < ALIAS_RATE and aliases:
        return aliases[int(rng.integers(len(aliases)))]
    if u < ALIAS_RATE + ACRONYM_RATE and acronyms:
        return f"{name} ({acronyms[0]})"
    return name


def _draw(rng: np.random.Generator, pool: list[tuple[str, str, list[str]]], year: int):
    options = [f for f in pool if _open(f[0], year)]
    weights = np.array([FUNDER_WEIGHTS.get(f[0], 1.0) for f in options])
    return options[int(rng.choice(len(options), p=weights / weights.sum()))]


def _grants(rng: np.random.Generator, pools, year: int, wid: str) -> list[dict[str, Any]]:
    """The ``grants`` of one work (possibly none)."""
    if rng.random() >= ACKNOWLEDGED_RATE:
        return []
    names: list[str] = []
    for side, rate in SIDE_RATES.items():
        if rng.random() < rate:
            _, name, aliases = _draw(rng, pools[side], year)
            names.append(_spelling(rng, name, aliases))
    if rng.random() < UNLISTED_RATE:
        names.append(UNLISTED[int(rng.integers(len(UNLISTED)))])
    if not names:
        names.append(_draw(rng, pools["CN"], year)[1])
    return [
        {
            "funder": f"https://openalex.org/F{4_320_000_000 + hash_int('funder:' + n) % 10**6}",
            "funder_display_name": n,
            "award_id": f"SYN-{hash_int(wid + n) % 10**8:08d}",
        }
        for n in names
    ]


def add_grants(works: list[dict[str, Any]], seed: int, ref_dir=None) -> None:
    """Give every work its (synthetic) ``grants``, in place, from the stream ``[seed, 4]``."""
    rng = np.random.default_rng([seed, 4])
    orgs = load_organisations(ref_dir)
    pools = _pools(load_funders(ref_dir), set(orgs.loc[orgs["type"] == "company", "org_id"]))
    for work in works:
        work["grants"] = _grants(rng, pools, int(work["publication_year"]), str(work["id"]))
