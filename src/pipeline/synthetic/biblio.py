"""Synthetic OpenAlex extracts for UK–China co-publications (clearly labelled SYNTHETIC).

The bibliometric phase of the pipeline reads OpenAlex work objects and OpenAlex
``group_by`` responses. Real extracts are large and licensed differently from
this repository, so the repository ships a small synthetic stand-in that has the
same shape and is calibrated to the published Web of Science figures kept in
``data/reference/published_figures.yaml`` (read from that file, never typed).

:func:`generate` writes four files into ``data/raw/bibliometrics/``:

``openalex_uk_cn_sample_SYNTHETIC.jsonl.gz``
    A uniform per-year sample (:data:`SAMPLING_RATE`, 5 %: about 6,500 works,
    about 1.5 MB) of UK–China co-published works as OpenAlex work objects, one
    JSON object a line, sorted by ``(publication_year, id)``, gzip-compressed
    with ``mtime=0`` and no file name so that a seed always gives the same bytes.
``openalex_uk_cn_sample_SYNTHETIC.meta.json``
    Side-car metadata: the filter the sample corresponds to, the sampling rate,
    sample and population sizes, a fixed snapshot date, generator and seed, and
    the list of deliberately mis-attributed works.
``openalex_group_by_uk_by_year_SYNTHETIC.json``, ``openalex_group_by_uk_cn_by_year_SYNTHETIC.json``
    OpenAlex ``group_by=publication_year`` responses for UK works and UK–China
    works, 2000–2021.

What the sample contains (and what a test checks):

* Institutions of GB and CN universities and research institutes come from the
  reference registry (``organisations.csv``); each gets a fake but well-formed
  ROR id and OpenAlex ``I`` id derived from a hash of its ``org_id``. They are
  drawn with weights that put realistic large publishers on top; organisations
  that host many joint centres are *not* all top publishers, so comparing
  centres with co-publications is informative.
* Some works also carry Hong Kong, Macao or Taiwan institutions (``HK``, ``MO``,
  ``TW`` country codes) and co-authors from other countries.
* Some authorships have no institution (affiliation unknown).
* Deliberate mis-attributions, as OpenAlex sometimes makes them: on a few
  authorships a UK institution carries the country code of a homonymous city
  abroad (Cambridge -> US, Newcastle -> AU, London -> CA, ...). When that UK
  institution is the only UK one on the work, the work is no longer UK–China by
  its own country codes; these works are listed in the side-car under
  ``misattributed_work_ids`` and returned by :func:`make_truth`. Every other
  sampled work has at least one GB and one CN country code.

The sample depends on ``organisations.csv``: when the registry changes, rerun
``python -m pipeline.synthetic.biblio`` (seed 20220301) and commit the new files
(a test compares the committed files with a fresh run). Nothing here touches
the network; all randomness flows from one seed.
"""

from __future__ import annotations

import argparse
import bisect
import functools
import gzip
import hashlib
import io
import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from pipeline.io import atomic_write_bytes, atomic_write_text

DEFAULT_SEED = 20220301
YEARS = tuple(range(2000, 2022))
SAMPLING_RATE = 0.05
SNAPSHOT_DATE = "2022-03-01"
GENERATOR = "pipeline.synthetic.biblio"
SAMPLE_FILTER = "authorships.countries:GB,authorships.countries:CN,publication_year:2000-2021"
UK_FILTER = "authorships.countries:GB,publication_year:2000-2021"

SAMPLE_NAME = "openalex_uk_cn_sample_SYNTHETIC.jsonl.gz"
META_NAME = "openalex_uk_cn_sample_SYNTHETIC.meta.json"
GROUP_BY_UK_NAME = "openalex_group_by_uk_by_year_SYNTHETIC.json"
GROUP_BY_UK_CN_NAME = "openalex_group_by_uk_cn_by_year_SYNTHETIC.json"

#: Published figures used for calibration (keys in published_figures.yaml).
CALIBRATION_KEYS = ("copubs_2000", "copubs_2010", "copubs_2019", "copubs_share_of_uk_2019")

