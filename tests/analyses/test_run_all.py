"""run_all: every analysis in a fixed order, with the garbage collector off meanwhile."""

from __future__ import annotations

import gc

from estate.analyses import ANALYSES, run_all

FILES = {
    "alpha.yaml": """
        kind: authority
        authority: {id: alpha, name: Alpha Council}
        lines_of_business:
          - {id: council-tax}
        systems:
          - {id: rev, name: Revenues, product: iWorld, supports: [council-tax]}
        contracts:
          - {id: A-1, supplier: Northgate, covers: [rev], end: 2027-03-31}
    """,
}


def test_every_analysis_in_order_then_data_quality(mini, settings):
    estate, graph = mini(FILES)
    timings: dict = {}
    findings = run_all(estate, graph, settings, timings)
    assert list(findings) == [k for k, _ in ANALYSES if k != "_quality"] + ["data_quality"]
    assert [k for k in timings if not k.startswith("cpu:")] == [f"analyse:{k}" for k, _ in ANALYSES]
    # each analysis's CPU seconds beside its wall time
    assert [k for k in timings if k.startswith("cpu:")] == [f"cpu:analyse:{k}" for k, _ in ANALYSES]
    assert all(timings[f"cpu:analyse:{k}"] >= 0 for k, _ in ANALYSES)


def test_the_collector_is_off_while_analysing_and_as_it_was_after(mini, settings, monkeypatch):
    estate, graph = mini(FILES)
    seen = []
    monkeypatch.setattr("estate.analyses.ANALYSES",
                        [("probe", lambda e, g, s: seen.append(gc.isenabled()) or [])])
    assert gc.isenabled()
    run_all(estate, graph, settings)
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        run_all(estate, graph, settings)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_roadmap_reads_the_windows_found_instead_of_finding_them_again(mini, settings,
                                                                          monkeypatch):
    from estate.analyses import procurement_windows
    estate, graph = mini(FILES)
    calls = []
    found = procurement_windows.find

    def counted(*args, **kwargs):
        calls.append(1)
        return found(*args, **kwargs)

    monkeypatch.setattr("estate.analyses.ANALYSES",
                        [(k, counted if k == "procurement_windows" else f) for k, f in ANALYSES])
    monkeypatch.setattr(procurement_windows, "find", counted)
    findings = run_all(estate, graph, settings)
    assert len(calls) == 1 and "roadmap" in findings
