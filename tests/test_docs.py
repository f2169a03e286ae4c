"""Docs that tests keep honest: every command documented, every problem code listed."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from estate.cli import main
from estate.model.codes import CODES

REPO = Path(__file__).parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix=""):
    for name, command in sorted(group.commands.items()):
        yield f"{prefix}{name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix}{name} ")


@pytest.mark.parametrize("name,command", list(_commands(main)))
def test_every_command_has_help_and_a_readme_entry(name, command):
    assert command.help and len(command.help.strip()) > 20, f"'{name}' needs --help text"
    assert f"estate {name}" in README, f"README.md does not document 'estate {name}'"
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help, f"option {param.opts} of '{name}' has no help text"


def test_the_readme_gives_the_two_setup_commands():
    assert "make analyse" in README and "make test" in README


def test_every_problem_code_is_documented_and_used():
    listed = (REPO / "docs" / "problems.md").read_text(encoding="utf-8")
    source = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "estate").rglob("*.py")
                       if p.name != "codes.py")
    for code, (name, _meaning) in CODES.items():
        assert f"| {code} | `{name}` |" in listed, f"{code} missing from docs/problems.md"
        assert re.search(rf'"{code}"', source), f"{code} is never reported by the code"


def test_the_readme_test_command_is_what_ci_runs():
    assert "make test" in (REPO / ".ci" / "run").read_text()


@pytest.mark.parametrize("name", ["analyses.md", "problems.md"])
def test_generated_reference_pages_are_up_to_date(name):
    from estate.dev.docgen import PAGES
    assert (REPO / "docs" / name).read_text(encoding="utf-8") == PAGES[name](), \
        f"docs/{name} is out of date: run python -m estate.dev.docgen"