# --- realistic prominence ------------------------------------------------------------------
# Relative weight of an institution among the UK–China co-publications of its side.
# Keyed by normalised canonical name; institutions of the registry not listed here get a
# small default weight. These are rough orders of magnitude, not published figures.
_PROMINENCE: dict[str, float] = {
    # United Kingdom
    "university of oxford": 9.0,
    "university college london": 8.5,
    "imperial college london": 8.0,
    "university of cambridge": 7.0,
    "university of manchester": 6.0,
    "university of edinburgh": 5.5,
    "university of nottingham": 5.0,
    "king's college london": 4.5,
    "university of birmingham": 4.5,
    "university of southampton": 4.0,
    "university of bristol": 4.0,
    "university of glasgow": 4.0,
    "university of leeds": 4.0,
    "university of sheffield": 3.5,
    "university of liverpool": 3.5,
    "newcastle university": 3.0,
    "university of warwick": 3.0,
    "queen mary university of london": 3.0,
    "cardiff university": 2.5,
    "loughborough university": 2.5,
    "university of exeter": 2.5,
    "university of surrey": 2.5,
    "durham university": 2.0,
    "university of bath": 2.0,
    "university of strathclyde": 2.0,
    "london school of hygiene and tropical medicine": 2.0,
    "university of aberdeen": 1.5,
    "lancaster university": 1.5,
    "queen's university belfast": 1.5,
    "university of york": 1.5,
    "university of reading": 1.5,
    "university of east anglia": 1.5,
    "brunel university london": 1.5,
    "heriot-watt university": 1.2,
    "university of leicester": 1.2,
    "swansea university": 1.2,
    "university of dundee": 1.0,
    "university of st andrews": 1.0,
    "london school of economics and political science": 0.6,
    # China (mainland)
    "chinese academy of sciences": 20.0,
    "tsinghua university": 7.0,
    "zhejiang university": 6.5,
    "shanghai jiao tong university": 6.5,
    "peking university": 6.0,
    "fudan university": 5.0,
    "sun yat-sen university": 5.0,
    "university of science and technology of china": 4.5,
    "huazhong university of science and technology": 4.5,
    "wuhan university": 4.0,
    "nanjing university": 4.0,
    "sichuan university": 4.0,
    "central south university": 3.5,
    "shandong university": 3.5,
    "xi'an jiaotong university": 3.5,
    "harbin institute of technology": 3.0,
    "tongji university": 3.0,
    "jilin university": 2.5,
    "tianjin university": 2.5,
    "beihang university": 2.5,
    "south china university of technology": 2.5,
    "chinese academy of medical sciences": 2.0,
    "china agricultural university": 2.0,
    "beijing normal university": 2.0,
    "nankai university": 2.0,
    "xiamen university": 2.0,
    "dalian university of technology": 2.0,
    "southern university of science and technology": 2.0,
    "shenzhen university": 2.0,
    "soochow university": 2.0,
    "chongqing university": 2.0,
    "southeast university": 1.6,
    "xi'an jiaotong-liverpool university": 1.5,
    "university of nottingham ningbo china": 1.2,
    "renmin university of china": 0.6,
}
_DEFAULT_WEIGHT = {"GB": 0.6, "CN": 0.7}
_CAS_INSTITUTE_WEIGHT = 1.5

# Institutions outside GB/CN used when the registry does not list any for a country.
# Real names; their OpenAlex/ROR ids here are synthetic like every other id in the file.
_FALLBACK_OTHER: dict[str, list[tuple[str, str]]] = {
    "HK": [
        ("University of Hong Kong", "education"),
        ("Chinese University of Hong Kong", "education"),
        ("Hong Kong University of Science and Technology", "education"),
        ("Hong Kong Polytechnic University", "education"),
        ("City University of Hong Kong", "education"),
    ],
    "MO": [
        ("University of Macau", "education"),
        ("Macau University of Science and Technology", "education"),
    ],
    "TW": [
        ("National Taiwan University", "education"),
        ("National Tsing Hua University", "education"),
        ("Academia Sinica", "facility"),
    ],
    "US": [
        ("Harvard University", "education"),
        ("Stanford University", "education"),
        ("Massachusetts Institute of Technology", "education"),
        ("University of California, Berkeley", "education"),
    ],
    "DE": [("Max Planck Society", "facility"), ("Technical University of Munich", "education")],
    "AU": [("University of Melbourne", "education"), ("University of Sydney", "education")],
    "CA": [("University of Toronto", "education"), ("McGill University", "education")],
    "SG": [
        ("National University of Singapore", "education"),
        ("Nanyang Technological University", "education"),
    ],
    "FR": [("French National Centre for Scientific Research", "government")],
    "NL": [("Delft University of Technology", "education")],
    "JP": [("University of Tokyo", "education")],
    "SE": [("Karolinska Institute", "education")],
    "IT": [("Sapienza University of Rome", "education")],
    "CH": [("ETH Zurich", "education")],
}
_OTHER_COUNTRY_WEIGHTS = {
    "US": 10.0,
    "DE": 3.5,
    "AU": 3.5,
    "CA": 2.5,
    "SG": 2.0,
    "FR": 2.0,
    "NL": 1.5,
    "JP": 1.5,
    "SE": 1.0,
    "IT": 1.2,
    "CH": 1.2,
}

# A UK city that shares its name with a city abroad, and the country OpenAlex may wrongly pick.
_HOMONYM_CITIES = {
    "cambridge": "US",
    "birmingham": "US",
    "newcastle upon tyne": "AU",
    "newcastle": "AU",
    "london": "CA",
    "durham": "US",
    "lancaster": "US",
    "manchester": "US",
    "york": "US",
    "aberdeen": "US",
    "perth": "AU",
}

