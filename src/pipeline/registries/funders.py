"""The funders registry (``funders.csv``) and its resolver (funder ids equal org ids)."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from pipeline.registries.base import SLUG, check, check_unique, load_table, reference_dir
from pipeline.registries.names import Resolution
from pipeline.registries.organisations import OrganisationResolver


def load_funders(ref_dir: Path | str | None = None) -> pd.DataFrame:
    """Funders registry (``funders.csv``); funder ids equal the matching org ids."""
    df, path = load_table("funders.csv", ref_dir)
    check(
        df, path, "funder_id", lambda v: bool(SLUG.match(v)), "funder_id must be a lowercase slug"
    )
    check_unique(df, path, "funder_id")
    check(df, path, "name", bool, "name is required")
    return df.reset_index(drop=True)


class FunderResolver(OrganisationResolver):
    """Resolve funder names to ``funder_id`` (ids shared with organisations.csv)."""

    id_column = "funder_id"

    def __init__(
        self,
        funders: pd.DataFrame | None = None,
        threshold: float = 90.0,
        margin: float = 4.0,
        min_fuzzy_len: int = 6,
    ) -> None:
        super().__init__(funders, threshold, margin, min_fuzzy_len)

    @staticmethod
    def _default_table() -> pd.DataFrame:
        return load_funders()

    def resolve_many(self, names: Iterable[str | None]) -> pd.DataFrame:
        """Resolve many names: columns input, funder_id, method, score, candidate."""
        return super().resolve_many(names).rename(columns={"org_id": "funder_id"})


@functools.lru_cache(maxsize=8)
def _default_funder_resolver(ref_dir: str) -> FunderResolver:
    return FunderResolver(load_funders(ref_dir))


def resolve_funder(name: str | None, ref_dir: Path | str | None = None) -> Resolution:
    """Resolve a funder name with a cached default :class:`FunderResolver`."""
    return _default_funder_resolver(str(reference_dir(ref_dir))).resolve(name)
