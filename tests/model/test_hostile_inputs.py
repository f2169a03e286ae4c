"""Hostile and malformed inventory files: each case asserts the exact outcome, and none
prints a traceback, hangs or runs out of memory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from estate.cli import main
from estate.errors import Problem, printable
from estate.model import load
from estate.model.files import DEFAULT_MAX_FILE_BYTES, UnreadableFile, max_file_bytes, \
    open_regular, read_regular_bytes

GOOD = """\
kind: authority
authority: {id: alpha, name: Alpha Council}
systems:
  - {id: a-crm, name: CRM, supports: []}
"""


def problems(path, **kw) -> list:
    return [(Path(p.file).name, p.line, p.column, p.code, p.message) for p in load([str(path)], **kw).problems
            if p.severity != "info"]


# --- only regular files of a sane size are read -----------------------------------------------

def test_a_link_to_dev_zero_a_fifo_and_a_folder_named_yaml_are_refused_by_name(tmp_path):
    (tmp_path / "good.yaml").write_text(GOOD, encoding="utf-8")
    os.symlink("/dev/zero", tmp_path / "zero.yaml")
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "folder.yaml").mkdir()
    (tmp_path / "folder.yaml" / "inside.yaml").write_text(GOOD, encoding="utf-8")
    assert problems(tmp_path) == [
        ("folder.yaml", 0, 0, "E105", "cannot read the file: it is a folder, not a file"),
        ("pipe.yaml", 0, 0, "E105", "cannot read the file: it is a named pipe (FIFO), not a regular file"),
        ("zero.yaml", 0, 0, "E105", "cannot read the file: it is a device, not a regular file"),
    ]


def test_a_fifo_named_on_the_command_line_is_an_error_not_a_hang(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "pipe.yaml")])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{tmp_path / 'pipe.yaml'}: E105 cannot read the file: it is a named pipe (FIFO), not a "
        "regular file")


def test_a_file_over_the_limit_is_refused_with_the_limit_and_how_to_raise_it(tmp_path, monkeypatch):
    (tmp_path / "big.yaml").write_text(GOOD + "# " + "x" * 500 + "\n", encoding="utf-8")
    (tmp_path / "small.yaml").write_text(GOOD.replace("alpha", "beta"), encoding="utf-8")
    monkeypatch.setenv("ESTATE_MAX_FILE_BYTES", "400")
    estate = load([str(tmp_path)])
    [error] = estate.errors
    assert (Path(error.file).name, error.code) == ("big.yaml", "E106")
    assert error.message == "cannot read the file: it is larger than the limit of 400 bytes (613 bytes)"
    assert error.hint == "split it into smaller files, or raise the limit with ESTATE_MAX_FILE_BYTES=<bytes>"
    assert list(estate.authorities) == ["beta"]        # the shipped catalogue is not limited
    # the argument wins over the environment
    assert not load([str(tmp_path)], max_file_bytes=10_000).errors


def test_the_size_limit_defaults_to_64_mib_and_ignores_a_bad_setting(monkeypatch):
    monkeypatch.delenv("ESTATE_MAX_FILE_BYTES", raising=False)
    assert max_file_bytes() == DEFAULT_MAX_FILE_BYTES == 64 * 1024 * 1024
    monkeypatch.setenv("ESTATE_MAX_FILE_BYTES", "lots")
    assert max_file_bytes() == DEFAULT_MAX_FILE_BYTES
    assert max_file_bytes(5) == 5


def test_the_helpers_read_regular_files_and_refuse_the_rest(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"x,y\n")
    assert read_regular_bytes(tmp_path / "a.csv") == b"x,y\n"
    with open_regular(tmp_path / "a.csv") as f:
        assert f.read() == b"x,y\n"
    with pytest.raises(UnreadableFile) as caught:
        read_regular_bytes(tmp_path / "a.csv", limit=3)
    assert (caught.value.code, str(caught.value.path)) == ("E106", str(tmp_path / "a.csv"))
    with pytest.raises(UnreadableFile) as caught:
        read_regular_bytes("/dev/zero")
    assert caught.value.reason == "it is a device, not a regular file"
    with pytest.raises(UnreadableFile) as caught:
        read_regular_bytes(tmp_path / "missing.csv")
    assert caught.value.reason == "No such file or directory"


# --- numbers are numbers ----------------------------------------------------------------------

def test_money_counts_and_years_are_finite_and_within_bounds(tmp_path):
    (tmp_path / "n.yaml").write_text(f"""\
kind: authority
authority: {{id: alpha, name: Alpha}}
systems:
  - {{id: a1, name: A1, supports: [], annual_cost: .nan}}
  - {{id: a2, name: A2, supports: [], annual_cost: .inf}}
  - {{id: a3, name: A3, supports: [], annual_cost: {'9' * 400}}}
  - {{id: a4, name: A4, supports: [], users: -3}}
  - {{id: a5, name: A5, supports: [], users: {'9' * 5000}}}
  - {{id: a6, name: A6, supports: [], introduced: 3000, end_of_support: 9999-01-01}}
contracts:
  - {{id: C1, supplier: Capita, end: 2027-01-01, annual_value: -.inf, total_value: 1.0e+300}}
