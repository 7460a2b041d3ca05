"""Topics (``topics.csv``), NSI Act sectors (``nsi_sectors.csv``) and the research-area rules
(``research_area_rules.csv``) with their semantics, :func:`classify_research_area`."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.registries.base import (
    SNAKE,
    ReferenceDataError,
    check,
    check_in,
    check_unique,
    load_table,
    read_cached,
    reference_dir,
    to_bool,
)

DISCIPLINE_GROUPS = ("stem", "non_stem", "multidisciplinary")
RULE_KINDS = ("topic", "nsi_sector")
UNCLASSIFIED = "unclassified"


def load_topics(ref_dir: Path | str | None = None) -> pd.DataFrame:
    """Academic topics (``topics.csv``) with discipline group and default NSI sector."""
    df, path = load_table("topics.csv", ref_dir)
    check(df, path, "topic", lambda v: bool(SNAKE.match(v)), "topic must be snake_case")
    check_unique(df, path, "topic")
    check_in(df, path, "discipline_group", DISCIPLINE_GROUPS)
    sectors = set(load_nsi_sectors(ref_dir)["sector"])
    check(
        df,
        path,
        "default_nsi_sector",
        lambda v: v == "" or v in sectors,
        "default_nsi_sector must be blank or a sector in nsi_sectors.csv",
    )
    return df.reset_index(drop=True)


def load_nsi_sectors(ref_dir: Path | str | None = None) -> pd.DataFrame:
    """NSI Act 2021 sectors plus the study's engineering bucket; ``in_nsi_act`` is a bool."""
    df, path = load_table("nsi_sectors.csv", ref_dir)
    check(df, path, "sector", lambda v: bool(SNAKE.match(v)), "sector must be snake_case")
    check_unique(df, path, "sector")
    to_bool(df, path, "in_nsi_act")
    return df.reset_index(drop=True)


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern, re.IGNORECASE)
    except re.error:
        return False
    return bool(pattern)


def load_rules(ref_dir: Path | str | None = None) -> pd.DataFrame:
    """Research-area classification rules; ``priority`` is an int, patterns compile."""
    df, path = load_table("research_area_rules.csv", ref_dir)
    check_unique(df, path, "rule_id")
    check_in(df, path, "kind", RULE_KINDS)
    check(
        df,
        path,
        "priority",
        lambda v: bool(re.fullmatch(r"-?\d+", v)),
        "priority must be an integer",
    )
    check(df, path, "pattern", _compiles, "pattern must be a valid, non-empty Python regex")
    df["priority"] = df["priority"].astype(int)
    topics = set(
        read_cached(str((reference_dir(ref_dir) / "topics.csv").resolve()), "topics.csv")["topic"]
    )
    sectors = set(load_nsi_sectors(ref_dir)["sector"])
    for i, (kind, target) in enumerate(zip(df["kind"], df["target"])):
        valid = topics if kind == "topic" else sectors
        if target not in valid:
            raise ReferenceDataError(str(path), i + 2, "target", f"unknown {kind} {target!r}")
    return df.reset_index(drop=True)


@dataclass(frozen=True)
class AreaClassification:
    """Classification of a free-text research area (see data/reference/README.md)."""

    topic: str
    discipline_group: str
    nsi_sector: str
    topic_rule: str | None
    sector_rule: str | None


@functools.lru_cache(maxsize=8)
def _compiled_rules(ref_dir: str) -> tuple[list, list, dict[str, tuple[str, str]]]:
    rules = load_rules(ref_dir)
    compiled: dict[str, list] = {"topic": [], "nsi_sector": []}
    for r in rules.itertuples(index=False):
        compiled[r.kind].append(
            (re.compile(r.pattern, re.IGNORECASE), int(r.priority), r.rule_id, r.target)
        )
    topics = load_topics(ref_dir)
    info = {
        t.topic: (t.discipline_group, t.default_nsi_sector) for t in topics.itertuples(index=False)
    }
    return compiled["topic"], compiled["nsi_sector"], info


def _earliest(rules: list, text: str) -> tuple[str, str] | None:
    best: tuple[int, int, str, str] | None = None
    for pattern, priority, rule_id, target in rules:
        m = pattern.search(text)
        if m is None:
            continue
        cand = (m.start(), priority, rule_id, target)
        if best is None or cand < best:
            best = cand
    return None if best is None else (best[3], best[2])


def _as_text(text: str | None) -> str:
    return "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)


def classify_research_area(
    text: str | None, ref_dir: Path | str | None = None
) -> AreaClassification:
    """Classify free text into topic, discipline group and NSI sector.

    Topic: the ``topic`` rule whose first match starts earliest (ties: lower priority,
    then rule_id); no match -> ``unclassified`` with a blank discipline group.
    NSI sector: blank for non_stem topics; otherwise the earliest ``nsi_sector`` rule
    (same tie-break), else the topic's ``default_nsi_sector`` (may be blank).
    """
    topic_rules, sector_rules, info = _compiled_rules(str(reference_dir(ref_dir)))
    s = _as_text(text)
    t = _earliest(topic_rules, s)
    if t is None:
        topic, topic_rule, group, default = UNCLASSIFIED, None, "", ""
    else:
        topic, topic_rule = t
        group, default = info[topic]
    if group == "non_stem":
        return AreaClassification(topic, group, "", topic_rule, None)
    sec = _earliest(sector_rules, s)
    if sec is None:
        return AreaClassification(topic, group, default, topic_rule, None)
    return AreaClassification(topic, group, sec[0], topic_rule, sec[1])


def topics_mentioned(text: str | None, ref_dir: Path | str | None = None) -> set[str]:
    """Every topic whose rule matches somewhere in ``text`` (not only the earliest one)."""
    topic_rules, _, _ = _compiled_rules(str(reference_dir(ref_dir)))
    s = _as_text(text)
    return {target for pattern, _, _, target in topic_rules if pattern.search(s)}
