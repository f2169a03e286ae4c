"""After an edit, only the councils whose findings depend on it are worked out again, and
the findings are those of a run that reuses nothing (``estate/analyses/_per_council.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from estate.analyses import PER_COUNCIL, CouncilCache
from estate.cli import main
from estate.config import Settings
from estate.findings import run_analyses
from estate_testing import AS_OF, MINI_CATALOGUE, load_mini, write_inventory

#: four councils over the mini catalogue.  alpha runs two council-tax systems (a
#: duplicate); beta's finance system supports gamma's shared-service line (both are in
#: the 'trio' partnership); beta's contract covers delta's CRM as well as its own system.
ESTATE = {
    "alpha.yaml": """
        kind: authority
        authority: {id: alpha, name: Alpha Council}
        systems:
          - {id: a-ct1, name: Revenues, product: NEC Revenues & Benefits, supports: [council-tax],
             annual_cost: 100000, hosting: on-premise, criticality: high}
          - {id: a-ct2, name: Academy, product: Academy, supports: [council-tax], annual_cost: 50000}
        contracts:
          - {id: A-C1, supplier: Northgate, covers: [a-ct1], end: 2027-03-31, annual_value: 100000}
        """,
    "beta.yaml": """
        kind: authority
        authority: {id: beta, name: Beta Council, partnerships: [trio]}
        systems:
          - {id: b-fin, name: Finance, supports: [financial-management], annual_cost: 20000}
        contracts:
          - {id: B-C1, supplier: Civica, covers: [b-fin, delta/d-crm], end: 2027-09-30,
             annual_value: 30000}
        """,
    "gamma.yaml": """
        kind: authority
        authority: {id: gamma, name: Gamma Council, partnerships: [trio]}
        lines_of_business:
          - {id: financial-management, delivery: shared-service}
        """,
    "delta.yaml": """
        kind: authority
        authority: {id: delta, name: Delta Council}
        systems:
          - {id: d-crm, name: CRM, supports: [customer-relationship-management],
             annual_cost: 8000}
        """,
}


@pytest.fixture
def folder(tmp_path) -> Path:
    inv = tmp_path / "inv"
    for name, text in ESTATE.items():
        write_inventory(inv, name, text)
    return inv


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def analyse(folder: Path, cache_root=None):
    """``(findings, cache)``: the findings of the estate in ``folder``, with a fresh
    :class:`CouncilCache` on ``cache_root`` (None: no cache)."""
    estate = load_mini(folder)
    assert not estate.errors, [p.format() for p in estate.errors]
    cache = CouncilCache(cache_root) if cache_root is not None else None
    timings: dict = {}
    _, findings = run_analyses(estate, Settings(as_of=AS_OF), cache=cache, timings=timings)
    if cache is not None:
        assert timings["analyse:reused councils"] == cache.stats.reused
        assert timings["analyse:recomputed councils"] == cache.stats.recomputed
    return findings, cache


def warm_then_edit(folder, cache_root, *change):
    """Fill the cache, apply ``change`` (file, old text, new text), analyse again; the
    second run's findings must be those of a run with no cache.  Returns the cache."""
    analyse(folder, cache_root)
    edit(folder, *change)
    findings, cache = analyse(folder, cache_root)
    cold, _ = analyse(folder)
    assert findings == cold
    return cache


def test_per_council_findings_are_listed():
    assert PER_COUNCIL == ("authorities", "duplicates", "complementary", "legacy_risks", "_quality")


def test_a_second_run_reuses_every_council(folder, tmp_path):
    first, cache = analyse(folder, tmp_path / "cache")
    assert (cache.stats.reused, cache.stats.recomputed, cache.stats.writes) == (0, 4, 4)
    second, cache = analyse(folder, tmp_path / "cache")
    assert (cache.stats.reused, cache.stats.recomputed) == (4, 0)
    cold, _ = analyse(folder)
    assert first == cold and second == cold
    # the estate is what the findings say: alpha's duplicate, gamma's line supported by beta
    assert [(d["authority"], d["line_of_business"]) for d in cold["duplicates"]] == \
        [("alpha", "council-tax")]
    gamma = next(a for a in cold["authorities"] if a["id"] == "gamma")
    assert gamma["lines_shared"] == {"financial-management": ["beta/b-fin"]}


