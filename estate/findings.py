"""Load an estate and analyse it, writing nothing: the two steps every command shares.

:func:`load_valid` loads and validates (raising :class:`~estate.errors.InventoryError`
when the inventories are invalid); :func:`run_analyses` reads the estate as planned on
the as-of date (:mod:`estate.model.target_state`), builds the graph and runs every
analysis.  :mod:`estate.pipeline` adds the outputs; ``estate diff``, the exports and a
run's baseline call these directly, so that every command sees the same findings.
"""

from __future__ import annotations

import gc
from typing import Optional

from estate.clock import timed as _timed
from estate.config import Settings
from estate.errors import InventoryError
from estate.model import build_graph, load
from estate.model.target_state import as_planned
from estate.progress import as_progress


def make_strict(estate) -> None:
    """Count the estate's warnings as errors (``--strict``)."""
    for p in estate.problems:
        if p.severity == "warning":
            p.severity = "error"


def check(estate, strict: bool = False) -> None:
    """Raise :class:`InventoryError` when the estate has errors (or warnings, if strict)."""
    if strict:
        make_strict(estate)
    if estate.errors:
        raise InventoryError(estate.problems)


def load_valid(paths, strict: bool = False, **options):
    """The estate under ``paths`` (``options`` as :func:`estate.model.load` takes them);
    raises :class:`InventoryError` when it is invalid."""
    estate = load(paths, **options)
    check(estate, strict)
    return estate


def run_analyses(estate, settings: Settings, *, progress=None, timings: Optional[dict] = None,
                 freeze: bool = False, cache=None) -> tuple:
    """The estate's graph and the findings of every analysis: ``(graph, findings)``.

    ``timings`` (a dict) receives the time of the graph and of each analysis.  ``cache``
    (a :class:`~estate.analyses._per_council.CouncilCache`, or None) keeps the findings
    made council by council between runs; ``timings`` then counts the councils whose
    part was taken from it (``analyse:reused councils``) and those worked out
    (``analyse:recomputed councils``).  With
    ``freeze``, the graph is moved out of the garbage collector's sight before the
    analyses run (``gc.freeze``; the caller unfreezes, as :func:`analyse` does).
    """
    from estate.analyses import ANALYSES, run_all
    progress = as_progress(progress)
    timings = {} if timings is None else timings
    progress.begin("graph")
    with _timed(timings, "graph"):
        as_planned(estate, settings.as_of)
        graph = build_graph(estate)
    progress.end()
    if freeze:
        gc.freeze()
    progress.begin("analyse", len(ANALYSES))
    findings = run_all(estate, graph, settings, _Ticking(timings, progress), cache=cache)
    progress.end()
    if cache is not None:
        timings["analyse:reused councils"] = cache.stats.reused
        timings["analyse:recomputed councils"] = cache.stats.recomputed
    return graph, findings


class _Ticking(dict):
    """The timings dictionary, advancing ``progress`` as each analysis records its time."""

    def __init__(self, timings: dict, progress):
        super().__init__()
        self.timings, self.progress = timings, progress

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        self.timings[key] = value
        if not key.startswith("cpu:"):          # one tick an analysis, not two
            self.progress.advance()


