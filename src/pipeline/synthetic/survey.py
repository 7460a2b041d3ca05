"""Synthetic survey export in Qualtrics' CSV layout, calibrated to the published figures.

The real survey data are confidential, so the pipeline ships a synthetic export
with the same shape and the same headline figures. ``generate`` writes
``survey_export_SYNTHETIC.csv``; ``make_truth`` returns what the cleaning must
recover from it (one row per valid response). Every calibrated number is read
from ``data/reference/published_figures.yaml``; none is typed here.

The file imitates a Qualtrics "CSV, use choice text" download: UTF-8 with a
byte-order mark, three header rows (column ids, question text, ImportId JSON),
multi-select answers joined by commas, and rows the cleaning must drop
(previews, unfinished responses, a spam response). Personal data are fake:
made-up names, e-mail addresses on example.ac.uk / example.com, IP addresses
from the documentation ranges (RFC 5737), and phone numbers from Ofcom's
drama ranges.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from pipeline.survey.instrument import load_questions, load_scales

FILENAME = "survey_export_SYNTHETIC.csv"
DEFAULT_SEED = 20220301
FIELDWORK_START = datetime(2021, 6, 7, 8, 0, 0)
FIELDWORK_DAYS = 40
PILOT_START = datetime(2021, 6, 1, 10, 0, 0)

METADATA = [
    ("StartDate", "Start Date", {"ImportId": "startDate", "timeZone": "Europe/London"}),
    ("EndDate", "End Date", {"ImportId": "endDate", "timeZone": "Europe/London"}),
    ("Status", "Response Type", {"ImportId": "status"}),
    ("IPAddress", "IP Address", {"ImportId": "ipAddress"}),
    ("Progress", "Progress", {"ImportId": "progress"}),
    ("Duration (in seconds)", "Duration (in seconds)", {"ImportId": "duration"}),
    ("Finished", "Finished", {"ImportId": "finished"}),
    ("RecordedDate", "Recorded Date", {"ImportId": "recordedDate", "timeZone": "Europe/London"}),
    ("ResponseId", "Response ID", {"ImportId": "_recordId"}),
    ("RecipientLastName", "Recipient Last Name", {"ImportId": "recipientLastName"}),
    ("RecipientFirstName", "Recipient First Name", {"ImportId": "recipientFirstName"}),
    ("RecipientEmail", "Recipient Email", {"ImportId": "recipientEmail"}),
    ("ExternalReference", "External Data Reference", {"ImportId": "externalDataReference"}),
    ("LocationLatitude", "Location Latitude", {"ImportId": "locationLatitude"}),
    ("LocationLongitude", "Location Longitude", {"ImportId": "locationLongitude"}),
    ("DistributionChannel", "Distribution Channel", {"ImportId": "distributionChannel"}),
    ("UserLanguage", "User Language", {"ImportId": "userLanguage"}),
]

FIRST_NAMES = [
    "Aoife",
    "Bartholomew",
    "Catriona",
    "Desmond",
    "Eilidh",
    "Florian",
    "Gwenllian",
    "Hamish",
    "Ifeoma",
    "Jolyon",
    "Keziah",
    "Lachlan",
    "Morwenna",
    "Nkechi",
    "Oisin",
    "Perpetua",
    "Quillon",
    "Rhiannon",
    "Sebastiaan",
    "Tamsin",
    "Ulrika",
    "Valentijn",
    "Wilhelmina",
    "Xanthe",
    "Yevgenia",
    "Zebedee",
    "Anwen",
    "Benedikt",
    "Cosima",
    "Dervla",
]
LAST_NAMES = [
    "Abernethy",
    "Blackwood-Nye",
    "Cardew",
    "Dunstable",
    "Etheridge",
    "Fairweather",
    "Gallacher",
    "Hollingworth",
    "Inglethorpe",
    "Jardine",
    "Kilbride",
    "Llewellyn",
    "Macready",
    "Nettleford",
    "Okonjo",
    "Pendlebury",
    "Quarrington",
    "Rushworth",
    "Strachan",
    "Thistlewood",
    "Umfreville",
    "Vardy-Lowe",
    "Wetherall",
    "Yeardley",
    "Zouche",
    "Ashdown-Pike",
    "Brackenbury",
    "Culpepper",
    "Drinkwater",
    "Earnshaw",
]
IP_PREFIXES = ("192.0.2.", "198.51.100.", "203.0.113.")
PHONES = ["+44 20 7946 0321", "+44 (0)131 496 0456", "+44 7700 900123", "+44 161 496 0789"]
URLS = [
    "https://www.example.com/uk-china-partnerships",
    "www.example.org/research-security-guidance",
    "http://example.ac.uk/international/china",
]

# Free-text comments: {email}, {phone}, {url}, {name} are filled with fake personal
# data in the export and with the redaction tokens in the truth.
COMMENTS = [
    "Our partners were generous with their time and the joint lab has worked well.",
    "Finding matched funding on both sides took far longer than the research itself.",
    "Happy to discuss further, please e-mail {email}.",
    "The travel restrictions since 2020 have stopped our field visits entirely.",
    "Clearer guidance from government would help us decide which projects to pursue.",
    "Our guidance for staff is published at {url} and may be useful to others.",
    "Call me on {phone} if you would like to follow up on the data access issues.",
    "Language was less of a barrier than building trust, which took several years.",
    "I am {name}; contact me at {email} or {phone} for the case study.",
    "Export control checks added months to one project.\nThe second one went smoothly.",
    "See {url} for the summary of our memorandum of understanding.",
]
TOKENS = {
    "email": "[email removed]",
    "phone": "[phone removed]",
    "url": "[link removed]",
    "name": "[name removed]",
}

# Relative pull of each driver (scale order); counts must come out strictly in this order.
# Organisations always among the respondents' employers, each typed at least once as shown.
FEATURED = {
    "University of Edinburgh": "Univ of Edinburgh",
    "University College London": "UCL",
    "King's College London": "king's college london",
    "Imperial College London": "Imperial",
}
DRIVER_PROBS = (0.8, 0.62, 0.48, 0.34, 0.2, 0.1)
DRIVER_RANK = (0, 1, 2, 3, 5, 4)  # index into the scale labels, most chosen first
CHALLENGE_MEANS = {
    "challenge_funding": 4.1,
    "challenge_geopolitics": 4.0,
    "challenge_covid_travel": 4.4,
    "challenge_uk_policy": 3.8,
    "challenge_academic_freedom": 3.3,
    "challenge_language_culture": 3.1,
    "challenge_data_access": 3.4,
    "challenge_ip_protection": 2.3,
    "challenge_export_controls": 2.5,
}


def _reference_dir() -> Path:
    env = os.environ.get("PIPELINE_REFERENCE_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[3] / "data" / "reference"


def load_targets(ref_dir: Path | None = None) -> dict[str, Any]:
    """The survey figures the generator calibrates to, read from published_figures.yaml."""
    path = (ref_dir or _reference_dir()) / "published_figures.yaml"
    figs = yaml.safe_load(path.read_text(encoding="utf-8"))["figures"]
    keys = (
        "survey_responses",
        "survey_organisations",
        "survey_straightforward_n",
        "survey_very_straightforward_share",
        "survey_not_straightforward_share",
        "at_risk_survey_respondents",
    )
    return {k: figs[k]["value"] for k in keys}


def count_for_share(share: float, n: int) -> int:
    """The whole number of respondents out of ``n`` whose share rounds to ``share`` (1 dp)."""
    hits = [k for k in range(n + 1) if round(100.0 * k / n, 1) == round(float(share), 1)]
    if not hits:
        raise ValueError(f"no count out of {n} gives a share of {share}%")
    return min(hits, key=lambda k: abs(100.0 * k / n - share))


def _name_variants(name: str, aliases: list[str]) -> list[str]:
    """Ways a respondent might type an organisation's name."""
    out = [name, name.lower(), *aliases, f"{name} "]
    if name.startswith("University of "):
        place = name.removeprefix("University of ")
        out += [
            f"Univ of {place}",
            f"Univ. of {place}",
            f"{place} University",
            f"The University of {place}",
            f"university of {place.lower()}",
        ]
    elif name.endswith(" University"):
        out += [f"{name.removesuffix(' University')} Uni", f"{name} (UK)"]
    if "'" in name:
        out += [name.replace("'", ""), name.lower()]
    seen: list[str] = []
    for v in out:
        if v.strip() and v not in seen:
            seen.append(v)
    return seen


