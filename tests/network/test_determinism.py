"""Ranks, communities and layout are identical across runs and across processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from network_tables import make_tables, random_centres, random_countries

from pipeline.network import (
    build_bipartite,
    communities,
    layout,
    organisation_metrics,
    project_organisations,
)

SEED = 7
HERE = Path(__file__).resolve().parent

SCRIPT = """
import json, sys
sys.path.insert(0, {here!r})
from network_tables import make_tables, random_centres, random_countries
from pipeline.network import (build_bipartite, communities, layout, organisation_metrics,
                              project_organisations)
B = build_bipartite(*make_tables(random_centres(3), random_countries()))
G = project_organisations(B)
m = organisation_metrics(B, G, seed={seed})
print(json.dumps({{
    "ranks": m[["org_id", "rank", "betweenness", "community"]].values.tolist(),
    "communities": communities(G, {seed}),
    "layout": layout(G, {seed}),
}}, sort_keys=True))
"""


def _snapshot() -> dict:
    B = build_bipartite(*make_tables(random_centres(3), random_countries()))
    G = project_organisations(B)
    m = organisation_metrics(B, G, seed=SEED)
    return json.loads(
        json.dumps(
            {
                "ranks": m[["org_id", "rank", "betweenness", "community"]].values.tolist(),
                "communities": communities(G, SEED),
                "layout": layout(G, SEED),
            },
            sort_keys=True,
        )
    )


def test_same_results_twice_in_process() -> None:
    first, second = _snapshot(), _snapshot()
    assert first == second
    assert len(set(first["communities"].values())) > 1


def test_input_row_order_does_not_matter() -> None:
    centres, orgs, links = make_tables(random_centres(3), random_countries())
    B1 = build_bipartite(centres, orgs, links)
    B2 = build_bipartite(centres.iloc[::-1], orgs.sample(frac=1, random_state=1), links.iloc[::-1])
    G1, G2 = project_organisations(B1), project_organisations(B2)
    assert organisation_metrics(B1, G1, seed=SEED).equals(organisation_metrics(B2, G2, seed=SEED))
    assert communities(G1, SEED) == communities(G2, SEED)
    assert layout(G1, SEED) == layout(G2, SEED)


def test_layout_shape_and_rounding() -> None:
    B = build_bipartite(*make_tables(random_centres(3), random_countries()))
    G = project_organisations(B)
    pos = layout(G, SEED)
    assert sorted(pos) == sorted(G.nodes)
    for x, y in pos.values():
        assert round(x, 4) == x and round(y, 4) == y
    assert layout(G, SEED, method="kamada_kawai") == layout(G, SEED, method="kamada_kawai")


def test_same_results_in_separate_processes() -> None:
    code = SCRIPT.format(here=str(HERE), seed=SEED)
    outputs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        proc = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        outputs.append(json.loads(proc.stdout))
    assert outputs[0] == outputs[1]
    assert outputs[0] == _snapshot()
