"""Personal identifiers in free text: detection, redaction, the restricted folder, approvals.

The one home of this logic (ground rule 3: personal data never leaves the cleaning step).

* :func:`find_identifiers` lists the spans of ``text`` that identify a person: e-mail addresses
  (plain, accented and disguised: ``name [at] leeds [dot] ac [dot] uk``), links, telephone
  numbers in any national format (Google's libphonenumber through ``phonenumbers``, for the UK,
  the US and China, plus a pattern for numbers it rejects, such as Ofcom's drama ranges),
  IPv4/IPv6 addresses, ORCID iDs, social-media handles and messenger ids, UK postcodes,
  National Insurance numbers, names after a title ("Dr A. Person"), after a signature cue
  ("Regards, Jane Smith") or an introduction ("my name is ..."), and the names given in
  ``names`` (the respondent's own recorded names, of any length);
* :func:`redact` replaces every span with a token such as ``[email removed]`` and counts them;
* free text is never written to shareable outputs: cleaners put it in a *restricted* folder
  (:func:`restricted_dir`, :func:`write_restricted`; git-ignored, kept out of the book and of
  ``dvc push``) together with its redacted version and that version's hash;
* a reviewer approves redacted excerpts by listing ``excerpt_id`` and ``sha256`` in
  ``data/review/approved_excerpts.csv``; :func:`approved_excerpts` returns exactly the approved
  texts whose hash still matches (changed text invalidates the approval).

Every pattern is bounded so that a 10 MB cell is scanned in linear time.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import phonenumbers

from pipeline import catalog
from pipeline.io import atomic_path, neutralise_frame

__all__ = [
    "APPROVALS_COLUMNS",
    "APPROVALS_FILE",
    "EXCERPT_COLUMNS",
    "KINDS",
    "KIND_LABELS",
    "RESTRICTED_ROOT",
    "TOKENS",
    "WITHHELD",
    "Approvals",
    "Finding",
    "PrivacyError",
    "approved_excerpts",
    "check_restricted_location",
    "excerpt_hash",
    "excerpt_record",
    "find_identifiers",
    "load_approvals",
    "name_parts",
    "redact",
    "redact_frame",
    "restricted_dir",
    "write_restricted",
]

#: Kinds of identifier, in the order a span found by two detectors is labelled.
KINDS: tuple[str, ...] = (
    "email",
    "link",
    "orcid",
    "ip",
    "phone",
    "ni_number",
    "postcode",
    "handle",
    "name",
)
TOKENS: dict[str, str] = {
    "email": "[email removed]",
    "link": "[link removed]",
    "orcid": "[ORCID removed]",
    "ip": "[IP address removed]",
    "phone": "[phone removed]",
    "ni_number": "[NI number removed]",
    "postcode": "[postcode removed]",
    "handle": "[handle removed]",
    "name": "[name removed]",
}
#: Each kind in words (for cleaning logs).
KIND_LABELS: dict[str, str] = {
    "email": "e-mail address",
    "link": "link",
    "orcid": "ORCID iD",
    "ip": "IP address",
    "phone": "telephone number",
    "ni_number": "National Insurance number",
    "postcode": "UK postcode",
    "handle": "social-media handle or messenger id",
    "name": "name",
}
#: What a shareable output shows in place of a value kept in the restricted folder.
WITHHELD = "[restricted]"
#: Where restricted files go by default: ``data/restricted/<input>/``.
RESTRICTED_ROOT = catalog.path("restricted")
#: The reviewer's approvals of redacted excerpts (a human input, committed; no text in it).
APPROVALS_FILE = catalog.path("review.approved_excerpts")
APPROVALS_COLUMNS = ("excerpt_id", "sha256")


class PrivacyError(ValueError):
    """A restricted folder inside a shareable one, or an approvals file that cannot be used."""


@dataclass(frozen=True)
class Finding:
    """One identifying span ``text[start:end]`` of ``kind``, found by ``detector``."""

    kind: str
    start: int
    end: int
    detector: str


# =========================================================================== normalising
#: Letters that Unicode does not decompose, with the plain letter they are typed as.
_LETTERS_WITHOUT_ACCENT = dict(zip("øØłŁđĐħıßœŒæÆþ", "oOlLdDhisoOaAt", strict=True))


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """One character, compatibility-folded (fullwidth @ -> @) and without accents, if that
    leaves one character; else the character itself (so offsets never move)."""
    if ch.isascii():
        return ch
    if ch in _LETTERS_WITHOUT_ACCENT:
        return _LETTERS_WITHOUT_ACCENT[ch]
    folded = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in folded if not unicodedata.combining(c))
    if len(base) == 1:
        return base
    return {"\u2019": "'", "\u2018": "'"}.get(ch, ch)


def _fold(text: str) -> str:
    """``text`` with :func:`_fold_char` applied to each character (same length)."""
    return text if text.isascii() else "".join(map(_fold_char, text))


# =========================================================================== patterns
_LOCAL = r"[\w.%+'\-]{1,64}"
_LABEL = r"[\w\-]{1,63}"
_TLD = r"[^\W\d_]{2,24}"
EMAIL_RE = re.compile(rf"(?<![\w.%+'\-]){_LOCAL}@{_LABEL}(?:\.{_LABEL}){{0,8}}\.{_TLD}(?!\w)")
# disguised: "name [at] host [dot] ac [dot] uk", "name(at)host(dot)com", "name at host dot com"
_BR_AT = r"\s{0,3}[\[\(\{<]\s{0,2}(?i:at|@)\s{0,2}[\]\)\}>]\s{0,3}|\s{0,3}[-_](?i:at)[-_]\s{0,3}"
_BR_DOT = (
    r"\s{0,3}[\[\(\{<]\s{0,2}(?i:dot|\.)\s{0,2}[\]\)\}>]\s{0,3}|\s{0,3}[-_](?i:dot)[-_]\s{0,3}"
)
_WORD_AT = r"\s{1,3}(?:at|AT)\s{1,3}"
_WORD_DOT = r"\s{1,3}(?:dot|DOT)\s{1,3}"
_SP_AT = r"\s{1,3}@\s{0,3}|\s{0,3}@\s{1,3}"
_SP_DOT = r"\s{0,3}\.\s{0,3}"
_W = r"[\w\-']{1,40}"
_HOST = r"[A-Za-z0-9\-]{1,40}"
DISGUISED_EMAIL_RE = re.compile(
    rf"(?<![\w@]){_W}(?:(?:{_BR_DOT}|{_WORD_DOT}|\.){_W}){{0,3}}"
    rf"(?:(?:{_BR_AT}){_W}(?:(?:{_BR_DOT}|{_WORD_DOT}|\.){_W}){{1,5}}"
    rf"|(?:{_WORD_AT}){_W}(?:(?:{_BR_DOT}|{_WORD_DOT}){_W}){{1,5}}"
    rf"|(?:{_WORD_AT}){_W}(?:\.[a-z]{{2,6}}){{1,4}}(?![\w.])"
    rf"|(?:{_SP_AT}){_HOST}(?:(?:{_SP_DOT}|{_BR_DOT}|{_WORD_DOT}){_HOST}){{0,4}}"
    rf"(?:{_SP_DOT}|{_BR_DOT}|{_WORD_DOT})[a-z]{{2,6}})(?![\w@])",
)
_TLDS = "com|org|net|edu|gov|info|io|cn|uk|eu|de|fr|int|biz|me|co|ac"
URL_RE = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"']{1,2000}"
    rf"|\b[A-Za-z0-9-]{{1,63}}(?:\.[A-Za-z0-9-]{{1,63}}){{0,8}}\.(?:{_TLDS})\b"
    r"(?:/[^\s<>\"']{0,2000})?",
    re.IGNORECASE,
)
PHONE_RE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s{0,2}44\s{0,2}(?:\(0\)\s{0,2})?|\(?0)\d(?:[\s().\-]{0,2}\d){8,9}(?!\d)"
    r"|(?<![\w+])\+\s?\d{1,3}(?:[\s().\-]{0,2}\d){6,12}(?!\d)"
    r"|(?<![\w+])\(\d{3}\)\s?\d{3}[\s.\-]\d{4}(?!\d)"
)
_PHONE_REGIONS = ("GB", "US", "CN")
_SIX_DIGITS = re.compile(r"(?:\d\D{0,3}){5}\d")
IPV4_RE = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
IPV6_RE = re.compile(
    r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|[\d.]{7,15})?(?![\w:])"
)
ORCID_RE = re.compile(
    r"(?:\b(?:https?://)?orcid\.org/|\bORCID(?:\s?iD)?\s{0,2}[:#]?\s{0,2})?"
    r"(?<![\d-])\d{4}-?\d{4}-?\d{4}-?\d{3}[\dXx](?![\d-])",
    re.IGNORECASE,
)
HANDLE_RE = re.compile(
    r"(?<![\w.@/])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?"
    r"(?:@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){1,5})?(?![\w@])"
)
_MESSENGERS = r"wechat|weixin|skype|telegram|whatsapp|qq|weibo|twitter|instagram|github|bluesky"
MESSENGER_RE = re.compile(
    rf"\b(?:{_MESSENGERS})(?P<kw>[\s,]{{0,3}}(?:id|handle|user\s?name|account|number|no\.?))?"
    r"(?P<sep>\s{0,2}(?:is|[:：=]|-)\s{0,2}|\s{1,2})(?P<id>@?[\w.\-:+]{3,40})",
    re.IGNORECASE,
)
_POSTCODE_AREAS_TEXT = (
    "AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT "
    "DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L "
    "LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S "
    "SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR "
    "WS WV YO ZE"
)
_POSTCODE_AREAS = frozenset(_POSTCODE_AREAS_TEXT.split())
POSTCODE_RE = re.compile(
    r"\b(?P<area>[A-Za-z]{1,2})(?P<district>\d[A-Za-z\d]?)(?P<sp>\s?)(?P<inward>\d[A-Za-z]{2})\b"
)
_INWARD_LETTERS = set("ABDEFGHJLNPQRSTUWXYZ")
NI_RE = re.compile(r"\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b")

_TITLES = r"Dr|Doctor|Prof|Professor|Mr|Mrs|Ms|Miss|Mx|Sir|Dame|Lord|Lady|Rev|Revd|Dean"
TITLE_RE = re.compile(rf"\b(?:{_TITLES})\.?(?=\s)")
_CUES = (
    r"kind(?:est)?\s+regards|best\s+regards|warm(?:est)?\s+regards|regards|best\s+wishes"
    r"|(?:many\s+)?thanks(?:\s+again)?|thank\s+you|cheers|(?:yours\s+)?sincerely"
    r"|yours\s+(?:faithfully|truly)|all\s+the\s+best|with\s+thanks|best|signed|sent\s+by"
    r"|my\s+name\s+is|name\s*:|i\s+am|i'm|this\s+is|contact|ask\s+for|speak\s+to|signing\s+off"
)
CUE_RE = re.compile(
    rf"(?:^|(?<=[\s.,;:!?(\"'\-]))(?:{_CUES})\s{{0,3}}[,:!.\-\u2013\u2014]?", re.IGNORECASE
)
SIG_DASH_RE = re.compile(r"(?:^|\n)\s{0,3}(?:--|\u2014|\u2013)\s{0,2}(?=\S)")
#: cues after which one capitalised word is not enough (``I am British``)
_WEAK_CUES = ("i am", "i'm", "this is", "contact", "best")
_NAME_STOP_TEXT = (
    "The A An I We Our My This That It He She They You Your In On At For And Or But If So To "
    "Of Team Office University College Institute School Department Dept Centre Center"
)
_NAME_STOP = frozenset(_NAME_STOP_TEXT.split())
_TOKEN_RE = re.compile(r"[^\W\d_](?:[^\W\d_]|['\u2019\-](?=[^\W\d_])){0,40}\.?")
WORD_RE = re.compile(r"[^\W\d_](?:[\w'\u2019]|-(?=\w)){0,60}")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
#: name parts that are also common words match only with the capitals they were recorded with
_COMMON_WORDS_TEXT = (
    "an he she so do in on at to be by of or as is it my me we us no may will long young "
    "white green brown black king hall bell mark rose hope joy grace case page summer wood "
    "park"
)
_COMMON_WORDS = frozenset(_COMMON_WORDS_TEXT.split())


# =========================================================================== detectors
Detector = Callable[[str, str], Iterable[Finding]]


def _spans(rx: re.Pattern[str], text: str, kind: str, name: str) -> Iterator[Finding]:
    for m in rx.finditer(text):
        yield Finding(kind, m.start(), m.end(), name)


def _emails(text: str, folded: str) -> Iterator[Finding]:
    yield from _spans(EMAIL_RE, folded, "email", "email")
    yield from _spans(DISGUISED_EMAIL_RE, folded, "email", "disguised email")


def _trim_trailing(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in ".,;:!?)]}'\"":
        end -= 1
    return end


def _links(text: str, folded: str) -> Iterator[Finding]:
    for m in URL_RE.finditer(folded):
        end = _trim_trailing(folded, m.start(), m.end())
        yield Finding("link", m.start(), end, "link")


def _phones(text: str, folded: str) -> Iterator[Finding]:
    if not _SIX_DIGITS.search(folded):
        return
    for region in _PHONE_REGIONS:
        matcher = phonenumbers.PhoneNumberMatcher(
            folded, region, leniency=phonenumbers.Leniency.VALID, max_tries=50_000
        )
        for m in matcher:
            yield Finding("phone", m.start, m.end, f"libphonenumber {region}")
    yield from _spans(PHONE_RE, folded, "phone", "phone pattern")


def _ips(text: str, folded: str) -> Iterator[Finding]:
    for rx in (IPV4_RE, IPV6_RE):
        for m in rx.finditer(folded):
            value = m.group(0)
            if rx is IPV6_RE and not re.search(r"[0-9A-Fa-f]", value):
                continue
            try:
                ipaddress.ip_address(value)
            except ValueError:
                continue
            yield Finding("ip", m.start(), m.end(), "ip address")


def _handles(text: str, folded: str) -> Iterator[Finding]:
    yield from _spans(HANDLE_RE, folded, "handle", "handle")
    for m in MESSENGER_RE.finditer(folded):
        ident = m.group("id")
        explicit = bool(m.group("kw")) or m.group("sep").strip() != ""
        if explicit or re.search(r"[\d_.@]", ident):
            end = _trim_trailing(folded, m.start("id"), m.end("id"))
            yield Finding("handle", m.start("id"), end, "messenger id")


def _postcodes(text: str, folded: str) -> Iterator[Finding]:
    for m in POSTCODE_RE.finditer(folded):
        area, inward = m.group("area").upper(), m.group("inward").upper()
        if area not in _POSTCODE_AREAS or not set(inward[1:]) <= _INWARD_LETTERS:
            continue
        if m.group(0).isupper() or m.group("sp"):
            yield Finding("postcode", m.start(), m.end(), "uk postcode")


def _orcids_and_ni(text: str, folded: str) -> Iterator[Finding]:
    yield from _spans(ORCID_RE, folded, "orcid", "orcid")
    yield from _spans(NI_RE, folded, "ni_number", "ni number")


# --------------------------------------------------------------------------- names by cue
_FIRST_GAP = re.compile(r"\s{0,3}")
_NEXT_GAP = re.compile(r"[ \t]{1,3}|[ \t]?\n[ \t]?")


def _skip_space(text: str, pos: int) -> int:
    """``pos`` moved past up to four white-space characters."""
    stop = min(len(text), pos + 4)
    while pos < stop and text[pos].isspace():
        pos += 1
    return pos


def _name_run(text: str, pos: int, limit: int = 4) -> tuple[int, int, int]:
    """``(start, end, words)`` of the run of capitalised words (or initials) from ``pos``."""
    start = end = -1
    words = 0
    cursor = pos
    for m in _TOKEN_RE.finditer(text, pos, min(len(text), pos + 200)):
        gap_ok = (_NEXT_GAP if words else _FIRST_GAP).fullmatch(text, cursor, m.start())
        word = m.group(0).rstrip(".")
        initial = len(word) == 1 and m.group(0).endswith(".")
        capital = word[:1].isupper() or _is_cjk(word[:1])
        if not gap_ok or not capital or (word in _NAME_STOP and not initial) or words == limit:
            break
        start = m.start() if start < 0 else start
        end = m.end() if len(word) == 1 or not m.group(0).endswith(".") else m.end() - 1
        cursor = m.end()
        words += 1
    return start, end, words


_LIST_JOIN = re.compile(r"\s{0,2}(?:,|&|\band\b|\bor\b)\s{1,3}")


def _name_list(text: str, pos: int, first_words: int) -> Iterator[tuple[int, int]]:
    """Spans of the names from ``pos``: a run of at least ``first_words`` capitalised words,
    then any further run of two or more joined to it by "and", "or", "&" or a comma."""
    start, end, words = _name_run(text, pos)
    if words < first_words:
        return
    yield start, end
    while (join := _LIST_JOIN.match(text, end)) is not None:
        start, end2, words = _name_run(text, join.end())
        if words < 2:
            return
        yield start, end2
        end = end2


def _cue_names(text: str, folded: str) -> Iterator[Finding]:
    for m in TITLE_RE.finditer(folded):
        for i, (start, end) in enumerate(_name_list(folded, m.end(), 1)):
            yield Finding("name", m.start() if i == 0 else start, end, "title and name")
    for m in CUE_RE.finditer(folded):
        cue = re.sub(r"\s+", " ", m.group(0).strip(" ,:-\u2013\u2014")).casefold()
        pos = m.end()
        if TITLE_RE.match(folded, _skip_space(folded, pos)):
            continue  # the title detector covers "Regards, Dr ..."
        for start, end in _name_list(folded, pos, 2 if cue in _WEAK_CUES else 1):
            yield Finding("name", start, end, "signature or introduction")
    for m in SIG_DASH_RE.finditer(folded):
        for start, end in _name_list(folded, m.end(), 1):
            yield Finding("name", start, end, "signature")


# --------------------------------------------------------------------------- own names
def name_parts(values: Iterable[str]) -> list[str]:
    """The names of ``values`` (whole values and their words, hyphen parts included), sorted."""
    out: set[str] = set()
    for value in values:
        if not isinstance(value, str) or not value.strip():
            continue
        value = " ".join(value.split())
        out.add(value)
        for word in re.split(r"[\s,;/]+", value):
            word = word.strip(".'\"()")
            if word:
                out.add(word)
                out.update(p for p in word.split("-") if p)
    return sorted(out)


@dataclass(frozen=True)
class _NameIndex:
    loose: frozenset[str]  # casefolded, accent-free: matched in any capitals
    exact: frozenset[str]  # matched only as recorded, Title-cased or upper-cased
    cjk: tuple[str, ...]  # names in Chinese characters: matched as substrings


def _is_cjk(s: str) -> bool:
    return bool(_CJK.search(s))


@lru_cache(maxsize=512)
def _name_index(names: tuple[str, ...]) -> _NameIndex:
    loose, exact, cjk = set(), set(), []
    for name in names:
        if _is_cjk(name):
            cjk.append(name)
        elif " " in name:
            continue  # matched word by word
        elif name.casefold() in _COMMON_WORDS:
            exact.update({name, name.capitalize(), name.upper()})
        else:
            loose.add(_fold(name).casefold())
    return _NameIndex(frozenset(loose), frozenset(exact), tuple(sorted(cjk, key=len, reverse=True)))


def _known(word: str, indexes: tuple[_NameIndex, ...]) -> bool:
    return any(word.casefold() in i.loose or word in i.exact for i in indexes)


def _own_names(text: str, folded: str, indexes: tuple[_NameIndex, ...]) -> Iterator[Finding]:
    if any(i.loose or i.exact for i in indexes):
        for m in WORD_RE.finditer(folded):
            word = m.group(0)
            stem = word[:-2] if word.endswith(("'s", "\u2019s")) else word
            keys = [stem, *stem.split("-")] if "-" in stem else [stem]
            if any(_known(k, indexes) for k in keys):
                yield Finding("name", m.start(), m.start() + len(stem), "recorded name")
    for name in sorted({n for i in indexes for n in i.cjk}, key=len, reverse=True):
        start = text.find(name)
        while start != -1:
            yield Finding("name", start, start + len(name), "recorded name")
            start = text.find(name, start + len(name))


DETECTORS: tuple[Detector, ...] = (
    _emails,
    _links,
    _orcids_and_ni,
    _ips,
    _phones,
    _postcodes,
    _handles,
    _cue_names,
)


# =========================================================================== finding and redacting
def find_identifiers(
    text: str, names: Iterable[str] = (), others: tuple[str, ...] = ()
) -> list[Finding]:
    """Every identifying span of ``text``, sorted.

    ``names``: the person's own recorded names (any length); ``others``: other people's names
    (e.g. every respondent's, from :func:`name_parts`), kept as one tuple so that it is indexed
    once for all the texts it is used with.
    """
    if not isinstance(text, str) or not text.strip():
        return []
    folded = _fold(text)
    found: list[Finding] = []
    for detect in DETECTORS:
        found.extend(f for f in detect(text, folded) if f.end > f.start)
    own = tuple(sorted(set(name_parts(names))))
    indexes = tuple(_name_index(n) for n in (own, tuple(others)) if n)
    if indexes:
        found.extend(_own_names(text, folded, indexes))
    return sorted(found, key=lambda f: (f.start, -f.end, KINDS.index(f.kind)))


def _merge(found: list[Finding]) -> list[tuple[int, int, str]]:
    """Overlapping spans joined; the joined span takes the kind of its longest part (ties: the
    first kind of :data:`KINDS`)."""
    merged: list[tuple[int, int, Finding]] = []
    for f in found:
        if merged and f.start < merged[-1][1]:
            start, end, best = merged[-1]
            if (f.end - f.start, -KINDS.index(f.kind)) > (
                best.end - best.start,
                -KINDS.index(best.kind),
            ):
                best = f
            merged[-1] = (start, max(end, f.end), best)
        else:
            merged.append((f.start, f.end, f))
    return [(s, e, f.kind) for s, e, f in merged]


_REPEATED_NAMES = re.compile(
    rf"{re.escape(TOKENS['name'])}(?:[ ,.]{{1,3}}{re.escape(TOKENS['name'])})+"
)


def redact(
    text: str, names: Iterable[str] = (), others: tuple[str, ...] = ()
) -> tuple[str, Counter[str]]:
    """``text`` with every identifying span replaced by its token, and a count by kind
    (``names`` and ``others`` as for :func:`find_identifiers`)."""
    counts: Counter[str] = Counter()
    if not isinstance(text, str) or not text:
        return text, counts
    pieces: list[str] = []
    pos = 0
    for start, end, kind in _merge(find_identifiers(text, names, others)):
        pieces += [text[pos:start], TOKENS[kind]]
        counts[kind] += 1
        pos = end
    pieces.append(text[pos:])
    out = "".join(pieces)
    if counts["name"] > 1:
        out = _REPEATED_NAMES.sub(TOKENS["name"], out)
    return out, counts


def redact_frame(
    df: pd.DataFrame, columns: Iterable[str], names: list[list[str]] | None = None
) -> tuple[pd.DataFrame, Counter[str]]:
    """A copy of ``df`` whose ``columns`` are redacted row by row (``names[i]``: row i's own)."""
    out = df.copy()
    counts: Counter[str] = Counter()
    for col in columns:
        values = []
        for i, value in enumerate(out[col].tolist()):
            red, cnt = redact(value, names[i] if names else ())
            counts.update(cnt)
            values.append(red)
        out[col] = pd.Series(values, index=out.index, dtype=object)
    return out, counts


# =========================================================================== restricted folder
def restricted_dir(input_name: str, root: str | os.PathLike[str] = RESTRICTED_ROOT) -> Path:
    """The default restricted folder of one input: ``data/restricted/<input>/``."""
    return Path(root) / input_name


def check_restricted_location(
    restricted: str | os.PathLike[str], shareable: Iterable[str | os.PathLike[str]]
) -> Path:
    """Refuse a restricted folder that is, contains or sits inside a shareable output folder."""
    r = Path(os.path.abspath(restricted))
    for out in shareable:
        o = Path(os.path.abspath(out))
        if r == o or o in r.parents or r in o.parents:
            raise PrivacyError(
                f"the restricted folder {restricted} must not be inside, or hold, the shareable "
                f"output folder {out}: everything under the output folder is meant to be safe "
                "to share (choose another --restricted folder)"
            )
    return Path(restricted)


def write_restricted(
    folder: str | os.PathLike[str], tables: Mapping[str, pd.DataFrame]
) -> list[Path]:
    """Write ``tables`` (file name -> table) as owner-only CSV files into ``folder``.

    The folder is created owner-only (0700) with a ``.gitignore`` that ignores everything in
    it, so a restricted folder made outside this repository stays out of git too.
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True, mode=0o700)
    ignore = out / ".gitignore"
    if not ignore.is_file():
        with atomic_path(ignore) as tmp:
            tmp.write_text("# restricted: personal data, never commit or share\n*\n", "utf-8")
    written = []
    for name, df in sorted(tables.items()):
        path = out / name
        with atomic_path(path) as tmp:
            neutralise_frame(df).to_csv(tmp, index=False, lineterminator="\n")
            os.chmod(tmp, 0o600)
        written.append(path)
    return written


# =========================================================================== approvals
def excerpt_hash(redacted_text: str) -> str:
    """SHA-256 (hex) of a redacted excerpt, as a reviewer records it in the approvals file."""
    return hashlib.sha256(str(redacted_text).encode("utf-8")).hexdigest()


#: Columns of :func:`excerpt_record` (every restricted free-text table starts with them).
EXCERPT_COLUMNS = ["excerpt_id", "text", "redacted", "sha256", "redactions"]


def excerpt_record(
    excerpt_id: str, text: str, names: Iterable[str] = (), others: tuple[str, ...] = ()
) -> tuple[dict[str, str], Counter[str]]:
    """One free-text answer for the restricted folder: the text as typed, its redacted version,
    the hash a reviewer approves and the redactions made (also returned as a count)."""
    redacted, counts = redact(text, names, others)
    record = {
        "excerpt_id": excerpt_id,
        "text": text,
        "redacted": redacted,
        "sha256": excerpt_hash(redacted),
        "redactions": "; ".join(f"{k} {n}" for k, n in sorted(counts.items())),
    }
    return record, counts


@dataclass(frozen=True)
class Approvals:
    """The approvals file: approved hash by excerpt id (empty when there is no file)."""

    path: Path
    by_id: dict[str, str]
    present: bool


def load_approvals(path: str | os.PathLike[str] = APPROVALS_FILE) -> Approvals:
    """Read ``excerpt_id, sha256[, ...]``; no file means nothing is approved.

    Raises :class:`PrivacyError` naming the file and line for a missing column, a malformed
    hash or an excerpt id listed twice.
    """
    p = Path(path)
    if not p.is_file():
        return Approvals(p, {}, False)
    df = pd.read_csv(p, dtype=str, keep_default_na=False, comment="#")
    missing = [c for c in APPROVALS_COLUMNS if c not in df.columns]
    if missing:
        raise PrivacyError(f"{p}: missing column(s) {', '.join(missing)}")
    by_id: dict[str, str] = {}
    for line, (eid, digest) in enumerate(zip(df["excerpt_id"], df["sha256"], strict=True), 2):
        eid, digest = eid.strip(), digest.strip().lower()
        if not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise PrivacyError(f"{p}: line {line}: sha256 {digest!r} is not a SHA-256 hex digest")
        if eid in by_id:
            raise PrivacyError(f"{p}: line {line}: excerpt {eid!r} is listed twice")
        by_id[eid] = digest
    return Approvals(p, by_id, True)


def approved_excerpts(
    candidates: pd.DataFrame, approvals: Approvals | str | os.PathLike[str] = APPROVALS_FILE
) -> tuple[pd.DataFrame, dict[str, int]]:
    """The approved redacted excerpts among ``candidates`` (``excerpt_id``, ``redacted``, ...).

    An excerpt is published only when its id is approved *and* the hash of its redacted text
    equals the approved hash. Returns ``(excerpt_id, text)`` rows sorted by id, and counts:
    ``candidates``, ``approved`` (published), ``stale`` (approved, but the text has changed)
    and ``unknown`` (approved ids that are not candidates of this input).
    """
    if not isinstance(approvals, Approvals):
        approvals = load_approvals(approvals)
    ids = candidates["excerpt_id"].astype(str).tolist() if len(candidates) else []
    texts = candidates["redacted"].astype(str).tolist() if len(candidates) else []
    rows, stale = [], 0
    for eid, text in zip(ids, texts, strict=True):
        want = approvals.by_id.get(eid)
        if want is None:
            continue
        if want == excerpt_hash(text):
            rows.append({"excerpt_id": eid, "text": text})
        else:
            stale += 1
    prefixes = {i.split(":", 1)[0] for i in ids}
    unknown = sum(1 for i in approvals.by_id if i.split(":", 1)[0] in prefixes and i not in ids)
    counts = {"candidates": len(ids), "approved": len(rows), "stale": stale, "unknown": unknown}
    table = pd.DataFrame(rows, columns=["excerpt_id", "text"]).sort_values("excerpt_id")
    return table.reset_index(drop=True), counts
