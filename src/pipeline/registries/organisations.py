"""The organisations registry (``organisations.csv``) and its name resolver."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from pipeline.registries.base import (
    SLUG,
    check,
    check_in,
    check_province_code,
    check_unique,
    load_table,
    reference_dir,
    split_aliases,
)
from pipeline.registries.names import NameIndex, Resolution

ORG_TYPES = ("university", "research_institute", "funder", "company", "government_body")
UK_NATIONS = ("ENG", "SCT", "WLS", "NIR")


def load_organisations(ref_dir: Path | str | None = None) -> pd.DataFrame:
    """Organisations registry (``organisations.csv``), one row per real organisation.

    Columns: org_id, name, name_zh, country, type, city, province_code, uk_nation, aliases
    (all strings; blank = ``""``). Raises :class:`ReferenceDataError` on bad rows.
    """
    df, path = load_table("organisations.csv", ref_dir)
    check(df, path, "org_id", lambda v: bool(SLUG.match(v)), "org_id must be a lowercase slug")
    check_unique(df, path, "org_id")
    check(df, path, "name", bool, "name is required")
    check(
        df,
        path,
        "country",
        lambda v: bool(re.fullmatch(r"[A-Z]{2}", v)),
        "country must be an ISO 3166-1 alpha-2 code",
    )
    check_in(df, path, "type", ORG_TYPES)
    check_province_code(df, path)
    check_in(df, path, "uk_nation", UK_NATIONS, blank_ok=True)
    return df.reset_index(drop=True)


class OrganisationResolver:
    """Resolve free-text organisation names to ``org_id``.

    Order: exact canonical name (English or Chinese) -> alias -> fuzzy. Fuzzy matching
    uses rapidfuzz ``token_sort_ratio`` on normalised keys; it accepts the best
    organisation only when its score is >= ``threshold`` AND beats the best *other*
    organisation by >= ``margin`` points, and only for keys of at least ``min_fuzzy_len``
    characters (short abbreviations are never fuzzed). Otherwise the name is unresolved
    and ``candidate`` carries the best guess for a reviewer.
    """

    #: the id column of the registry table this resolver reads
    id_column = "org_id"

    def __init__(
        self,
        orgs: pd.DataFrame | None = None,
        threshold: float = 90.0,
        margin: float = 4.0,
        min_fuzzy_len: int = 6,
    ) -> None:
        self.orgs = self._default_table() if orgs is None else orgs
        self._by_id = self.orgs.set_index(self.id_column, drop=False)
        records = [
            (getattr(r, self.id_column), [r.name, r.name_zh], split_aliases(r.aliases))
            for r in self.orgs.itertuples(index=False)
        ]
        self._index = NameIndex(records, threshold, margin, min_fuzzy_len)

    @staticmethod
    def _default_table() -> pd.DataFrame:
        return load_organisations()

    @property
    def threshold(self) -> float:
        """Minimum fuzzy score accepted."""
        return self._index.threshold

    def resolve(self, name: str | None) -> Resolution:
        """Resolve one name; see the class docstring."""
        return self._index.resolve(name)

    def resolve_many(self, names: Iterable[str | None]) -> pd.DataFrame:
        """Resolve many names: DataFrame with columns input, org_id, method, score, candidate."""
        rows = []
        for n in names:
            r = self.resolve(n)
            rows.append(
                {
                    "input": n,
                    "org_id": r.org_id,
                    "method": r.method,
                    "score": r.score,
                    "candidate": r.candidate,
                }
            )
        return pd.DataFrame(rows, columns=["input", "org_id", "method", "score", "candidate"])

    def get(self, org_id: str) -> dict[str, str]:
        """The registry row of ``org_id`` as a dict (KeyError if unknown)."""
        return self._by_id.loc[org_id].to_dict()

    def ambiguous_keys(self) -> dict[str, list[str]]:
        """Normalised names/aliases that map to more than one org (should be empty)."""
        return self._index.ambiguous_keys()


@functools.lru_cache(maxsize=8)
def _default_org_resolver(ref_dir: str) -> OrganisationResolver:
    return OrganisationResolver(load_organisations(ref_dir))


def get_organisation_resolver(ref_dir: Path | str | None = None) -> OrganisationResolver:
    """A cached :class:`OrganisationResolver` over the registry (default settings)."""
    return _default_org_resolver(str(reference_dir(ref_dir)))
