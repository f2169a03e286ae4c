"""Progress of long work: the library reports it, the command line shows it.

Library code never prints.  :func:`estate.pipeline.analyse` and :func:`estate.model.load`
take a ``progress`` object and call ``begin(stage, total)``, ``advance(n)`` and ``end()``
on it; :class:`Progress` (the default) ignores them.  :class:`Bar` draws one line per
stage on a terminal (stderr), and :func:`for_stream` picks it only when the stream is a
terminal, so pipes and logs stay quiet.  A plain function ``f(stage, done, total)`` can
be passed instead of an object (:func:`as_progress`).
"""

from __future__ import annotations

import sys
import time
from typing import Callable, Optional, TextIO


class Progress:
    """Receives progress reports and ignores them."""

    def begin(self, stage: str, total: Optional[int] = None) -> None:
        """A stage starts; ``total`` units of work (None: unknown)."""

    def advance(self, n: int = 1) -> None:
        """``n`` more units of the current stage are done."""

    def end(self) -> None:
        """The current stage is finished."""


class Callback(Progress):
    """Calls ``f(stage, done, total)`` at each step (``total`` may be None)."""

    def __init__(self, f: Callable):
        self.f, self.stage, self.done, self.total = f, "", 0, None

    def begin(self, stage, total=None):
        self.stage, self.done, self.total = stage, 0, total
        self.f(stage, 0, total)

    def advance(self, n=1):
        self.done += n
        self.f(self.stage, self.done, self.total)

    def end(self):
        pass


def as_progress(value) -> Progress:
    """``value`` as a :class:`Progress`: None is silent, a function is called back."""
    if value is None:
        return Progress()
    if isinstance(value, Progress):
        return value
    if callable(value):
        return Callback(value)
    raise TypeError(f"progress must be a Progress or a function, not {type(value).__name__}")


class Bar(Progress):
    """One line per stage, redrawn in place: ``read   [#####.....]  210/514  3.2s``.

    Redraws at most ten times a second; the finished line stays, with its time.

    Ours rather than ``click.progressbar``: click's bar needs its length up front (it
    refuses a stage whose total is unknown, which the loader's first stage is) and owns
    the loop it wraps, while the library reports progress from inside its own loops
    through ``begin``/``advance``/``end``; the 30 lines here do exactly that.
    """

    WIDTH = 30

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic):
        self.stream, self.clock = stream, clock
        self.stage: Optional[str] = None
        self.done, self.total, self.started, self.drawn = 0, None, 0.0, 0.0

    def begin(self, stage, total=None):
        if self.stage is not None:
            self.end()
        self.stage, self.done, self.total = stage, 0, total
        self.started = self.clock()
        self.drawn = 0.0
        self._draw(force=True)

    def advance(self, n=1):
        self.done += n
        self._draw()

    def end(self):
        if self.stage is None:
            return
        if self.total is not None:
            self.done = self.total
        self._draw(force=True)
        self.stream.write("\n")
        self.stream.flush()
        self.stage = None

    def _draw(self, force: bool = False) -> None:
        now = self.clock()
        if not force and now - self.drawn < 0.1:
            return
        self.drawn = now
        elapsed = now - self.started
        if self.total:
            filled = int(self.WIDTH * min(self.done, self.total) / self.total)
            bar = f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {self.done:>6}/{self.total}"
        else:
            bar = f"{self.done:>6}" if self.done else ""
        self.stream.write(f"\r{self.stage:<10} {bar}  {elapsed:5.1f}s")
        self.stream.flush()


def for_stream(stream: TextIO = None, quiet: bool = False) -> Progress:
    """A :class:`Bar` on ``stream`` (default stderr) when it is a terminal, else silence."""
    stream = stream if stream is not None else sys.stderr
    if quiet:
        return Progress()
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return Bar(stream) if tty else Progress()
