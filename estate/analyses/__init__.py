"""Analyses: the estate graph in, plain findings out.

Each module finds one thing and states its rule, thresholds and reasons in its
docstring.  :func:`run_all` runs them in a fixed order and returns the dictionary that
becomes ``analysis.json``; renderers read that dictionary and never recompute it.
"""

from __future__ import annotations

import time
from typing import Callable, Optional

import networkx as nx

from estate.clock import thread_cpu
from estate.config import Settings
from estate.collector import collector_off
from estate.model.records import Estate
from estate.analyses import data_quality, summary
from estate.analyses import consolidation, duplicates, procurement_windows, shared_products
from estate.analyses import dependencies, indicators, legacy_risk, quality, roadmap, supplier_concentration
from estate.analyses import _per_council
from estate.analyses._per_council import PER_COUNCIL, CouncilCache  # noqa: F401

#: (key in analysis.json, function(estate, graph, settings) -> findings)
ANALYSES: list[tuple[str, Callable]] = [
    ("summary", summary.summarise),
    ("authorities", indicators.find),
    ("duplicates", duplicates.find),
    ("complementary", duplicates.find_complementary),
    ("shared_products", shared_products.find),
    ("consolidation_candidates", consolidation.find),
    ("procurement_windows", procurement_windows.find),
    ("supplier_concentration", supplier_concentration.find),
    ("vendor_concentration", supplier_concentration.find_vendors),
    ("legacy_risks", legacy_risk.find),
    ("dependencies", dependencies.find),
    ("roadmap", roadmap.find),
    ("_quality", quality.find),          # data-quality items only analyses see; into data_quality
]

#: analyses that read an earlier one's findings instead of working them out again:
#: key -> {keyword argument: key of the earlier finding}
READS: dict[str, dict[str, str]] = {"roadmap": {"windows": "procurement_windows"}}


def run_all(estate: Estate, graph: nx.DiGraph, settings: Settings,
            timings: Optional[dict] = None, cache: Optional[CouncilCache] = None) -> dict:
    """Every finding, keyed as in ``analysis.json``; ``data_quality`` comes last.

    Given a ``cache`` (:class:`~estate.analyses._per_council.CouncilCache`), the findings
    made council by council (:data:`PER_COUNCIL`) are made together, when the first of
    them is due (its time counts them all), and each council's part is taken from the
    cache when nothing it reads has changed; the other analyses run as ever.  The
    findings are the same either way.

    The garbage collector is off meanwhile: the analyses allocate millions of small
    objects and keep most of them (the findings), so collections triggered on the way
    would only walk them again and again (a fifth of their time, and more for legacy
    risk).  They leave next to no cyclic garbage (none on the synthetic estates); what
    there is goes at the next collection once they are done.
    """
    findings: dict = {}
    per_council: dict = {}
    with collector_off():
        for key, analysis in ANALYSES:
            started, cpu = time.perf_counter(), thread_cpu()
            earlier = {arg: findings[of] for arg, of in READS.get(key, {}).items() if of in findings}
            if cache is not None and key in PER_COUNCIL:
                if key not in per_council:
                    per_council.update(_per_council.run(estate, graph, settings, cache))
                findings[key] = per_council[key]
            else:
                findings[key] = analysis(estate, graph, settings, **earlier)
            if timings is not None:
                timings[f"cpu:analyse:{key}"] = thread_cpu() - cpu
                timings[f"analyse:{key}"] = time.perf_counter() - started
        if "supplier_concentration" in findings and "consolidation_candidates" in findings:
            supplier_concentration.relate(findings["supplier_concentration"],
                                          findings["consolidation_candidates"])
        findings["data_quality"] = data_quality.collect(estate, findings, settings)
        if isinstance(findings.get("summary"), dict):
            findings["summary"].update(summary.finding_counts(findings))
    return findings
