"""Unit tests of pipeline.privacy: redaction, own names, the restricted folder, approvals."""

from __future__ import annotations

import stat
from pathlib import Path

import pandas as pd
import pytest

from pipeline import privacy as p


def test_redact_replaces_each_kind_with_its_token_and_counts_them() -> None:
    text = (
        "Mail jo.kay@example.org or jo [at] example [dot] org, call +44 20 7946 0958, see "
        "https://example.org/jo, server 192.0.2.5, ORCID 0000-0002-1825-0097, @jokay, LS2 9JT, "
        "NI JT 48 21 93 B.\nRegards, Jo Kay"
    )
    out, counts = p.redact(text)
    assert out == (
        "Mail [email removed] or [email removed], call [phone removed], see [link removed], "
        "server [IP address removed], [ORCID removed], [handle removed], [postcode removed], "
        "NI [NI number removed].\nRegards, [name removed]"
    )
    assert counts == {
        "email": 2, "phone": 1, "link": 1, "ip": 1, "orcid": 1, "handle": 1, "postcode": 1,
        "ni_number": 1, "name": 1,
    }  # fmt: skip
    assert p.redact("") == ("", {})
    assert p.redact(None)[0] is None


def test_text_without_identifiers_is_left_alone() -> None:
    text = "We met at Leeds in 2018; 1,500 visitors, grant EP/T012345/1, version 2.3.1, Q3 2021."
    assert p.redact(text) == (text, {})


@pytest.mark.parametrize(
    ("names", "text", "want"),
    [
        (["Xu"], "Xu and xu and XU; Xuzhou", "[name removed] and [name removed] and [name removed]; Xuzhou"),
        (["He"], "He Yan wrote; he said so", "[name removed] Yan wrote; he said so"),
        (["José Núñez"], "Jose Nunez and JOSÉ agreed", "[name removed] and [name removed] agreed"),
        (["Søndergaard"], "the Sondergaard group", "the [name removed] group"),
        (["Okafor-Bell"], "Okafor-Bell lab, Okafor's idea", "[name removed] lab, [name removed]'s idea"),
        (["张伟"], "我是张伟，合作很顺利。", "我是[name removed]，合作很顺利。"),
    ],
)  # fmt: skip
def test_own_names_of_any_length(names: list[str], text: str, want: str) -> None:
    assert p.redact(text, names)[0] == want


def test_name_parts_splits_whole_names_into_words_and_hyphen_parts() -> None:
    assert p.name_parts(["Sarah  Okafor-Bell", "", None, "Li"]) == [
        "Bell", "Li", "Okafor", "Okafor-Bell", "Sarah", "Sarah Okafor-Bell",
    ]  # fmt: skip


def test_overlapping_findings_become_one_token_of_the_longest_kind() -> None:
    found = p.find_identifiers("Kind regards,\nJane Smith\nLeeds LS2 9JT")
    assert {f.kind for f in found} == {"name", "postcode"}
    assert p.redact("Kind regards,\nJane Smith\nLeeds LS2 9JT")[0].count("removed") == 1


def test_redact_frame_uses_each_row_s_own_names() -> None:
    df = pd.DataFrame({"c": ["Xu was here", "Xu was here", None]})
    out, counts = p.redact_frame(df, ["c"], [["Xu"], [], []])
    assert out["c"].tolist() == ["[name removed] was here", "Xu was here", None]
    assert counts == {"name": 1}


@pytest.mark.parametrize("inside", ["out", "out/restricted", "."])
def test_a_restricted_folder_inside_or_around_the_shared_one_is_refused(
    tmp_path: Path, inside: str
) -> None:
    with pytest.raises(p.PrivacyError, match="must not be inside"):
        p.check_restricted_location(tmp_path / inside, [tmp_path / "out"])
    assert p.check_restricted_location(tmp_path / "r", [tmp_path / "out"]) == tmp_path / "r"


def test_restricted_files_are_owner_only_git_ignored_and_formula_safe(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "restricted" / "survey"
    written = p.write_restricted(folder, {"t.csv": pd.DataFrame({"text": ["=HYPERLINK(1)"]})})
    assert written == [folder / "t.csv"]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "t.csv").stat().st_mode) == 0o600
    assert (folder / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert "'=HYPERLINK(1)" in (folder / "t.csv").read_text(encoding="utf-8")
    assert p.restricted_dir("survey") == Path("data/restricted/survey")


def test_approvals(tmp_path: Path) -> None:
    assert p.load_approvals(tmp_path / "none.csv").by_id == {}
    good = tmp_path / "a.csv"
    h = p.excerpt_hash("[name removed] said yes.")
    good.write_text(f"# reviewed\nexcerpt_id,sha256,note\nsurvey:R001:comments,{h.upper()},ok\n")
    approvals = p.load_approvals(good)
    assert approvals.present and approvals.by_id == {"survey:R001:comments": h}
    candidates = pd.DataFrame(
        {
            "excerpt_id": ["survey:R001:comments", "survey:R002:comments"],
            "redacted": ["[name removed] said yes.", "other"],
        }
    )
    table, counts = p.approved_excerpts(candidates, approvals)
    assert table.to_dict("records") == [
        {"excerpt_id": "survey:R001:comments", "text": "[name removed] said yes."}
    ]
    assert counts == {"candidates": 2, "approved": 1, "stale": 0, "unknown": 0}
    changed = candidates.assign(redacted=["[name removed] said no.", "other"])
    table, counts = p.approved_excerpts(changed, good)
    assert table.empty and counts["stale"] == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id,hash\n", "missing column"),
        ("excerpt_id,sha256\nx,abc\n", "line 2: sha256 'abc'"),
        (f"excerpt_id,sha256\nx,{'a' * 64}\nx,{'b' * 64}\n", "line 3: excerpt 'x' is listed twice"),
    ],
)
def test_a_malformed_approvals_file_names_the_file_and_line(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "approved.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(p.PrivacyError, match=message):
        p.load_approvals(path)


def test_the_committed_approvals_file_is_readable() -> None:
    approvals = p.load_approvals(Path(__file__).resolve().parents[2] / p.APPROVALS_FILE)
    assert approvals.present
