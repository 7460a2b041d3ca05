"""How concentrated the centre links are, and who holds them.

"Links" here are centre memberships: an organisation partnering in three
centres holds three links (its bipartite degree, the ``centres`` column of
:func:`pipeline.network.metrics.organisation_metrics`).

Rules used (documented so that published comparisons are reproducible):

* :func:`gini` — the standard mean-absolute-difference Gini coefficient,
  ``sum_i sum_j |x_i - x_j| / (2 n^2 mean)``, computed from the sorted values
  as ``2 * sum_i i * x_(i) / (n * sum x) - (n + 1) / n``. It is 0 when all
  organisations hold the same number of links and ``(n - 1) / n`` when one
  organisation holds them all.
* :func:`top_share` — the share of all links held by the most connected
  ``fraction`` of organisations. When ``fraction * n`` is not a whole number the
  count is rounded **up** (``ceil``): with 7 organisations the "top fifth" is
  the top 2. Ties at the cut-off do not matter because only the values count.
* :func:`lorenz_curve` — cumulative shares from the least to the most
  connected organisation, starting at (0, 0) and ending at (1, 1).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

#: Country codes (ISO 3166-1 alpha-2) used for the UK / China split.
UK_CODE = "GB"
CN_CODE = "CN"
#: Number of organisations listed as "top connected".
TOP_N = 10
#: Default fraction for :func:`top_share` (the top fifth).
TOP_FRACTION = 0.2


def _values(values: Iterable[float]) -> np.ndarray:
    arr = np.asarray(list(values), dtype=float)
    if arr.size and (np.isnan(arr).any() or (arr < 0).any()):
        raise ValueError("link counts must be non-negative numbers")
    return arr


def gini(values: Iterable[float]) -> float:
    """Gini coefficient of non-negative ``values`` (0 for an empty or all-zero list)."""
    x = np.sort(_values(values))
    n = x.size
    total = float(x.sum())
    if n == 0 or total == 0:
        return 0.0
    ranks = np.arange(1, n + 1, dtype=float)
    g = 2.0 * float((ranks * x).sum()) / (n * total) - (n + 1) / n
    return max(0.0, g)


def top_count(n: int, fraction: float = TOP_FRACTION) -> int:
    """How many organisations make up the top ``fraction`` of ``n`` (rounded up)."""
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    # Round away float noise first (0.2 * 5 = 1.0000000000000002 must give 1).
    return math.ceil(round(fraction * n, 9))


def top_share(values: Iterable[float], fraction: float = TOP_FRACTION) -> float:
    """Share of all links held by the top ``fraction`` of organisations (ceil rule)."""
    x = np.sort(_values(values))[::-1]
    total = float(x.sum())
    if x.size == 0 or total == 0:
        return 0.0
    k = top_count(x.size, fraction)
    return float(x[:k].sum()) / total


def lorenz_curve(values: Iterable[float]) -> pd.DataFrame:
    """Lorenz curve points (``share_of_orgs``, ``share_of_links``), least connected first."""
    x = np.sort(_values(values))
    n = x.size
    total = float(x.sum())
    orgs = np.arange(0, n + 1, dtype=float) / n if n else np.array([0.0])
    if total > 0:
        links = np.concatenate([[0.0], np.cumsum(x)]) / total
    else:
        links = orgs.copy()
    return pd.DataFrame({"share_of_orgs": orgs, "share_of_links": links})
