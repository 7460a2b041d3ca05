"""Truth of the synthetic OpenAlex extracts: yearly counts calibrated to the published Web of
Science figures, and a uniform per-year sample of UK–China co-published works.

Some works also carry Hong Kong, Macao or Taiwan institutions (``HK``, ``MO``, ``TW``
country codes) and co-authors from other countries; organisations that host many joint
centres are *not* all top publishers, so comparing centres with co-publications is
informative. All randomness flows from one seed, in three streams: ``[seed, 1]`` for the
yearly counts, ``[seed, 2]`` for ids and citations, ``[seed, 3]`` for everything else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pipeline import published
from pipeline.synthetic import DEFAULT_SEED
from pipeline.synthetic.biblio.banks import (
    CN_GIVEN,
    CN_SURNAMES,
    DOMAINS,
    FIELDS,
    GB_GIVEN,
    GB_SURNAMES,
    OTHER_GIVEN,
    OTHER_SURNAMES,
)
from pipeline.synthetic.biblio.funding import add_grants
from pipeline.synthetic.biblio.institutions import Draw, Inst, Pool, hash_int, registry_pools
from pipeline.synthetic.biblio.noise import Misattribution, affiliations, misattribution
from pipeline.synthetic.scenario import Scenario, load_scenario

YEARS = tuple(range(2000, 2022))
SAMPLING_RATE = 0.05
#: Published figures used for calibration (keys in published_figures.yaml).
CALIBRATION_KEYS = ("copubs_2000", "copubs_2010", "copubs_2019", "copubs_share_of_uk_2019")


def _cum(probs: tuple[float, ...]) -> list[float]:
    return np.cumsum(probs).tolist()


N_GB = _cum((0.70, 0.22, 0.08))  # 1, 2 or 3 UK institutions
N_CN = _cum((0.60, 0.28, 0.12))  # 1, 2 or 3 Chinese institutions
N_OTHER = _cum((0.70, 0.22, 0.08))  # 0, 1 or 2 institutions elsewhere
N_AUTHORS = _cum((0.45, 0.30, 0.15, 0.10))  # 1-4 authors per institution


def load_calibration(
    path: Path | None = None, scenario: str | Path | Scenario | None = None
) -> dict[str, float]:
    """The calibration figures (value and ``<key>_tolerance``): the scenario's values (by
    default the published figures; ``path`` names another published-figures file)."""
    if path is not None:
        figures = published.load_figures(path)
    else:
        figures = load_scenario(scenario).figures
    out: dict[str, float] = {}
    for key in CALIBRATION_KEYS:
        out[key] = float(figures[key]["value"])
        out[key + "_tolerance"] = float(figures[key]["tolerance"])
    return out


def _uk_cn_counts(rng: np.random.Generator, cal: dict[str, float]) -> dict[int, int]:
    anchors = {2000: cal["copubs_2000"], 2010: cal["copubs_2010"], 2019: cal["copubs_2019"]}
    xs = sorted(anchors)
    logs = np.interp(YEARS[:20], xs, [math.log(anchors[x]) for x in xs])
    uk_cn: dict[int, int] = {}
    for year, lv in zip(YEARS[:20], logs, strict=True):
        value = math.exp(lv)
        if year not in anchors:
            value *= 1.0 + rng.uniform(-0.02, 0.02)
        uk_cn[year] = round(value)
    # keep the series strictly monotone whatever the noise, in the anchors' direction
    step = 1 if anchors[2019] >= anchors[2000] else -1
    for year in YEARS[1:20]:
        if step * (uk_cn[year] - uk_cn[year - 1]) <= 0:
            uk_cn[year] = uk_cn[year - 1] + step
    uk_cn[2020] = round(uk_cn[2019] * (1.0 - rng.uniform(0.01, 0.03)))
    uk_cn[2021] = round(uk_cn[2020] * (1.0 - rng.uniform(0.01, 0.04)))
    return uk_cn


def yearly_counts(
    seed: int = DEFAULT_SEED, calibration: dict[str, float] | None = None
) -> tuple[dict[int, int], dict[int, int]]:
    """UK–China works and UK works per year, 2000–2021.

    UK–China: log-linear interpolation through the three published anchors (2000, 2010,
    2019) with up to ±2 % seeded noise on the years between anchors (strictly rising to
    2019, or strictly falling when the 2019 anchor is below the 2000 one), then a slight
    dip in 2020 and 2021. UK: a 2.5 %/year log-linear trend ending at
    the 2019 total that makes the UK–China share equal the published share (to 1 dp), with
    ±1.5 % noise on the other years.
    """
    cal = calibration or load_calibration()
    rng = np.random.default_rng([seed, 1])
    uk_cn = _uk_cn_counts(rng, cal)
    share = cal["copubs_share_of_uk_2019"] / 100.0
    uk_2019 = round(uk_cn[2019] / share)
    uk: dict[int, int] = {}
    for year in YEARS:
        base = uk_2019 * 1.025 ** (year - 2019)
        if year != 2019:
            base *= 1.0 + rng.uniform(-0.015, 0.015)
        uk[year] = round(base)
    return uk_cn, uk


def _author_name(d: Draw, cc: str) -> str:
    if cc in ("CN", "HK", "MO", "TW"):
        return f"{d.pick(CN_GIVEN)} {d.pick(CN_SURNAMES)}"
    if cc == "GB":
        # UK institutions host many Chinese-born researchers too.
        if d.u() < 0.3:
            return f"{d.pick(CN_GIVEN)} {d.pick(CN_SURNAMES)}"
        return f"{d.pick(GB_GIVEN)} {d.pick(GB_SURNAMES)}"
    return f"{d.pick(OTHER_GIVEN)} {d.pick(OTHER_SURNAMES)}"


def _institutions(d: Draw, pools: dict[str, Pool]) -> tuple[list[Inst], list[Inst], list[Inst]]:
    """The UK, Chinese and other institutions of one work."""
    gb = pools["GB"].draw(d, 1 + d.index(N_GB))
    cn = pools["CN"].draw(d, 1 + d.index(N_CN))
    extra: list[Inst] = []
    u = d.u()
    if u < 0.07:
        extra += pools["HK"].draw(d, 1)
    elif u < 0.08:
        extra += pools["MO"].draw(d, 1)
    elif u < 0.10:
        extra += pools["TW"].draw(d, 1)
    extra += pools["OTHER"].draw(d, d.index(N_OTHER))
    return gb, cn, extra


def _author_slots(d: Draw, insts: list[Inst]) -> list[tuple[str, Inst]]:
    """1-4 authors per institution, in random order (first listed carry key affiliations)."""
    slots: list[tuple[str, Inst]] = []
    for inst in insts:
        for _ in range(1 + d.index(N_AUTHORS)):
            slots.append((inst.country_code, inst))
    for i in range(len(slots) - 1, 0, -1):  # Fisher-Yates shuffle of author order
        j = int(d.u() * (i + 1))
        slots[i], slots[j] = slots[j], slots[i]
    return slots


def _authorships(
    d: Draw, pools: dict[str, Pool], slots: list[tuple[str, Inst]], wid: str, mis: Misattribution
) -> list[dict[str, Any]]:
    """The OpenAlex ``authorships`` of one work."""
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for pos, (cc, inst) in enumerate(slots):
        first_of_inst = inst.key not in seen
        seen.add(inst.key)
        inst_objs = [
            i.as_openalex(mis.code_of(i)) for i in affiliations(d, pools, cc, inst, first_of_inst)
        ]
        position = "first" if pos == 0 else "last" if pos == len(slots) - 1 else "middle"
        author_id = f"https://openalex.org/A{5_000_000_000 + hash_int(wid + str(pos)) % 10**9}"
        out.append(
            {
                "author": {"display_name": _author_name(d, cc), "id": author_id},
                "author_position": position,
                "countries": sorted({o["country_code"] for o in inst_objs}),
                "institutions": inst_objs,
            }
        )
    return out


def _work(
    rng: np.random.Generator,
    d: Draw,
    field_cum: list[float],
    year: int,
    wid: str,
    authorships: list[dict[str, Any]],
) -> dict[str, Any]:
    """The OpenAlex work object around its authorships (topic, DOI, citations)."""
    fid, fname, dom, _, topics = FIELDS[d.index(field_cum)]
    topic = d.pick(topics)
    age = 2022 - year
    cited = int(rng.poisson(rng.gamma(1.2, 2.5) * max(age, 1) ** 0.9))
    num = wid.rsplit("W", 1)[1]
    all_codes = sorted({c for a in authorships for c in a["countries"]})
    return {
        "id": wid,
        "doi": f"https://doi.org/10.5555/synth.{year}.{num}",
        "title": f"Synthetic record on {topic.lower()}",
        "display_name": f"Synthetic record on {topic.lower()}",
        "publication_year": year,
        "type": "article",
        "authorships": authorships,
        "countries_distinct_count": len(all_codes),
        "institutions_distinct_count": len(
            {o["id"] for a in authorships for o in a["institutions"]}
        ),
        "primary_topic": {
            "id": f"https://openalex.org/T{10000 + hash_int(topic) % 90000}",
            "display_name": topic,
            "field": {"id": f"https://openalex.org/fields/{fid}", "display_name": fname},
            "domain": {"id": f"https://openalex.org/domains/{dom}", "display_name": DOMAINS[dom]},
        },
        "cited_by_count": cited,
    }


def make_work(
    rng: np.random.Generator,
    d: Draw,
    pools: dict[str, Pool],
    field_cum: list[float],
    year: int,
    wid: str,
) -> tuple[dict[str, Any], dict[str, str] | None]:
    """One OpenAlex-shaped work, and the mis-attribution made on it (if any)."""
    gb, cn, extra = _institutions(d, pools)
    mis = misattribution(d, gb)
    slots = _author_slots(d, gb + cn + extra)
    work = _work(rng, d, field_cum, year, wid, _authorships(d, pools, slots, wid, mis))
    all_codes = sorted({c for a in work["authorships"] for c in a["countries"]})
    return work, mis.record(wid, all_codes)


@dataclass
class Built:
    """The sample and the counts it was drawn from."""

    works: list[dict[str, Any]]
    uk_cn_by_year: dict[int, int]
    uk_by_year: dict[int, int]
    sample_by_year: dict[int, int]
    misattributed_work_ids: list[str] = field(default_factory=list)
    misattributed_slots: list[dict[str, str]] = field(default_factory=list)
    institution_weights: dict[str, float] = field(default_factory=dict)


def _work_ids(rng: np.random.Generator, total: int) -> list[str]:
    """``total`` distinct OpenAlex work ids, in draw order."""
    draws = rng.integers(1_900_000_000, 4_400_000_000, size=2 * total + 10, dtype=np.int64)
    _, first = np.unique(draws, return_index=True)
    ids = draws[np.sort(first)][:total]  # unique, in draw order
    return [f"https://openalex.org/W{int(i)}" for i in ids]


def build(
    seed: int = DEFAULT_SEED,
    ref_dir: Path | None = None,
    calibration: dict[str, float] | None = None,
    sampling_rate: float = SAMPLING_RATE,
) -> Built:
    """The sample of works for ``seed``, sorted by ``(publication_year, id)``."""
    uk_cn, uk = yearly_counts(seed, calibration)
    pools = registry_pools(ref_dir)
    rng = np.random.default_rng([seed, 2])
    d = Draw(np.random.default_rng([seed, 3]))
    field_cum = _cum(tuple(f[3] for f in FIELDS))
    sample_by_year = {y: round(uk_cn[y] * sampling_rate) for y in YEARS}
    wids = iter(_work_ids(rng, sum(sample_by_year.values())))
    works: list[dict[str, Any]] = []
    mis_slots: list[dict[str, str]] = []
    for year in YEARS:
        for _ in range(sample_by_year[year]):
            work, mis = make_work(rng, d, pools, field_cum, year, next(wids))
            works.append(work)
            if mis is not None:
                mis_slots.append(mis)
    works.sort(key=lambda w: (w["publication_year"], w["id"]))
    add_grants(works, seed, ref_dir)  # own random stream: nothing else changes
    weights = {
        i.key: round(float(w), 6)
        for cc in ("GB", "CN")
        for i, w in zip(pools[cc].insts, pools[cc].weights, strict=True)
    }
    return Built(
        works,
        uk_cn,
        uk,
        sample_by_year,
        sorted(m["work_id"] for m in mis_slots if m["work_lost"] == "GB"),
        sorted(mis_slots, key=lambda m: (m["work_id"], m["institution_id"])),
        weights,
    )


def make_truth(
    seed: int = DEFAULT_SEED,
    ref_dir: Path | None = None,
    sampling_rate: float = SAMPLING_RATE,
    scenario: str | Path | Scenario | None = None,
) -> dict[str, Any]:
    """The facts the synthetic extracts were built from, for tests and the reproduction check.

    Keys: ``uk_cn_by_year`` and ``uk_by_year`` ({year: works}), ``share_by_year`` (percent,
    2 dp), ``sampling_rate``, ``sample_by_year``, ``sample_size``, ``population_size``,
    ``misattributed_work_ids`` (works that lost their GB code), ``misattributed_slots``
    (every deliberately wrong institution country code), ``institution_weights``
    (org_id -> sampling weight within its country) and ``calibration`` (the figures used,
    those of ``scenario``: by default the published figures).
    """
    cal = load_calibration(scenario=scenario)
    built = build(seed, ref_dir, cal, sampling_rate)
    return {
        "seed": seed,
        "calibration": cal,
        "uk_cn_by_year": dict(built.uk_cn_by_year),
        "uk_by_year": dict(built.uk_by_year),
        "share_by_year": {
            y: round(100.0 * built.uk_cn_by_year[y] / built.uk_by_year[y], 2) for y in YEARS
        },
        "sampling_rate": sampling_rate,
        "sample_by_year": dict(built.sample_by_year),
        "sample_size": len(built.works),
        "population_size": int(sum(built.uk_cn_by_year.values())),
        "misattributed_work_ids": list(built.misattributed_work_ids),
        "misattributed_slots": list(built.misattributed_slots),
        "institution_weights": dict(built.institution_weights),
    }
