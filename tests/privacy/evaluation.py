"""Load the labelled evaluation set and score :func:`pipeline.privacy.find_identifiers` on it.

Shared by the test (``test_evaluation.py``) and the presidio comparison
(``measure_presidio.py``), which score other detectors the same way.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
EVALUATION_SET = HERE / "evaluation_set.txt"
MARKER = re.compile(r"\[\[(?P<kind>[a-z0-9_]+):(?P<value>.+?)\]\](?!\])")
EMAIL_KINDS = ("email", "disguised_email")


@dataclass(frozen=True)
class Answer:
    """One free-text answer: its text, the respondent's own names, the planted spans."""

    line: int
    text: str
    names: tuple[str, ...]
    planted: tuple[tuple[str, int, int], ...]  # (kind, start, end)


def parse_line(number: int, line: str) -> Answer:
    """``own names | text with [[kind:value]] markers`` -> :class:`Answer`."""
    names_part, sep, marked = line.partition(" | ")
    if not sep:
        names_part, marked = "", line.removeprefix("| ")
    marked = marked.replace("\\n", "\n")
    text, planted, pos = [], [], 0
    length = 0
    for m in MARKER.finditer(marked):
        text.append(marked[pos : m.start()])
        length += m.start() - pos
        value = m.group("value")
        planted.append((m.group("kind"), length, length + len(value)))
        text.append(value)
        length += len(value)
        pos = m.end()
    text.append(marked[pos:])
    names = tuple(n.strip() for n in names_part.split(";") if n.strip())
    return Answer(number, "".join(text), names, tuple(planted))


def load(path: Path = EVALUATION_SET) -> list[Answer]:
    """Every answer of the evaluation set (comment and blank lines skipped)."""
    answers = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip() and not line.startswith("#"):
            answers.append(parse_line(number, line))
    return answers


Spans = Callable[[Answer], Iterable[tuple[int, int]]]


def _union(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


@dataclass
class Score:
    """Recall by planted kind and precision of the detected spans."""

    planted: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    detected: int = 0
    true_detected: int = 0
    detected_chars: int = 0
    planted_chars_detected: int = 0
    missed: list[tuple[int, str, str]] = field(default_factory=list)  # line, kind, value
    false: list[tuple[int, str]] = field(default_factory=list)  # line, text flagged

    def recall(self, kinds: Iterable[str] | None = None) -> float:
        kinds = list(self.planted) if kinds is None else list(kinds)
        total = sum(self.planted[k] for k in kinds)
        return sum(self.found[k] for k in kinds) / total if total else 1.0

    @property
    def precision(self) -> float:
        return self.true_detected / self.detected if self.detected else 1.0

    def table(self) -> str:
        rows = [f"{'kind':<16}{'planted':>8}{'found':>7}{'recall':>9}"]
        for kind in sorted(self.planted):
            n, f = self.planted[kind], self.found[kind]
            rows.append(f"{kind:<16}{n:>8}{f:>7}{f / n:>9.1%}")
        rows.append(
            f"{'all':<16}{sum(self.planted.values()):>8}{sum(self.found.values()):>7}"
            f"{self.recall():>9.1%}"
        )
        rows.append(
            f"precision: {self.true_detected} of {self.detected} detected spans overlap a planted "
            f"identifier ({self.precision:.1%}); {self.planted_chars_detected} of "
            f"{self.detected_chars} characters removed belong to one ({self.char_precision:.1%})"
        )
        return "\n".join(rows)

    @property
    def char_precision(self) -> float:
        """Share of the characters removed that belong to a planted identifier."""
        return self.planted_chars_detected / self.detected_chars if self.detected_chars else 1.0


def _covered(start: int, end: int, spans: list[tuple[int, int]], text: str) -> bool:
    return all(text[i].isspace() or any(s <= i < e for s, e in spans) for i in range(start, end))


def score(answers: list[Answer], spans_of: Spans) -> Score:
    """Score a detector: a planted identifier counts as found when the detected spans cover
    all of it; a detected span is a true detection when it overlaps a planted identifier."""
    result = Score()
    for a in answers:
        spans = _union(spans_of(a))
        for kind, s, e in a.planted:
            result.planted[kind] += 1
            if _covered(s, e, spans, a.text):
                result.found[kind] += 1
            else:
                result.missed.append((a.line, kind, a.text[s:e]))
        planted_chars = {i for _, ps, pe in a.planted for i in range(ps, pe)}
        for s, e in spans:
            result.detected += 1
            result.detected_chars += e - s
            result.planted_chars_detected += len(planted_chars.intersection(range(s, e)))
            if any(s < pe and ps < e for _, ps, pe in a.planted):
                result.true_detected += 1
            else:
                result.false.append((a.line, a.text[s:e]))
    return result


def pipeline_spans(answer: Answer) -> list[tuple[int, int]]:
    """The spans :func:`pipeline.privacy.find_identifiers` finds in one answer."""
    from pipeline.privacy import find_identifiers

    return [(f.start, f.end) for f in find_identifiers(answer.text, answer.names)]
