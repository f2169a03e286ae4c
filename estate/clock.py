"""Wall and CPU seconds of the stages of a run, as ``timings`` records them.

Each stage ``<stage>`` records its wall time under ``<stage>`` and its CPU time under
``cpu:<stage>``: the user and system time of the thread that ran it
(``resource.RUSAGE_THREAD``; :func:`time.thread_time` where that is missing), so that
two stages running side by side (the maps drawn from a thread while the register is
written) are each charged only their own work.  A stage whose work is done by child
processes (parsing in worker processes, Graphviz, the register's forked writer) adds
their CPU time too: what ``RUSAGE_CHILDREN`` gained during the stage, less what another
stage reaped meanwhile and claimed as its own (:func:`claim_children`: the register's
writer, whose CPU time comes exactly from ``wait4``).

The CPU time beside the wall time says whether a slow stage computed or waited: the
register at 400 councils took 56 s of wall time for 15 s of CPU while the maps were
drawn beside it (``docs/performance.md``).
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

try:
    import resource
except ImportError:                 # pragma: no cover - Windows: no resource module
    resource = None

_RUSAGE_THREAD = getattr(resource, "RUSAGE_THREAD", None)

#: CPU seconds of child processes that a stage reaped and counted as its own
_claimed = 0.0
_lock = threading.Lock()


def thread_cpu() -> float:
    """User + system seconds of the calling thread so far."""
    if _RUSAGE_THREAD is not None:
        usage = resource.getrusage(_RUSAGE_THREAD)
        return usage.ru_utime + usage.ru_stime
    return time.thread_time()


def children_cpu() -> float:
    """User + system seconds of every child process reaped so far, less those claimed by
    a stage of their own (:func:`claim_children`)."""
    if resource is None:            # pragma: no cover
        return 0.0
    with _lock:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime - _claimed


@contextmanager
def claiming_children():
    """Reap a child inside this block and hand its CPU seconds to :func:`claim_children`
    before leaving: meanwhile :func:`children_cpu` is not read, so no other stage counts
    that child between the two."""
    with _lock:
        yield


def claim_children(seconds: float) -> None:
    """Count ``seconds`` of reaped children's CPU time as one stage's own, not charged to
    another stage running meanwhile (call inside :func:`claiming_children`)."""
    global _claimed
    _claimed += seconds


@contextmanager
def timed(timings: dict, key: str, children: bool = False):
    """Record the wall seconds of the block as ``timings[key]`` and its CPU seconds as
    ``timings["cpu:" + key]`` (with ``children``: plus its child processes')."""
    started, cpu = time.perf_counter(), thread_cpu()
    reaped = children_cpu() if children else 0.0
    try:
        yield
    finally:
        timings[key] = time.perf_counter() - started
        spent = thread_cpu() - cpu
        if children:
            spent += max(0.0, children_cpu() - reaped)
        timings[f"cpu:{key}"] = max(0.0, spent)
