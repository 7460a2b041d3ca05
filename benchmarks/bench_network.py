"""Benchmark of the network computation at 1x and 100x (run on demand, not a test).

Usage::

    .venv/bin/python benchmarks/bench_network.py [--repeats 3] [--seed 20220301] [--distinct-orgs]

What is timed (``pipeline.network.analyse``: bipartite graph, weighted
projection, ranked metrics with betweenness and Louvain communities, Lorenz
curve, findings), on:

* **1x** — the cleaned tables in ``data/processed/`` (``centres.parquet``,
  ``organisations.parquet``, ``centre_partners.parquet``) when present, else the
  truth tables of ``pipeline.synthetic.centres.make_truth(seed)``, else a
  seeded synthetic network of the same shape;
* **100x** — ``make_truth(seed, scale=100)`` turned into the three tables
  (``org_id``/``side`` come from ``truth.partners``); if the generator is not
  available, the 1x tables repeated 100 times with suffixed centre ids (the
  same construction the generator uses: centres repeat, organisations do not).
* optionally (``--distinct-orgs``) a stress case where every copy also gets its
  own organisations (100x organisations), which is where betweenness sampling
  (``BETWEENNESS_EXACT_MAX_NODES`` / ``BETWEENNESS_SAMPLE_K`` in
  ``pipeline.network.metrics``) takes over.

Target: the 100x run within 10x the 1x time. Results go to
``benchmarks/results/network_<date>.json`` with machine details.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from pipeline.network import analyse, layout
from pipeline.network.metrics import (
    BETWEENNESS_EXACT_MAX_NODES,
    BETWEENNESS_SAMPLE_K,
)

DEFAULT_SEED = 20220301
TARGET_RATIO = 10.0
Tables = tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]


def _registry_orgs() -> pd.DataFrame:
    path = REPO / "data" / "reference" / "organisations.csv"
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def tables_from_truth(truth) -> Tables:
    """The three cleaned-shape tables from a ``CentresTruth``."""
    c = truth.centres.sort_values("truth_key", kind="mergesort").reset_index(drop=True)
    ids = {k: f"C{i + 1:06d}" for i, k in enumerate(c["truth_key"])}
    centres = pd.DataFrame(
        {
            "centre_id": [ids[k] for k in c["truth_key"]],
            "name": c["name"],
            "year_established": c["year_established"],
        }
    )
    p = truth.partners
    links = pd.DataFrame(
        {"centre_id": [ids[k] for k in p["truth_key"]], "org_id": p["org_id"], "side": p["side"]}
    )
    reg = _registry_orgs()
    orgs = reg[reg["org_id"].isin(set(links["org_id"]))][["org_id", "name", "country", "type"]]
    return centres, orgs.reset_index(drop=True), links


def synthetic_tables(seed: int) -> Tables:
    """A seeded network of the published size: few hubs, many one-centre organisations."""
    figures = yaml.safe_load((REPO / "data/reference/published_figures.yaml").read_text())
    n_centres = int(figures["figures"]["centres_total"]["value"])
    rng = np.random.default_rng(seed)
    n_orgs = 2 * n_centres
    weights = 1.0 / np.arange(1, n_orgs + 1) ** 1.1
    weights /= weights.sum()
    rows = []
    for i in range(n_centres):
        k = int(rng.integers(2, 6))
        for m in sorted(rng.choice(n_orgs, size=k, replace=False, p=weights)):
            rows.append({"centre_id": f"C{i + 1:06d}", "org_id": f"O{m:05d}"})
    links = pd.DataFrame(rows)
    country = ["GB" if m % 3 == 0 else "CN" for m in range(n_orgs)]
    orgs = pd.DataFrame(
        {
            "org_id": [f"O{m:05d}" for m in range(n_orgs)],
            "name": [f"Organisation {m:05d}" for m in range(n_orgs)],
            "country": country,
            "type": "university",
        }
    )
    orgs = orgs[orgs["org_id"].isin(set(links["org_id"]))].reset_index(drop=True)
    links["side"] = links["org_id"].map(
        dict(zip(orgs["org_id"], ["UK" if c == "GB" else "CN" for c in orgs["country"]]))
    )
    centres = pd.DataFrame(
        {"centre_id": sorted(set(links["centre_id"])), "name": "Centre", "year_established": 2010}
    )
    return centres, orgs, links


def replicate(tables: Tables, scale: int, distinct_orgs: bool = False) -> Tables:
    """``scale`` copies of the centres (and, optionally, of the organisations)."""
    centres, orgs, links = tables
    cs, os_, ls = [], [], []
    for k in range(1, scale + 1):
        suffix = f"-{k:03d}"
        cs.append(centres.assign(centre_id=centres["centre_id"] + suffix))
        lk = links.assign(centre_id=links["centre_id"] + suffix)
        if distinct_orgs:
            lk = lk.assign(org_id=lk["org_id"] + suffix)
            os_.append(orgs.assign(org_id=orgs["org_id"] + suffix, name=orgs["name"] + suffix))
        ls.append(lk)
    out_orgs = pd.concat(os_, ignore_index=True) if distinct_orgs else orgs
    return pd.concat(cs, ignore_index=True), out_orgs, pd.concat(ls, ignore_index=True)


def load_1x(seed: int) -> tuple[Tables, str]:
    proc = REPO / "data" / "processed"
    files = [
        proc / f for f in ("centres.parquet", "organisations.parquet", "centre_partners.parquet")
    ]
    if all(f.exists() for f in files):
        return tuple(pd.read_parquet(f) for f in files), "data/processed (cleaned 1x)"
    try:
        from pipeline.synthetic.centres import make_truth

        return tables_from_truth(make_truth(seed, scale=1)), "make_truth(scale=1)"
    except (ImportError, AttributeError, RuntimeError, ValueError, KeyError) as exc:
        return synthetic_tables(seed), f"synthetic (make_truth unavailable: {exc!r})"


def load_100x(seed: int, base: Tables) -> tuple[Tables, str]:
    try:
        from pipeline.synthetic.centres import make_truth

        return tables_from_truth(make_truth(seed, scale=100)), "make_truth(scale=100)"
    except (ImportError, AttributeError, RuntimeError, ValueError, KeyError) as exc:
        return replicate(base, 100), f"1x tables repeated 100x (make_truth unavailable: {exc!r})"


def time_case(tables: Tables, seed: int, repeats: int, with_layout: bool = True) -> dict:
    times, layout_times = [], []
    result = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = analyse(*tables, seed=seed)
        times.append(time.perf_counter() - t0)
    if with_layout:
        for _ in range(repeats):
            t0 = time.perf_counter()
            layout(result.projection, seed)
            layout_times.append(time.perf_counter() - t0)
    G = result.projection
    return {
        "centres": len(tables[0]),
        "organisations": int(G.number_of_nodes()),
        "partner_links": int(result.bipartite.number_of_edges()),
        "projection_edges": int(G.number_of_edges()),
        "betweenness_method": str(result.metrics["betweenness_method"].iloc[0]),
        "analyse_seconds": [round(t, 4) for t in times],
        "analyse_median_seconds": round(statistics.median(times), 4),
        "layout_median_seconds": round(statistics.median(layout_times), 4)
        if layout_times
        else None,
        "findings": {
            k: result.findings[k]
            for k in ("organisations_total", "top_fifth_share_of_links", "gini_links")
        },
    }


def machine() -> dict:
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "memory": mem,
        "python": sys.version.split()[0],
        "networkx": nx.__version__,
        "pandas": pd.__version__,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--distinct-orgs", action="store_true", help="add the 100x-orgs stress case"
    )
    parser.add_argument("--out-dir", type=Path, default=REPO / "benchmarks" / "results")
    args = parser.parse_args(argv)

    base, src1 = load_1x(args.seed)
    big, src100 = load_100x(args.seed, base)
    print(f"1x: {src1}\n100x: {src100}", flush=True)
    one = time_case(base, args.seed, args.repeats)
    print("1x", json.dumps(one), flush=True)
    hundred = time_case(big, args.seed, args.repeats)
    print("100x", json.dumps(hundred), flush=True)
    ratio = hundred["analyse_median_seconds"] / max(one["analyse_median_seconds"], 1e-9)
    results = {
        "benchmark": "network",
        "date": dt.date.today().isoformat(),
        "machine": machine(),
        "seed": args.seed,
        "repeats": args.repeats,
        "betweenness_exact_max_nodes": BETWEENNESS_EXACT_MAX_NODES,
        "betweenness_sample_k": BETWEENNESS_SAMPLE_K,
        "sources": {"1x": src1, "100x": src100},
        "cases": {"1x": one, "100x": hundred},
        "ratio_100x_to_1x": round(ratio, 2),
        "target_ratio": TARGET_RATIO,
        "meets_target": bool(ratio <= TARGET_RATIO),
    }
    if args.distinct_orgs:
        stress = replicate(base, 100, distinct_orgs=True)
        results["cases"]["100x_distinct_orgs"] = time_case(stress, args.seed, 1, with_layout=False)
        print("100x distinct orgs", json.dumps(results["cases"]["100x_distinct_orgs"]), flush=True)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    out = args.out_dir / f"network_{results['date']}.json"
    out.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"ratio 100x/1x = {ratio:.2f} (target <= {TARGET_RATIO}); wrote {out}")
    return 0 if results["meets_target"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
