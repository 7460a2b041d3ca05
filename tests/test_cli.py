"""The front door: every command and every group of commands answers --help."""

from __future__ import annotations

import pytest

from pipeline.__main__ import COMMANDS, main

GROUPS = sorted({words[0] for words in COMMANDS if len(words) > 1})


def _help(argv: list[str], capsys) -> tuple[int, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse exits after printing help
        code = int(exc.code or 0)
    return code, capsys.readouterr().out


@pytest.mark.parametrize("words", sorted(COMMANDS), ids=" ".join)
def test_every_command_answers_help(words, capsys):
    code, out = _help([*words, "--help"], capsys)
    assert code == 0
    assert "usage:" in out.lower(), out


@pytest.mark.parametrize("group", GROUPS)
def test_every_group_answers_help(group, capsys):
    code, out = _help([group, "--help"], capsys)
    assert code == 0
    for words in COMMANDS:
        if words[0] == group:
            assert " ".join(words) in out


def test_a_group_without_its_command_says_what_is_missing(capsys):
    assert main([GROUPS[0]]) == 2
    assert "missing command" in capsys.readouterr().err


def test_an_unknown_command_is_named(capsys):
    assert main(["centres", "polish"]) == 2
    err = capsys.readouterr().err
    assert "unknown command: centres polish" in err and "centres clean" in err


def test_the_top_level_help_lists_every_command(capsys):
    code, out = _help(["--help"], capsys)
    assert code == 0
    for words in COMMANDS:
        assert " ".join(words) in out
