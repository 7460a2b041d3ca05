"""Command line and one-call runner for the network stage.

``python -m pipeline network --processed data/processed --seed 20220301`` reads the
cleaned centres tables, and writes into ``--out`` (default: the same folder):

* ``network_metrics.parquet`` — the ranked organisation table;
* ``network_findings.json`` — :func:`pipeline.network.findings.network_findings`;
* ``network_lorenz.parquet`` — Lorenz curve points;
* ``network_layout.parquet`` — ``org_id, x, y`` (seeded spring layout);
* ``centres_organisations_bipartite.graphml`` and
  ``organisations_projection.graphml``.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pandas as pd

from pipeline.io import atomic_write_json, atomic_write_parquet
from pipeline.network.concentration import TOP_FRACTION
from pipeline.network.export import write_graphml
from pipeline.network.findings import NetworkResult, analyse
from pipeline.network.layout import layout

INPUTS = ("centres.parquet", "organisations.parquet", "centre_partners.parquet")


def run_network(
    processed: str | os.PathLike[str],
    out: str | os.PathLike[str] | None = None,
    seed: int = 0,
    fraction: float = TOP_FRACTION,
) -> NetworkResult:
    """Read the three cleaned tables from ``processed``, analyse, write the outputs."""
    src = Path(processed)
    missing = [name for name in INPUTS if not (src / name).exists()]
    if missing:
        raise FileNotFoundError(f"{src}: missing {', '.join(missing)} (run the centres cleaner)")
    centres, orgs, links = (pd.read_parquet(src / name) for name in INPUTS)
    result = analyse(centres, orgs, links, seed=seed, fraction=fraction)
    dest = Path(out) if out else src
    pos = layout(result.projection, seed)
    comm = dict(zip(result.metrics["org_id"], result.metrics["community"], strict=True))
    atomic_write_parquet(dest / "network_metrics.parquet", result.metrics)
    atomic_write_parquet(dest / "network_lorenz.parquet", result.lorenz)
    atomic_write_parquet(
        dest / "network_layout.parquet",
        pd.DataFrame(
            [(k, x, y) for k, (x, y) in sorted(pos.items())], columns=["org_id", "x", "y"]
        ),
    )
    atomic_write_json(dest / "network_findings.json", result.findings)
    write_graphml(result.bipartite, result.projection, dest, community=comm)
    return result


def cli(argv: list[str]) -> int:
    """``network`` subcommand: analyse the centre network and write its outputs."""
    parser = argparse.ArgumentParser(
        prog="python -m pipeline network",
        description="Network analysis of the joint centres: ranked organisations, "
        "concentration (Lorenz, Gini, top-fifth share), communities, layout and GraphML.",
    )
    parser.add_argument(
        "--processed",
        default="data/processed",
        help="folder holding centres.parquet, organisations.parquet, centre_partners.parquet",
    )
    parser.add_argument("--out", default=None, help="output folder (default: --processed)")
    parser.add_argument("--seed", type=int, default=0, help="seed for Louvain and layout")
    parser.add_argument(
        "--top-fraction",
        type=float,
        default=TOP_FRACTION,
        help="fraction of organisations in the 'top' share (rounded up)",
    )
    args = parser.parse_args(argv)
    result = run_network(args.processed, args.out, seed=args.seed, fraction=args.top_fraction)
    f = result.findings
    print(
        f"{f['organisations_total']} organisations; top share "
        f"{f['top_fifth_share_of_links']}; gini {f['gini_links']}"
    )
    return 0
