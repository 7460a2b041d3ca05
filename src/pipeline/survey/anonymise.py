"""Remove personal data from a survey export before anything is written.

Two layers:

* whole columns are dropped when their id or question text matches a personal
  data pattern (names, e-mail, IP address, location, recipient fields, external
  reference, phone), or -- for columns that are not mapped to a question --
  when any value looks like an e-mail or an IP address;
* free text that is kept (typed organisation, comments, unmapped text) has
  e-mail addresses, phone numbers and links replaced by ``[email removed]``,
  ``[phone removed]`` and ``[link removed]``; names that appear in the export's
  own name columns are replaced by ``[name removed]``.

The Qualtrics ``ResponseId`` is replaced by a pseudonymous id (``R001``...)
in the cleaner; it never leaves this step. :func:`anonymise` applies both layers to
the export as read and says what it removed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from pipeline.survey.instrument import Question

DEFAULT_DROP_PATTERNS: tuple[str, ...] = (
    r"recipient",
    r"(first|last|full|sur|given|family|middle)[ _-]?name",
    r"^name$",
    r"e-?mail",
    r"ip[ _-]?address",
    r"latitude",
    r"longitude",
    r"external[ _-]?(data[ _-]?)?ref",
    r"phone|mobile|telephone",
    r"^response[ _-]?id$",
    r"^_?record[ _-]?id$",
)

# Quantifiers are bounded (RFC 5321 lengths) so a 10 MB cell is scanned in linear time;
# unbounded runs made these patterns quadratic on long text without a match.
EMAIL_RE = re.compile(
    r"[A-Za-z0-9._%+\-']{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){0,8}\.[A-Za-z]{2,24}"
)
IPV4_RE = re.compile(
    r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.])"
)
IPV6_RE = re.compile(r"(?<![:\w])(?:[0-9A-Fa-f]{1,4}:){2,7}[0-9A-Fa-f]{1,4}(?![:\w])")
URL_RE = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"']+"
    r"|\b[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.(?:com|org|net|edu|gov|info|io|cn|uk)\b"
    r"(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
PHONE_RE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s*44\s*(?:\(0\)\s*)?|\(?0)\d(?:[\s().\-]{0,2}\d){8,9}(?!\d)"
    r"|(?<![\w+])\+\s?\d{1,3}(?:[\s().\-]{0,2}\d){6,12}(?!\d)"
)

#: Survey-platform metadata columns carried over (not personal, not questions).
METADATA_KEPT = (
    "StartDate",
    "EndDate",
    "RecordedDate",
    "Status",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "DistributionChannel",
    "UserLanguage",
)
UNMAPPED_DROPPED = "not a question of the instrument (keep_unmapped_columns is false)"

EMAIL_TOKEN = "[email removed]"
PHONE_TOKEN = "[phone removed]"
LINK_TOKEN = "[link removed]"
NAME_TOKEN = "[name removed]"


def _trim_url(match: re.Match[str]) -> str:
    url = match.group(0)
    trail = len(url) - len(url.rstrip(".,;:!?)]}'\""))
    return LINK_TOKEN + (url[len(url) - trail :] if trail else "")


def redact_text(text: str, names: Iterable[str] = ()) -> tuple[str, Counter[str]]:
    """Redact e-mails, links, phone numbers (and the given names) in ``text``.

    Returns the redacted text and a count of replacements by kind.
    """
    counts: Counter[str] = Counter()
    if not isinstance(text, str) or not text:
        return text, counts
    out, n = EMAIL_RE.subn(EMAIL_TOKEN, text)
    counts["email"] += n
    out, n = URL_RE.subn(_trim_url, out)
    counts["link"] += n
    out, n = PHONE_RE.subn(PHONE_TOKEN, out)
    counts["phone"] += n
    for name in sorted({s for s in names if s and len(s) >= 3}, key=len, reverse=True):
        out, n = re.subn(rf"(?<!\w){re.escape(name)}(?!\w)", NAME_TOKEN, out, flags=re.IGNORECASE)
        counts["name"] += n
    if counts["name"]:
        out = re.sub(rf"{re.escape(NAME_TOKEN)}(?:[ ,]+{re.escape(NAME_TOKEN)})+", NAME_TOKEN, out)
    return out, counts


def looks_personal(value: str) -> bool:
    """True when a whole cell is an e-mail address or an IP address."""
    v = value.strip()
    return bool(EMAIL_RE.fullmatch(v) or IPV4_RE.fullmatch(v) or IPV6_RE.fullmatch(v))


def personal_columns(
    df: pd.DataFrame,
    question_text: dict[str, str],
    mapped: set[str],
    patterns: Iterable[str] = DEFAULT_DROP_PATTERNS,
) -> dict[str, str]:
    """Columns to drop, with the reason for each.

    A column goes when its id or its question text matches a pattern, or (if it
    is not one of the ``mapped`` question columns) when any of its values is an
    e-mail address or an IP address.
    """
    compiled = [re.compile(p, re.IGNORECASE) for p in patterns]
    drop: dict[str, str] = {}
    for col in df.columns:
        if col == "source_row":
            continue
        text = question_text.get(col, "")
        for rx in compiled:
            if col not in mapped and (rx.search(col) or (text and rx.search(text))):
                drop[col] = f"personal data: name matches /{rx.pattern}/"
                break
            if col in mapped and rx.search(col):
                drop[col] = f"personal data: name matches /{rx.pattern}/"
                break
        if col in drop or col in mapped:
            continue
        values = df[col].dropna().astype(str)
        if values.map(looks_personal).any():
            drop[col] = "personal data: values look like e-mail or IP addresses"
    return drop


def name_values(df: pd.DataFrame, columns: Iterable[str]) -> list[str]:
    """Distinct names found in the export's own name columns (used to redact free text)."""
    name_rx = re.compile(r"name", re.IGNORECASE)
    found: set[str] = set()
    for col in columns:
        if col in df.columns and name_rx.search(col) and not re.search("email", col, re.IGNORECASE):
            for v in df[col].dropna().astype(str):
                v = v.strip()
                if v:
                    found.add(v)
                    found.update(p for p in re.split(r"[\s,]+", v) if len(p) >= 3)
    return sorted(found)


