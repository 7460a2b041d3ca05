"""Counts the centres truth must hit: discipline groups, years, topics, NSI sectors, provinces.

Every target comes from the scenario (``targets``: the published figures by default, see
:func:`pipeline.synthetic.centres.truth.make_truth`); the draws use the truth's random
stream, in a fixed order, so the same seed gives the same counts.
"""

from __future__ import annotations

import itertools
from typing import Any

import networkx as nx
import numpy as np

from pipeline.synthetic.centres.phrases import TOPIC_SECTOR_AFFINITY
from pipeline.synthetic.centres.registry import Org, Registry
from pipeline.synthetic.common import largest_remainder

TopicSector = tuple[str, str | None]


def group_counts(targets: dict[str, Any]) -> dict[str, int]:
    """Centres per discipline group: round(share / 100 * total), adding up to the total."""
    total = int(targets["centres_total"])
    prefix = "discipline_share_"
    shares = {
        k[len(prefix) :]: float(v)
        for k, v in targets.items()
        if k.startswith(prefix) and not k.endswith("_rounded")
    }
    counts = {g: round(s / 100.0 * total) for g, s in shares.items()}
    if sum(counts.values()) != total:
        raise ValueError(
            f"discipline shares {shares} give counts {counts} that do not add up to {total}"
        )
    return counts


def _year_shape(y: int, first: int, g0: int, g1: int, peak: int) -> float:
    """Relative number of new centres in year ``y`` (before any noise)."""
    if y < g0:
        return 1.0 + 0.35 * (y - first)
    if y <= peak:
        return 7.0 + 5.5 * (y - g0) / max(peak - g0, 1)
    if y < g1:
        return 12.5 - 1.0 * (y - peak)
    # the fall: the era's last year clearly lower, later years lower still
    return max(7.0 * 0.6 ** (y - g1), 1.0)


def _year_curve_ok(counts: dict[int, int], years: list[int], g0: int, g1: int) -> bool:
    """Peak strictly inside the golden era, rising start, and a clear fall at its end."""
    top = max(counts.values())
    peak_years = [y for y, c in counts.items() if c == top]
    after = [counts[y] for y in years if y > g1]
    return (
        all(g0 + 1 < y < g1 for y in peak_years)
        and all(counts[y] <= counts[y + 1] for y in range(g0, g0 + 2) if y + 1 in counts)
        and counts.get(g1, 0) <= 0.75 * top
        and all(c < counts.get(g1, 0) for c in after)
    )


def _rising_shape(y: int, first: int, g0: int, g1: int) -> float:
    """Relative number of new centres in year ``y`` when they keep rising after the era."""
    if y < g0:
        return 1.0 + 0.35 * (y - first)
    if y <= g1:
        return 5.0 + 4.0 * (y - g0) / max(g1 - g0, 1)
    return 9.0 + 2.5 * (y - g1)


def _rising_ok(counts: dict[int, int], years: list[int], g0: int, g1: int) -> bool:
    """Every year after the era above the era's last, rising, and the last year the busiest."""
    after = [counts[y] for y in years if y > g1]
    era = [counts[y] for y in years if g0 <= y <= g1]
    peak_years = [y for y, c in counts.items() if c == max(counts.values())]
    return (
        peak_years == [years[-1]]
        and all(c > counts.get(g1, 0) for c in after)
        and all(a < b for a, b in itertools.pairwise(after))
        and sum(after) / len(after) > sum(era) / max(len(era), 1)
    )


#: what new centres do after the golden era (scenario setting ``years_after_golden_era``)
YEAR_TRENDS = ("falling", "rising")


