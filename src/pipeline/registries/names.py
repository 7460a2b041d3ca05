"""Name keys and the exact / alias / fuzzy name index behind every registry resolver."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from rapidfuzz import fuzz, process

_APOSTROPHES = re.compile(r"['\u2019\u2018`\u00b4]")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_ABBREV = [
    (re.compile(r"\buniv\b\.?"), "university"),
    (re.compile(r"\buni\b\.?"), "university"),
    (re.compile(r"\binst\b\.?"), "institute"),
    (re.compile(r"\bdept\b\.?"), "department"),
    (re.compile(r"\bacad\b\.?"), "academy"),
    (re.compile(r"\bnatl\b\.?"), "national"),
    (re.compile(r"\bsci\b\.?"), "science"),
    (re.compile(r"\bst\b\.(?=\s)"), "st"),
]


def normalise_name(s: str | None) -> str:
    """Normalise a name into a matching key.

    NFKC + casefold; apostrophes dropped (``King's`` -> ``kings``); ``&`` -> ``and``;
    ``univ.``/``uni`` -> ``university`` (and a few other abbreviations); every run of
    punctuation/whitespace becomes one space; a leading ``the`` is removed. Chinese text
    keeps its characters (full-width brackets fold to ASCII and then vanish).
    """
    if s is None or (isinstance(s, float) and pd.isna(s)):
        return ""
    text = unicodedata.normalize("NFKC", str(s)).casefold()
    text = _APOSTROPHES.sub("", text).replace("&", " and ")
    for pattern, repl in _ABBREV:
        text = pattern.sub(repl, text)
    text = _NON_WORD.sub(" ", text).strip()
    return text.removeprefix("the ")


@dataclass(frozen=True)
class Resolution:
    """Result of resolving a name.

    ``org_id`` is the registry id (org_id or funder_id) or None; ``method`` is one of
    ``exact`` (canonical name, English or Chinese), ``alias``, ``fuzzy`` or ``unresolved``;
    ``score`` is 100 for exact/alias and the rapidfuzz score otherwise; ``candidate`` is
    the id of the best candidate (also for unresolved names, as a suggestion for review),
    or None when nothing came close.
    """

    org_id: str | None
    method: str
    score: float
    candidate: str | None

    @property
    def resolved(self) -> bool:
        """True when ``org_id`` is set."""
        return self.org_id is not None

    @property
    def funder_id(self) -> str | None:
        """Same as ``org_id`` (funder ids equal org ids); reads better for funders."""
        return self.org_id


def _key_table(names: Iterable[tuple[str, Iterable[str]]]) -> dict[str, set[str]]:
    """``{normalised name: ids}`` for ``(id, names)`` pairs (blank keys left out)."""
    table: dict[str, set[str]] = {}
    for rid, raw_names in names:
        for raw in raw_names:
            key = normalise_name(raw)
            if key:
                table.setdefault(key, set()).add(rid)
    return table


class NameIndex:
    """Exact/alias dictionary plus a rapidfuzz fallback over the same keys."""

    def __init__(
        self,
        records: Iterable[tuple[str, list[str], list[str]]],
        threshold: float,
        margin: float,
        min_fuzzy_len: int,
    ) -> None:
        self.threshold = float(threshold)
        self.margin = float(margin)
        self.min_fuzzy_len = int(min_fuzzy_len)
        records = list(records)
        self.exact = _key_table((rid, names) for rid, names, _ in records)
        self.alias = _key_table((rid, aliases) for rid, _, aliases in records)
        keys = self._all_keys()
        self._keys = sorted(keys)
        self._key_ids = [sorted(keys[k]) for k in self._keys]
        self._memo: dict[str, Resolution] = {}

    def _all_keys(self) -> dict[str, set[str]]:
        keys: dict[str, set[str]] = {}
        for table in (self.exact, self.alias):
            for k, ids in table.items():
                keys.setdefault(k, set()).update(ids)
        return keys

    def ambiguous_keys(self) -> dict[str, list[str]]:
        """Keys (names or aliases) claimed by more than one id."""
        return {k: sorted(v) for k, v in sorted(self._all_keys().items()) if len(v) > 1}

    def resolve(self, name: str | None) -> Resolution:
        """Resolve one name (memoised by its key)."""
        key = normalise_name(name)
        if not key:
            return Resolution(None, "unresolved", 0.0, None)
        if key in self._memo:
            return self._memo[key]
        res = self._resolve_key(key)
        self._memo[key] = res
        return res

    def _resolve_key(self, key: str) -> Resolution:
        for method, table in (("exact", self.exact), ("alias", self.alias)):
            ids = table.get(key)
            if ids and len(ids) == 1:
                rid = next(iter(ids))
                return Resolution(rid, method, 100.0, rid)
            if ids:  # a key shared by two ids never resolves
                return Resolution(None, "unresolved", 100.0, None)
        return self._fuzzy(key)

    def _fuzzy(self, key: str) -> Resolution:
        matches = process.extract(
            key, self._keys, scorer=fuzz.token_sort_ratio, limit=25, processor=None
        )
        best_by_id: dict[str, float] = {}
        for _, score, idx in matches:
            for rid in self._key_ids[idx]:
                if score > best_by_id.get(rid, -1.0):
                    best_by_id[rid] = float(score)
        if not best_by_id:
            return Resolution(None, "unresolved", 0.0, None)
        ranked = sorted(best_by_id.items(), key=lambda kv: (-kv[1], kv[0]))
        best_id, best = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        if (
            len(key) >= self.min_fuzzy_len
            and best >= self.threshold
            and best - runner_up >= self.margin
        ):
            return Resolution(best_id, "fuzzy", best, best_id)
        return Resolution(None, "unresolved", best, best_id)
