"""The formats added in issue 17, read from small real exports (``fixtures/real/``; see its
README for provenance and licences).

Every count below was worked out by hand from the files and is checked twice: against the
readers, and against a separate plain count made here with regular expressions and the
``csv`` module (never with the readers).
"""

from __future__ import annotations

import csv
import gzip
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline.biblio import detect_format, ingest, iter_works
from pipeline.biblio.formats import Reject, WorkRow, institution_from_address

REAL = Path(__file__).parent / "fixtures" / "real"

#: file -> (format, records, UK–China works, works with unknown affiliation), by hand.
HAND_COUNTS = {
    "dimensions_SYNTHETIC.csv": ("dimensions_csv", 5, 2, 1),
    "lens_bibliometrix_sample.csv": ("lens_csv", 8, 0, 8),
    "openalex_bibliometrix_sample.csv": ("openalex_csv", 8, 0, 1),
    "pubmed_current_sample.xml.gz": ("pubmed_xml", 4, 0, 1),
    "medline16n0902_subset.xml.gz": ("pubmed_xml", 20, 1, 1),
}
_UK = re.compile(r"\bUK\b|United Kingdom|England|Scotland|Wales|London")


def _xml_units(path: Path) -> list[str]:
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    articles = re.findall(r"<PubmedArticle>.*?</PubmedArticle>", text, re.DOTALL)
    return articles or re.findall(r"<MedlineCitation .*?</MedlineCitation>", text, re.DOTALL)


def _plain_counts(name: str) -> tuple[int, int, int]:
    """Records, UK–China works and works without affiliations, counted without the readers."""
    path = REAL / name
    if name.endswith(".xml.gz"):
        units = [
            " ".join(re.findall(r"<Affiliation>(.*?)</Affiliation>", u, re.DOTALL))
            for u in _xml_units(path)
        ]
        both = sum(1 for a in units if "China" in a and _UK.search(a))
        return len(units), both, sum(1 for a in units if not a.strip())
    with open(path, encoding="utf-8", newline="") as fh:
        lines = fh.read().splitlines(keepends=True)
    start = 1 if lines[0].startswith('"About the data') else 0
    rows = list(csv.DictReader(lines[start:]))
    if "Lens ID" in rows[0]:  # a Lens export has no affiliations at all
        return len(rows), 0, len(rows)
    if "authorships.countries" in rows[0]:
        codes = [set(filter(None, r["authorships.countries"].split("|"))) for r in rows]
    else:
        codes = [set(filter(None, r["Country of Research organization"].split("; "))) for r in rows]
        # Dimensions says "China" for Hong Kong and Macao: their cities tell them apart
        for c, r in zip(codes, rows, strict=True):
            if re.search(
                r"Hong Kong|Taipa|Macau",
                r["City of Research organization"] + r["State of Research organization"],
            ):
                c.discard("China")
    both = sum(1 for c in codes if ({"GB", "CN"} <= c) or ({"United Kingdom", "China"} <= c))
    return len(rows), both, sum(1 for c in codes if not c)


@pytest.mark.parametrize("name", sorted(HAND_COUNTS))
def test_new_format_counts_equal_hand_and_plain_counts(name: str) -> None:
    fmt, records, uk_cn, unknown = HAND_COUNTS[name]
    path = REAL / name
    assert detect_format(path) == fmt
    items = list(iter_works(path))
    assert [i for i in items if isinstance(i, Reject)] == []
    works = [i for i in items if isinstance(i, WorkRow)]
    assert _plain_counts(name) == (records, uk_cn, unknown)
    assert len(works) == records
    assert sum(1 for w in works if w.uk_cn) == uk_cn
    assert sum(1 for w in works if not w.affiliation_known) == unknown
    for w in works:
        assert (w.uk_cn is None) == (not w.affiliation_known)
        assert w.countries == sorted(set(w.countries))


def test_medline_baseline_delete_list_is_not_a_work_and_the_uk_china_paper_is_found() -> None:
    works = {w.work_id: w for w in iter_works(REAL / "medline16n0902_subset.xml.gz")}
    assert "pubmed:26432306" not in works  # the file's DeleteCitation PMID
    paper = works["pubmed:25991764"]
    assert paper.countries == ["CN", "GB", "MO"]
    assert paper.uk_cn is True
    # the university, not the hospital's institute or the department
    assert "Central South University" in paper.institutions
    assert "University of Oxford" in paper.institutions
    assert not any(
        i.startswith(("Mental Health Institute", "Department")) for i in paper.institutions
    )
    assert paper.funders == ["Wellcome Trust"]  # GrantList/Grant/Agency


def test_plain_medline_citation_set_reads_the_same(tmp_path: Path) -> None:
    plain = tmp_path / "medline16n0902_subset.xml"
    plain.write_bytes(gzip.decompress((REAL / "medline16n0902_subset.xml.gz").read_bytes()))
    assert detect_format(plain) == "pubmed_xml"
    assert list(iter_works(plain)) == list(iter_works(REAL / "medline16n0902_subset.xml.gz"))