# OpenAlex-style fields (Scopus ASJC codes as ids), domain and relative weight among
# UK–China works, with a few topic labels written for this synthetic data set.
_DOMAINS = {1: "Life Sciences", 2: "Social Sciences", 3: "Physical Sciences", 4: "Health Sciences"}
_FIELDS: list[tuple[int, str, int, float, tuple[str, ...]]] = [
    (
        22,
        "Engineering",
        3,
        14.0,
        (
            "Structural monitoring of bridges and tunnels",
            "Power electronics for grid-connected converters",
            "Control of autonomous ground vehicles",
        ),
    ),
    (
        17,
        "Computer Science",
        3,
        11.0,
        (
            "Deep learning for image recognition",
            "Privacy-preserving distributed computing",
            "Natural language processing with transformers",
        ),
    ),
    (
        27,
        "Medicine",
        4,
        11.0,
        (
            "Cardiovascular risk in large cohorts",
            "Cancer genomics and targeted therapy",
            "Epidemiology of respiratory infections",
        ),
    ),
    (
        25,
        "Materials Science",
        3,
        9.0,
        (
            "Two-dimensional materials and graphene",
            "Perovskite thin films for photovoltaics",
            "Additive manufacturing of metal alloys",
        ),
    ),
    (
        31,
        "Physics and Astronomy",
        3,
        8.0,
        (
            "Galaxy formation and cosmological surveys",
            "Quantum optics and photonic devices",
            "Particle physics at hadron colliders",
        ),
    ),
    (
        16,
        "Chemistry",
        3,
        7.0,
        (
            "Heterogeneous catalysis for clean fuels",
            "Metal-organic frameworks for gas separation",
            "Electrochemistry of battery electrodes",
        ),
    ),
    (
        23,
        "Environmental Science",
        3,
        7.0,
        (
            "Air pollution and particulate matter exposure",
            "Carbon cycle and land-use change",
            "Urban water quality management",
        ),
    ),
    (
        13,
        "Biochemistry, Genetics and Molecular Biology",
        1,
        6.0,
        (
            "Genome editing tools and applications",
            "Protein structure and folding",
            "Stem cell differentiation pathways",
        ),
    ),
    (
        19,
        "Earth and Planetary Sciences",
        3,
        5.0,
        (
            "Monsoon variability and climate models",
            "Seismic imaging of the crust",
            "Glacier mass balance on high plateaus",
        ),
    ),
    (
        11,
        "Agricultural and Biological Sciences",
        1,
        4.0,
        (
            "Crop yield under drought stress",
            "Soil microbial communities",
            "Biodiversity in freshwater systems",
        ),
    ),
    (
        26,
        "Mathematics",
        3,
        3.0,
        (
            "Numerical methods for partial differential equations",
            "Stochastic processes and applications",
        ),
    ),
    (21, "Energy", 3, 3.0, ("Hydrogen production and storage", "Offshore wind energy systems")),
    (
        15,
        "Chemical Engineering",
        3,
        3.0,
        ("Membrane processes for separation", "Process intensification in reactors"),
    ),
    (
        33,
        "Social Sciences",
        2,
        2.5,
        ("Higher education and student mobility", "Urbanisation and migration in China"),
    ),
    (
        20,
        "Economics, Econometrics and Finance",
        2,
        2.0,
        ("Trade and foreign direct investment", "Financial markets and volatility"),
    ),
    (
        14,
        "Business, Management and Accounting",
        2,
        1.5,
        ("Supply chain resilience", "Corporate governance and disclosure"),
    ),
    (28, "Neuroscience", 1, 1.5, ("Neural circuits of memory",)),
    (24, "Immunology and Microbiology", 1, 1.5, ("Antimicrobial resistance surveillance",)),
    (30, "Pharmacology, Toxicology and Pharmaceutics", 1, 1.0, ("Drug delivery nanocarriers",)),
    (32, "Psychology", 2, 1.0, ("Cross-cultural studies of wellbeing",)),
    (12, "Arts and Humanities", 2, 0.7, ("Translation and comparative literature",)),
    (18, "Decision Sciences", 2, 0.5, ("Multi-criteria decision analysis",)),
    (29, "Nursing", 4, 0.3, ("Nursing workforce and patient outcomes",)),
    (36, "Health Professions", 4, 0.3, ("Rehabilitation after stroke",)),
    (34, "Veterinary", 4, 0.3, ("Zoonotic disease in livestock",)),
    (35, "Dentistry", 4, 0.2, ("Oral health in ageing populations",)),
]

_OPENALEX_TYPE = {
    "university": "education",
    "research_institute": "facility",
    "company": "company",
    "government_body": "government",
    "funder": "funder",
}

