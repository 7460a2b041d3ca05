"""Cleaning: required fields, duplicates, stable keys, coding, and every row accounted for."""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd
import pytest
from literature_helpers import ARTICLE, CODED, REPORT, coding, ris, write

from pipeline.literature import CleanParams, LiteratureInputError, clean_literature, write_outputs
from pipeline.literature.clean import assign_keys, check_accounting, normalise_doi


def _clean(tmp: Path, text: str, rows: list[list[str]] | None = None, **params):
    lib = write(tmp / "lib.ris", text)
    sheet = coding(tmp / "coding.csv", CODED if rows is None else rows)
    return clean_literature([lib], sheet, CleanParams(**params))


def test_clean_control(tmp_path: Path) -> None:
    r = _clean(tmp_path, ris(ARTICLE, REPORT))
    refs = r.references.set_index("ref_id")
    assert refs.loc["adams", "ref_key"] == "lit-adams2022rise"
    assert refs.loc["rand", "ref_key"] == "lit-rand2022exploring"
    assert refs.loc["adams", "themes"] == "benefit | risk"
    assert refs.loc["rand", "evidence_themes"] == "dual_use | geopolitics"
    assert refs.loc["adams", "source_type"] == "peer_reviewed"
    assert refs.loc["rand", "coding_basis"] == "synthetic"
    assert set(r.codes["field"]) == {"theme", "evidence_theme"} and len(r.codes) == 7
    assert r.rejects.empty and r.duplicates.empty and r.unmatched.empty


@pytest.mark.parametrize(
    ("record", "column", "reason"),
    [
        ({"TY": "JOUR", "PY": "2020", "ID": "x"}, "title", "missing title"),
        ({"TY": "JOUR", "TI": "T", "ID": "x"}, "year", "missing year"),
        ({"TY": "JOUR", "TI": "T", "PY": "n.d.", "ID": "x"}, "year", "year not recognisable"),
        ({"TY": "JOUR", "TI": "T", "PY": "1850", "ID": "x"}, "year", "year outside (1970-2035)"),
    ],
)
def test_records_missing_title_or_year_are_rejected(tmp_path, record, column, reason) -> None:
    r = _clean(tmp_path, ris(ARTICLE, record))
    (reject,) = r.rejects[r.rejects["source_file"] == "lib.ris"].itertuples(index=False)
    assert (reject.source_row, reject.column) == (11, column)
    assert reason in reject.reason
    assert r.accounting["library"] == {**r.accounting["library"], "raw_records": 2, "kept": 1,
                                       "rejected": 1, "duplicates": 0}  # fmt: skip


def test_year_range_is_a_parameter(tmp_path: Path) -> None:
    old = {"TY": "JOUR", "TI": "Old", "PY": "1850", "ID": "x"}
    r = _clean(tmp_path, ris(old), rows=[], year_min=1800)
    assert r.references["year"].tolist() == [1850]


def test_duplicates_by_doi_in_any_case_and_by_normalised_title(tmp_path: Path) -> None:
    doi_copy = {**ARTICLE, "TI": "Another title", "DO": "https://doi.org/10.1093/SCIPOL/SCAB069",
                "ID": "copy1"}  # fmt: skip
    title_copy = {**REPORT, "TI": "EXPLORING  Research Engagement with China.", "ID": "copy2"}
    r = _clean(tmp_path, ris(ARTICLE, REPORT, doi_copy, title_copy))
    dups = r.duplicates.set_index("source_row")
    assert dups["matched_on"].to_dict() == {21: "doi", 31: "title"}
    assert dups["duplicate_of"].to_dict() == {21: "lit-adams2022rise", 31: "lit-rand2022exploring"}
    check_accounting(r.accounting)
    assert r.accounting["library"]["duplicates"] == 2


def test_same_title_with_different_dois_is_not_a_duplicate(tmp_path: Path) -> None:
    other = {**ARTICLE, "DO": "10.1000/other", "ID": "other"}
    r = _clean(tmp_path, ris(ARTICLE, other))
    assert len(r.references) == 2 and r.duplicates.empty
    assert sorted(r.references["ref_key"]) == ["lit-adams2022risea", "lit-adams2022riseb"]


def test_bad_doi_and_url_are_dropped_with_a_note(tmp_path: Path) -> None:
    odd = {**REPORT, "DO": "not-a-doi", "UR": "www.example.org"}
    r = _clean(tmp_path, ris(odd))
    ref = r.references.iloc[0]
    assert pd.isna(ref["doi"]) and pd.isna(ref["url"])
    assert sorted(r.notes["column"]) == ["doi", "url"]


