"""Small hand-made networks with known answers (helpers shared by tests/network)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

TableMaker = Callable[..., tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]]


def make_tables(
    centres: dict[str, list[str]], countries: dict[str, str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Tables in the cleaner's output shape from ``{centre_id: [org_id, ...]}``."""
    countries = countries or {}
    orgs = sorted({o for members in centres.values() for o in members})
    centre_df = pd.DataFrame(
        {
            "centre_id": sorted(centres),
            "name": [f"Centre {c}" for c in sorted(centres)],
            "year_established": [2010] * len(centres),
            "location": ["CN"] * len(centres),
        }
    )
    org_df = pd.DataFrame(
        {
            "org_id": orgs,
            "name": [f"Org {o}" for o in orgs],
            "country": [countries.get(o, "GB") for o in orgs],
            "type": ["university"] * len(orgs),
        }
    )
    side = {"GB": "UK", "CN": "CN"}
    links = pd.DataFrame(
        [
            {"centre_id": c, "org_id": o, "side": side.get(countries.get(o, "GB"), "other")}
            for c in sorted(centres)
            for o in centres[c]
        ]
    )
    return centre_df, org_df, links


def random_centres(seed: int, n_centres: int = 60, n_orgs: int = 80) -> dict[str, list[str]]:
    """A seeded random network with a few hubs (for determinism checks)."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, n_orgs + 1)
    weights /= weights.sum()
    out = {}
    for i in range(n_centres):
        k = int(rng.integers(2, 5))
        members = rng.choice(n_orgs, size=k, replace=False, p=weights)
        out[f"C{i:04d}"] = [f"O{m:03d}" for m in sorted(members)]
    return out


def random_countries(n_orgs: int = 80) -> dict[str, str]:
    """Deterministic country mix: two thirds CN, the rest GB, a few other."""
    out = {}
    for m in range(n_orgs):
        out[f"O{m:03d}"] = "US" if m % 13 == 0 else ("GB" if m % 3 == 0 else "CN")
    return out
