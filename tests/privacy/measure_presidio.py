"""Measure presidio-analyzer's pattern recognisers on the evaluation set (issue 19).

Not a test and not a dependency: it answers "would presidio earn its weight?". Run it in a
throw-away environment that has presidio (its spaCy NER needs model weights this project
cannot download, so a blank English pipeline is used and only the pattern recognisers run):

    python -m venv /tmp/presidio && /tmp/presidio/bin/pip install presidio-analyzer \\
        phonenumbers pandas pyyaml pyarrow
    PYTHONPATH=src /tmp/presidio/bin/python tests/privacy/measure_presidio.py

It prints recall/precision of presidio alone, of pipeline.privacy alone and of both together,
and the time presidio takes to import and set up. tldextract (used by presidio's URL check) is
pointed at its bundled suffix list so that nothing is fetched.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from evaluation import load, pipeline_spans, score

#: Entities of presidio's predefined pattern recognisers that this project would use.
ENTITIES = [
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "IP_ADDRESS",
    "URL",
    "UK_NHS",
    "UK_NINO",
    "CREDIT_CARD",
    "IBAN_CODE",
    "US_SSN",
]


def presidio_analyzer():
    """An AnalyzerEngine on a blank spaCy pipeline (no NER weights), offline."""
    import spacy
    import tldextract

    # presidio's e-mail check calls tldextract.extract, which fetches the public-suffix list
    # unless told to use the copy it bundles
    tldextract.extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    class BlankEngine(SpacyNlpEngine):
        def __init__(self) -> None:
            super().__init__(models=[{"lang_code": "en", "model_name": "blank"}])
            self.nlp = {"en": spacy.blank("en")}

        def load(self) -> None:  # nothing to download
            pass

    return AnalyzerEngine(nlp_engine=BlankEngine(), supported_languages=["en"])


def main() -> None:
    answers = load()
    t0 = time.perf_counter()
    analyzer = presidio_analyzer()
    setup = time.perf_counter() - t0

    def presidio_spans(a):
        found = analyzer.analyze(text=a.text, language="en", entities=ENTITIES)
        return [(r.start, r.end) for r in found]

    t0 = time.perf_counter()
    alone = score(answers, presidio_spans)
    run = time.perf_counter() - t0
    ours = score(answers, pipeline_spans)
    both = score(answers, lambda a: [*presidio_spans(a), *pipeline_spans(a)])
    print(f"presidio: import and set-up {setup:.1f} s, {run:.2f} s for {len(answers)} answers")
    for name, result in (("presidio alone", alone), ("pipeline.privacy", ours), ("both", both)):
        print(f"\n== {name}\n{result.table()}")
    gained = {(line, kind, value) for line, kind, value in ours.missed} - set(both.missed)
    print(f"\nidentifiers presidio adds to pipeline.privacy: {len(gained)} {sorted(gained)}")
    print(f"false positives presidio adds: {len(both.false) - len(ours.false)}")


if __name__ == "__main__":
    main()
