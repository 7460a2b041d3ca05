"""Country detection from free-text affiliation addresses.

Bibliographic databases write an author's address as comma-separated parts
with the country last ("Univ Edinburgh, Sch Biol Sci, Edinburgh EH9 3JR,
Scotland."). The rules, in order, for one address:

1. "Hong Kong" anywhere in the address gives ``HK`` (Web of Science writes
   "Hong Kong, Peoples R China"; the hospital in "Prince of Wales Hospital,
   Shatin, Hong Kong" is also Hong Kong); "Macau"/"Macao" anywhere gives
   ``MO``.
2. The last part: a US state code with or without a ZIP code ("MI 48109",
   "Cambridge, MA") gives ``US``; a Canadian province code gives ``CA``;
   otherwise its trailing words are looked up in
   :data:`pipeline.biblio.countries_data.COUNTRY_NAMES`, longest tail first,
   so "New South Wales" is Australia before "Wales" can mean the UK.
3. The earlier parts, right to left, with the same look-up ("Taipei, Taiwan,
   ROC").
4. A small table of UK towns and institutions for UK addresses that carry no
   country word ("Imperial College, London").

A field holding several addresses (one per author, or one combined string
for every author) is split on ``;`` after removing Web of Science
``[Author; Author]`` groups; identical addresses count once, and a work's
countries are a set, so a hyper-authored paper counts once per country.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pipeline.biblio import countries_data

__all__ = [
    "COUNTRY_LOOKUP",
    "address_country",
    "countries_from_addresses",
    "fold_codes",
    "normalise_text",
    "split_addresses",
]

_NON_WORD = re.compile(r"[^\w&'-]+", re.UNICODE)
_BRACKETS = re.compile(r"\[[^\]]*\]")
_PARENS = re.compile(r"\([^()]*\)")
_EMAIL = re.compile(r"\S+@\S+")
_ELECTRONIC = re.compile(r"\belectronic address\b.*$", re.IGNORECASE | re.DOTALL)
_US_STATE_ZIP = re.compile(r"^([A-Z]{2})(?:\s+\d{5}(?:-\d{4})?)?(?:\s+USA)?$")
_CA_PROVINCES = frozenset(["ON", "BC", "QC", "AB", "MB", "NS", "NB", "NL", "SK", "PE"])
_US_STATES = frozenset(countries_data.US_STATES.split())


def normalise_text(text: str) -> str:
    """Lower-case ``text`` and turn punctuation into single spaces (keeps ``& ' -``)."""
    return " ".join(_NON_WORD.sub(" ", text.replace(".", " ")).lower().split())


def _load_names() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for line in countries_data.COUNTRY_NAMES.strip().splitlines():
        code, *names = (part.strip() for part in line.split("|"))
        for name in names:
            key = normalise_text(name)
            if key in lookup and lookup[key] != code:  # pragma: no cover - data error
                raise ValueError(f"country name {name!r} listed for {lookup[key]} and {code}")
            lookup[key] = code
    return lookup


#: Normalised country name or variant -> ISO 3166-1 alpha-2 code.
COUNTRY_LOOKUP: dict[str, str] = _load_names()
_MAX_WORDS = max(len(k.split()) for k in COUNTRY_LOOKUP)
_UK_PLACES = tuple(
    sorted(
        {normalise_text(x) for x in countries_data.UK_PLACES.strip().splitlines() if x.strip()},
        key=lambda s: (-len(s), s),
    )
)
_HK = re.compile(r"\bhong\s*kong\b")
_MO = re.compile(r"\bmaca[uo]\b")


def split_addresses(field: str | None) -> list[str]:
    """Split one affiliation field into single addresses.

    Removes Web of Science ``[Author; Author]`` groups first (their ``;`` is
    not an address separator), then splits on ``;`` and on line breaks.
    Empty parts are dropped; order is kept.
    """
    if not field:
        return []
    text = _BRACKETS.sub(" ", field)
    parts = re.split(r"[;\n\r]+", text)
    return [p.strip() for p in parts if p.strip()]


def _clean_address(address: str) -> str:
    """Address without author groups, e-mail addresses, parentheses and a leading "and"."""
    text = _BRACKETS.sub(" ", address)
    text = _ELECTRONIC.sub("", text)
    text = _EMAIL.sub(" ", text)
    previous = None
    while previous != text:  # nested parentheses
        previous = text
        text = _PARENS.sub(" ", text)
    text = re.sub(r"^\s*(?:and|the|from the|from)\s+", "", text, flags=re.IGNORECASE)
    return text.strip().rstrip(".;, ").strip()


def _lookup_component(component: str) -> str | None:
    words = [w for w in normalise_text(component).split() if not any(ch.isdigit() for ch in w)]
    for k in range(min(_MAX_WORDS, len(words)), 0, -1):
        code = COUNTRY_LOOKUP.get(" ".join(words[-k:]))
        if code:
            return code
    return None


def _uk_place(components: list[str]) -> bool:
    for component in components:
        padded = f" {normalise_text(component)} "
        if any(f" {place} " in padded for place in _UK_PLACES):
            return True
    return False


def address_country(address: str) -> str | None:
    """Return the ISO 3166-1 alpha-2 code of one address, or ``None`` if unknown.

    Hong Kong and Macao are returned as ``HK`` and ``MO`` (see
    :func:`fold_codes` to count them under ``CN``); Taiwan is ``TW``.
    """
    text = _clean_address(address)
    if not text:
        return None
    low = normalise_text(text)
    if _HK.search(low) or "hongkong" in low:
        return "HK"
    if _MO.search(low):
        return "MO"
    components = [c.strip() for c in text.split(",") if c.strip()]
    if not components:
        return None
    last = components[-1].strip(" .")
    state = _US_STATE_ZIP.match(last)
    if state and state.group(1) in _US_STATES:
        return "US"
    if last in _CA_PROVINCES:
        return "CA"
    for component in reversed(components):
        code = _lookup_component(component)
        if code:
            return code
    if _uk_place(components):
        return "GB"
    return None


def fold_codes(codes: Iterable[str], fold_hk_mo: bool = False) -> list[str]:
    """Sorted unique codes; with ``fold_hk_mo`` Hong Kong and Macao count as ``CN``."""
    out = {c.upper() for c in codes if c}
    if fold_hk_mo:
        out = {"CN" if c in ("HK", "MO") else c for c in out}
    return sorted(out)


def countries_from_addresses(addresses: Iterable[str], fold_hk_mo: bool = False) -> list[str]:
    """Sorted unique country codes found in ``addresses`` (each a single address).

    Identical addresses are looked at once, so a combined affiliation string
    repeated for every author of a paper counts once.
    """
    seen: set[str] = set()
    codes: set[str] = set()
    for address in addresses:
        key = address.strip()
        if not key or key in seen:
            continue
        seen.add(key)
        code = address_country(key)
        if code:
            codes.add(code)
    return fold_codes(codes, fold_hk_mo)