""", encoding="utf-8")
    got = [(p.line, p.code, p.message) for p in load([str(tmp_path)]).errors]
    assert got == [
        (4, "E125", "'annual_cost' of system 'a1' of 'alpha' is nan, not a number of pounds"),
        (5, "E125", "'annual_cost' of system 'a2' of 'alpha' is inf, not a number of pounds"),
        (6, "E125", "'annual_cost' of system 'a3' of 'alpha' is a number of 400 digits, more than "
                    "the largest amount accepted (£100,000,000,000)"),
        (7, "E126", "'users' of system 'a4' of 'alpha' is -3; it must be between 0 and 10000000"),
        (8, "E126", "'users' of system 'a5' of 'alpha' is a number of 5,000 digits; it must be "
                    "between 0 and 10000000"),
        (9, "E126", "'introduced' of system 'a6' of 'alpha' is 3000; it must be between 1950 and 2100"),
        (9, "E124", "'end_of_support' of system 'a6' of 'alpha' is 9999-01-01, outside the years "
                    "1900 to 2199"),
        (11, "E125", "'annual_value' of contract 'C1' of 'alpha' is -inf, not a number of pounds"),
        (11, "E125", "'total_value' of contract 'C1' of 'alpha' is 1e+300, more than the largest "
                     "amount accepted (£100,000,000,000)"),
    ]


# --- keys, tags and lists ---------------------------------------------------------------------

def test_a_key_given_twice_is_an_error_not_last_wins(tmp_path):
    (tmp_path / "d.yaml").write_text("""\
kind: authority
authority: {id: alpha, name: Alpha}
systems:
  - id: a1
    name: One
    name: Two
    supports: []
""", encoding="utf-8")
    [error] = load([str(tmp_path)]).errors
    assert (error.line, error.column, error.code, error.message) == (
        6, 5, "E132", "key 'name' is given twice in one mapping (first on line 5); YAML would "
        "keep only the last")


def test_binary_and_other_non_text_values_where_text_belongs_are_errors(tmp_path):
    (tmp_path / "b.yaml").write_text("""\
kind: authority
authority: {id: alpha, name: Alpha}
systems:
  - {id: a1, name: !!binary aGVsbG8=, supports: [], owner: 2020-01-01, 12345: x}
""", encoding="utf-8")
    got = [(p.code, p.message) for p in load([str(tmp_path)]).errors]
    assert got == [
        ("E121", "'name' of system 'a1' of 'alpha' must be text, not binary data (!!binary)"),
        ("E121", "'owner' of system 'a1' of 'alpha' must be text, not the date 2020-01-01"),
        ("E121", "a key of system 'a1' of 'alpha' must be text, not the number 12345"),
    ]


def test_a_null_supports_and_repeated_lines_are_reported(tmp_path):
    (tmp_path / "s.yaml").write_text("""\
kind: authority
authority: {id: alpha, name: Alpha}
systems:
  - {id: a1, name: One, supports: }
  - {id: a2, name: Two, supports: [council-tax, business-rates, council-tax]}
""", encoding="utf-8")
    estate = load([str(tmp_path)])
    got = [(p.line, p.code, p.message) for p in estate.problems if p.severity != "info"]
    assert got == [
        (4, "E121", "'supports' of system 'a1' of 'alpha' is empty (null)"),
        (5, "W211", "system 'a2' of 'alpha' lists 'council-tax' twice in 'supports'; it is counted once"),
    ]
    assert estate.authorities["alpha"].systems["a2"].supports == ["council-tax", "business-rates"]


@pytest.mark.parametrize("char,name", [("\x00", "U+0000 (NUL)"), ("\x07", "U+0007")])
def test_a_control_character_is_a_syntax_error_on_its_line(tmp_path, char, name):
    (tmp_path / "c.yaml").write_text(GOOD.replace("name: CRM", f"name: \"C{char}RM\""),
                                     encoding="utf-8")
    [error] = load([str(tmp_path)]).errors
    assert (error.line, error.column, error.code) == (4, 25, "E101")
    assert error.message == f"YAML syntax error: character {name} is not allowed in YAML text"


# --- text output cannot be forged -------------------------------------------------------------

def test_a_newline_in_a_value_cannot_forge_a_line_of_validate_output(tmp_path):
    (tmp_path / "f.yaml").write_text(GOOD.replace(
        "supports: []", 'supports: [], hosting: "moon\\n/tmp/x.yaml:1:1: E999 forged\\u202e"'),
        encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert not any(line.startswith("/tmp/x.yaml") for line in result.output.splitlines())
    assert "'moon\\n/tmp/x.yaml:1:1: E999 forged\\u202e' is not a known hosting" in result.output
    assert len(result.output.splitlines()) == 2


def test_printable_escapes_every_control_character_and_keeps_the_rest():
    assert printable("a\nb\rc\td\x00e\x1bf\x7fg\u2028h\u202ei é £") == \
        "a\\nb\\rc\\td\\x00e\\x1bf\\x7fg\\u2028h\\u202ei é £"
    problem = Problem(code="E121", name="wrong-type", severity="error", message="x\ny",
                      file="a\nb.yaml", line=1, column=2, hint="h\x00")
    assert problem.format() == "a\\nb.yaml:1:2: E121 x\\ny\n  hint: h\\x00"


def test_deeply_nested_brackets_are_refused_not_a_crash(tmp_path):
    # 200,000 nested lists crash libyaml's composer (it recurses in C): refused first
    (tmp_path / "deep.yaml").write_text("kind: authority\nauthority: {id: a, name: A}\nsystems: "
                                        + "[" * 200_000 + "]" * 200_000 + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{tmp_path / 'deep.yaml'}:3:510: E102 the YAML nests lists or mappings more than 500 "
        "deep; refused")


def test_brackets_inside_quotes_do_not_count_as_nesting(tmp_path):
    (tmp_path / "q.yaml").write_text(GOOD.replace("name: CRM", "name: \"" + "[" * 600 + "\""),
                                     encoding="utf-8")
    estate = load([str(tmp_path)])
    assert not estate.errors
    assert estate.authorities["alpha"].systems["a-crm"].name == "[" * 600
