"""Shared fixtures: tiny estates written to files, loaded the way users load them."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from estate.config import Settings
from estate.model import build_graph, load

FIXTURES = Path(__file__).parent / "fixtures"
MINI_CATALOGUE = FIXTURES / "mini-catalogue.yaml"
REPO = Path(__file__).parent.parent
AS_OF = dt.date(2026, 11, 21)


def write_inventory(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture
def inventory(tmp_path):
    """``inventory(name, yaml_text)`` writes one inventory file into a fresh folder."""
    folder = tmp_path / "inv"
    folder.mkdir()

    def write(name: str, text: str) -> Path:
        return write_inventory(folder, name, text)

    write.folder = folder
    return write


def load_mini(folder: Path, default_catalogue: bool = False):
    """Load ``folder`` over the tiny test catalogue (not the shipped one, unless asked)."""
    return load([str(MINI_CATALOGUE), str(folder)], default_catalogue=default_catalogue)


@pytest.fixture
def mini(inventory):
    """``mini(files: dict)`` -> (estate, graph) for an estate over the tiny catalogue."""

    def build(files: dict, settings: Settings | None = None):
        for name, text in files.items():
            inventory(name, text)
        estate = load_mini(inventory.folder)
        assert not estate.errors, "\n".join(p.format() for p in estate.errors)
        return estate, build_graph(estate)

    return build


@pytest.fixture
def settings():
    return Settings(as_of=AS_OF)
