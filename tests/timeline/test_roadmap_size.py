"""The roadmap grows with the estate about linearly: a council's timeline holds its own
share of each procurement window (its contracts, the window's ref and a count), not the
whole window with every other council's contracts in it."""

from __future__ import annotations

import datetime as dt
import json

from estate import synth
from estate.config import Settings
from estate.findings import run_analyses
from estate.model import load


def roadmap_bytes(folder, n: int) -> tuple[int, int]:
    """(bytes of the roadmap finding as analysis.json writes it, procurement windows)."""
    synth.write(n, folder, seed=1)
    estate = load([str(folder)])
    assert not estate.errors, [p.format() for p in estate.errors][:3]
    _, findings = run_analyses(estate, Settings(as_of=dt.date(2026, 4, 1)))
    text = json.dumps(findings["roadmap"], indent=2, ensure_ascii=False, default=str)
    return len(text.encode("utf-8")), len(findings["procurement_windows"])


def test_roadmap_bytes_per_council_stay_flat_from_20_to_40_councils(tmp_path):
    small, small_windows = roadmap_bytes(tmp_path / "20", 20)
    large, large_windows = roadmap_bytes(tmp_path / "40", 40)
    assert large_windows > small_windows          # more councils, more (and wider) windows
    per_small, per_large = small / 20, large / 40
    assert per_large <= 1.1 * per_small, (per_small, per_large)