_CN_SURNAMES = (
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Chen",
    "Yang",
    "Huang",
    "Zhao",
    "Wu",
    "Zhou",
    "Xu",
    "Sun",
    "Ma",
    "Zhu",
    "Hu",
    "Guo",
    "He",
    "Lin",
    "Gao",
    "Luo",
    "Zheng",
    "Liang",
)
_CN_GIVEN = (
    "Wei",
    "Fang",
    "Min",
    "Jing",
    "Lei",
    "Yan",
    "Jun",
    "Hui",
    "Xin",
    "Yu",
    "Tao",
    "Ming",
    "Hao",
    "Lin",
    "Qiang",
    "Xiaoyu",
    "Jianhua",
    "Haiyan",
    "Zhiwei",
    "Yifan",
    "Chen",
    "Ruoxi",
    "Bo",
    "Dan",
)
_GB_SURNAMES = (
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Patel",
    "Khan",
    "Campbell",
    "Murray",
)
_GB_GIVEN = (
    "Oliver",
    "Amelia",
    "James",
    "Sophie",
    "Thomas",
    "Emily",
    "David",
    "Hannah",
    "Sarah",
    "Daniel",
    "Rachel",
    "Andrew",
    "Claire",
    "Matthew",
    "Laura",
    "Peter",
    "Fiona",
    "Richard",
    "Alice",
    "Mark",
    "Helen",
    "Robert",
)
_OTHER_SURNAMES = (
    "Miller",
    "Schmidt",
    "Martin",
    "Tanaka",
    "Rossi",
    "Nguyen",
    "Kim",
    "Lee",
    "Garcia",
    "Müller",
    "Dubois",
    "Andersson",
    "Tan",
    "Singh",
)
_OTHER_GIVEN = (
    "Michael",
    "Anna",
    "Lukas",
    "Marie",
    "Kenji",
    "Giulia",
    "Minh",
    "Ji-woo",
    "Carlos",
    "Elena",
    "Pierre",
    "Erik",
    "Priya",
    "Wei Ling",
)


# --- helpers -----------------------------------------------------------------------------
def _norm(name: str) -> str:
    """Lower-case, NFKC, drop a leading 'the ', collapse spaces (local, registry-independent)."""
    text = unicodedata.normalize("NFKC", str(name)).casefold().strip()
    text = re.sub(r"^the\s+", "", text)
    return re.sub(r"\s+", " ", text)


