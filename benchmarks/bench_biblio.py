"""Benchmark of OpenAlex JSONL ingestion at scale (run on demand, not a test).

Usage::

    .venv/bin/python benchmarks/bench_biblio.py [--profile both|all|funded] [--repeat 3]
        [--works 1000000] [--parts 8] [--cache DIR] [--skip-python-loop]

1. Generates ``--works`` OpenAlex-shaped works in ``--parts`` ``.jsonl.gz`` files
   (seeded; pools of authorships, abstracts, concepts and references drawn with
   numpy and pasted into a work template), cached between runs under ``--cache``.
   Three profiles:

   * ``openalex``: every top-level field a real OpenAlex work has, with list lengths
     taken from the real export sample (about 12 KB a work, 60% with an abstract; like
     that sample, no grants);
   * ``slim``: only the fields ingestion reads plus a handful (2.7 KB a work), a
     stress case in which per-work processing weighs most against decompression;
   * ``funded`` (only with ``--profile funded`` or ``all``): the ``openalex`` records with
     0-3 funding acknowledgements on about 60% of the works, some by alias, so that the
     funder names are resolved against the registry and the output is rewritten.

2. Measures, in the same run and interleaved (``--repeat`` rounds, medians kept):
   a. decompression only: two parallel ``gzip -dc > /dev/null`` processes, each
      taking every other part;
   b. our code, each in a child process: ``count_uk_cn_by_year`` and the full
      ``ingest`` to parquet (wall and CPU time, peak RSS of each child);
   c. once, a plain one-process Python loop with ``json`` computing the same
      per-year UK–China counts.
3. Checks that (b) and (c) agree and writes ``benchmarks/results/biblio_<date>.json``
   with machine details and the ratios against the targets: ingest within 1.5x of
   decompression only, at least 2.5x faster than the Python loop, peak RSS <= 1 GiB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SEED = 20221
#: Bumped when a profile's records change, so cached parts are regenerated.
GENERATOR_VERSION = {"openalex": 1, "slim": 2, "funded": 1}
#: gzip level of the parts: the snapshot's default level for full records; level 1 for
#: the slim stress profile (kept as first measured).
COMPRESSLEVEL = {"openalex": 6, "slim": 1, "funded": 6}
GIB = 1024**3

# Country mix of the institutions in the synthetic works (weights, not real shares).
COUNTRIES = ["US", "CN", "GB", "DE", "JP", "FR", "HK", "CA", "AU", "IT", "IN", "KR", "TW", "MO"]
WEIGHTS = np.array([24, 20, 10, 7, 6, 5, 3, 4, 4, 4, 5, 4, 3, 1], dtype=float)
FIELDS = [
    "Medicine",
    "Engineering",
    "Computer Science",
    "Physics and Astronomy",
    "Chemistry",
    "Social Sciences",
    "Environmental Science",
    "Mathematics",
]

AUTHORSHIP = (
    '{{"author_position":"middle","author":{{"id":"https://openalex.org/A{a}",'
    '"display_name":"Author {a}","orcid":null}},"institutions":[{{"id":"https://openalex.org/I{i}",'
    '"display_name":"Institution {i}","ror":"https://ror.org/0{i:06d}","country_code":"{c}",'
    '"type":"education","lineage":["https://openalex.org/I{i}"]}}],"countries":["{c}"],'
    '"is_corresponding":false,"raw_author_name":"Author {a}",'
    '"raw_affiliation_strings":["Dept {a}, Institution {i}, City, {c}"],'
    '"affiliations":[{{"raw_affiliation_string":"Dept {a}, Institution {i}, City, {c}",'
    '"institution_ids":["https://openalex.org/I{i}"]}}]}}'
)
NO_AFFILIATION = (
    '{{"author_position":"middle","author":{{"id":"https://openalex.org/A{a}",'
    '"display_name":"Author {a}","orcid":null}},"institutions":[],"countries":[],'
    '"is_corresponding":false,"raw_author_name":"Author {a}","raw_affiliation_strings":[],'
    '"affiliations":[]}}'
)
WORK = (
    '{{"id":"https://openalex.org/W{w}","doi":"https://doi.org/10.5555/bench.{w}",'
    '"title":"Synthetic work {w}","display_name":"Synthetic work {w}",'
    '"publication_year":{y},"publication_date":"{y}-06-01","language":"en","type":"article",'
    '"authorships":[{auth}],"countries_distinct_count":{nc},"cited_by_count":{cb},'
    '"primary_topic":{{"id":"https://openalex.org/T{t}","display_name":"Topic {t}","score":0.99,'
    '"field":{{"id":"https://openalex.org/fields/{f}","display_name":"{fname}"}}}},'
    '"referenced_works":["https://openalex.org/W1","https://openalex.org/W2"],'
    '"updated_date":"2024-01-01T00:00:00"}}'
)


# --- the "openalex" profile: every top-level field a real OpenAlex work carries ---------
# Shapes and list lengths follow the real export sample in
# ../shared/fixtures/bibliometrics/openalex_json (50 works: mean 17 KB a work, most of
# it the abstract's inverted index, 12.6 concepts, 2.4 topics, 11.5 referenced and
# 10.6 related works, 5.8 citation years). Values are synthetic. Abstracts are given
# to 60% of works (many OpenAlex works have none), so a work averages about 12 KB.
SOURCE = (
    '{{"id":"https://openalex.org/S{s}","display_name":"Journal {s}","issn_l":"{s:04d}-0000",'
    '"issn":["{s:04d}-0000","{s:04d}-0001"],"is_oa":false,"is_in_doaj":false,'
    '"is_indexed_in_scopus":true,"is_core":true,"host_organization":"https://openalex.org/P{s}",'
    '"host_organization_name":"Publisher {s}","host_organization_lineage":'
    '["https://openalex.org/P{s}"],"host_organization_lineage_names":["Publisher {s}"],'
    '"type":"journal"}}'
)
LOCATION = (
    '{{"is_oa":false,"landing_page_url":"https://doi.org/10.5555/bench.{w}","pdf_url":null,'
    '"source":{src},"license":null,"license_id":null,"version":"publishedVersion",'
    '"is_accepted":true,"is_published":true}}'
)
CONCEPT = (
    '{{"id":"https://openalex.org/C{c}","wikidata":"https://www.wikidata.org/wiki/Q{c}",'
    '"display_name":"Concept {c}","level":{lv},"score":0.{sc:06d}}}'
)
TOPIC = (
    '{{"id":"https://openalex.org/T{t}","display_name":"Topic {t}","score":0.{sc:04d},'
    '"subfield":{{"id":"https://openalex.org/subfields/{f}{t:02d}","display_name":"Subfield {t}"}},'
    '"field":{{"id":"https://openalex.org/fields/{f}","display_name":"{fname}"}},'
    '"domain":{{"id":"https://openalex.org/domains/{d}","display_name":"Domain {d}"}}}}'
)
FULL_WORK = (
    '{{"id":"https://openalex.org/W{w}","doi":"https://doi.org/10.5555/bench.{w}",'
    '"title":"Synthetic work {w}","display_name":"Synthetic work {w}",'
    '"publication_year":{y},"publication_date":"{y}-06-01",'
    '"ids":{{"openalex":"https://openalex.org/W{w}","doi":"https://doi.org/10.5555/bench.{w}",'
    '"mag":"{w}"}},"language":"en","primary_location":{loc},"type":"article",'
    '"type_crossref":"journal-article","indexed_in":["crossref"],'
    '"open_access":{{"is_oa":false,"oa_status":"closed","oa_url":null,'
    '"any_repository_has_fulltext":false}},"authorships":[{auth}],'
    '"institution_assertions":[],"countries_distinct_count":{nc},'
    '"institutions_distinct_count":{nc},"corresponding_author_ids":[],'
    '"corresponding_institution_ids":[],"apc_list":null,"apc_paid":null,"fwci":1.{cb:03d},'
    '"has_fulltext":false,"cited_by_count":{cb},"citation_normalized_percentile":'
    '{{"value":0.5,"is_in_top_1_percent":false,"is_in_top_10_percent":false}},'
    '"cited_by_percentile_year":{{"min":50,"max":60}},'
    '"biblio":{{"volume":"{v}","issue":"{i}","first_page":"{fp}","last_page":"{lp}"}},'
    '"is_retracted":false,"is_paratext":false,"primary_topic":{topic1},"topics":[{topics}],'
    '"keywords":[{{"id":"https://openalex.org/keywords/k{t}","display_name":"Keyword {t}",'
    '"score":0.5}}],"concepts":[{concepts}],"mesh":[],"locations_count":{nloc},'
    '"locations":[{locs}],"best_oa_location":null,"sustainable_development_goals":[],'
    '"grants":[{grants}],"datasets":[],"versions":[],"referenced_works_count":{nref},'
    '"referenced_works":[{refs}],"related_works":[{rel}],"abstract_inverted_index":{abstract},'
    '"cited_by_api_url":"https://api.openalex.org/works?filter=cites:W{w}",'
    '"counts_by_year":[{cby}],"updated_date":"2024-01-01T00:00:00.000000",'
    '"created_date":"2016-06-24"}}'
)


# --- the "funded" profile: the "openalex" records with funding acknowledgements ----------
# The real export sample carries no grants, so the "openalex" profile has none; this
# profile adds 0-3 grants to about 60% of the works, named as the registry names them, by
# an alias, or by a funder the registry lacks, so that the ingest's funder resolution (and
# the rewrite it causes) is measured too.
GRANT = '{{"funder":"https://openalex.org/F{f}","funder_display_name":"{name}","award_id":"A{a}"}}'
FUNDER_NAMES = [
    "National Natural Science Foundation of China",
    "NSFC",
    "Engineering and Physical Sciences Research Council",
    "EPSRC",
    "National Science Foundation",
    "National Institutes of Health",
    "European Commission",
    "Deutsche Forschungsgemeinschaft",
    *(f"Regional Research Fund {n}" for n in range(24)),
]


def _abstracts(rng: np.random.Generator, size: int = 512) -> list[str]:
    """Inverted-index abstracts of 150-650 distinct words (positions as OpenAlex lists them)."""
    out = []
    for _ in range(size):
        n_words = int(rng.integers(150, 650))
        words = rng.integers(0, 20000, size=n_words)
        index: dict[str, list[int]] = {}
        for pos, wid in enumerate(words):
            index.setdefault(f"w{int(wid)}", []).append(pos)
        out.append(json.dumps(index, separators=(",", ":")))
    return out


def _concepts(rng: np.random.Generator, size: int = 512) -> list[str]:
    out = []
    for _ in range(size):
        n = int(rng.integers(6, 20))
        out.append(
            ",".join(
                CONCEPT.format(
                    c=int(rng.integers(10**6, 10**7)),
                    lv=int(rng.integers(0, 4)),
                    sc=int(rng.integers(0, 10**6)),
                )
                for _ in range(n)
            )
        )
    return out


def _refs(rng: np.random.Generator, size: int = 512) -> list[str]:
    out = []
    for _ in range(size):
        n = int(rng.integers(0, 24))
        out.append(
            ",".join(f'"https://openalex.org/W{int(x)}"' for x in rng.integers(10**9, 4 * 10**9, n))
        )
    return out


def _pool(rng: np.random.Generator, size: int = 4096) -> tuple[list[str], list[str | None]]:
    codes = rng.choice(len(COUNTRIES), size=size, p=WEIGHTS / WEIGHTS.sum())
    snippets: list[str] = []
    snippet_country: list[str | None] = []
    for k in range(size):
        if k % 40 == 0:
            snippets.append(NO_AFFILIATION.format(a=k))
            snippet_country.append(None)
        else:
            c = COUNTRIES[codes[k]]
            snippets.append(AUTHORSHIP.format(a=k, i=1000 + k % 997, c=c))
            snippet_country.append(c)
    return snippets, snippet_country


@dataclass
class _Part:
    """What the works of one part are drawn from: shared pools and per-work draws."""

    snippets: list[str]
    draws: dict[str, np.ndarray]
    abstracts: list[str] = field(default_factory=list)
    concepts: list[str] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def _part(part: int, count: int, profile: str) -> _Part:
    rng = np.random.default_rng([SEED, part])
    pool_rng = np.random.default_rng(SEED)
    snippets, _ = _pool(pool_rng)
    data = _Part(snippets, {})
    if profile != "slim":
        data.abstracts, data.concepts = _abstracts(pool_rng), _concepts(pool_rng)
        data.refs = _refs(pool_rng)
        data.sources = [SOURCE.format(s=k) for k in range(1, 65)]
    n_auth = rng.integers(1, 7, size=count)
    data.draws = {
        "n_auth": n_auth,
        "picks": rng.integers(0, len(snippets), size=int(n_auth.sum())),
        "years": rng.integers(2000, 2024, size=count),
        "fields": rng.integers(0, len(FIELDS), size=count),
        "cited": rng.integers(0, 500, size=count),
        "extra": rng.integers(0, 1 << 30, size=(count, 8)),
    }
    return data


def _grants(e: list[int]) -> str:
    """The ``grants`` of a work of the "funded" profile (0-3, drawn from the work's numbers)."""
    n = max(0, (e[3] >> 5) % 5 - 1)
    return ",".join(
        GRANT.format(
            f=4_320_000_000 + (e[6] >> (5 * g)) % len(FUNDER_NAMES),
            name=FUNDER_NAMES[(e[6] >> (5 * g)) % len(FUNDER_NAMES)],
            a=e[7] + g,
        )
        for g in range(n)
    )


def _full_line(data: _Part, j: int, w: int, auth: str, k: int, funded: bool) -> str:
    d = data.draws
    f = int(d["fields"][j])
    e = [int(x) for x in d["extra"][j]]
    t = 10000 + w % 4000
    topics = [
        TOPIC.format(t=t + n, sc=e[n] % 10**4, f=f + 11, fname=FIELDS[f], d=1 + f % 4)
        for n in range(1 + e[0] % 3)
    ]
    nloc = 1 + e[1] % 2
    locs = [
        LOCATION.format(w=w, src=data.sources[(e[2] + n) % len(data.sources)]) for n in range(nloc)
    ]
    cby = ",".join(f'{{"year":{2024 - n},"cited_by_count":{e[3] % 40}}}' for n in range(e[3] % 9))
    return FULL_WORK.format(
        w=w,
        y=int(d["years"][j]),
        loc=locs[0],
        auth=auth,
        nc=k,
        cb=int(d["cited"][j]),
        v=e[4] % 90,
        i=e[4] % 12,
        fp=e[5] % 900,
        lp=e[5] % 900 + 12,
        topic1=topics[0],
        topics=",".join(topics),
        t=t,
        concepts=data.concepts[e[6] % len(data.concepts)],
        nloc=nloc,
        locs=",".join(locs),
        nref=e[7] % 60,
        refs=data.refs[e[7] % len(data.refs)],
        rel=data.refs[(e[7] >> 9) % len(data.refs)],
        abstract=data.abstracts[e[6] % len(data.abstracts)] if e[5] % 10 < 6 else "null",
        cby=cby,
        grants=_grants(e) if funded else "",
    )


def _lines(data: _Part, start: int, count: int, profile: str):
    """The JSON lines of one part, in order."""
    d = data.draws
    pos = 0
    for j in range(count):
        k = int(d["n_auth"][j])
        auth = ",".join(data.snippets[p] for p in d["picks"][pos : pos + k])
        pos += k
        w = start + j + 1000000000
        if profile != "slim":
            yield _full_line(data, j, w, auth, k, profile == "funded")
            continue
        f = int(d["fields"][j])
        yield WORK.format(
            w=w,
            y=int(d["years"][j]),
            auth=auth,
            nc=k,
            cb=int(d["cited"][j]),
            t=10000 + w % 4000,
            f=f + 11,
            fname=FIELDS[f],
        )


def _write_part(args: tuple[Path, int, int, int, str]) -> str:
    path, part, start, count, profile = args
    data = _part(part, count, profile)
    tmp = path.with_suffix(".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=COMPRESSLEVEL[profile]) as fh:
        lines: list[str] = []
        for line in _lines(data, start, count, profile):
            lines.append(line)
            if len(lines) >= 10000:
                fh.write("\n".join(lines) + "\n")
                lines = []
        if lines:
            fh.write("\n".join(lines) + "\n")
    os.replace(tmp, path)
    return str(path)


def generate(cache: Path, works: int, parts: int, profile: str = "openalex") -> list[Path]:
    """Write (or reuse) the synthetic parts of ``profile``; returns their paths."""
    folder = cache / f"{profile}_v{GENERATOR_VERSION[profile]}_{works}_{parts}"
    files = [folder / f"part_{i:03d}.jsonl.gz" for i in range(parts)]
    if all(f.exists() for f in files):
        return files
    folder.mkdir(parents=True, exist_ok=True)
    per = works // parts
    jobs = []
    for i, f in enumerate(files):
        count = per if i < parts - 1 else works - per * (parts - 1)
        jobs.append((f, i, i * per, count, profile))
    with ProcessPoolExecutor(max_workers=max(1, os.cpu_count() or 1)) as pool:
        list(pool.map(_write_part, jobs))
    return files


def decompress_only(files: list[Path]) -> tuple[float, float]:
    """Two parallel ``gzip -dc > /dev/null`` processes over all parts: (wall, CPU seconds)."""
    groups = [files[0::2], files[1::2]]
    start = time.perf_counter()
    procs = [
        subprocess.Popen(["gzip", "-dc", *map(str, g)], stdout=subprocess.DEVNULL)
        for g in groups
        if g
    ]
    cpu = 0.0
    for p in procs:
        _, status, usage = os.wait4(p.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError("gzip failed")
        cpu += usage.ru_utime + usage.ru_stime
    return time.perf_counter() - start, cpu


def run_child(code: str) -> tuple[float, float, int, str]:
    """Run Python ``code`` in a child: (wall seconds, CPU seconds, peak RSS bytes, stdout)."""
    env = dict(os.environ, PYTHONPATH=f"{REPO / 'src'}{os.pathsep}{REPO / 'benchmarks'}")
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, env=env)
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"child failed ({proc.returncode})")
    rss = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    return wall, usage.ru_utime + usage.ru_stime, rss, out.decode()


def python_loop(files: list[Path]) -> tuple[float, dict[int, tuple[int, int]]]:
    """Plain one-process loop with ``json``: works and UK–CN works per year."""
    start = time.perf_counter()
    works: Counter = Counter()
    ukcn: Counter = Counter()
    for f in files:
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            for line in fh:
                w = json.loads(line)
                codes = set()
                for a in w.get("authorships") or []:
                    for i in a.get("institutions") or []:
                        if i.get("country_code"):
                            codes.add(i["country_code"])
                    codes.update(a.get("countries") or [])
                y = w.get("publication_year")
                works[y] += 1
                if "GB" in codes and "CN" in codes:
                    ukcn[y] += 1
    return time.perf_counter() - start, {y: (works[y], ukcn[y]) for y in works}


def _median(values: list[float]) -> float:
    return float(statistics.median(values))


def _ingest_round(file_list: str) -> tuple[dict[str, float], dict[str, object], float]:
    """One full ingest in a child: its timings, its report and the parquet's size (MB)."""
    out_dir = Path(tempfile.mkdtemp(prefix="bench_biblio_out_"))
    try:
        code = (
            "import json; from pipeline.biblio import ingest\n"
            f"r = ingest({file_list}, {str(out_dir / 'works.parquet')!r}, progress=False)\n"
            "print(json.dumps(r.as_dict()))"
        )
        wall, cpu, rss, out = run_child(code)
        size = (out_dir / "works.parquet").stat().st_size / 1e6
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    return {"wall": wall, "cpu": cpu, "rss": rss}, json.loads(out), size


def _rounds(files: list[Path], repeat: int) -> dict[str, object]:
    """``repeat`` interleaved rounds of decompression, the count and the ingest."""
    file_list = json.dumps([str(f) for f in files])
    count_code = (
        "import json; from pipeline.biblio import count_uk_cn_by_year\n"
        f"df = count_uk_cn_by_year({file_list})\n"
        "print(json.dumps([[int(r.year), int(r.works), int(r.uk_cn)] for r in df.itertuples()]))"
    )
    decompress_only(files[:1])  # warm the page cache
    runs: dict[str, list[dict[str, float]]] = {"decompress": [], "count": [], "ingest": []}
    for r in range(repeat):
        dec_s, dec_cpu = decompress_only(files)
        runs["decompress"].append({"wall": dec_s, "cpu": dec_cpu})
        count_s, count_cpu, count_rss, count_out = run_child(count_code)
        runs["count"].append({"wall": count_s, "cpu": count_cpu, "rss": count_rss})
        ingest_run, report, parquet_mb = _ingest_round(file_list)
        runs["ingest"].append(ingest_run)
        print(
            f"  round {r + 1}/{repeat}: gzip -dc x2 {dec_s:.2f} s | count {count_s:.2f} s "
            f"| ingest {ingest_run['wall']:.2f} s ({ingest_run['wall'] / dec_s:.2f}x) | ingest "
            f"peak {ingest_run['rss'] / 2**20:.0f} MiB",
            flush=True,
        )
    ours = {y: [w, u] for y, w, u in json.loads(count_out)}
    return {"runs": runs, "ours": ours, "report": report, "parquet_mb": parquet_mb}


def _loop(files: list[Path], ours: dict[int, list[int]]) -> tuple[float, float, bool]:
    """The plain Python loop in a child: wall and CPU seconds, and whether it agrees."""
    code = (
        "import json; from pathlib import Path; from bench_biblio import python_loop\n"
        f"_, res = python_loop([Path(f) for f in {json.dumps([str(f) for f in files])}])\n"
        "print(json.dumps({str(k): list(v) for k, v in res.items()}))"
    )
    loop_s, loop_cpu, _, out = run_child(code)
    agree = {int(k): v for k, v in json.loads(out).items()} == ours
    print(f"  python json loop: {loop_s:.2f} s (agrees with ours: {agree})", flush=True)
    return loop_s, loop_cpu, agree


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a and b else None


def _targets(med: dict[str, dict[str, float]], loop_s: float | None, peak: int) -> dict:
    dec = med["decompress"]["wall"]
    return {
        "ingest_within_1_5x_decompress": med["ingest"]["wall"] <= 1.5 * dec,
        "ingest_2_5x_faster_than_python_loop": (
            bool(loop_s >= 2.5 * med["ingest"]["wall"]) if loop_s is not None else None
        ),
        "count_within_1_5x_decompress": med["count"]["wall"] <= 1.5 * dec,
        "count_2_5x_faster_than_python_loop": (
            bool(loop_s >= 2.5 * med["count"]["wall"]) if loop_s is not None else None
        ),
        "peak_rss_within_1_gib": peak <= GIB,
    }


def measure(files: list[Path], repeat: int, python_loop_too: bool) -> dict[str, object]:
    """All measurements for one set of parts; decompression and our code interleaved.

    Each round runs (a) the two ``gzip -dc`` processes, (b1) the per-year count and
    (b2) the full ingest, one after the other, so a change in machine load touches
    all three; ratios are taken between the medians of the rounds.
    """
    done = _rounds(files, repeat)
    runs = done["runs"]
    loop_s = loop_cpu = agree = None
    if python_loop_too:
        loop_s, loop_cpu, agree = _loop(files, done["ours"])
    med = {k: {m: _median([x[m] for x in v]) for m in ("wall", "cpu")} for k, v in runs.items()}
    peak = max(x["rss"] for k in ("count", "ingest") for x in runs[k])
    names = {"decompress": "decompress_only_gzip_x2", "count": "count_uk_cn_by_year"}
    names["ingest"] = "ingest_to_parquet"

    def seconds(metric: str, loop: float | None) -> dict[str, float | None]:
        out = {names[k]: round(med[k][metric], 3) for k in names}
        return {**out, "python_json_loop": round(loop, 3) if loop is not None else None}

    return {
        "gzipped_bytes": sum(f.stat().st_size for f in files),
        "rounds": repeat,
        "seconds_wall_median": seconds("wall", loop_s),
        "seconds_cpu_median": seconds("cpu", loop_cpu),
        "rounds_detail": {
            k: [{m: round(float(val), 3) for m, val in x.items()} for x in v]
            for k, v in runs.items()
        },
        "peak_rss_bytes": peak,
        "peak_rss_gib": round(peak / GIB, 3),
        "ingest_report": {k: done["report"][k] for k in ("raw", "kept", "duplicates", "rejected")},
        "parquet_mb": round(done["parquet_mb"], 1),
        "python_loop_agrees": agree,
        "ratios_wall": {
            "ingest_vs_decompress": _ratio(med["ingest"]["wall"], med["decompress"]["wall"]),
            "count_vs_decompress": _ratio(med["count"]["wall"], med["decompress"]["wall"]),
            "python_loop_vs_ingest": _ratio(loop_s, med["ingest"]["wall"]),
            "python_loop_vs_count": _ratio(loop_s, med["count"]["wall"]),
        },
        "ratios_cpu": {
            "ingest_vs_decompress": _ratio(med["ingest"]["cpu"], med["decompress"]["cpu"]),
            "count_vs_decompress": _ratio(med["count"]["cpu"], med["decompress"]["cpu"]),
        },
        "targets": _targets(med, loop_s, peak),
    }


def memory_at_scale(file_sets: list[list[Path]]) -> dict[str, object]:
    """One ingest over the parts of every profile together: twice the works, half of them
    duplicates (the profiles share ids and DOIs), so the de-duplicating path runs too.

    Peak memory should not grow with the input: DuckDB streams and spills under its limit.
    """
    files = [f for fs in file_sets for f in fs]
    out_dir = Path(tempfile.mkdtemp(prefix="bench_biblio_scale_"))
    try:
        code = (
            "import json; from pipeline.biblio import ingest\n"
            f"r = ingest({json.dumps([str(f) for f in files])}, "
            f"{str(out_dir / 'works.parquet')!r}, progress=False)\n"
            "print(json.dumps(r.as_dict()))"
        )
        wall, cpu, rss, out = run_child(code)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    report = json.loads(out)
    return {
        "parts": len(files),
        "gzipped_bytes": sum(f.stat().st_size for f in files),
        "seconds_wall": round(wall, 3),
        "seconds_cpu": round(cpu, 3),
        "peak_rss_bytes": rss,
        "peak_rss_gib": round(rss / GIB, 3),
        "peak_rss_within_1_gib": rss <= GIB,
        "ingest_report": {
            k: report[k] for k in ("raw", "kept", "duplicates_doi", "duplicates_id", "rejected")
        },
    }


#: Profiles run by ``--profile``.
PROFILE_SETS = {
    "both": ["openalex", "slim"],
    "all": ["openalex", "slim", "funded"],
    "openalex": ["openalex"],
    "slim": ["slim"],
    "funded": ["funded"],
}


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--works", type=int, default=1_000_000)
    ap.add_argument("--parts", type=int, default=8)
    ap.add_argument(
        "--profile",
        choices=list(PROFILE_SETS),
        default="both",
        help="openalex: records with every field a real OpenAlex work has (about 12 KB); "
        "slim: only the fields ingestion reads plus a few (2.7 KB), a stress case where "
        "per-work processing weighs most against decompression; funded: the openalex "
        "records with funding acknowledgements (the funder resolution path); both: openalex "
        "and slim (default); all: the three",
    )
    ap.add_argument("--repeat", type=int, default=3, help="interleaved rounds (median taken)")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "bench_biblio")
    ap.add_argument("--results", type=Path, default=REPO / "benchmarks" / "results")
    ap.add_argument("--skip-python-loop", action="store_true")
    return ap


