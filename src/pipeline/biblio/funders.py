"""Funders acknowledged by works: names taken out of each export's funding fields and
resolved against the funder registry (``data/reference/funders.csv``).

Each format writes its funders differently:

* Web of Science ``FU``: ``Name [grant, grant]; Name; ...`` (:func:`bracketed_names`);
* Scopus ``Funding Details``: ``Name, ACRONYM: grant; grant; ...`` (:func:`scopus_names`);
* MEDLINE ``GR`` and PubMed ``GrantList``: ``grant/acronym/agency/country``
  (:func:`medline_agency`);
* OpenAlex, Dimensions and Lens: plain lists of names (:func:`split_names`);
* free funding texts (WoS ``FX``, Scopus ``Funding Text``, Dimensions
  ``Acknowledgements``): the registry's funders named in them
  (:meth:`FunderNames.named_in`), read only when the record has no list of funders (the
  databases derive their lists from these texts).

:class:`FunderNames` resolves names through :class:`pipeline.registries.FunderResolver`
(canonical name, alias, or a close fuzzy match): a resolved name becomes the registry's
canonical name; a name the registry does not know is kept, cleaned, so that it can be
listed for review. A fuzzy match is refused when the name places the funder in another
country than the registry does ("Ministry of Science and Technology, Taiwan" is not
China's). A work's ``funders`` are the sorted distinct names.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "FunderNames",
    "bracketed_names",
    "clean_funder_name",
    "default_funder_names",
    "looks_like_grant_number",
    "medline_agency",
    "scopus_names",
    "split_names",
]

_SQUARE = re.compile(r"\[[^\]]*\]")
_TRAILING_ACRONYM = re.compile(r"\s*\(\s*[A-Z][A-Za-z0-9&\-]{1,14}\s*\)\s*$")
_GRANT_PHRASE = re.compile(
    r"\s*(?:\b(?:grant|grants|award|project|contract)\s*(?:no|nos|number|numbers|#)\b.*"
    r"|[:：]\s*.*)$",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")
_WORD4 = re.compile(r"[^\W\d_]{4,}")
_ACRONYM_TAIL = re.compile(r",\s*([A-Z][A-Z0-9&\-]{1,11})$")
#: Words that name no particular funder: a registry name made only of these ("Ministry of
#: Education", "Medical Research Council") is not looked for in free text, where it may
#: belong to another country's body.
GENERIC_WORDS = frozenset(
    (
        "academy",
        "agency",
        "and",
        "arts",
        "biological",
        "biotechnology",
        "commission",
        "council",
        "councils",
        "department",
        "development",
        "economic",
        "education",
        "engineering",
        "environment",
        "environmental",
        "facilities",
        "for",
        "foundation",
        "fund",
        "funds",
        "humanities",
        "innovation",
        "key",
        "medical",
        "ministry",
        "municipal",
        "national",
        "natural",
        "of",
        "office",
        "physical",
        "program",
        "programme",
        "provincial",
        "research",
        "scholarship",
        "science",
        "sciences",
        "social",
        "society",
        "technology",
        "the",
        "trust",
    )
)
#: A match followed by "of X"/"for X" is part of a longer name ("Royal Society of Chemistry").
_LONGER_NAME = re.compile(r"\s+(?:of|for)\s+[A-Z]")
#: Words that may precede a funder's name in prose without being part of it.
_LEAD_WORDS = frozenset(
    (
        "The",
        "the",
        "By",
        "by",
        "From",
        "from",
        "And",
        "and",
        "With",
        "with",
        "Of",
        "of",
        "For",
        "for",
        "In",
        "in",
    )
)
#: Longest funder name kept (longer text is a sentence, not a name).
MAX_NAME = 200


def clean_funder_name(raw: str | None) -> str:
    """A funder name without grant numbers, a trailing ``(ACRONYM)`` or stray punctuation."""
    if not raw:
        return ""
    text = unicodedata.normalize("NFKC", str(raw))
    text = _SQUARE.sub(" ", text)
    text = _GRANT_PHRASE.sub("", text)
    text = _TRAILING_ACRONYM.sub("", text)
    text = _SPACES.sub(" ", text).strip(" .,;:-–")
    return text[:MAX_NAME].strip()


def looks_like_grant_number(text: str) -> bool:
    """A grant number rather than a name: it has digits and no word of four letters."""
    return any(ch.isdigit() for ch in text) and not _WORD4.search(text)


def split_names(text: str | None, separator: str = ";") -> list[str]:
    """Names of a plain list (``Name; Name`` or ``Name|Name``), cleaned, blanks dropped."""
    if not text:
        return []
    return [n for n in (clean_funder_name(p) for p in str(text).split(separator)) if n]


def bracketed_names(text: str | None) -> list[str]:
    """Web of Science ``FU``: names with their grant numbers in square brackets."""
    return split_names(_SQUARE.sub(" ", text or ""), ";")


def scopus_names(text: str | None) -> list[str]:
    """Scopus ``Funding Details``: ``Name, ACRONYM: grant`` entries; bare grant numbers and
    the acronym after the name are dropped."""
    out: list[str] = []
    for part in (text or "").split(";"):
        entry = part.split(":", 1)[0].strip()
        entry = _ACRONYM_TAIL.sub("", entry)
        name = clean_funder_name(entry)
        if name and not looks_like_grant_number(name):
            out.append(name)
    return out


def medline_agency(value: str | None) -> str:
    """The agency of a MEDLINE ``GR`` value ``grant/acronym/agency/country`` (the grant
    number may itself hold slashes and the acronym may be missing: the agency is the
    part before the country)."""
    parts = [p.strip() for p in (value or "").split("/")]
    return clean_funder_name(parts[-2]) if len(parts) >= 2 else ""


class FunderNames:
    """Resolve funder names against the registry (see the module docstring).

    ``resolve(raw)`` gives the canonical registry name, or the cleaned name when the
    registry does not know it, or ``""`` for a blank or a bare grant number;
    ``normalise(names)`` gives the sorted distinct results; ``named_in(text)`` the
    registry funders a free text names.
    """

    def __init__(self, ref_dir: Path | str | None = None) -> None:
        from pipeline import registries

        table = registries.load_funders(ref_dir)
        self._resolver = registries.FunderResolver(table)
        self._name_of = dict(zip(table["funder_id"], table["name"], strict=True))
        self.country_of: dict[str, str] = dict(
            zip(table["name"], table["country"].str.upper(), strict=True)
        )
        self._text_patterns = _text_patterns(table)
        self._memo: dict[str, str] = {}

    def resolve(self, raw: str | None) -> str:
        """Canonical name, the cleaned name when unresolved, or ``""``."""
        key = raw or ""
        if key not in self._memo:
            name = clean_funder_name(key)
            self._memo[key] = "" if not name or looks_like_grant_number(name) else self._one(name)
        return self._memo[key]

    def _one(self, name: str) -> str:
        res = self._resolver.resolve(name)
        if not res.org_id:
            return name
        canonical = self._name_of[res.org_id]
        if res.method == "fuzzy":
            from pipeline.biblio.countries import address_country

            said = address_country(name)
            if said and said != self.country_of[canonical]:
                return name
        return canonical

    def normalise(self, names: Iterable[str | None]) -> list[str]:
        """Sorted distinct :meth:`resolve` results of ``names`` (blanks dropped)."""
        return sorted({r for r in (self.resolve(n) for n in names) if r})

    def named_in(self, text: str | None) -> list[str]:
        """Canonical names of the registry funders that ``text`` names (by name or alias)."""
        if not text:
            return []
        flat = _SPACES.sub(" ", unicodedata.normalize("NFKC", text))
        return sorted(
            {
                name
                for pattern, name in self._text_patterns
                if any(_stands_alone(flat, m) for m in pattern.finditer(flat))
            }
        )

    def is_known(self, name: str) -> bool:
        """Whether ``name`` is a canonical registry name."""
        return name in self.country_of


def _stands_alone(text: str, match: re.Match[str]) -> bool:
    """Whether a match in ``text`` is a whole name, not part of a longer one."""
    if _LONGER_NAME.match(text, match.end()):
        return False
    before = text[: match.start()].rstrip().rsplit(" ", 1)[-1]
    return not (before[:1].isupper() and before.isalpha() and before not in _LEAD_WORDS)


def _text_pattern(variant: str) -> re.Pattern[str] | None:
    """How to find one registry name or alias in free text, or ``None`` when it is too
    ambiguous there: names of several words match case-insensitively unless every word
    is generic; acronyms (four capitals or more) and single distinctive words (five
    letters or more) match case-sensitively as whole words; Chinese names match as
    written."""
    if any("\u4e00" <= ch <= "\u9fff" for ch in variant):
        return re.compile(re.escape(variant))
    words = [w.lower() for w in re.findall(r"[^\W_]+", variant)]
    if len(words) > 1:
        if all(w in GENERIC_WORDS for w in words):
            return None
        return re.compile(rf"\b{re.escape(variant)}\b", re.IGNORECASE)
    if (len(variant) >= 4 and variant.isupper()) or (
        len(variant) >= 5 and variant[:1].isupper() and words and words[0] not in GENERIC_WORDS
    ):
        return re.compile(rf"\b{re.escape(variant)}\b")
    return None


def _text_patterns(table) -> list[tuple[re.Pattern[str], str]]:
    """Search patterns (:func:`_text_pattern`) for every registry name and alias."""
    from pipeline.registries import split_aliases

    out: list[tuple[re.Pattern[str], str]] = []
    for row in table.itertuples(index=False):
        for variant in [row.name, row.name_zh, *split_aliases(row.aliases)]:
            pattern = _text_pattern(_SPACES.sub(" ", str(variant or "")).strip())
            if pattern is not None:
                out.append((pattern, row.name))
    return out


@functools.lru_cache(maxsize=4)
def _cached(ref_dir: str) -> FunderNames:
    return FunderNames(ref_dir)


def default_funder_names(ref_dir: Path | str | None = None) -> FunderNames:
    """A cached :class:`FunderNames` over the registry (``ref_dir``: default folder)."""
    from pipeline.registries import reference_dir

    return _cached(str(reference_dir(ref_dir)))
