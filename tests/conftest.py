"""Shared fixtures: tiny estates written to files, loaded the way users load them."""

from __future__ import annotations

from pathlib import Path

import pytest

from estate.config import Settings
from estate.model import build_graph
from estate_testing import AS_OF, load_mini, write_inventory


@pytest.fixture(scope="session")
def _cache_home(tmp_path_factory):
    return tmp_path_factory.mktemp("xdg-cache")


@pytest.fixture(autouse=True)
def _private_cache(monkeypatch, _cache_home):
    """Runs without --cache-dir keep their cache in the test session's folder, not ~/.cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(_cache_home))


@pytest.fixture
def inventory(tmp_path):
    """``inventory(name, yaml_text)`` writes one inventory file into a fresh folder."""
    folder = tmp_path / "inv"
    folder.mkdir()

    def write(name: str, text: str) -> Path:
        return write_inventory(folder, name, text)

    write.folder = folder
    return write


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
