"""The registry tables the centres generator draws from, read through :mod:`pipeline.registries`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline import registries

#: organisation types that may be a centre's partner
PARTNER_TYPES = ("university", "research_institute")


@dataclass(frozen=True)
class Registry:
    """The validated registry tables of one reference folder (read-only)."""

    ref_dir: Path
    organisations: pd.DataFrame
    provinces: pd.DataFrame
    cities: pd.DataFrame
    topics: pd.DataFrame
    sectors: pd.DataFrame
    funders: pd.DataFrame

    @classmethod
    def load(cls, ref_dir: Path | str | None = None) -> Registry:
        """Load the registries of ``ref_dir`` (default: :func:`pipeline.registries.reference_dir`)."""
        d = registries.reference_dir(ref_dir)
        return cls(
            ref_dir=d,
            organisations=registries.load_organisations(d),
            provinces=registries.load_provinces(d),
            cities=registries.load_cities(d),
            topics=registries.load_topics(d),
            sectors=registries.load_nsi_sectors(d),
            funders=registries.load_funders(d),
        )

    def topic_column(self, column: str) -> dict[str, str]:
        """``{topic: value of column}`` from ``topics.csv``."""
        return dict(zip(self.topics["topic"], self.topics[column], strict=True))

    def classify(self, text: str) -> tuple[str, str | None]:
        """``(topic, NSI sector or None)`` of ``text``, by the registry's rule semantics."""
        c = registries.classify_research_area(text, self.ref_dir)
        return c.topic, c.nsi_sector or None

    def topics_mentioned(self, text: str) -> set[str]:
        """Every topic whose rule matches somewhere in ``text``."""
        return registries.topics_mentioned(text, self.ref_dir)


@dataclass
class Org:
    """One registry organisation, with its side of a UK-China collaboration."""

    org_id: str
    name: str
    name_zh: str
    country: str
    side: str
    city: str
    province: str
    aliases: list[str]
    type: str


def organisations(reg: Registry) -> dict[str, Org]:
    """Every registry organisation by id; ``side`` is UK (GB), CN or other."""
    out: dict[str, Org] = {}
    for r in reg.organisations.itertuples(index=False):
        country = str(r.country).strip().upper()
        side = "UK" if country == "GB" else "CN" if country == "CN" else "other"
        out[str(r.org_id)] = Org(
            org_id=str(r.org_id),
            name=str(r.name),
            name_zh=str(r.name_zh or ""),
            country=country,
            side=side,
            city=str(r.city or ""),
            province=str(r.province_code or ""),
            aliases=registries.split_aliases(r.aliases),
            type=str(r.type),
        )
    return out


def org_by_name(orgs: dict[str, Org], name: str) -> Org:
    """The organisation whose canonical name is ``name`` (ValueError if none)."""
    for o in orgs.values():
        if o.name == name:
            return o
    raise ValueError(f"organisations.csv has no organisation named {name!r} (top_connected)")