def _hash_int(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


@functools.lru_cache(maxsize=4096)
def fake_ror(key: str) -> str:
    """A well-formed (fake) ROR id derived from ``key``: ``0`` + 6 base32 chars + checksum."""
    h = _hash_int("ror:" + key)
    body = "0" + "".join(_CROCKFORD[(h >> (5 * i)) & 31] for i in range(6))
    number = 0
    for ch in body:
        number = number * 32 + _CROCKFORD.index(ch)
    checksum = 98 - ((number * 100) % 97)
    return f"https://ror.org/{body}{checksum:02d}"


@functools.lru_cache(maxsize=4096)
def fake_openalex_institution_id(key: str) -> str:
    """A fake OpenAlex institution id ``https://openalex.org/I<digits>`` derived from ``key``."""
    return f"https://openalex.org/I{100_000_000 + _hash_int('inst:' + key) % 4_000_000_000}"


def load_calibration(path: Path | None = None) -> dict[str, float]:
    """Read the calibration figures from ``published_figures.yaml`` (value and tolerance)."""
    path = path or _reference_dir() / "published_figures.yaml"
    figures = yaml.safe_load(Path(path).read_text(encoding="utf-8"))["figures"]
    out: dict[str, float] = {}
    for key in CALIBRATION_KEYS:
        out[key] = float(figures[key]["value"])
        out[key + "_tolerance"] = float(figures[key]["tolerance"])
    return out


def _reference_dir() -> Path:
    try:
        from pipeline.registries import REFERENCE_DIR  # type: ignore[attr-defined]

        return Path(REFERENCE_DIR)
    except (ImportError, AttributeError):
        return Path(__file__).resolve().parents[3] / "data" / "reference"


def _load_organisations(ref_dir: Path | None = None) -> pd.DataFrame:
    try:
        from pipeline.registries import load_organisations

        orgs = load_organisations(ref_dir) if ref_dir else load_organisations()
    except ImportError:
        orgs = pd.read_csv(
            (ref_dir or _reference_dir()) / "organisations.csv", dtype=str, keep_default_na=False
        )
    return orgs.fillna("").sort_values("org_id").reset_index(drop=True)


def default_out_dir() -> Path:
    """``data/raw/bibliometrics`` of the repository."""
    return Path(__file__).resolve().parents[3] / "data" / "raw" / "bibliometrics"


# --- calibrated yearly counts ----------------------------------------------------------------
def yearly_counts(
    seed: int = DEFAULT_SEED, calibration: dict[str, float] | None = None
) -> tuple[dict[int, int], dict[int, int]]:
    """UK–China works and UK works per year, 2000–2021.

    UK–China: log-linear interpolation through the three published anchors (2000, 2010,
    2019) with up to ±2 % seeded noise on the years between anchors (strictly rising to
    2019), then a slight dip in 2020 and 2021. UK: a 2.5 %/year log-linear trend ending at
    the 2019 total that makes the UK–China share equal the published share (to 1 dp), with
    ±1.5 % noise on the other years.
    """
    cal = calibration or load_calibration()
    rng = np.random.default_rng([seed, 1])
    anchors = {2000: cal["copubs_2000"], 2010: cal["copubs_2010"], 2019: cal["copubs_2019"]}
    xs = sorted(anchors)
    logs = np.interp(YEARS[:20], xs, [math.log(anchors[x]) for x in xs])
    uk_cn: dict[int, int] = {}
    for year, lv in zip(YEARS[:20], logs, strict=True):
        value = math.exp(lv)
        if year not in anchors:
            value *= 1.0 + rng.uniform(-0.02, 0.02)
        uk_cn[year] = round(value)
    for year in YEARS[1:20]:  # keep the rise strictly monotone whatever the noise
        if uk_cn[year] <= uk_cn[year - 1]:
            uk_cn[year] = uk_cn[year - 1] + 1
    uk_cn[2020] = round(uk_cn[2019] * (1.0 - rng.uniform(0.01, 0.03)))
    uk_cn[2021] = round(uk_cn[2020] * (1.0 - rng.uniform(0.01, 0.04)))

    share = cal["copubs_share_of_uk_2019"] / 100.0
    uk_2019 = round(uk_cn[2019] / share)
    uk: dict[int, int] = {}
    for year in YEARS:
        base = uk_2019 * 1.025 ** (year - 2019)
        if year != 2019:
            base *= 1.0 + rng.uniform(-0.015, 0.015)
        uk[year] = round(base)
    return uk_cn, uk


def _group_by_response(counts: dict[int, int], filter_: str) -> dict[str, Any]:
    """An OpenAlex ``group_by=publication_year`` response (groups by count, descending)."""
    groups = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return {
        "meta": {
            "count": int(sum(counts.values())),
            "db_response_time_ms": 0,
            "page": None,
            "per_page": 200,
            "groups_count": len(groups),
            "filter": filter_,
            "group_by": "publication_year",
            "snapshot_date": SNAPSHOT_DATE,
            "synthetic": True,
        },
        "results": [],
        "group_by": [
            {"key": str(year), "key_display_name": str(year), "count": int(n)} for year, n in groups
        ],
    }


# --- institutions ----------------------------------------------------------------------------
@dataclass(frozen=True)
class _Inst:
    key: str  # org_id for registry organisations, "x-<cc>-<slug>" otherwise
    display_name: str
    country_code: str
    type: str
    city: str = ""

    def as_openalex(self, country_code: str | None = None) -> dict[str, Any]:
        return {
            "id": fake_openalex_institution_id(self.key),
            "display_name": self.display_name,
            "ror": fake_ror(self.key),
            "country_code": country_code or self.country_code,
            "type": self.type,
        }


class _Draw:
    """Fast scalar draws from a numpy Generator (uniforms fetched in blocks, used in order)."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self._buf: list[float] = []
        self._i = 0

    def u(self) -> float:
        if self._i >= len(self._buf):
            self._buf = self.rng.random(65536).tolist()
            self._i = 0
        value = self._buf[self._i]
        self._i += 1
        return value

    def index(self, cum: list[float]) -> int:
        """An index drawn with probabilities given by the cumulative weights ``cum``."""
        return min(bisect.bisect_right(cum, self.u() * cum[-1]), len(cum) - 1)

    def pick(self, seq: tuple[str, ...] | list[str]) -> str:
        return seq[min(int(self.u() * len(seq)), len(seq) - 1)]


@dataclass
class _Pool:
    insts: list[_Inst]
    weights: np.ndarray

    def __post_init__(self) -> None:
        self.cum = np.cumsum(self.weights).tolist()

    def draw(self, d: _Draw, k: int) -> list[_Inst]:
        """``k`` distinct institutions, drawn with the pool's weights."""
        k = min(k, len(self.insts))
        chosen: list[int] = []
        while len(chosen) < k:
            i = d.index(self.cum)
            if i not in chosen:
                chosen.append(i)
        return [self.insts[i] for i in chosen]


def _weight(name: str, country: str) -> float:
    key = _norm(name)
    if key in _PROMINENCE:
        return _PROMINENCE[key]
    if "chinese academy of sciences" in key:
        return _CAS_INSTITUTE_WEIGHT
    return _DEFAULT_WEIGHT.get(country, 0.5)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _norm(name)).strip("-")