def test_a_cost_changed_recomputes_only_its_council(folder, tmp_path):
    cache = warm_then_edit(folder, tmp_path / "cache", "alpha.yaml", "annual_cost: 50000",
                           "annual_cost: 70000")
    assert cache.recomputed == ["alpha"]
    findings, _ = analyse(folder)
    assert findings["duplicates"][0]["annual_cost"] == 170000


def test_a_dependency_across_councils_recomputes_both_ends(folder, tmp_path):
    # delta's CRM now depends on alpha's revenues system: alpha's system gains a dependent
    cache = warm_then_edit(folder, tmp_path / "cache", "delta.yaml", "annual_cost: 8000}",
                           "annual_cost: 8000, depends_on: [alpha/a-ct1]}")
    assert cache.recomputed == ["alpha", "delta"]
    findings, _ = analyse(folder)
    risk = next(r for r in findings["legacy_risks"] if r["system"] == "alpha/a-ct1")
    assert risk["dependents"] == 1


def test_a_shared_contract_changed_recomputes_the_councils_it_covers(folder, tmp_path):
    cache = warm_then_edit(folder, tmp_path / "cache", "beta.yaml", "end: 2027-09-30",
                           "end: 2026-01-31")
    # beta's own file, and delta's CRM that the contract covers; gamma reads only beta's
    # systems, which did not change
    assert cache.recomputed == ["beta", "delta"]


def test_a_partner_system_retired_recomputes_the_shared_service_council(folder, tmp_path):
    cache = warm_then_edit(folder, tmp_path / "cache", "beta.yaml", "name: Finance,",
                           "name: Finance, status: retired,")
    assert cache.recomputed == ["beta", "gamma"]
    findings, _ = analyse(folder)
    gamma = next(a for a in findings["authorities"] if a["id"] == "gamma")
    assert gamma["lines_shared"] == {} and gamma["lines_unsupported"] == ["financial-management"]


def test_a_catalogue_change_recomputes_every_council(folder, tmp_path):
    catalogue = folder.parent / "catalogue.yaml"
    catalogue.write_bytes(MINI_CATALOGUE.read_bytes())
    estate_files = [str(catalogue), str(folder)]

    def run(root):
        from estate.model import load
        estate = load(estate_files, default_catalogue=False)
        cache = CouncilCache(root) if root else None
        return run_analyses(estate, Settings(as_of=AS_OF), cache=cache)[1], cache

    run(tmp_path / "cache")
    catalogue.write_text(catalogue.read_text().replace("name: Civica\n", "name: Civica UK\n"))
    findings, cache = run(tmp_path / "cache")
    assert cache.recomputed == ["alpha", "beta", "delta", "gamma"]
    assert findings == run(None)[0]


def test_a_corrupt_entry_is_recomputed(folder, tmp_path):
    first, cache = analyse(folder, tmp_path / "cache")
    entries = sorted(cache.folder.rglob("*.msgpack"))
    assert len(entries) == 4
    raw = bytearray(entries[0].read_bytes())
    raw[-1] ^= 0xFF                                       # one byte of the findings changed
    entries[0].write_bytes(bytes(raw))
    entries[1].write_bytes(b"not an entry")
    second, cache = analyse(folder, tmp_path / "cache")
    assert (cache.stats.corrupt, cache.stats.recomputed, cache.stats.reused) == (2, 2, 2)
    assert second == first


def test_the_cli_writes_the_same_analysis_json_as_without_a_cache(folder, tmp_path):
    runner = CliRunner()

    def run(out, *cache):
        result = runner.invoke(main, ["analyse", str(MINI_CATALOGUE), str(folder), "-o", str(out),
                                      "--as-of", AS_OF.isoformat(), "--maps", "none", *cache])
        assert result.exit_code == 0, result.output
        return (out / "analysis.json").read_bytes()

    cached = ("--cache-dir", str(tmp_path / "cache"))
    run(tmp_path / "warm", *cached)
    edit(folder, "delta.yaml", "annual_cost: 8000}", "annual_cost: 8000, depends_on: [alpha/a-ct1]}")
    warm = run(tmp_path / "warm", *cached)
    cold = run(tmp_path / "cold", "--no-cache")
    assert warm == cold
    assert len(list((tmp_path / "cache" / "findings").rglob("*.msgpack"))) == 6
