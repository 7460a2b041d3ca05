"""Survey noise: the personal data, typed spellings and junk rows a real export holds.

Personal data are fake: made-up names, e-mail addresses on example.ac.uk / example.com,
IP addresses from the documentation ranges (RFC 5737), and phone numbers from Ofcom's
drama ranges. Every personal value written is recorded (:class:`PersonalData`), so the
tests can check that none survives cleaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import numpy as np

from pipeline.registries import OrganisationResolver, load_organisations, split_aliases
from pipeline.survey.instrument import Question, Scale

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
# Organisations always among the respondents' employers, each typed at least once as shown.
FEATURED = {
    "University of Edinburgh": "Univ of Edinburgh",
    "University College London": "UCL",
    "King's College London": "king's college london",
    "Imperial College London": "Imperial",
}
#: characters of a Qualtrics response id after "R_"
_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
#: what the cleaning is told junk rows hold (never a real person's data)
SPAM_URL = "http://spam.example.net/win"
#: when the survey was piloted (previews)
PILOT_START = datetime(2021, 6, 1, 10, 0, 0)


def name_variants(name: str, aliases: list[str]) -> list[str]:
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
def uk_universities() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """UK universities from the registry with the typed variants that resolve to them."""
    orgs = load_organisations()
    resolver = OrganisationResolver(orgs)
    uk = orgs[(orgs["country"] == "GB") & (orgs["type"] == "university")].sort_values("org_id")
    out = []
    for row in uk.itertuples(index=False):
        aliases = [a for a in split_aliases(str(row.aliases or "")) if a != "nan"]
        good = tuple(
            v
            for v in name_variants(str(row.name), aliases)
            if v.isascii() and resolver.resolve(v).org_id == row.org_id
        )
        if str(row.name) in good:
            out.append((str(row.org_id), good))
    return tuple(out)


def fmt_time(dt: datetime) -> str:
    """A timestamp as Qualtrics writes it."""
    return dt.strftime("%Y-%m-%d %H:%M:%S")


class PersonalData:
    """Draws the fake personal data of each respondent and records every value written."""

    def __init__(self, rng: np.random.Generator, n: int) -> None:
        self.rng = rng
        self.people = rng.permutation(len(FIRST_NAMES) * len(LAST_NAMES))[:n]
        self.ips = rng.permutation(len(IP_PREFIXES) * 254)[:n]
        self.values: list[str] = []

    def person(self, i: int, channel: str) -> dict[str, str]:
        """Respondent ``i``'s name, e-mail, IP and location (name and e-mail for e-mail only)."""
        rng = self.rng
        f = FIRST_NAMES[self.people[i] // len(LAST_NAMES)]
        last = LAST_NAMES[self.people[i] % len(LAST_NAMES)]
        ip = IP_PREFIXES[self.ips[i] // 254] + str(self.ips[i] % 254 + 1)
        lat = f"{rng.uniform(50.4, 57.6):.4f}"
        lon = f"{rng.uniform(-4.6, 1.6):.4f}"
        domain = "example.ac.uk" if rng.random() < 0.75 else "example.com"
        email = f"{f}.{last}@{domain}".lower()
        rec = {"first": f, "last": last, "email": email, "ip": ip, "lat": lat, "lon": lon}
        self.values.extend([ip, lat, lon])
        if channel == "email":
            self.values.extend([f, last, email])
        else:
            rec.update(first="", last="", email="")
        return rec

    def comment(self, template: str, p: dict[str, str], i: int) -> str:
        """``template`` filled with respondent ``i``'s contact details (recorded as personal)."""
        fill_raw = {
            "email": p["email"] or "a.contact@example.com",
            "phone": PHONES[i % len(PHONES)],
            "url": URLS[i % len(URLS)],
            "name": f"{p['first'] or 'Morwenna'} {p['last'] or 'Cardew'}",
        }
        for key in ("email", "phone", "url"):
            if "{" + key + "}" in template:
                self.values.append(fill_raw[key])
        if "{name}" in template:
            self.values.extend(fill_raw["name"].split())
        return template.format(**fill_raw)


def response_id(rng: np.random.Generator) -> str:
    """A Qualtrics-style response id (``R_`` and 15 letters or digits)."""
    return "R_" + "".join(_ID_ALPHABET[int(j)] for j in rng.integers(0, 62, size=15))


def metadata(
    rng: np.random.Generator,
    start: datetime,
    status: str,
    progress: int,
    finished: bool,
    p: dict[str, str],
    channel: str,
) -> dict[str, str]:
    """The metadata columns of one response (times, status, ids, personal data)."""
    duration = int(rng.integers(240, 2400)) if finished else int(rng.integers(60, 900))
    end = start + timedelta(seconds=duration)
    return {
        "StartDate": fmt_time(start),
        "EndDate": fmt_time(end),
        "Status": status,
        "IPAddress": p["ip"] if status != "Survey Preview" else "",
        "Progress": str(progress),
        "Duration (in seconds)": str(duration),
        "Finished": "True" if finished else "False",
        "RecordedDate": fmt_time(end + timedelta(seconds=int(rng.integers(0, 4)))),
        "ResponseId": response_id(rng),
        "RecipientLastName": p["last"],
        "RecipientFirstName": p["first"],
        "RecipientEmail": p["email"],
        "ExternalReference": "",
        "LocationLatitude": p["lat"],
        "LocationLongitude": p["lon"],
        "DistributionChannel": channel,
        "UserLanguage": "EN-GB",
    }


def typed_organisation(
    rng: np.random.Generator, variants: tuple[str, ...], forced: str | None
) -> str:
    """How a respondent typed their employer: ``forced``, else a random resolvable variant."""
    return forced or variants[int(rng.integers(len(variants)))]


Record = tuple[datetime, dict[str, str], dict[str, Any] | None]


@dataclass
class Context:
    """What every record of one export is drawn with."""

    rng: np.random.Generator
    scales: dict[str, Scale]
    questions: tuple[Question, ...]
    people: PersonalData

    def question_id(self, key: str) -> str:
        return next(q.id for q in self.questions if q.key == key)

    def blank_answers(self) -> dict[str, str]:
        return {q.id: "" for q in self.questions}


def previews(ctx: Context, k: int) -> list[Record]:
    """Two survey previews made while piloting (answers "test")."""
    out: list[Record] = []
    for j in range(2):
        p = ctx.people.person(k + j, "anonymous")
        minutes = int(ctx.rng.integers(0, 50))
        row = metadata(
            ctx.rng,
            PILOT_START + timedelta(hours=5 * j, minutes=minutes),
            "Survey Preview",
            100,
            True,
            p,
            "preview",
        )
        row.update(ctx.blank_answers())
        row.update(
            {
                ctx.question_id("organisation_text"): "test",
                ctx.question_id("role"): ctx.scales["role"].labels[0],
                ctx.question_id("straightforward"): ctx.scales["straightforward4"].labels[-1],
                ctx.question_id("comments"): "Preview check - please ignore",
            }
        )
        out.append((PILOT_START + timedelta(hours=5 * j), row, None))
    return out


def unfinished(
    ctx: Context, k: int, starts: list[datetime], orgs: list[tuple[str, tuple[str, ...]]]
) -> list[Record]:
    """Three responses abandoned part-way (progress 14, 38 and 67 %)."""
    out: list[Record] = []
    for j, progress in enumerate((14, 38, 67)):
        p = ctx.people.person(k + j, "email")
        row = metadata(ctx.rng, starts[j], "IP Address", progress, False, p, "email")
        row.update(ctx.blank_answers())
        row.update(
            {
                ctx.question_id("organisation_text"): orgs[j][1][0],
                ctx.question_id("role"): ctx.scales["role"].labels[0],
            }
        )
        if progress > 30:
            row[ctx.question_id("discipline")] = ctx.scales["discipline"].labels[0]
            row[ctx.question_id("drivers")] = ctx.scales["drivers"].labels[0]
        out.append((starts[j], row, None))
    return out


def spam(ctx: Context, k: int, start: datetime) -> Record:
    """One spam response (gibberish organisation, an advert with a link)."""
    p = ctx.people.person(k, "anonymous")
    row = metadata(ctx.rng, start, "Spam", 100, True, p, "anonymous")
    row.update(ctx.blank_answers())
    row.update(
        {
            ctx.question_id("organisation_text"): "asdfgh",
            ctx.question_id("role"): ctx.scales["role"].labels[1],
            ctx.question_id("comments"): f"cheap offers at {SPAM_URL} now",
        }
    )
    ctx.people.values.append(SPAM_URL)
    return start, row, None