@pytest.mark.parametrize(
    ("address", "institution"),
    [
        (
            (
                "Institute of Cell and Molecular Science, Barts and The London School of "
                "Medicine and Dentistry, Queen Mary University of London, London E1 2AT, UK."
            ),
            "Queen Mary University of London",
        ),
        (
            (
                "Mental Health Institute of The Second Xiangya Hospital, Key Laboratory of "
                "Psychiatry and Mental Health of Hunan Province, Central South University, "
                "Changsha, China."
            ),
            "Central South University",
        ),
        (
            "c Groningen Research Institute for Asthma and COPD, University of Groningen",
            "University of Groningen",
        ),
        (
            "Institute of Biophysics, Chinese Academy of Sciences, Beijing, China",
            "Chinese Academy of Sciences",
        ),
        ("Univ Oxford, Dept Engn Sci, Oxford OX1 3PJ, England.", "Univ Oxford"),
    ],
)
def test_institution_is_the_organisation_not_its_unit(address: str, institution: str) -> None:
    assert institution_from_address(address) == institution


def test_dimensions_keeps_hong_kong_and_macao_apart_unless_folded() -> None:
    path = REAL / "dimensions_SYNTHETIC.csv"
    works = {w.work_id: w for w in iter_works(path)}
    folded = {w.work_id: w for w in iter_works(path, fold_hk_mo=True)}
    hk, mo = works["dimensions:pub.1000000002"], works["dimensions:pub.1000000003"]
    assert (hk.countries, hk.uk_cn) == (["GB", "HK"], False)
    assert mo.countries == ["MO", "PT"]
    assert (folded[hk.work_id].countries, folded[hk.work_id].uk_cn) == (["CN", "GB"], True)
    assert folded[mo.work_id].countries == ["CN", "PT"]
    # the preamble is line 1 and the header line 2: the first record is line 3
    assert works["dimensions:pub.1000000001"].source_row == 3
    assert works["dimensions:pub.1000000001"].field == "Chemical Sciences"


def test_funders_of_each_new_format() -> None:
    dim = {w.work_id: w.funders for w in iter_works(REAL / "dimensions_SYNTHETIC.csv")}
    assert dim["dimensions:pub.1000000001"] == [
        "Engineering and Physical Sciences Research Council",
        "National Natural Science Foundation of China",
    ]
    assert dim["dimensions:pub.1000000002"] == ["Research Grants Council of Hong Kong"]
    # no Funder list: the registered funders named in the acknowledgement text
    assert dim["dimensions:pub.1000000005"] == ["Ministry of Science and Technology"]
    lens = [w.funders for w in iter_works(REAL / "lens_bibliometrix_sample.csv")]
    assert lens[0] == [
        "Cisco Systems",
        "Engineering and Physical Sciences Research Council",
        "University of Oxford",
    ]
    # Singapore's ministry is not China's, whatever the wording shares
    assert lens[6] == ["Ministry of Education - Singapore"]


def test_lens_journal_country_is_never_an_affiliation() -> None:
    with open(REAL / "lens_bibliometrix_sample.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert any(r["Source Country"] for r in rows)  # the trap is there
    assert all(w.countries == [] for w in iter_works(REAL / "lens_bibliometrix_sample.csv"))


def test_any_text_format_may_arrive_gzipped(tmp_path: Path) -> None:
    fixtures = Path(__file__).parent / "fixtures"
    for name in ("medline.txt", "scopus.csv", "wos_plaintext.txt", "pubmed.xml"):
        packed = tmp_path / f"{name}.gz"
        packed.write_bytes(gzip.compress((fixtures / name).read_bytes()))
        assert detect_format(packed) == detect_format(fixtures / name)
        assert list(iter_works(packed, label=name)) == list(iter_works(fixtures / name, label=name))


def test_ingest_of_the_real_folder_balances_and_dedupes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "real"
    shutil.copytree(REAL, folder, ignore=shutil.ignore_patterns("*.md"))
    report = ingest([folder], tmp_path / "out" / "works.parquet", progress=False)
    assert report.raw == sum(v[1] for v in HAND_COUNTS.values())
    assert (report.kept, report.duplicates, report.rejected) == (report.raw, 0, 0)
    assert report.uk_cn == sum(v[2] for v in HAND_COUNTS.values())
    assert report.affiliation_unknown == sum(v[3] for v in HAND_COUNTS.values())
    works = pd.read_parquet(tmp_path / "out" / "works.parquet")
    assert set(works["source_format"]) == {v[0] for v in HAND_COUNTS.values()}
    assert "of which 3 UK–China and 12 with unknown affiliation" in report.kept_line()
