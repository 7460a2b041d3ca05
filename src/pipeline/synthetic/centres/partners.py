"""The partner network of the centres truth: who partners which centre.

A degree sequence per organisation is designed first (the published most connected
organisations in order, the published number of UK organisations in the top ten, the top
fifth of organisations holding about the published share of links, the published
China/UK split of organisations), then realised as a bipartite graph. The lead Chinese
partner of every China-located centre sits in that centre's province.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from pipeline.synthetic.centres.calibrate import province_counts
from pipeline.synthetic.centres.registry import (
    PARTNER_TYPES,
    Org,
    Registry,
    org_by_name,
    organisations,
)

#: the ranks the published "top ten" figures speak about
TOP_N = 10


@dataclass
class Partnership:
    """Each centre's partner organisations (lead partners first) and where it sits."""

    members: list[list[str]]
    by_id: dict[str, Org]
    lead_cn: dict[int, str]
    centre_province: dict[int, str]


@dataclass
class _Eligible:
    uk: list[Org]
    cn: list[Org]
    other: list[Org]
    top_named: list[Org]


def _shaped_degrees(
    head: np.ndarray, t0: int, g: float, x_tail: np.ndarray, fixed_top: int, top_n: int
) -> list[int]:
    """``head`` then a tail falling from ``t0`` to 1, with the top ranks strictly ordered."""
    tail = np.maximum(1, np.round(1 + (t0 - 1) * (1 - x_tail) ** g)).astype(int)
    d = [int(v) for v in np.concatenate([head, tail])]
    for i in range(fixed_top, 0, -1):  # strictly ordered top organisations
        d[i - 1] = max(d[i - 1], d[i] + 1)
    if top_n < len(d) and d[top_n - 1] == d[top_n]:
        v = d[top_n - 1]
        d = [y + 1 if (i < top_n and y == v) else y for i, y in enumerate(d)]
    for i in range(fixed_top, 0, -1):
        d[i - 1] = max(d[i - 1], d[i] + 1)
    return d


