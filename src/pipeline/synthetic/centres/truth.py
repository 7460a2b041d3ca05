"""The centres truth: one clean row per centre and one row per partner link, calibrated to
a scenario's targets (:mod:`pipeline.synthetic.scenario`; by default the published figures).

How the truth is calibrated (everything seeded with ``numpy.random.default_rng``; "published"
below means the scenario's value of that figure):

* discipline groups: integer counts = round(share / 100 * total); the three must add up
  to the total or a ``ValueError`` is raised.
* topics: the published topic counts are fixed; the other topics of each group share the
  rest of the group at random, each strictly below the smallest published topic count.
* NSI sectors: an integer min-cost flow assigns one sector to every STEM centre and the
  published number of centres to each sector. The sector counts add up to more than the
  STEM count; the surplus (``sum(sectors) - n_stem``) goes to that many multidisciplinary
  centres (documented choice). Non-STEM centres never get a sector.
* years: a curve that rises through the "golden era" (peak in its middle years), then
  drops in its last year and lower still afterwards (setting
  ``years_after_golden_era: rising``: keeps rising after the era, the last year busiest);
  no centre in the years listed as without new centres.
* location: China only, UK only, both or virtual in the shares of the setting
  ``location_shares`` (default :data:`LOCATION_SHARES`).
* provinces: centres located in China (or in both countries) are spread over provinces
  with a decaying curve, weighted towards coastal provinces and municipalities, chosen so
  that every bin of the published map key holds at least one province.
* partners: see :mod:`pipeline.synthetic.centres.partners`.
* research-area text is written from the topic and sector and checked against
  ``research_area_rules.csv`` with the registry's rule semantics, so it classifies back.

The truth's columns follow the cleaner's output (:data:`pipeline.centres.schemas.CENTRE_COLUMNS`):
a ``truth_key`` (the English name) stands for the cleaner's ``centre_id``, the text the
workbook shows in "Research area" for its ``source_row``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from pipeline import registries
from pipeline.centres.schemas import CENTRE_COLUMNS, PARTNER_LINK_COLUMNS
from pipeline.synthetic import DEFAULT_SEED
from pipeline.synthetic.centres.calibrate import TopicSector, topic_sectors, year_counts
from pipeline.synthetic.centres.labels import assign_funders, centre_names, research_texts
from pipeline.synthetic.centres.partners import Partnership, assign_partners
from pipeline.synthetic.centres.registry import Registry
from pipeline.synthetic.scenario import Scenario, load_scenario

#: truth columns: the cleaner's centre columns, keyed by name, with the research-area text
TRUTH_COLUMNS: tuple[str, ...] = ("truth_key", *CENTRE_COLUMNS[1:-1], "research_area_text")
#: partner-link columns: the cleaner's, keyed by centre name
TRUTH_PARTNER_COLUMNS: tuple[str, ...] = ("truth_key", *PARTNER_LINK_COLUMNS[1:])
#: share of centres whose founding year is only approximately known (more of the older ones)
APPROXIMATE_YEAR_RATE = 0.07
#: where centres are sited (the rest are virtual); the default of the scenario setting
#: ``centres.location_shares`` (:mod:`pipeline.synthetic.scenario`)
LOCATION_SHARES = {"CN": 0.60, "GB": 0.22, "both": 0.12}


@dataclass
class CentresTruth:
    """Clean truth tables and the targets they were calibrated to.

    ``centres`` has :data:`TRUTH_COLUMNS` (one row per centre, keyed by ``truth_key``, the
    English centre name); ``partners`` has :data:`TRUTH_PARTNER_COLUMNS` (``side`` is UK, CN
    or other, from the organisation's country); ``targets`` holds the targets used.
    """

    centres: pd.DataFrame
    partners: pd.DataFrame
    targets: dict[str, Any]
    seed: int = DEFAULT_SEED
    scale: int = 1
    #: each centre's organisations, lead partners first (the order the workbook lists them)
    partner_order: dict[str, list[str]] = field(default_factory=dict, repr=False)

    @property
    def centre_partners(self) -> pd.DataFrame:
        """Alias of :attr:`partners` (the name used in the workbook spec)."""
        return self.partners


def _status(rng: np.random.Generator, year: int, last_year: int) -> str:
    """Older centres are more often closed, dormant or of unknown status."""
    u = rng.random()
    age = last_year - year
    if u < 0.04 + 0.02 * age:
        return "Closed"
    if u < 0.10 + 0.025 * age:
        return "Dormant"
    if u < 0.16 + 0.025 * age:
        return "Unknown"
    return "Active"


def _years(
    rng: np.random.Generator, targets: dict[str, Any], n: int
) -> tuple[list[int], list[bool], list[str]]:
    """Founding year, whether it is approximate, and status of every centre."""
    ycounts = year_counts(rng, targets, n)
    years = [y for y, c in sorted(ycounts.items()) for _ in range(c)]
    years = [years[i] for i in rng.permutation(n)]
    approx = [
        bool(rng.random() < APPROXIMATE_YEAR_RATE * (1.6 if y < 2012 else 0.6)) for y in years
    ]
    last_year = int(targets["centres_last_year"])
    return years, approx, [_status(rng, y, last_year) for y in years]


def _locations(rng: np.random.Generator, targets: dict[str, Any], n: int) -> list[str]:
    """Where each centre is sited: CN, GB, both or virtual (``location_shares`` or the default)."""
    shares = {**LOCATION_SHARES, **dict(targets.get("location_shares") or {})}
    counts = {loc: round(share * n) for loc, share in shares.items()}
    if sum(counts.values()) > n:
        raise ValueError(f"location shares {shares} leave no room for {n} centres")
    counts["virtual"] = n - sum(counts.values())
    locs = [loc for loc, c in counts.items() for _ in range(c)]
    return [locs[i] for i in rng.permutation(n)]


def _places(locs: list[str], partners: Partnership) -> tuple[list[str | None], list[str | None]]:
    """City and province of every centre: its lead Chinese partner's, or its UK partner's city."""
    by_id = partners.by_id
    city: list[str | None] = []
    province: list[str | None] = []
    for i, loc in enumerate(locs):
        if loc in ("CN", "both"):
            city.append(by_id[partners.lead_cn[i]].city or None)
            province.append(partners.centre_province[i])
        elif loc == "GB":
            uk = [by_id[x] for x in partners.members[i] if by_id[x].side == "UK"]
            city.append(uk[0].city or None)
            province.append(None)
        else:
            city.append(None)
            province.append(None)
    return city, province


def _partner_table(names: list[str], partners: Partnership) -> pd.DataFrame:
    rows = [
        (names[i], oid, partners.by_id[oid].side)
        for i, ids in enumerate(partners.members)
        for oid in ids
    ]
    table = pd.DataFrame(rows, columns=list(TRUTH_PARTNER_COLUMNS))
    return table.sort_values(["truth_key", "side", "org_id"], kind="mergesort")


def _make_base(seed: int, targets: dict[str, Any], reg: Registry) -> CentresTruth:
    rng = np.random.default_rng(seed)
    n = int(targets["centres_total"])
    topic_sector: list[TopicSector] = topic_sectors(rng, reg, targets)
    years, approx, status = _years(rng, targets, n)
    locs = _locations(rng, targets, n)
    located = [i for i in range(n) if locs[i] in ("CN", "both")]
    partners = assign_partners(rng, reg, targets, located, n)
    city, province = _places(locs, partners)
    funders = assign_funders(rng, reg, targets, years, province)
    names, names_zh = centre_names(rng, reg, topic_sector, partners, locs)
    texts = research_texts(rng, reg, topic_sector)
    group_of = reg.topic_column("discipline_group")
    centres = pd.DataFrame(
        {
            "truth_key": names,
            "name": names,
            "name_zh": names_zh,
            "year_established": years,
            "year_approximate": approx,
            "status": status,
            "location": locs,
            "province_code": province,
            "city": city,
            "topic": [t for t, _ in topic_sector],
            "discipline_group": [group_of[t] for t, _ in topic_sector],
            "nsi_sector": [s for _, s in topic_sector],
            "funders": funders,
            "research_area_text": texts,
        },
        columns=list(TRUTH_COLUMNS),
    )
    centres = centres.sort_values(["year_established", "truth_key"], kind="mergesort")
    return CentresTruth(
        centres=centres.reset_index(drop=True),
        partners=_partner_table(names, partners).reset_index(drop=True),
        targets=targets,
        seed=seed,
        partner_order={names[i]: list(ids) for i, ids in enumerate(partners.members)},
    )


def _suffixed(base: CentresTruth, k: int) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Copy ``k`` of the base tables: names suffixed " [00k]" (Chinese names "（00k）")."""
    suffix = f" [{k:03d}]"
    c = base.centres.copy()
    c["truth_key"] = c["truth_key"] + suffix
    c["name"] = c["name"] + suffix
    c["name_zh"] = c["name_zh"].map(lambda z: None if z is None else f"{z}（{k:03d}）")
    p = base.partners.copy()
    p["truth_key"] = p["truth_key"] + suffix
    order = {f"{key}{suffix}": ids for key, ids in base.partner_order.items()}
    return c, p, order


def _replicate(base: CentresTruth, scale: int) -> CentresTruth:
    """``scale`` copies of the base truth, names suffixed " [002]", " [003]", ..."""
    if scale <= 1:
        return base
    cs, ps = [base.centres], [base.partners]
    order = dict(base.partner_order)
    for k in range(2, scale + 1):
        c, p, o = _suffixed(base, k)
        cs.append(c)
        ps.append(p)
        order.update(o)
    centres = pd.concat(cs, ignore_index=True)
    centres = centres.sort_values(["year_established", "truth_key"], kind="mergesort")
    return CentresTruth(
        centres=centres.reset_index(drop=True),
        partners=pd.concat(ps, ignore_index=True)
        .sort_values(["truth_key", "side", "org_id"], kind="mergesort")
        .reset_index(drop=True),
        targets=base.targets,
        seed=base.seed,
        scale=scale,
        partner_order=order,
    )


@lru_cache(maxsize=8)
def _cached_base(seed: int, targets_key: str, ref_dir: str) -> CentresTruth:
    targets = yaml.safe_load(targets_key)
    return _make_base(seed, targets, Registry.load(Path(ref_dir)))


def make_truth(
    seed: int = DEFAULT_SEED,
    scale: int = 1,
    targets: dict[str, Any] | None = None,
    ref_dir: Path | None = None,
    scenario: str | Path | Scenario | None = None,
) -> CentresTruth:
    """Build the seeded truth tables calibrated to a scenario's targets.

    ``targets`` defaults to those of ``scenario`` (:meth:`Scenario.targets`; by default the
    reference scenario: the values of ``published_figures.yaml`` in the reference folder);
    ``scale`` > 1 repeats the centres with suffixed names (benchmarks; network shares still
    hold, per-year and per-province counts scale up). Same arguments -> identical tables.
    """
    if scale < 1:
        raise ValueError("scale must be >= 1")
    folder = registries.reference_dir(ref_dir)
    if targets is None:
        targets = load_scenario(scenario, folder).targets("centres")
    key = yaml.safe_dump(dict(targets), sort_keys=True, allow_unicode=True)
    base = _cached_base(int(seed), key, str(folder))
    base = CentresTruth(
        centres=base.centres.copy(),
        partners=base.partners.copy(),
        targets=dict(base.targets),
        seed=base.seed,
        partner_order={k: list(v) for k, v in base.partner_order.items()},
    )
    base.centres["funders"] = base.centres["funders"].map(list)
    return _replicate(base, int(scale))
