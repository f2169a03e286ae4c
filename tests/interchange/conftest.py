"""Fixtures for the interchange tests: real data paths, the mini inventories, a runner."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from estate.cli import main

from estate_testing import SHARED_DATA as SHARED


@pytest.fixture
def shared_data():
    """The real data folder beside the repository (skips when it is absent)."""
    if not SHARED.is_dir():
        pytest.skip(f"the shared data folder {SHARED} is not here (only the copied excerpts are)")
    return SHARED


@pytest.fixture
def run():
    """``run(*args)`` -> click Result of ``estate ARGS`` (stdout and stderr kept apart)."""
    runner = CliRunner()

    def invoke(*args, ok=True):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
        if ok is True:
            assert result.exit_code == 0, f"exit {result.exit_code}\n{result.output}"
        return result

    return invoke