def _pools(orgs: pd.DataFrame) -> dict[str, _Pool]:
    """Weighted institution pools: GB, CN, each of HK/MO/TW, and OTHER (all other countries)."""
    keep = orgs[orgs["type"].isin(["university", "research_institute"])]
    by_country: dict[str, list[_Inst]] = {}
    for row in keep.itertuples(index=False):
        inst = _Inst(
            key=row.org_id,
            display_name=row.name,
            country_code=row.country,
            type=_OPENALEX_TYPE.get(row.type, "other"),
            city=row.city,
        )
        by_country.setdefault(row.country, []).append(inst)
    for cc, entries in _FALLBACK_OTHER.items():
        if by_country.get(cc):
            continue
        by_country[cc] = [
            _Inst(key=f"x-{cc.lower()}-{_slug(n)}", display_name=n, country_code=cc, type=t)
            for n, t in entries
        ]
    pools: dict[str, _Pool] = {}
    for cc in ("GB", "CN", "HK", "MO", "TW"):
        insts = sorted(by_country.get(cc, []), key=lambda i: i.key)
        if not insts:
            raise ValueError(f"organisations.csv: no university or institute with country {cc}")
        w = np.array([_weight(i.display_name, cc) for i in insts], dtype=float)
        pools[cc] = _Pool(insts, w / w.sum())
    others: list[_Inst] = []
    ow: list[float] = []
    for cc in sorted(by_country):
        if cc in ("GB", "CN", "HK", "MO", "TW"):
            continue
        members = sorted(by_country[cc], key=lambda i: i.key)
        for inst in members:
            others.append(inst)
            ow.append(_OTHER_COUNTRY_WEIGHTS.get(cc, 0.5) / len(members))
    w = np.array(ow, dtype=float)
    pools["OTHER"] = _Pool(others, w / w.sum())
    return pools


# --- works -----------------------------------------------------------------------------------
@dataclass
class _Built:
    works: list[dict[str, Any]]
    uk_cn_by_year: dict[int, int]
    uk_by_year: dict[int, int]
    sample_by_year: dict[int, int]
    misattributed_work_ids: list[str] = field(default_factory=list)
    misattributed_slots: list[dict[str, str]] = field(default_factory=list)
    institution_weights: dict[str, float] = field(default_factory=dict)


def _author_name(d: _Draw, cc: str) -> str:
    if cc in ("CN", "HK", "MO", "TW"):
        return f"{d.pick(_CN_GIVEN)} {d.pick(_CN_SURNAMES)}"
    if cc == "GB":
        # UK institutions host many Chinese-born researchers too.
        if d.u() < 0.3:
            return f"{d.pick(_CN_GIVEN)} {d.pick(_CN_SURNAMES)}"
        return f"{d.pick(_GB_GIVEN)} {d.pick(_GB_SURNAMES)}"
    return f"{d.pick(_OTHER_GIVEN)} {d.pick(_OTHER_SURNAMES)}"


def _cum(probs: tuple[float, ...]) -> list[float]:
    return np.cumsum(probs).tolist()


_N_GB = _cum((0.70, 0.22, 0.08))  # 1, 2 or 3 UK institutions
_N_CN = _cum((0.60, 0.28, 0.12))  # 1, 2 or 3 Chinese institutions
_N_OTHER = _cum((0.70, 0.22, 0.08))  # 0, 1 or 2 institutions elsewhere
_N_AUTHORS = _cum((0.45, 0.30, 0.15, 0.10))  # 1-4 authors per institution


def _build(
    seed: int = DEFAULT_SEED,
    ref_dir: Path | None = None,
    calibration: dict[str, float] | None = None,
    sampling_rate: float = SAMPLING_RATE,
) -> _Built:
    uk_cn, uk = yearly_counts(seed, calibration)
    pools = _pools(_load_organisations(ref_dir))
    rng = np.random.default_rng([seed, 2])
    d = _Draw(np.random.default_rng([seed, 3]))
    field_cum = _cum(tuple(f[3] for f in _FIELDS))

    sample_by_year = {y: round(uk_cn[y] * sampling_rate) for y in YEARS}
    total = sum(sample_by_year.values())
    draws = rng.integers(1_900_000_000, 4_400_000_000, size=2 * total + 10, dtype=np.int64)
    _, first = np.unique(draws, return_index=True)
    ids = draws[np.sort(first)][:total]  # unique, in draw order
    works: list[dict[str, Any]] = []
    mis_ids: list[str] = []
    mis_slots: list[dict[str, str]] = []
    n = 0
    for year in YEARS:
        for _ in range(sample_by_year[year]):
            wid = f"https://openalex.org/W{int(ids[n])}"
            n += 1
            work, mis = _make_work(rng, d, pools, field_cum, year, wid)
            works.append(work)
            if mis is not None:
                mis_slots.append(mis)
                if mis["work_lost"] == "GB":
                    mis_ids.append(wid)
    works.sort(key=lambda w: (w["publication_year"], w["id"]))
    weights = {
        i.key: round(float(w), 6)
        for cc in ("GB", "CN")
        for i, w in zip(pools[cc].insts, pools[cc].weights, strict=True)
    }
    return _Built(
        works,
        uk_cn,
        uk,
        sample_by_year,
        sorted(mis_ids),
        sorted(mis_slots, key=lambda m: (m["work_id"], m["institution_id"])),
        weights,
    )


