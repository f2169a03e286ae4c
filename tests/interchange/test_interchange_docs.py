"""docs/interchange.md documents every import and export command and its options."""

from __future__ import annotations

import pytest

from estate_testing import REPO
from estate.commands.interchange import export, import_group

DOC = (REPO / "docs" / "interchange.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("group,name", [(g, n) for g in (import_group, export) for n in g.commands])
def test_every_command_is_documented_with_an_example(group, name):
    command = group.commands[name]
    assert f"estate {group.name} {name}" in DOC
    assert command.help and len(command.help) > 20
    for param in command.params:
        if getattr(param, "help", None) is None and param.param_type_name == "option":
            pytest.fail(f"option {param.opts} of {group.name} {name} has no help")


def test_every_long_option_is_mentioned():
    for group in (import_group, export):
        for name, command in group.commands.items():
            for param in command.params:
                for opt in getattr(param, "opts", []):
                    if opt.startswith("--") and opt not in ("--output", "--help", "--strict",
                                                            "--name", "--config", "--kind",
                                                            "--sheet", "--header-row"):
                        assert opt in DOC, f"{opt} of {group.name} {name} is not in docs/interchange.md"
