"""Country detection from address strings, including the traps real exports contain."""

from __future__ import annotations

import pytest

from pipeline.biblio.countries import (
    COUNTRY_LOOKUP,
    address_country,
    countries_from_addresses,
    fold_codes,
    split_addresses,
)


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("Univ Edinburgh, Sch Biol Sci, Edinburgh EH9 3JR, Midlothian, Scotland.", "GB"),
        ("Cardiff Univ, Sch Engn, Cardiff CF24 3AA, S Glam, Wales.", "GB"),
        ("Queens Univ Belfast, Belfast BT7 1NN, Antrim, North Ireland.", "GB"),
        ("Ulster Univ, Coleraine, Northern Ireland", "GB"),
        ("Univ Oxford, Oxford OX1 3PJ, England.", "GB"),
        ("Some Lab, Didcot, UK", "GB"),
        ("Some Lab, Didcot, U.K.", "GB"),
        ("University of Leeds, Leeds, United Kingdom", "GB"),
        ("Univ Bristol, Bristol, Great Britain", "GB"),
        ("Tsinghua Univ, Beijing 100084, Peoples R China.", "CN"),
        ("Zhejiang Univ, Hangzhou, P.R. China", "CN"),
        ("Zhejiang Univ, Hangzhou, PR China", "CN"),
        ("Fudan University, Shanghai, China", "CN"),
        ("Univ Macau, Taipa, Macao", "MO"),
        ("Macau Univ Sci & Technol, Macau, Peoples R China", "MO"),
        ("Natl Taiwan Univ, Taipei 10617, Taiwan.", "TW"),
        ("Natl Cheng Kung Univ, Tainan, Taiwan, ROC", "TW"),
        ("Univ Michigan, Ann Arbor, MI 48109 USA.", "US"),
        ("Univ Calif Berkeley, Berkeley, CA 94720-1234 USA", "US"),
        ("Some Inst, Houston, TX 77030", "US"),
        ("University of Illinois, Urbana, IL 61801, United States", "US"),
        ("Johns Hopkins Univ, Baltimore, Maryland.", "US"),
        ("Kyoto University, Kyoto, Japan", "JP"),
        ("Univ Lodz, Poland. Electronic address: someone@example.pl.", "PL"),
        ("Unknown Institute, Atlantis", None),
        ("", None),
    ],
)
def test_address_country(address: str, expected: str | None) -> None:
    assert address_country(address) == expected


def test_new_south_wales_is_australia_not_uk() -> None:
    assert address_country("Univ New South Wales, Sydney, NSW 2052, Australia.") == "AU"
    assert address_country("Univ New South Wales, Kensington, New South Wales") == "AU"
    assert address_country("Univ Wales, Bangor, Wales") == "GB"


def test_prince_of_wales_hospital_in_hong_kong_is_hk() -> None:
    addr = "Chinese Univ Hong Kong, Prince Wales Hosp, Dept Surg, Shatin, Hong Kong"
    assert address_country(addr) == "HK"
    assert address_country("Prince of Wales Hospital, Shatin, New Territories, Hong Kong") == "HK"


def test_hong_kong_followed_by_peoples_r_china_is_hk() -> None:
    addr = "Hong Kong Baptist Univ, Dept Chem, Kowloon Tong, Hong Kong, Peoples R China."
    assert address_country(addr) == "HK"
    assert countries_from_addresses([addr]) == ["HK"]
    assert countries_from_addresses([addr], fold_hk_mo=True) == ["CN"]


def test_uk_address_without_country_word() -> None:
    assert address_country("Imperial College, London") == "GB"
    assert (
        address_country(
            "Airway Disease Section, National Heart and Lung Institute, "
            "Imperial College, London (P.J.B.)"
        )
        == "GB"
    )
    assert address_country("Dept Zool, Univ Oxford") == "GB"


def test_cambridge_massachusetts_is_us() -> None:
    assert address_country("MIT, Dept Phys, Cambridge, MA 02139 USA") == "US"
    assert address_country("Harvard University, Cambridge, MA") == "US"
    assert address_country("Univ Cambridge, Dept Phys, Cambridge CB3 0HE, England") == "GB"


def test_london_ontario_is_canada() -> None:
    assert address_country("Univ Western Ontario, London, ON") == "CA"
    assert address_country("Western University, London, Ontario, Canada") == "CA"


def test_combined_affiliation_repeated_counts_once() -> None:
    combined = (
        "Imperial College, London (A.B.); and School of Medicine, Fudan University, "
        "Shanghai, China (C.D.)."
    )
    addresses = split_addresses(combined) * 250  # the same string for every author
    assert countries_from_addresses(addresses) == ["CN", "GB"]


def test_hyper_authored_counts_each_country_once() -> None:
    addresses = [f"Inst {i}, Geneva, Switzerland" for i in range(3000)]
    addresses += [f"Lab {i}, Beijing, Peoples R China" for i in range(500)]
    assert countries_from_addresses(addresses) == ["CH", "CN"]


def test_split_addresses_removes_author_groups() -> None:
    field = "[Li, X; Wu, Y] Univ A, Beijing, Peoples R China; [Smith, J] Univ B, Leeds, England"
    assert split_addresses(field) == [
        "Univ A, Beijing, Peoples R China",
        "Univ B, Leeds, England",
    ]
    assert split_addresses(None) == []


def test_fold_codes() -> None:
    assert fold_codes(["HK", "mo", "TW", "GB"]) == ["GB", "HK", "MO", "TW"]
    assert fold_codes(["HK", "MO", "TW", "GB"], fold_hk_mo=True) == ["CN", "GB", "TW"]


def test_lookup_table_is_data_and_has_required_variants() -> None:
    for name in (
        "england",
        "scotland",
        "wales",
        "north ireland",
        "northern ireland",
        "uk",
        "u k",
        "united kingdom",
        "great britain",
    ):
        assert COUNTRY_LOOKUP[name] == "GB"
    for name in ("peoples r china", "p r china", "pr china", "china"):
        assert COUNTRY_LOOKUP[name] == "CN"
    assert COUNTRY_LOOKUP["new south wales"] == "AU"
    assert COUNTRY_LOOKUP["taiwan"] == "TW"
    assert COUNTRY_LOOKUP["macao"] == COUNTRY_LOOKUP["macau"] == "MO"
