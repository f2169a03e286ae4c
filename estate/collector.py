"""The garbage collector, out of the way of work that allocates much and frees little.

Loading, building the graph, running the analyses and rendering the report each make
hundreds of thousands to millions of objects, keep nearly all of them to the end of the
run, and make next to no cyclic garbage.  With the collector on, every so many
allocations it walks all the objects the run holds (the estate, the graph, the findings)
only to find them alive: at 400 councils that was a fifth of the analyses' time and 1.5
to 3 s of the report's.  :func:`collector_off` turns it off for such a block and back on
afterwards, if it was on.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def collector_off(settle: bool = False):
    """The collector off for the block, then as it was.

    ``settle``: on the way out, move what the block allocated to the oldest generation
    (``gc.freeze()`` then ``gc.unfreeze()``, which only splice lists) instead of leaving
    it in the youngest, where the first collection after the block would walk all of it
    (0.2 s for the estate of 100 councils).  Skipped when something is frozen already,
    which ``unfreeze`` would undo.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if settle and not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()
