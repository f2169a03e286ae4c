"""The ``analyse`` pipeline as a library call: load, check, graph, analyse, write.

The command line only parses options and calls :func:`analyse`; tests and other tools
can call it too.  Every output is written atomically (``estate.output``), and nothing
is written at all when the inventories are invalid.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from estate import __version__
from estate.analyses import run_all
from estate.config import Settings
from estate.errors import InventoryError
from estate.model import build_graph, load
from estate.output import write_json

log = logging.getLogger(__name__)


@dataclass
class Result:
    estate: object
    graph: object
    findings: dict
    written: list = field(default_factory=list)
    timings: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)     # things the user should know (stderr)


def check(estate, strict: bool = False) -> None:
    """Raise :class:`InventoryError` when the estate has errors (or warnings, if strict)."""
    if strict:
        for p in estate.problems:
            if p.severity == "warning":
                p.severity = "error"
    if estate.errors:
        raise InventoryError(estate.problems)


def analyse(paths, outdir, settings: Settings, *, strict: bool = False, jobs: int = 1,
            outputs: Optional[set] = None, progress=None) -> Result:
    """Analyse the inventories under ``paths`` and write the outputs into ``outdir``."""
    timings: dict = {}
    started = time.perf_counter()
    estate = load(paths, jobs=jobs)
    timings["load"] = time.perf_counter() - started
    check(estate, strict)
    t = time.perf_counter()
    graph = build_graph(estate)
    timings["graph"] = time.perf_counter() - t
    findings = run_all(estate, graph, settings, timings)
    result = Result(estate, graph, findings, timings=timings)
    outdir = Path(outdir)
    document = {"estate_version": __version__, "settings": settings.as_dict(), **findings}
    t = time.perf_counter()
    write_json(outdir / "analysis.json", document)
    timings["write:analysis.json"] = time.perf_counter() - t
    result.written.append(outdir / "analysis.json")
    return result