def _make_work(
    rng: np.random.Generator,
    d: _Draw,
    pools: dict[str, _Pool],
    field_cum: list[float],
    year: int,
    wid: str,
) -> tuple[dict[str, Any], dict[str, str] | None]:
    """One OpenAlex-shaped work, and the mis-attribution made on it (if any)."""
    gb = pools["GB"].draw(d, 1 + d.index(_N_GB))
    cn = pools["CN"].draw(d, 1 + d.index(_N_CN))
    extra: list[_Inst] = []
    u = d.u()
    if u < 0.07:
        extra += pools["HK"].draw(d, 1)
    elif u < 0.08:
        extra += pools["MO"].draw(d, 1)
    elif u < 0.10:
        extra += pools["TW"].draw(d, 1)
    extra += pools["OTHER"].draw(d, d.index(_N_OTHER))

    # Deliberate mis-attribution: a UK institution from a homonymous city gets a foreign code.
    mis_key: str | None = None
    mis_code = ""
    if d.u() < 0.005:
        candidates = [i for i in gb if _HOMONYM_CITIES.get(_norm(i.city))]
        if candidates:
            target = candidates[0]
            mis_key, mis_code = target.key, _HOMONYM_CITIES[_norm(target.city)]

    # Authors: 1-4 per institution (first listed ones carry the key affiliations).
    slots: list[tuple[str, list[_Inst]]] = []
    for inst in gb + cn + extra:
        for _ in range(1 + d.index(_N_AUTHORS)):
            slots.append((inst.country_code, [inst]))
    for i in range(len(slots) - 1, 0, -1):  # Fisher-Yates shuffle of author order
        j = int(d.u() * (i + 1))
        slots[i], slots[j] = slots[j], slots[i]
    # Some authors hold a second affiliation; some have none recorded (only on spare slots).
    seen: set[str] = set()
    authorships: list[dict[str, Any]] = []
    for pos, (cc, insts) in enumerate(slots):
        key = insts[0].key
        first_of_inst = key not in seen
        seen.add(key)
        insts = list(insts)
        if not first_of_inst and d.u() < 0.04:
            insts = []
        elif d.u() < 0.08:
            pool = pools["GB"] if cc == "GB" else pools["CN"] if cc == "CN" else pools["OTHER"]
            second = pool.draw(d, 1)[0]
            if second.key != key:
                insts.append(second)
        inst_objs = []
        for inst in insts:
            code = mis_code if (inst.key == mis_key) else inst.country_code
            inst_objs.append(inst.as_openalex(code))
        countries = sorted({o["country_code"] for o in inst_objs})
        position = "first" if pos == 0 else "last" if pos == len(slots) - 1 else "middle"
        name = _author_name(d, cc)
        authorships.append(
            {
                "author": {
                    "display_name": name,
                    "id": f"https://openalex.org/A{5_000_000_000 + _hash_int(wid + str(pos)) % 10**9}",
                },
                "author_position": position,
                "countries": countries,
                "institutions": inst_objs,
            }
        )

    fid, fname, dom, _, topics = _FIELDS[d.index(field_cum)]
    topic = d.pick(topics)
    age = 2022 - year
    cited = int(rng.poisson(rng.gamma(1.2, 2.5) * max(age, 1) ** 0.9))
    num = wid.rsplit("W", 1)[1]
    all_codes = sorted({c for a in authorships for c in a["countries"]})
    work = {
        "id": wid,
        "doi": f"https://doi.org/10.5555/synth.{year}.{num}",
        "title": f"Synthetic record on {topic.lower()}",
        "display_name": f"Synthetic record on {topic.lower()}",
        "publication_year": year,
        "type": "article",
        "authorships": authorships,
        "countries_distinct_count": len(all_codes),
        "institutions_distinct_count": len(
            {o["id"] for a in authorships for o in a["institutions"]}
        ),
        "primary_topic": {
            "id": f"https://openalex.org/T{10000 + _hash_int(topic) % 90000}",
            "display_name": topic,
            "field": {"id": f"https://openalex.org/fields/{fid}", "display_name": fname},
            "domain": {"id": f"https://openalex.org/domains/{dom}", "display_name": _DOMAINS[dom]},
        },
        "cited_by_count": cited,
    }
    mis = None
    if mis_key is not None:
        lost = "GB" if "GB" not in all_codes else ""
        mis = {
            "work_id": wid,
            "institution_id": fake_openalex_institution_id(mis_key),
            "org_id": mis_key,
            "country_code_given": mis_code,
            "country_code_true": "GB",
            "work_lost": lost,
        }
    return work, mis


