"""Hand-made registries, registers and centres with known answers for the screen's tests.

The organisation registry below is tiny and invented for the tests (ids ``cn-alpha`` ...), so
every expected value can be worked out by hand:

========== ================================== ======= =======================================
id         name                               country aliases
========== ================================== ======= =======================================
cn-alpha   Alpha University of Technology     CN      AUT | Alpha Tech
cn-beta    Beta Institute of Physics          CN      BIP
cn-gamma   Gamma Polytechnic University       CN      GPU | Shared Name
cn-delta   Delta Normal University            CN      Shared Name
hk-kappa   Kappa University of Hong Kong      HK      KUHK
mo-mu      Mu University of Macao             MO
gb-omega   Omega College London               GB
========== ================================== ======= =======================================

"Shared Name" is an alias of two organisations on purpose (a name that matches two).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.registries import OrganisationResolver

ORGS = [
    ("cn-alpha", "Alpha University of Technology", "CN", "AUT | Alpha Tech"),
    ("cn-beta", "Beta Institute of Physics", "CN", "BIP"),
    ("cn-gamma", "Gamma Polytechnic University", "CN", "GPU | Shared Name"),
    ("cn-delta", "Delta Normal University", "CN", "Shared Name"),
    ("hk-kappa", "Kappa University of Hong Kong", "HK", "KUHK"),
    ("mo-mu", "Mu University of Macao", "MO", ""),
    ("gb-omega", "Omega College London", "GB", ""),
]

HEADER = [
    "Organisation name",
    "Aliases",
    "Country",
    "List name",
    "Category",
    "Date listed",
    "Source",
]
LIST_A = "Test List A"
LIST_B = "Test List B"
SRC = "https://example.org/list"


def registry() -> pd.DataFrame:
    """The tiny organisation registry as ``load_organisations`` would return it."""
    return pd.DataFrame(
        [
            {
                "org_id": i,
                "name": n,
                "name_zh": "",
                "country": c,
                "type": "university",
                "city": "",
                "province_code": "",
                "uk_nation": "",
                "aliases": a,
            }
            for i, n, c, a in ORGS
        ]
    )


def resolver(threshold: float = 90.0) -> OrganisationResolver:
    """A resolver over the tiny registry."""
    return OrganisationResolver(registry(), threshold=threshold)


def write_csv(path: Path, rows: Sequence[Sequence[Any]], header: Sequence[str] = HEADER) -> Path:
    """A register CSV with ``header`` then ``rows`` (None -> blank cell)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for r in rows:
            writer.writerow(["" if c is None else c for c in r])
    return path


def entry(
    name: str,
    aliases: str = "",
    country: str = "CN",
    lst: str = LIST_A,
    category: str = "export control",
    date: str = "",
    source: str = SRC,
) -> list[str]:
    """One register row in :data:`HEADER` order."""
    return [name, aliases, country, lst, category, date, source]


def centres_tables() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(centres, centre_partners, organisations)`` of five invented centres.

    ======= ==== ==================== ===============================
    centre  year NSI sector           partners
    ======= ==== ==================== ===============================
    C0001   2010 advanced_materials   cn-alpha, gb-omega
    C0002   2015 engineering          cn-beta, gb-omega
    C0003   2018 (none)               hk-kappa, gb-omega
    C0004   2020 synthetic_biology    cn-gamma, mo-mu
    C0005   2012 advanced_materials   cn-delta, gb-omega
    ======= ==== ==================== ===============================
    """
    centres = pd.DataFrame(
        {
            "centre_id": ["C0001", "C0002", "C0003", "C0004", "C0005"],
            "name": [
                "Alpha Joint Lab",
                "Beta Centre",
                "Kappa Hub",
                "Gamma Institute",
                "Delta Centre",
            ],
            "year_established": [2010, 2015, 2018, 2020, 2012],
            "nsi_sector": [
                "advanced_materials",
                "engineering",
                None,
                "synthetic_biology",
                "advanced_materials",
            ],
        }
    )
    links = [
        ("C0001", "cn-alpha"),
        ("C0001", "gb-omega"),
        ("C0002", "cn-beta"),
        ("C0002", "gb-omega"),
        ("C0003", "hk-kappa"),
        ("C0003", "gb-omega"),
        ("C0004", "cn-gamma"),
        ("C0004", "mo-mu"),
        ("C0005", "cn-delta"),
        ("C0005", "gb-omega"),
    ]
    partners = pd.DataFrame(links, columns=["centre_id", "org_id"])
    orgs = registry()[["org_id", "name", "country"]]
    return centres, partners, orgs


def sectors() -> pd.DataFrame:
    """Three NSI sectors, one of them (engineering) outside the Act."""
    return pd.DataFrame(
        {
            "sector": ["advanced_materials", "engineering", "synthetic_biology"],
            "label": ["Advanced materials", "General engineering", "Synthetic biology"],
            "in_nsi_act": [True, False, True],
        }
    )
