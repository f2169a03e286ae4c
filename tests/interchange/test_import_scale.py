"""The import benchmark's inputs and measurement (small sizes; `make bench` runs big ones)."""

from __future__ import annotations

from estate.interchange.scale import measure_imports


def test_measure_imports_reports_each_size(tmp_path):
    seen = []
    rows = measure_imports(tmp_path, releases=(40, 80), rows=(70,), report=seen.append)
    assert rows == seen
    assert [(r["import"], r["size"], r["contracts"]) for r in rows] == \
        [("ocds", 40, 40), ("ocds", 80, 80), ("table", 70, 70)]   # rows without an end kept
    assert all(r["seconds"] >= 0 and r["cpu_seconds"] >= 0 and r["peak_mb"] > 0 for r in rows)
