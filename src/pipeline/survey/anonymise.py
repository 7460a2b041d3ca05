"""Keep only what the instrument defines; set identifying data aside before anything is written.

An allow-list, not a block-list: the columns kept are the instrument's questions
(``questions.yaml``, ``questions:``) and the few survey-platform columns the inclusion rules read
(``platform:``). Every other column is dropped, and the cleaning log lists it by *name* with
the reason (personal data, a timestamp, platform metadata the analysis does not use, or simply
not a question of the instrument); its values are never copied anywhere.

Before they go, the export's own name columns (recipient first and last name, a Forms "Name"
...) give each respondent's recorded names, used by :mod:`pipeline.privacy` to redact them
from that respondent's free text (at any length: two-letter surnames such as Xu, Li or Ng
too), together with the longer names of every other respondent.

The platform's ``ResponseId`` is kept in memory only, to find repeated responses; the outputs
carry new pseudonymous ids (``R001``...) instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
import yaml

from pipeline.privacy import EMAIL_RE, IPV4_RE, IPV6_RE, name_parts
from pipeline.survey.instrument import QUESTIONS_FILE, Question

#: Column ids or question texts that mark personal data (the reason given when dropped).
DEFAULT_DROP_PATTERNS: tuple[str, ...] = (
    r"recipient",
    r"(first|last|full|sur|given|family|middle)[ _-]?name",
    r"^name$",
    r"\byour name\b",
    r"e-?mail",
    r"ip[ _-]?address",
    r"latitude",
    r"longitude",
    r"external[ _-]?(data[ _-]?)?ref",
    r"phone|mobile|telephone",
    r"contact|reach (you|me)",
    r"address|postcode|zip[ _-]?code",
    r"orcid|linkedin|twitter|wechat|handle",
    r"^response[ _-]?id$",
    r"^_?record[ _-]?id$",
)
#: Columns whose values are a respondent's own name (redacted from their free text).
NAME_COLUMN_PATTERNS: tuple[str, ...] = (
    r"(first|last|full|sur|given|family|middle)[ _-]?name",
    r"^name$",
    r"\byour name\b",
)
TIMESTAMP_PATTERN = re.compile(r"date|time", re.IGNORECASE)
PERSONAL = "personal data"
TIMESTAMP = "timestamp (the analysis uses none)"
PLATFORM_UNUSED = "survey-platform metadata the analysis does not use"
NOT_IN_INSTRUMENT = "not a question of the instrument"
#: Qualtrics metadata columns that are neither personal nor timestamps.
KNOWN_PLATFORM_COLUMNS = frozenset(
    {"Duration (in seconds)", "DistributionChannel", "UserLanguage", "Q_RecaptchaScore"}
)


@dataclass(frozen=True)
class PlatformColumn:
    """A survey-platform column the cleaner reads: what for, and its output column if any."""

    id: str
    use: str
    output: str | None = None


@lru_cache(maxsize=2)
def platform_columns(path: str = str(QUESTIONS_FILE)) -> tuple[PlatformColumn, ...]:
    """The ``platform:`` section of ``questions.yaml``."""
    with open(path, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    return tuple(
        PlatformColumn(str(p["id"]), str(p["use"]), p.get("output")) for p in raw["platform"]
    )


def looks_personal(value: str) -> bool:
    """True when a whole cell is an e-mail address or an IP address."""
    v = value.strip()
    return bool(EMAIL_RE.fullmatch(v) or IPV4_RE.fullmatch(v) or IPV6_RE.fullmatch(v))


def _matches(patterns: Iterable[str], col: str, text: str) -> str | None:
    for pattern in patterns:
        rx = re.compile(pattern, re.IGNORECASE)
        if rx.search(col) or (text and rx.search(text)):
            return pattern
    return None


def drop_reason(col: str, text: str, values: pd.Series, patterns: Iterable[str]) -> str:
    """Why a column that is not in the allow-list is dropped (by its name, text and values)."""
    pattern = _matches(patterns, col, text)
    if pattern is not None:
        return f"{PERSONAL} (name matches /{pattern}/)"
    if TIMESTAMP_PATTERN.search(col) or (text and TIMESTAMP_PATTERN.search(text)):
        return TIMESTAMP
    if values.dropna().astype(str).map(looks_personal).any():
        return f"{PERSONAL} (values look like e-mail or IP addresses)"
    if col in KNOWN_PLATFORM_COLUMNS:
        return PLATFORM_UNUSED
    return NOT_IN_INSTRUMENT


def dropped_columns(
    df: pd.DataFrame,
    question_text: Mapping[str, str],
    qcols: Mapping[str, Question],
    patterns: Iterable[str] = DEFAULT_DROP_PATTERNS,
) -> dict[str, str]:
    """Every column of the export that is not kept, with the reason (in export order).

    Kept: the instrument's question columns (unless the column id itself looks personal) and the
    platform columns of :func:`platform_columns`.
    """
    patterns = tuple(patterns)
    allowed = {p.id for p in platform_columns()}
    drop: dict[str, str] = {}
    for col in df.columns:
        if col == "source_row" or col in allowed:
            continue
        if col in qcols:
            pattern = _matches(patterns, col, "")
            if pattern is not None:
                drop[col] = f"{PERSONAL} (name matches /{pattern}/)"
            continue
        drop[col] = drop_reason(col, question_text.get(col, ""), df[col], patterns)
    return drop


def name_columns(df: pd.DataFrame, question_text: Mapping[str, str]) -> list[str]:
    """Columns holding a respondent's own names (first, last, full name ...; not e-mails)."""
    out = []
    for col in df.columns:
        if col == "source_row" or re.search(r"e-?mail", col, re.IGNORECASE):
            continue
        if _matches(NAME_COLUMN_PATTERNS, col, question_text.get(col, "")):
            out.append(col)
    return out


def recorded_names(df: pd.DataFrame, columns: list[str]) -> tuple[list[list[str]], tuple[str, ...]]:
    """``(own, everyone)``: per row, that respondent's own recorded names (any length), and
    the names of three letters or more of all respondents (redacted from everyone's text)."""
    own = [
        name_parts(str(v) for v in row if isinstance(v, str) and v.strip())
        for row in (df[columns].itertuples(index=False) if columns else [()] * len(df))
    ]
    everyone = tuple(sorted({n for names in own for n in names if len(n) >= 3}))
    return own, everyone


@dataclass
class Anonymised:
    """The export cut down to its allow-listed columns, and what was taken out."""

    frame: pd.DataFrame  # questions and platform columns the rules read; nothing else
    response_ids: list[str]  # the platform's response ids: in memory only, for duplicates
    dropped: dict[str, str]  # column -> why it was dropped (names only, never values)
    names: list[list[str]]  # per row of ``frame``: the respondent's own recorded names
    everyone: tuple[str, ...] = ()  # every respondent's names of 3+ letters (for all texts)


def anonymise(
    df: pd.DataFrame,
    question_text: Mapping[str, str],
    qcols: Mapping[str, Question],
    patterns: Iterable[str] = DEFAULT_DROP_PATTERNS,
) -> Anonymised:
    """Keep the allow-listed columns of the export ``df`` (as read); say what was dropped.

    ``qcols`` maps export columns to the instrument's questions. The recorded names are taken
    from the name columns before those are dropped.
    """
    response_ids = df["ResponseId"].tolist() if "ResponseId" in df.columns else [""] * len(df)
    dropped = dropped_columns(df, question_text, qcols, patterns)
    names, everyone = recorded_names(df, name_columns(df, question_text))
    frame = df.drop(columns=list(dropped))
    return Anonymised(frame, response_ids, dropped, names, everyone)