@dataclass
class Anonymised:
    """The export without personal data, and what was taken out."""

    frame: pd.DataFrame  # every remaining column; free text redacted
    response_ids: list[str]  # the platform's response ids: in memory only, for duplicates
    dropped: dict[str, str]  # column -> why it was dropped
    extra_columns: list[str]  # kept columns that are not questions of the instrument
    redactions: Counter[str]  # replacements in free text, by kind


def anonymise(
    df: pd.DataFrame,
    question_text: dict[str, str],
    qcols: Mapping[str, Question],
    patterns: Iterable[str] = DEFAULT_DROP_PATTERNS,
    keep_unmapped: bool = True,
) -> Anonymised:
    """Drop personal columns and redact free text in the export ``df`` (as read).

    ``qcols`` maps export columns to the instrument's questions. Typed organisation names
    lose e-mails, links and phone numbers; free-text answers and unmapped columns also lose
    the names found in the export's own name columns. With ``keep_unmapped`` false, columns
    that are neither questions nor survey metadata are dropped too.
    """
    response_ids = df["ResponseId"].tolist() if "ResponseId" in df.columns else [""] * len(df)
    dropped = personal_columns(df, question_text, set(qcols), patterns)
    names = name_values(df, dropped)
    df = df.drop(columns=list(dropped))
    extra = [
        c for c in df.columns if c != "source_row" and c not in qcols and c not in METADATA_KEPT
    ]
    if not keep_unmapped:
        df = df.drop(columns=extra)
        dropped.update(dict.fromkeys(extra, UNMAPPED_DROPPED))
        extra = []
    redactions: Counter[str] = Counter()
    text_cols = [c for c, q in qcols.items() if q.type in ("text", "organisation")]
    for col in text_cols + extra:
        use_names = names if (col in extra or qcols[col].type == "text") else []
        df[col], counts = _redact_column(df[col], use_names)
        redactions.update(counts)
    return Anonymised(df, response_ids, dropped, extra, redactions)


def _redact_column(values: pd.Series, names: list[str]) -> tuple[pd.Series, Counter[str]]:
    counts: Counter[str] = Counter()
    out = []
    for v in values.tolist():
        red, cnt = redact_text(v, names)
        counts.update(cnt)
        out.append(red)
    return pd.Series(out, index=values.index, dtype=object), counts