def _machine() -> dict[str, object]:
    import duckdb

    return {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "load_average_at_start": list(os.getloadavg()),
    }


def main(argv: list[str] | None = None) -> int:
    """Generate (or reuse) the data, run the measurements, write the results JSON."""
    args = _parser().parse_args(argv)
    result: dict[str, object] = {
        "benchmark": "biblio_openalex_jsonl",
        "works": args.works,
        "parts": args.parts,
        "machine": _machine(),
        "note": (
            "wall = elapsed seconds (the targets); cpu = user+sys seconds of the child "
            "processes. Each round runs gzip -dc x2, the count and the ingest back to back; "
            "the figures are medians over the rounds."
        ),
        "profiles": {},
    }
    all_files: list[list[Path]] = []
    for profile in PROFILE_SETS[args.profile]:
        t0 = time.perf_counter()
        files = generate(args.cache, args.works, args.parts, profile)
        all_files.append(files)
        raw_bytes = sum(f.stat().st_size for f in files)
        print(
            f"[{profile}] {len(files)} parts, {raw_bytes / 1e6:.0f} MB gzipped "
            f"(ready in {time.perf_counter() - t0:.1f} s)",
            flush=True,
        )
        measured = measure(files, args.repeat, not args.skip_python_loop)
        result["profiles"][profile] = measured  # type: ignore[index]
        for key in ("ratios_wall", "targets"):
            print(f"[{profile}] {key}", json.dumps(measured[key], indent=2))
    if len(all_files) > 1:
        result["memory_at_scale"] = memory_at_scale(all_files)
        print("memory at scale", json.dumps(result["memory_at_scale"], indent=2))
    result["machine"]["load_average_at_end"] = list(os.getloadavg())  # type: ignore[index]
    args.results.mkdir(parents=True, exist_ok=True)
    target = args.results / f"biblio_{dt.datetime.now(dt.UTC):%Y-%m-%d}.json"
    target.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
