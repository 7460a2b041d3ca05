"""Deterministic node positions for drawing the organisation projection."""

from __future__ import annotations

import networkx as nx

from pipeline.network.graph import sorted_copy

#: Decimals kept in layout coordinates (also removes float noise between machines).
LAYOUT_DECIMALS = 4


def _tidy(value: float) -> float:
    out = round(float(value), LAYOUT_DECIMALS)
    return 0.0 if out == 0 else out  # no "-0.0"


def layout(
    G: nx.Graph, seed: int, method: str = "spring", iterations: int = 200
) -> dict[str, tuple[float, float]]:
    """Positions ``org_id -> (x, y)`` in [-1, 1], identical across runs and processes.

    ``method="spring"`` runs :func:`networkx.spring_layout` (Fruchterman–Reingold,
    unweighted so that heavy hub-to-hub ties do not collapse the core, optimal
    distance ``2 / sqrt(n)``) with the given ``seed`` on a copy of ``G`` with
    sorted insertion order; ``method="kamada_kawai"`` uses
    :func:`networkx.kamada_kawai_layout` with ``distance`` as edge length (no
    randomness; slower, for small graphs). Coordinates are rounded to
    ``LAYOUT_DECIMALS`` decimals.
    """
    if G.number_of_nodes() == 0:
        return {}
    H = sorted_copy(G)
    if method == "spring":
        k = 2.0 / max(H.number_of_nodes(), 1) ** 0.5
        pos = nx.spring_layout(H, seed=seed, weight=None, k=k, iterations=iterations)
    elif method == "kamada_kawai":
        pos = nx.kamada_kawai_layout(H, weight="distance")
    else:
        raise ValueError(f"unknown layout method {method!r} (use 'spring' or 'kamada_kawai')")
    return {str(n): (_tidy(xy[0]), _tidy(xy[1])) for n, xy in sorted(pos.items())}