@lru_cache(maxsize=2)
def _uk_universities() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """UK universities from the registry with the typed variants that resolve to them."""
    from pipeline.registries import OrganisationResolver, load_organisations

    orgs = load_organisations()
    resolver = OrganisationResolver(orgs)
    uk = orgs[(orgs["country"] == "GB") & (orgs["type"] == "university")].sort_values("org_id")
    out = []
    for row in uk.itertuples(index=False):
        aliases = [
            a.strip() for a in str(row.aliases or "").split("|") if a.strip() and a.strip() != "nan"
        ]
        good = tuple(
            v
            for v in _name_variants(str(row.name), aliases)
            if v.isascii() and resolver.resolve(v).org_id == row.org_id
        )
        if str(row.name) in good:
            out.append((str(row.org_id), good))
    return tuple(out)


def _fmt(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%d %H:%M:%S")


@dataclass
class _Built:
    header: list[list[str]]
    rows: list[list[str]]
    truth: pd.DataFrame
    personal: list[str]


def _strict_drivers(rng: np.random.Generator, n: int, none_idx: set[int]) -> list[list[int]]:
    """Sample multi-select answers until the counts follow DRIVER_RANK strictly."""
    for _ in range(10_000):
        picks = [[j for j, p in enumerate(DRIVER_PROBS) if rng.random() < p] for _ in range(n)]
        for i in none_idx:
            picks[i] = []
        if any(not p for i, p in enumerate(picks) if i not in none_idx):
            continue
        counts = [sum(j in p for p in picks) for j in range(len(DRIVER_PROBS))]
        ranked = [counts[j] for j in DRIVER_RANK]
        if all(a >= b + 2 for a, b in itertools.pairwise(ranked)):
            return picks
    raise RuntimeError("could not draw a strictly ranked set of drivers")


def _likert(rng: np.random.Generator, mean: float, labels: tuple[str, ...]) -> str:
    weights = np.exp(-0.9 * (np.arange(1, len(labels) + 1) - mean) ** 2)
    return labels[int(rng.choice(len(labels), p=weights / weights.sum()))]


@lru_cache(maxsize=4)
def _build(seed: int) -> _Built:
    rng = np.random.default_rng(seed)
    targets = load_targets()
    scales = load_scales()
    questions = load_questions()
    n_valid = int(targets["survey_responses"])
    n_orgs = int(targets["survey_organisations"])
    n_sf = int(targets["survey_straightforward_n"])
    n_very = count_for_share(targets["survey_very_straightforward_share"], n_sf)
    n_not = count_for_share(targets["survey_not_straightforward_share"], n_sf)
    n_risk = int(targets["at_risk_survey_respondents"])

    unis = _uk_universities()
    if len(unis) < n_orgs:
        raise ValueError(
            f"the registry has {len(unis)} resolvable UK universities; the survey needs {n_orgs}"
        )
    names = [u[1][0] for u in unis]
    featured = [names.index(n) for n in FEATURED if n in names][:n_orgs]
    others = [i for i in range(len(unis)) if i not in featured]
    picked = rng.choice(len(others), size=n_orgs - len(featured), replace=False).tolist()
    chosen = sorted(featured + [others[i] for i in picked])
    org_of = list(chosen) + rng.choice(chosen, size=n_valid - n_orgs).tolist()
    rng.shuffle(org_of)
    # the first respondent of each featured organisation types the featured spelling
    forced: dict[int, str] = {}
    for idx in featured:
        example = FEATURED[names[idx]]
        if example in unis[idx][1]:
            forced[org_of.index(idx)] = example

    # answers that must hit the published counts exactly
    sf = scales["straightforward4"].labels
    n_somewhat = round((n_sf - n_very - n_not) * 0.6)
    sf_answers = (
        [sf[-1]] * n_very
        + [sf[0]] * n_not
        + [sf[2]] * n_somewhat
        + [sf[1]] * (n_sf - n_very - n_not - n_somewhat)
        + [""] * (n_valid - n_sf)
    )
    rng.shuffle(sf_answers)
    risk_lab = scales["yes_no_pnts"].labels
    risk_answers = (
        [risk_lab[0]] * n_risk + [risk_lab[2]] * 2 + [""] + [risk_lab[1]] * (n_valid - n_risk - 3)
    )
    rng.shuffle(risk_answers)
    none_idx = {int(rng.integers(n_valid))}
    drivers = _strict_drivers(rng, n_valid, none_idx)

    q_by_key = {q.key: q for q in questions}
    roles = scales["role"].labels
    disciplines = scales["discipline"].labels
    experience = scales["experience4"].labels
    agree = scales["agreement5"].labels
    drv_labels = scales["drivers"].labels

    people = rng.permutation(len(FIRST_NAMES) * len(LAST_NAMES))[: n_valid + 6]
    ips = rng.permutation(len(IP_PREFIXES) * 254)[: n_valid + 6]
    comment_slots = rng.permutation(n_valid)[: len(COMMENTS) + 4]
    personal: list[str] = []

    def person(i: int, channel: str) -> dict[str, str]:
        f = FIRST_NAMES[people[i] // len(LAST_NAMES)]
        last = LAST_NAMES[people[i] % len(LAST_NAMES)]
        ip = IP_PREFIXES[ips[i] // 254] + str(ips[i] % 254 + 1)
        lat = f"{rng.uniform(50.4, 57.6):.4f}"
        lon = f"{rng.uniform(-4.6, 1.6):.4f}"
        domain = "example.ac.uk" if rng.random() < 0.75 else "example.com"
        email = f"{f}.{last}@{domain}".lower()
        rec = {"first": f, "last": last, "email": email, "ip": ip, "lat": lat, "lon": lon}
        personal.extend([ip, lat, lon])
        if channel == "email":
            personal.extend([f, last, email])
        else:
            rec.update(first="", last="", email="")
        return rec

    def response_id() -> str:
        alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        return "R_" + "".join(alphabet[int(j)] for j in rng.integers(0, 62, size=15))

    def meta(
        start: datetime, status: str, progress: int, finished: bool, p: dict[str, str], channel: str
    ) -> dict[str, str]:
        duration = int(rng.integers(240, 2400)) if finished else int(rng.integers(60, 900))
        end = start + timedelta(seconds=duration)
        return {
            "StartDate": _fmt(start),
            "EndDate": _fmt(end),
            "Status": status,
            "IPAddress": p["ip"] if status != "Survey Preview" else "",
            "Progress": str(progress),
            "Duration (in seconds)": str(duration),
            "Finished": "True" if finished else "False",
            "RecordedDate": _fmt(end + timedelta(seconds=int(rng.integers(0, 4)))),
            "ResponseId": response_id(),
            "RecipientLastName": p["last"],
            "RecipientFirstName": p["first"],
            "RecipientEmail": p["email"],
            "ExternalReference": "",
            "LocationLatitude": p["lat"],
            "LocationLongitude": p["lon"],
            "DistributionChannel": channel,
            "UserLanguage": "EN-GB",
        }

    # fieldwork days, answered between 08:00 and 20:00 UK time
    starts = [
        FIELDWORK_START.replace(hour=0) + timedelta(days=int(d), seconds=8 * 3600 + int(s))
        for d, s in zip(
            rng.integers(0, FIELDWORK_DAYS, size=n_valid + 4),
            rng.integers(0, 12 * 3600, size=n_valid + 4),
            strict=True,
        )
    ]
    records: list[tuple[datetime, dict[str, str], dict[str, Any] | None]] = []
    comment_of = {int(s): COMMENTS[k] for k, s in enumerate(comment_slots[: len(COMMENTS)])}
    for i in range(n_valid):
        template = comment_of.get(i, "")
        channel = "email" if rng.random() < 0.8 or "{name}" in template else "anonymous"
        p = person(i, channel)
        org_id, variants = unis[org_of[i]]
        org_text = forced.get(i) or variants[int(rng.integers(len(variants)))]
        role = roles[0] if rng.random() < 0.74 else roles[1]
        disc = disciplines[int(rng.choice(len(disciplines), p=[0.42, 0.16, 0.24, 0.13, 0.05]))]
        exp = experience[int(rng.choice(len(experience), p=[0.14, 0.26, 0.3, 0.3]))]
        ans: dict[str, str] = {
            "organisation_text": org_text,
            "role": role,
            "discipline": disc,
            "drivers": ",".join(drv_labels[j] for j in drivers[i]),
            "experience": exp,
            "straightforward": sf_answers[i],
            "at_risk": risk_answers[i],
        }
        for key, mean in CHALLENGE_MEANS.items():
            ans[key] = "" if rng.random() < 0.03 else _likert(rng, mean, agree)
        fill_raw = {
            "email": p["email"] or "a.contact@example.com",
            "phone": PHONES[i % len(PHONES)],
            "url": URLS[i % len(URLS)],
            "name": f"{p['first'] or 'Morwenna'} {p['last'] or 'Cardew'}",
        }
        comment = template.format(**fill_raw)
        for key in ("email", "phone", "url"):
            if "{" + key + "}" in template:
                personal.append(fill_raw[key])
        if "{name}" in template:
            personal.extend(fill_raw["name"].split())
        truth_row: dict[str, Any] = {
            "org_id": org_id,
            **{k: (v.strip() or None) for k, v in ans.items() if k != "drivers"},
            "drivers": tuple(drv_labels[j] for j in sorted(drivers[i])),
            "drivers_n": len(drivers[i]),
            "comments": template.format(**TOKENS) or None,
            "comments_raw": comment or None,
        }
        ans["comments"] = comment
        row = meta(starts[i], "IP Address", 100, True, p, channel)
        row.update({q.id: ans[q.key] for q in questions})
        records.append((starts[i], row, truth_row))

    # rows the cleaning must drop: previews (pilot), unfinished, spam
    k = n_valid
    for j in range(2):
        p = person(k, "anonymous")
        k += 1
        row = meta(
            PILOT_START + timedelta(hours=5 * j, minutes=int(rng.integers(0, 50))),
            "Survey Preview",
            100,
            True,
            p,
            "preview",
        )
        row.update({q.id: "" for q in questions})
        row.update(
            {
                q_by_key["organisation_text"].id: "test",
                q_by_key["role"].id: roles[0],
                q_by_key["straightforward"].id: sf[-1],
                q_by_key["comments"].id: "Preview check - please ignore",
            }
        )
        records.append((PILOT_START + timedelta(hours=5 * j), row, None))
    for j, progress in enumerate((14, 38, 67)):
        p = person(k, "email")
        k += 1
        row = meta(starts[n_valid + j], "IP Address", progress, False, p, "email")
        row.update({q.id: "" for q in questions})
        org_id, variants = unis[chosen[j]]
        row.update({q_by_key["organisation_text"].id: variants[0], q_by_key["role"].id: roles[0]})
        if progress > 30:
            row[q_by_key["discipline"].id] = disciplines[0]
            row[q_by_key["drivers"].id] = drv_labels[0]
        records.append((starts[n_valid + j], row, None))
    p = person(k, "anonymous")
    row = meta(starts[n_valid + 3], "Spam", 100, True, p, "anonymous")
    row.update({q.id: "" for q in questions})
    row.update(
        {
            q_by_key["organisation_text"].id: "asdfgh",
            q_by_key["role"].id: roles[1],
            q_by_key["comments"].id: "cheap offers at http://spam.example.net/win now",
        }
    )
    personal.append("http://spam.example.net/win")
    records.append((starts[n_valid + 3], row, None))

    records.sort(key=lambda r: r[0])
    columns = [m[0] for m in METADATA] + [q.id for q in questions]
    header = [
        columns,
        [m[1] for m in METADATA] + [q.text for q in questions],
        [json.dumps(m[2], separators=(",", ":")) for m in METADATA]
        + [
            json.dumps({"ImportId": _import_id(q.id, q.type)}, separators=(",", ":"))
            for q in questions
        ],
    ]
    rows = [[rec[c] for c in columns] for _, rec, _ in records]

    line = 1 + sum(1 + sum(cell.count("\n") for cell in r) for r in header)
    truth_rows = []
    for (_, rec, t), r in zip(records, rows, strict=True):
        if t is not None:
            truth_rows.append({"source_row": line, **t})
        line += 1 + sum(cell.count("\n") for cell in r)
    truth = pd.DataFrame(truth_rows)
    width = max(3, len(str(len(truth))))
    truth.insert(0, "response_id", [f"R{i + 1:0{width}d}" for i in range(len(truth))])
    personal_sorted = sorted({v for v in personal if v})
    return _Built(header=header, rows=rows, truth=truth, personal=personal_sorted)


def _import_id(qid: str, qtype: str) -> str:
    if qtype == "organisation":
        return f"QID{qid.removeprefix('Q')}_TEXT"
    return "QID" + qid.removeprefix("Q")


def render(seed: int = DEFAULT_SEED) -> bytes:
    """The export's bytes (UTF-8 with BOM, CRLF line ends) for ``seed``."""
    built = _build(seed)
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(built.header)
    writer.writerows(built.rows)
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def generate(out_dir: Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write ``survey_export_SYNTHETIC.csv`` into ``out_dir`` (e.g. ``data/raw``)."""
    from pipeline.io import atomic_write_bytes

    path = Path(out_dir) / FILENAME
    atomic_write_bytes(path, render(seed))
    return [path]


def make_truth(seed: int = DEFAULT_SEED) -> pd.DataFrame:
    """One row per valid response, in file order, with the answers the cleaning must return.

    ``comments`` holds the expected redacted text, ``comments_raw`` what the export holds.
    """
    return _build(seed).truth.copy()


def personal_values(seed: int = DEFAULT_SEED) -> list[str]:
    """Every personal value written into the export (for leak tests)."""
    return list(_build(seed).personal)


def cli(argv: list[str] | None = None) -> int:
    """``survey generate --out DIR --seed N``: write the synthetic export."""
    import argparse

    p = argparse.ArgumentParser(
        prog="python -m pipeline survey generate",
        description="Write the synthetic Qualtrics-style survey export.",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parents[3] / "data" / "raw" / "survey",
        help="output folder",
    )
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    args = p.parse_args(argv)
    for path in generate(args.out, args.seed):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(cli())