def degree_sequence(
    n_centres: int,
    sides: list[str],
    top_share: float,
    fixed_top: int,
    top_n: int,
) -> list[int] | None:
    """A non-increasing degree per rank with the top fifth holding about ``top_share``.

    Shape: a power-law head over the top fifth (``d1 * r ** -a``) and a tail falling from
    ``t0`` to 1 (``1 + (t0 - 1) * (1 - x) ** g``). The top ``fixed_top`` ranks are made
    strictly decreasing and rank ``top_n`` strictly above rank ``top_n + 1``. Each side's
    links must fit 1.3-2.2 partners per centre. Returns the sequence closest to the target
    share (top fifth by both the ceil and the floor rule), or None when none is within 0.02.
    """
    m = len(sides)
    k = math.ceil(round(0.2 * m, 9))
    k_floor = max(1, int(0.2 * m))
    is_uk = np.array([s == "UK" for s in sides])
    is_cn = np.array([s == "CN" for s in sides])
    x_tail = (np.arange(k, m) - k) / max(m - k, 1)
    lo, hi = 1.3 * n_centres, 2.2 * n_centres
    best: tuple[float, list[int]] | None = None
    for d1 in range(max(8, n_centres // 8), int(0.35 * n_centres) + 1):
        for a in np.arange(0.3, 1.3, 0.05):
            head = np.maximum(1, np.round(d1 * np.arange(1, k + 1) ** -a)).astype(int)
            for t0 in range(2, int(head[-1]) + 1):
                for g in (1.0, 2.0, 3.0):
                    d = _shaped_degrees(head, t0, g, x_tail, fixed_top, top_n)
                    arr = np.array(d)
                    if not (
                        lo <= int(arr[is_uk].sum()) <= hi and lo <= int(arr[is_cn].sum()) <= hi
                    ):
                        continue
                    total = arr.sum()
                    err = max(
                        abs(arr[:k].sum() / total - top_share),
                        abs(arr[:k_floor].sum() / total - top_share),
                    )
                    if best is None or err < best[0] - 1e-12:
                        best = (float(err), d)
    if best is None or best[0] > 0.02:
        return None
    return best[1]


def _eligible(reg: Registry, targets: dict[str, Any]) -> _Eligible:
    """Partner-type organisations by side, and the published most connected ones."""
    orgs = organisations(reg)
    eligible = [o for o in orgs.values() if o.type in PARTNER_TYPES]
    return _Eligible(
        uk=[o for o in eligible if o.side == "UK"],
        cn=[o for o in eligible if o.side == "CN" and o.province],
        other=[o for o in eligible if o.side == "other"],
        top_named=[org_by_name(orgs, nm) for nm in targets["top_connected"]],
    )


def _organisation_counts(targets: dict[str, Any], n: int, el: _Eligible) -> tuple[int, int, int]:
    """How many UK, Chinese and other organisations take part (published China/UK split)."""
    s_cn = float(targets["organisations_share_cn"])
    s_uk = float(targets["organisations_share_uk"])
    n_other = min(len(el.other), 3)
    # about 0.6 organisations per centre keeps a long tail of one- or two-centre partners
    target_m = round(0.6 * n)
    best_uc: tuple[float, int, int] | None = None
    for u in range(8, len(el.uk) + 1):
        for c in range(8, len(el.cn) + 1):
            m = u + c + n_other
            score = abs(c / m - s_cn) + abs(u / m - s_uk) + 0.002 * abs(m - target_m)
            if best_uc is None or score < best_uc[0] - 1e-12:
                best_uc = (score, u, c)
    if best_uc is None:
        raise ValueError("registry has too few partner organisations")
    return best_uc[1], best_uc[2], n_other


def _rank_sides(
    rng: np.random.Generator,
    top_named: list[Org],
    top10_uk: int,
    n_uk: int,
    n_cn: int,
    n_other: int,
) -> list[str]:
    """The side of each rank: the named organisations, the rest of the top ten, the tail."""
    head = [o.side for o in top_named]
    rest_top = ["UK"] * (top10_uk - head.count("UK")) + ["CN"] * (
        TOP_N - len(head) - (top10_uk - head.count("UK"))
    )
    rest_top = [rest_top[i] for i in rng.permutation(len(rest_top))]
    tail = ["UK"] * (n_uk - top10_uk) + ["CN"] * (n_cn - (TOP_N - top10_uk))
    keys = [rng.random() * (1.0 if s == "UK" else 1.7) for s in tail]
    tail = [tail[i] for i in np.argsort(keys, kind="stable")]
    # "other" organisations sit in the lower half of the ranking
    for _ in range(n_other):
        pos = int(rng.integers(len(tail) // 2, len(tail) + 1))
        tail.insert(pos, "other")
    return head + rest_top + tail


def _ranked_degrees(
    rng: np.random.Generator, targets: dict[str, Any], n: int, el: _Eligible
) -> tuple[list[str], list[int]]:
    """The side and number of centres of every organisation rank."""
    n_uk, n_cn, n_other = _organisation_counts(targets, n, el)
    top10_uk = int(targets["top10_uk_count"])
    for _attempt in range(200):
        sides = _rank_sides(rng, el.top_named, top10_uk, n_uk, n_cn, n_other)
        degrees = degree_sequence(
            n, sides, float(targets["top_fifth_share_of_links"]), len(el.top_named), TOP_N
        )
        if degrees is not None:
            # the "other" organisations are occasional partners: at most a few centres each
            return sides, [
                min(d, 3) if s == "other" else d for d, s in zip(degrees, sides, strict=True)
            ]
    raise RuntimeError("no degree sequence matches the published network shape")


def _pick_cn(rng: np.random.Generator, cn_left: dict[str, Org], deficit: dict[str, int]) -> Org:
    """A Chinese organisation, from the province that most lacks partner capacity."""
    need = [
        (d, p)
        for p, d in deficit.items()
        if d > 0 and any(c.province == p for c in cn_left.values())
    ]
    if need:
        p = max(need, key=lambda x: (x[0], x[1]))[1]
        cands = sorted(c for c in cn_left if cn_left[c].province == p)
    else:
        cands = sorted(cn_left)
    return cn_left.pop(cands[int(rng.integers(len(cands)))])


def _fill_ranks(
    rng: np.random.Generator,
    el: _Eligible,
    sides: list[str],
    degrees: list[int],
    pcounts: dict[str, int],
) -> list[Org]:
    """An organisation for every rank, so that each province can host its centres."""
    chosen = list(el.top_named)
    used = {o.org_id for o in chosen}
    deficit = dict(pcounts)
    uk_pool = [o for o in el.uk if o.org_id not in used]
    uk_pool = [uk_pool[i] for i in rng.permutation(len(uk_pool))]
    oth_pool = [el.other[i] for i in rng.permutation(len(el.other))]
    cn_left = {o.org_id: o for o in el.cn if o.org_id not in used}
    for rank, o in enumerate(el.top_named):
        if o.side == "CN" and o.province in deficit:
            deficit[o.province] -= degrees[rank]
    for r in range(len(el.top_named), len(sides)):
        if sides[r] == "UK":
            o = uk_pool.pop(0)
        elif sides[r] == "other":
            o = oth_pool.pop(0)
        else:
            o = _pick_cn(rng, cn_left, deficit)
            if o.province in deficit:
                deficit[o.province] -= degrees[r]
        chosen.append(o)
    if any(d > 0 for d in deficit.values()):
        raise RuntimeError(f"provinces lack partner capacity: {deficit}")
    return chosen


def _slots(rng: np.random.Generator, n: int, total: int) -> list[int]:
    """Partners of one side per centre: 1-3 each, adding up to ``total``."""
    k = [1] * n
    extra_n = total - sum(k)
    if extra_n < 0 or extra_n > sum(3 - x for x in k):
        raise RuntimeError("partner link total outside the 1-3 per centre range")
    open_ = [i for i in range(n) if k[i] < 3]
    for _ in range(extra_n):
        j = open_[int(rng.integers(len(open_)))]
        k[j] += 1
        if k[j] == 3:
            open_.remove(j)
    return k


class _Network:
    """Centres' partner lists being filled from each organisation's remaining degree."""

    def __init__(
        self, rng: np.random.Generator, n: int, chosen: list[Org], degrees: list[int]
    ) -> None:
        self.rng = rng
        self.n = n
        self.chosen = chosen
        self.remaining = {o.org_id: d for o, d in zip(chosen, degrees, strict=True)}
        self.members: list[list[str]] = [[] for _ in range(n)]

    def side_total(self, side: str) -> int:
        return sum(self.remaining[o.org_id] for o in self.chosen if o.side == side)

    def leads(self, located: list[int], pcounts: dict[str, int]) -> tuple[dict, dict]:
        """The lead Chinese partner of every China-located centre, from its province."""
        prov_of_centre = [p for p, c in sorted(pcounts.items()) for _ in range(c)]
        prov_of_centre = [prov_of_centre[i] for i in self.rng.permutation(len(prov_of_centre))]
        centre_prov: dict[int, str] = {}
        lead_cn: dict[int, str] = {}
        for i, p in zip(located, prov_of_centre, strict=True):
            centre_prov[i] = p
            cands = [
                o
                for o in self.chosen
                if o.side == "CN" and o.province == p and self.remaining[o.org_id]
            ]
            best = max(self.remaining[o.org_id] for o in cands)
            top = sorted(o.org_id for o in cands if self.remaining[o.org_id] == best)
            oid = top[int(self.rng.integers(len(top)))]
            self.remaining[oid] -= 1
            self.members[i].append(oid)
            lead_cn[i] = oid
        return centre_prov, lead_cn

    def realise(self, side: str, open_slots: list[int]) -> None:
        """Place every organisation of ``side`` in as many centres as its degree."""
        ids = [o.org_id for o in self.chosen if o.side == side and self.remaining[o.org_id] > 0]
        ids.sort(key=lambda x: (-self.remaining[x], x))
        tiebreak = self.rng.random(self.n)
        for oid in ids:
            need = self.remaining[oid]
            cands = [i for i in range(self.n) if open_slots[i] > 0 and oid not in self.members[i]]
            if len(cands) < need:
                raise RuntimeError(f"cannot place {oid} in {need} centres")
            cands.sort(key=lambda i: (-open_slots[i], tiebreak[i]))
            for i in cands[:need]:
                self.members[i].append(oid)
                open_slots[i] -= 1
            self.remaining[oid] = 0
        if any(open_slots):
            raise RuntimeError(f"{side} partner slots left open")

    def add_others(self, by_id: dict[str, Org]) -> None:
        """Each "other" organisation joins centres that have no other "other" partner."""
        for o in self.chosen:
            if o.side != "other":
                continue
            cands = [
                i
                for i in range(self.n)
                if not any(by_id[x].side == "other" for x in self.members[i])
            ]
            pick = self.rng.choice(len(cands), size=self.remaining[o.org_id], replace=False)
            for j in sorted(int(x) for x in pick):
                self.members[cands[j]].append(o.org_id)
            self.remaining[o.org_id] = 0


def assign_partners(
    rng: np.random.Generator, reg: Registry, targets: dict[str, Any], located: list[int], n: int
) -> Partnership:
    """Partners of every centre; ``located`` lists the centres sited in China."""
    el = _eligible(reg, targets)
    cn_top = next((o for o in el.top_named if o.side == "CN"), None)
    bins = [int(b) for b in targets["province_map_bins"]]
    pcounts = province_counts(
        rng, reg, el.cn, len(located), bins, cn_top.province if cn_top else ""
    )
    sides, degrees = _ranked_degrees(rng, targets, n, el)
    chosen = _fill_ranks(rng, el, sides, degrees, pcounts)
    net = _Network(rng, n, chosen, degrees)
    uk_slots = _slots(rng, n, net.side_total("UK"))
    cn_slots = _slots(rng, n, net.side_total("CN"))
    centre_prov, lead_cn = net.leads(located, pcounts)
    net.realise("CN", [cn_slots[i] - (1 if i in lead_cn else 0) for i in range(n)])
    net.realise("UK", list(uk_slots))
    by_id = {o.org_id: o for o in chosen}
    net.add_others(by_id)
    return Partnership(
        members=net.members, by_id=by_id, lead_cn=lead_cn, centre_province=centre_prov
    )