def year_counts(rng: np.random.Generator, targets: dict[str, Any], total: int) -> dict[int, int]:
    """New centres per year: growth to a peak inside the golden era, then a sharp fall
    (or, with ``years_after_golden_era: rising``, growth that goes on after the era)."""
    first, last = int(targets["centres_first_year"]), int(targets["centres_last_year"])
    skip = {int(y) for y in targets.get("centres_years_without_new", [])}
    g0, g1 = (int(y) for y in targets["golden_era"])
    trend = targets.get("years_after_golden_era", YEAR_TRENDS[0])
    if trend not in YEAR_TRENDS:
        raise ValueError(f"years_after_golden_era must be one of {YEAR_TRENDS}, not {trend!r}")
    years = [y for y in range(first, last + 1) if y not in skip]
    if trend == "rising" and years[-1] <= g1:
        raise ValueError(f"no year after the golden era ({g1}) to rise in: last year {last}")
    span = max(g1 - g0, 2)
    peak = g0 + max(2, (span * 3) // 5)  # the middle-to-late golden-era years
    if trend == "rising":
        shape = [_rising_shape(y, first, g0, g1) for y in years]
        ok = _rising_ok
    else:
        shape = [_year_shape(y, first, g0, g1, peak) for y in years]
        ok = _year_curve_ok
    for _ in range(500):
        w = [s * float(rng.uniform(0.93, 1.07)) for s in shape]
        counts = dict(zip(years, largest_remainder(total, w), strict=True))
        if min(counts.values()) >= 1 and ok(counts, years, g0, g1):
            return counts
    raise RuntimeError(f"could not draw a year curve {trend} after the golden era")


def allowed_sectors(topic: str, default_of: dict[str, str]) -> list[str]:
    """Sectors a topic may carry: its default sector first, then its affinities."""
    allowed = list(TOPIC_SECTOR_AFFINITY.get(topic, ()))
    d = default_of.get(topic) or ""
    if d and d not in allowed:
        allowed.insert(0, d)
    return allowed


def _spread(
    rng: np.random.Generator, rest: int, pool: list[str], caps: list[int], group: str
) -> list[int]:
    """``rest`` centres over the topics of ``pool`` at random, each at most its ``caps``."""
    if rest < 0:
        raise ValueError(f"published topic counts exceed the {group} group total")
    if rest and not pool:
        raise ValueError(f"no topics left in group {group!r} for {rest} centres")
    if rest and sum(caps) < rest:
        raise ValueError(f"group {group!r}: {rest} centres do not fit below {caps} per topic")
    for _ in range(1000):
        w = rng.dirichlet(np.full(len(pool), 2.0))
        alloc = largest_remainder(rest, w)
        if all(a <= c for a, c in zip(alloc, caps, strict=True)):
            return alloc
    raise RuntimeError(f"could not spread {rest} centres over {pool}")  # pragma: no cover


def _multidisciplinary_sectors(
    rng: np.random.Generator,
    pool: list[str],
    default_of: dict[str, str],
    extra: int,
    with_sector: dict[str, int],
) -> list[str]:
    """Give the ``extra`` sectors to multidisciplinary topics; return the sector-free pool.

    The surplus sectors go to multidisciplinary centres; the others must be topics whose
    default sector is blank so that their text carries no sector.
    """
    blank = [t for t in pool if not default_of[t]]
    if not blank:
        raise ValueError("no multidisciplinary topic without a default NSI sector")
    sector_topics = [t for t in pool if t in TOPIC_SECTOR_AFFINITY] or pool
    for _ in range(extra):
        t = sector_topics[int(rng.integers(len(sector_topics)))]
        with_sector[t] = with_sector.get(t, 0) + 1
    return blank


def topic_counts(
    rng: np.random.Generator,
    reg: Registry,
    targets: dict[str, Any],
    groups: dict[str, int],
    extra_sector_centres: int,
    sectors: dict[str, int],
) -> tuple[dict[str, int], dict[str, int]]:
    """Centres per topic. Returns (counts, multidisciplinary centres that carry a sector)."""
    published = {str(k): int(v) for k, v in targets["topic_counts"].items()}
    group_of = reg.topic_column("discipline_group")
    default_of = reg.topic_column("default_nsi_sector")
    for t in published:
        if t not in group_of:
            raise ValueError(f"topics.csv has no topic {t!r} named in topic_counts")
    cap = min(published.values()) - 1
    counts: dict[str, int] = dict(published)
    with_sector: dict[str, int] = {}
    for group, n_group in sorted(groups.items()):
        rest = n_group - sum(c for t, c in published.items() if group_of[t] == group)
        pool = sorted(t for t, g in group_of.items() if g == group and t not in published)
        if group == "stem":  # only topics that can carry one of the published sectors
            pool = [t for t in pool if set(allowed_sectors(t, default_of)) & set(sectors)]
        if group == "multidisciplinary":
            pool = _multidisciplinary_sectors(
                rng, pool, default_of, extra_sector_centres, with_sector
            )
            rest -= extra_sector_centres
        # a topic's sector-carrying centres count towards its cap (it stays below the
        # smallest published topic count, so the published topics lead)
        caps = [cap - with_sector.get(t, 0) for t in pool]
        for t, c in zip(pool, _spread(rng, rest, pool, caps, group), strict=True):
            counts[t] = counts.get(t, 0) + c
    for t, c in with_sector.items():
        counts[t] = counts.get(t, 0) + c
    return {t: c for t, c in counts.items() if c > 0}, with_sector


def sector_flow(
    rng: np.random.Generator,
    rows: dict[str, int],
    sector_counts: dict[str, int],
    default_of: dict[str, str],
) -> dict[str, dict[str, int]] | None:
    """Assign sectors to topic rows (row totals and sector totals both exact) by min-cost flow."""
    g = nx.DiGraph()
    total = sum(sector_counts.values())
    if sum(rows.values()) != total:
        return None
    g.add_node("SRC", demand=-total)
    g.add_node("SNK", demand=total)
    for r, n in sorted(rows.items()):
        g.add_edge("SRC", f"t:{r}", capacity=n, weight=0)
        for rank, s in enumerate(allowed_sectors(r.split("#")[0], default_of)):
            if s in sector_counts:
                cost = 10 * rank + int(rng.integers(0, 8))
                g.add_edge(f"t:{r}", f"s:{s}", capacity=n, weight=cost)
    for s, n in sorted(sector_counts.items()):
        g.add_edge(f"s:{s}", "SNK", capacity=n, weight=0)
    try:
        flow = nx.min_cost_flow(g)
    except nx.NetworkXUnfeasible:
        return None
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        out[r] = {k[2:]: v for k, v in flow[f"t:{r}"].items() if v > 0}
    return out


def _sector_counts(
    targets: dict[str, Any], reg: Registry, groups: dict[str, int]
) -> tuple[dict[str, int], int]:
    """Published centres per sector, and how many of them fall to multidisciplinary centres."""
    sector_counts = {str(k): int(v) for k, v in targets["nsi_sector_counts"].items()}
    extra = sum(sector_counts.values()) - groups.get("stem", 0)
    if extra < 0:
        raise ValueError("fewer NSI sector assignments than STEM centres: cannot calibrate")
    known_sectors = set(reg.sectors["sector"])
    for s in sector_counts:
        if s not in known_sectors:
            raise ValueError(f"nsi_sectors.csv has no sector {s!r}")
    return sector_counts, extra


def _expand(
    tcounts: dict[str, int], flow: dict[str, dict[str, int]], group_of: dict[str, str]
) -> list[TopicSector]:
    """One ``(topic, sector or None)`` per centre, topic by topic."""
    topic_sector: list[TopicSector] = []
    for t in sorted(tcounts):
        if group_of[t] == "stem":
            for s, c in sorted(flow.get(t, {}).items()):
                topic_sector += [(t, s)] * c
            continue
        with_s = flow.get(f"{t}#multi", {})
        for s, c in sorted(with_s.items()):
            topic_sector += [(t, s)] * c
        topic_sector += [(t, None)] * (tcounts[t] - sum(with_s.values()))
    return topic_sector


def topic_sectors(
    rng: np.random.Generator, reg: Registry, targets: dict[str, Any]
) -> list[TopicSector]:
    """``(topic, NSI sector or None)`` of every centre, in random order, hitting the counts."""
    n = int(targets["centres_total"])
    groups = group_counts(targets)
    sector_counts, extra = _sector_counts(targets, reg, groups)
    group_of = reg.topic_column("discipline_group")
    default_of = reg.topic_column("default_nsi_sector")
    for _ in range(300):
        tcounts, with_sector = topic_counts(rng, reg, targets, groups, extra, sector_counts)
        rows = {t: c for t, c in tcounts.items() if group_of[t] == "stem"}
        for t, c in with_sector.items():
            rows[f"{t}#multi"] = c
        flow = sector_flow(rng, rows, sector_counts, default_of)
        if flow is not None:
            break
    else:
        raise RuntimeError("could not assign NSI sectors to topics with the published counts")
    topic_sector = _expand(tcounts, flow, group_of)
    if len(topic_sector) != n:
        raise RuntimeError(f"{len(topic_sector)} topics drawn for {n} centres")
    perm = rng.permutation(n)
    return [topic_sector[i] for i in perm]


def _province_order(
    rng: np.random.Generator,
    reg: Registry,
    eligible_cn: list[Org],
    n_bins: int,
    first_province: str,
) -> list[str]:
    """Provinces with Chinese partners, the most attractive first (``first_province`` leads)."""
    prov = reg.provinces.set_index("code")
    by_prov: dict[str, int] = {}
    for o in eligible_cn:
        if o.province in prov.index:
            by_prov[o.province] = by_prov.get(o.province, 0) + 1
    if len(by_prov) < n_bins - 1:
        raise ValueError("too few provinces with Chinese partner organisations to fill the map")

    def attract(code: str) -> float:
        row = prov.loc[code]
        boost = 1.8 if str(row["coastal"]).lower() == "true" or row["kind"] == "municipality" else 1
        return by_prov[code] * boost * float(rng.uniform(0.8, 1.25))

    return sorted(by_prov, key=lambda c: (c != first_province, -attract(c), c))


def province_counts(
    rng: np.random.Generator,
    reg: Registry,
    eligible_cn: list[Org],
    n_located: int,
    bins: list[int],
    first_province: str,
) -> dict[str, int]:
    """Centres per province (China-located + both) filling every bin of the map key."""
    order = _province_order(rng, reg, eligible_cn, len(bins), first_province)
    lows = sorted(int(b) for b in bins)

    def bin_of(c: int) -> int:
        return max(i for i, b in enumerate(lows) if c >= b)

    options = []
    for k in range(len(lows) - 1, len(order) + 1):
        for alpha in np.arange(0.4, 2.5, 0.05):
            cnt = largest_remainder(n_located, [(r + 1) ** -alpha for r in range(k)])
            if min(cnt) >= 1 and {bin_of(c) for c in cnt} >= set(range(1, len(lows))):
                options.append(cnt)
    if not options:
        raise ValueError("no province spread fills every bin of province_map_bins")
    # prefer spreads where no single province dominates
    even = [o for o in options if max(o) <= 0.22 * n_located]
    options = even or options
    cnt = options[int(rng.integers(len(options)))]
    # zero bin: the provinces not used (there are 34 province-level units)
    return dict(zip(order[: len(cnt)], cnt, strict=True))