# --- public API ------------------------------------------------------------------------------
def make_truth(
    seed: int = DEFAULT_SEED, ref_dir: Path | None = None, sampling_rate: float = SAMPLING_RATE
) -> dict[str, Any]:
    """The facts the synthetic extracts were built from, for tests and the reproduction check.

    Keys: ``uk_cn_by_year`` and ``uk_by_year`` ({year: works}), ``share_by_year`` (percent,
    2 dp), ``sampling_rate``, ``sample_by_year``, ``sample_size``, ``population_size``,
    ``misattributed_work_ids`` (works that lost their GB code), ``misattributed_slots``
    (every deliberately wrong institution country code), ``institution_weights``
    (org_id -> sampling weight within its country) and ``calibration`` (the figures used).
    """
    cal = load_calibration()
    built = _build(seed, ref_dir, cal, sampling_rate)
    return {
        "seed": seed,
        "calibration": cal,
        "uk_cn_by_year": dict(built.uk_cn_by_year),
        "uk_by_year": dict(built.uk_by_year),
        "share_by_year": {
            y: round(100.0 * built.uk_cn_by_year[y] / built.uk_by_year[y], 2) for y in YEARS
        },
        "sampling_rate": sampling_rate,
        "sample_by_year": dict(built.sample_by_year),
        "sample_size": len(built.works),
        "population_size": int(sum(built.uk_cn_by_year.values())),
        "misattributed_work_ids": list(built.misattributed_work_ids),
        "misattributed_slots": list(built.misattributed_slots),
        "institution_weights": dict(built.institution_weights),
    }


def _gzip_bytes(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(data)
    return buf.getvalue()


def _json_text(obj: Any) -> str:
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def generate(
    out_dir: Path | str | None = None,
    seed: int = DEFAULT_SEED,
    ref_dir: Path | None = None,
    sampling_rate: float = SAMPLING_RATE,
) -> list[Path]:
    """Write the four synthetic OpenAlex files into ``out_dir``; return their paths (sorted).

    ``sampling_rate`` (default :data:`SAMPLING_RATE`) sets the share of each year's
    UK–China works put in the sample; the committed files use the default.
    """
    if not 0.0 < sampling_rate <= 1.0:
        raise ValueError(f"sampling_rate must be in (0, 1], got {sampling_rate}")
    out = Path(out_dir) if out_dir is not None else default_out_dir()
    cal = load_calibration()
    built = _build(seed, ref_dir, cal, sampling_rate)
    lines = "".join(
        json.dumps(w, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"
        for w in built.works
    )
    paths = [atomic_write_bytes(out / SAMPLE_NAME, _gzip_bytes(lines.encode("utf-8")))]
    population = int(sum(built.uk_cn_by_year.values()))
    meta = {
        "synthetic": True,
        "description": (
            "SYNTHETIC stand-in for an OpenAlex sample of UK-China co-published works."
            " Not real bibliographic records; ids, DOIs (test prefix 10.5555), RORs"
            " and author names are invented. Yearly totals are calibrated to"
            " published Web of Science figures, not to OpenAlex."
        ),
        "source": "OpenAlex (simulated)",
        "endpoint": "https://api.openalex.org/works",
        "filter": SAMPLE_FILTER,
        "sampling": "uniform random sample within each publication year",
        "sampling_rate": sampling_rate,
        "sample_size": len(built.works),
        "sample_size_by_year": {str(y): n for y, n in built.sample_by_year.items()},
        "population_size": population,
        "snapshot_date": SNAPSHOT_DATE,
        "generator": GENERATOR,
        "seed": seed,
        "calibrated_to": {k: cal[k] for k in CALIBRATION_KEYS},
        "calibration_source": "data/reference/published_figures.yaml",
        "misattributed_work_ids": list(built.misattributed_work_ids),
        "misattribution_note": (
            "On these works the only UK institution carries the country code"
            " of a homonymous city abroad, so the work is not UK-China by its"
            " own country codes. A few further works carry such a wrong code"
            " beside a correctly coded UK institution."
        ),
    }
    paths.append(atomic_write_text(out / META_NAME, _json_text(meta)))
    paths.append(
        atomic_write_text(
            out / GROUP_BY_UK_NAME, _json_text(_group_by_response(built.uk_by_year, UK_FILTER))
        )
    )
    paths.append(
        atomic_write_text(
            out / GROUP_BY_UK_CN_NAME,
            _json_text(_group_by_response(built.uk_cn_by_year, SAMPLE_FILTER)),
        )
    )
    return sorted(paths)


def cli(argv: list[str] | None = None) -> int:
    """``python -m pipeline synth-biblio [--out DIR] [--seed N]``: write the synthetic files."""
    parser = argparse.ArgumentParser(
        prog="synth-biblio",
        description="Write SYNTHETIC OpenAlex extracts (UK-China sample and group_by by year) "
        "calibrated to the published figures.",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default: data/raw/bibliometrics)"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    args = parser.parse_args(argv)
    for path in generate(args.out, args.seed):
        print(path)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(cli())
