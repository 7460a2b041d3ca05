"""Institutions of the synthetic OpenAlex works: fake but well-formed ids, weighted pools,
and the block-buffered scalar draws every work is made from.

Institutions of GB and CN universities and research institutes come from the registry
(:func:`pipeline.registries.load_organisations`); each gets a fake ROR id and OpenAlex
``I`` id derived from a hash of its ``org_id``. They are drawn with weights that put
realistic large publishers on top.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.registries import load_organisations
from pipeline.synthetic.biblio.banks import (
    CAS_INSTITUTE_WEIGHT,
    DEFAULT_WEIGHT,
    FALLBACK_OTHER,
    OPENALEX_TYPE,
    OTHER_COUNTRY_WEIGHTS,
    PROMINENCE,
)

#: countries with a pool of their own (the rest share the OTHER pool)
OWN_POOLS = ("GB", "CN", "HK", "MO", "TW")
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def norm(name: str) -> str:
    """Lower-case, NFKC, drop a leading 'the ', collapse spaces (local, registry-independent)."""
    text = unicodedata.normalize("NFKC", str(name)).casefold().strip()
    text = re.sub(r"^the\s+", "", text)
    return re.sub(r"\s+", " ", text)


def hash_int(text: str) -> int:
    """A stable 64-bit integer from ``text`` (SHA-256)."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


@functools.lru_cache(maxsize=4096)
def fake_ror(key: str) -> str:
    """A well-formed (fake) ROR id derived from ``key``: ``0`` + 6 base32 chars + checksum."""
    h = hash_int("ror:" + key)
    body = "0" + "".join(_CROCKFORD[(h >> (5 * i)) & 31] for i in range(6))
    number = 0
    for ch in body:
        number = number * 32 + _CROCKFORD.index(ch)
    checksum = 98 - ((number * 100) % 97)
    return f"https://ror.org/{body}{checksum:02d}"


@functools.lru_cache(maxsize=4096)
def fake_openalex_institution_id(key: str) -> str:
    """A fake OpenAlex institution id ``https://openalex.org/I<digits>`` derived from ``key``."""
    return f"https://openalex.org/I{100_000_000 + hash_int('inst:' + key) % 4_000_000_000}"


@dataclass(frozen=True)
class Inst:
    """An institution as the works cite it."""

    key: str  # org_id for registry organisations, "x-<cc>-<slug>" otherwise
    display_name: str
    country_code: str
    type: str
    city: str = ""

    def as_openalex(self, country_code: str | None = None) -> dict[str, Any]:
        """The OpenAlex ``institutions`` entry (``country_code`` overrides the true one)."""
        return {
            "id": fake_openalex_institution_id(self.key),
            "display_name": self.display_name,
            "ror": fake_ror(self.key),
            "country_code": country_code or self.country_code,
            "type": self.type,
        }


class Draw:
    """Fast scalar draws from a numpy Generator (uniforms fetched in blocks, used in order)."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self._buf: list[float] = []
        self._i = 0

    def u(self) -> float:
        """The next uniform in [0, 1)."""
        if self._i >= len(self._buf):
            self._buf = self.rng.random(65536).tolist()
            self._i = 0
        value = self._buf[self._i]
        self._i += 1
        return value

    def index(self, cum: list[float]) -> int:
        """An index drawn with probabilities given by the cumulative weights ``cum``."""
        return min(bisect.bisect_right(cum, self.u() * cum[-1]), len(cum) - 1)

    def pick(self, seq: tuple[str, ...] | list[str]) -> str:
        """A uniformly drawn element of ``seq``."""
        return seq[min(int(self.u() * len(seq)), len(seq) - 1)]


@dataclass
class Pool:
    """Institutions of one country (or of all other countries) with drawing weights."""

    insts: list[Inst]
    weights: np.ndarray

    def __post_init__(self) -> None:
        self.cum = np.cumsum(self.weights).tolist()

    def draw(self, d: Draw, k: int) -> list[Inst]:
        """``k`` distinct institutions, drawn with the pool's weights."""
        k = min(k, len(self.insts))
        chosen: list[int] = []
        while len(chosen) < k:
            i = d.index(self.cum)
            if i not in chosen:
                chosen.append(i)
        return [self.insts[i] for i in chosen]


def _weight(name: str, country: str) -> float:
    key = norm(name)
    if key in PROMINENCE:
        return PROMINENCE[key]
    if "chinese academy of sciences" in key:
        return CAS_INSTITUTE_WEIGHT
    return DEFAULT_WEIGHT.get(country, 0.5)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", norm(name)).strip("-")


def _by_country(orgs: pd.DataFrame) -> dict[str, list[Inst]]:
    """Registry universities and institutes by country, with fallbacks for missing ones."""
    keep = orgs[orgs["type"].isin(["university", "research_institute"])]
    by_country: dict[str, list[Inst]] = {}
    for row in keep.itertuples(index=False):
        inst = Inst(
            key=row.org_id,
            display_name=row.name,
            country_code=row.country,
            type=OPENALEX_TYPE.get(row.type, "other"),
            city=row.city,
        )
        by_country.setdefault(row.country, []).append(inst)
    for cc, entries in FALLBACK_OTHER.items():
        if by_country.get(cc):
            continue
        by_country[cc] = [
            Inst(key=f"x-{cc.lower()}-{_slug(n)}", display_name=n, country_code=cc, type=t)
            for n, t in entries
        ]
    return by_country


def pools(orgs: pd.DataFrame) -> dict[str, Pool]:
    """Weighted institution pools: GB, CN, each of HK/MO/TW, and OTHER (all other countries)."""
    by_country = _by_country(orgs)
    out: dict[str, Pool] = {}
    for cc in OWN_POOLS:
        insts = sorted(by_country.get(cc, []), key=lambda i: i.key)
        if not insts:
            raise ValueError(f"organisations.csv: no university or institute with country {cc}")
        w = np.array([_weight(i.display_name, cc) for i in insts], dtype=float)
        out[cc] = Pool(insts, w / w.sum())
    others: list[Inst] = []
    ow: list[float] = []
    for cc in sorted(by_country):
        if cc in OWN_POOLS:
            continue
        members = sorted(by_country[cc], key=lambda i: i.key)
        for inst in members:
            others.append(inst)
            ow.append(OTHER_COUNTRY_WEIGHTS.get(cc, 0.5) / len(members))
    w = np.array(ow, dtype=float)
    out["OTHER"] = Pool(others, w / w.sum())
    return out


def registry_pools(ref_dir: Path | None = None) -> dict[str, Pool]:
    """:func:`pools` of the registry's organisations (``ref_dir`` default: the registry's)."""
    orgs = load_organisations(ref_dir)
    return pools(orgs.fillna("").sort_values("org_id").reset_index(drop=True))