def test_normalise_doi() -> None:
    assert normalise_doi(" DOI: 10.1093/SciPol/SCAB069. ") == "10.1093/scipol/scab069"
    assert normalise_doi("https://dx.doi.org/10.17226/27065") == "10.17226/27065"
    assert normalise_doi("10.abc/x") is None and normalise_doi(None) is None


def test_keys_do_not_depend_on_record_order(tmp_path: Path) -> None:
    twins = [{**ARTICLE, "DO": f"10.1000/{n}", "ID": f"t{n}", "TI": f"Rise {t}"}
             for n, t in enumerate(["alpha", "beta", "gamma"])]  # fmt: skip
    first = _clean(tmp_path, ris(*twins), rows=[]).references.set_index("ref_id")["ref_key"]
    random.Random(7).shuffle(twins)
    second = _clean(tmp_path, ris(*twins), rows=[]).references.set_index("ref_id")["ref_key"]
    assert first.sort_index().equals(second.sort_index())
    assert sorted(first) == ["lit-adams2022risea", "lit-adams2022riseb", "lit-adams2022risec"]


def test_key_for_organisation_and_missing_author() -> None:
    refs = pd.DataFrame(
        {
            "authors_json": ['[{"literal": "The White House"}]', "[]"],
            "title": ["The memo", "An untitled-ish note"],
            "year": [2021, 2020],
            "doi": [None, None],
            "url": [None, None],
            "source_file": ["f", "f"],
            "source_row": [1, 2],
        }
    )
    assert assign_keys(refs).tolist() == ["lit-white2021memo", "lit-untitled2020"]


def test_coding_rows_are_checked_matched_and_accounted(tmp_path: Path) -> None:
    rows = [
        ["", ARTICLE["TI"].upper(), "benefit", "", "media", "UK", "abstract"],  # by title
        ["rand", "", "risk; dragons", "", "media", "UK", "abstract"],  # unknown theme
        ["rand", "", "risk", "", "tabloid", "UK", "abstract"],  # unknown source type
        ["rand", "", "risk", "", "media", "Atlantis", "abstract"],  # unknown country
        ["rand", "", "risk", "", "media", "UK", ""],  # no basis
        ["adams", "", "risk", "", "media", "UK", "abstract"],  # second row for adams
        ["ghost", "", "risk", "", "media", "UK", "abstract"],  # no such reference
    ]
    r = _clean(tmp_path, ris(ARTICLE, REPORT), rows)
    rejects = r.rejects.set_index("source_row")
    assert (
        rejects.loc[3, "column"] == "themes"
        and "unknown theme 'dragons'" in rejects.loc[3, "reason"]
    )
    assert "known: benefit" in rejects.loc[3, "reason"]
    assert "unknown source type 'tabloid'" in rejects.loc[4, "reason"]
    assert "unknown country 'Atlantis'" in rejects.loc[5, "reason"]
    assert rejects.loc[6, "reason"] == "no coding basis"
    assert "second coding row for the same reference (first: row 2)" in rejects.loc[7, "reason"]
    assert rejects.loc[8, "reason"].startswith("matches no reference of the library")
    coding_acc = r.accounting["coding"]
    assert {
        k: coding_acc[k] for k in ("raw_rows", "kept", "duplicates", "rejected", "unmatched")
    } == {"raw_rows": 7, "kept": 1, "duplicates": 1, "rejected": 5, "unmatched": 1}
    kinds = r.unmatched.groupby("kind")["key"].apply(list).to_dict()
    assert kinds == {"coding row without a reference": ["ghost"],
                     "reference without a coding row": ["lit-rand2022exploring"]}  # fmt: skip
    assert r.accounting["references_without_coding"] == 1


def test_empty_inputs_are_errors(tmp_path: Path) -> None:
    with pytest.raises(LiteratureInputError, match="no reference library found"):
        clean_literature([tmp_path], coding(tmp_path / "c.csv", []))
    write(tmp_path / "lib.ris", ris(ARTICLE))
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(LiteratureInputError, match="empty.csv: the coding sheet is empty"):
        clean_literature([tmp_path / "lib.ris"], tmp_path / "empty.csv")


def test_outputs_are_written_formula_safe_and_byte_stable(tmp_path: Path) -> None:
    evil = {**REPORT, "TI": '=HYPERLINK("http://x")', "ID": "evil"}
    r = _clean(tmp_path, ris(ARTICLE, evil))
    first = {p.name: p.read_bytes() for p in write_outputs(r, tmp_path / "a")}
    second = {p.name: p.read_bytes() for p in write_outputs(r, tmp_path / "b")}
    assert first == second
    assert b"'=HYPERLINK" in first["references.csv"]
    assert b"\n=HYPERLINK" not in first["references.csv"]
