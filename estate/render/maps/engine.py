"""Running Graphviz: each map laid out once and written in every format asked for.

The engine runs through :mod:`subprocess` rather than ``graphviz.pipe`` (version 0.21):
``pipe`` takes no timeout, and a map that runs away must be killed after
:func:`map_timeout`; and it writes one format a run, where one ``dot -Tsvg -Tpng``
run lays the map out once for both.  The ``graphviz`` package names the engines and
formats Graphviz knows (``graphviz.ENGINES``, ``graphviz.FORMATS``), which are checked here.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Optional

import graphviz

from estate.output import atomic_path, inside, safe_name, write_text
from estate.render.maps.dot import clean
from estate.render.maps.paper import paper_note
from estate.render.maps.style import Map

log = logging.getLogger(__name__)

#: seconds any Graphviz run may take before it is killed, however small the map
RENDER_TIMEOUT = 30.0
#: seconds allowed on top of :data:`RENDER_TIMEOUT` for each node, and each edge, of a map
TIMEOUT_PER_NODE = 0.05
TIMEOUT_PER_EDGE = 0.02
#: the longest any one map may take, however big
MAX_TIMEOUT = 600.0
#: a run limited to N CPU seconds is also stopped after this many times N wall-clock
#: seconds (a Graphviz run that waits, rather than computes, never reaches its CPU limit)
WALL_FACTOR = 4
#: Graphviz runs in parallel (threads that wait on subprocesses)
MAX_WORKERS = 4
#: formats Graphviz is asked for besides dot and svg
FORMATS = ("svg", "png", "pdf")


def dot_available() -> bool:
    """True when Graphviz ``dot`` is on the PATH."""
    return shutil.which("dot") is not None


# ---- rendering -----------------------------------------------------------------------

def map_timeout(source: str) -> float:
    """Seconds Graphviz may take to draw the DOT text ``source``: :data:`RENDER_TIMEOUT`
    + :data:`TIMEOUT_PER_NODE` x nodes + :data:`TIMEOUT_PER_EDGE` x edges, at most
    :data:`MAX_TIMEOUT`.

    Edges are the lines with an ``->``; nodes the other lines ending in an attribute
    list (the ``graph``/``node``/``edge`` defaults of the map and its clusters count too:
    a fraction of a second).  CPU seconds where :func:`run_graphviz` can limit them, so a
    busy machine running several maps at once does not run a healthy map out of time;
    the allowance is generous: a run stopped by it is a map that would take minutes.
    """
    edges = nodes = 0
    for line in source.splitlines():
        if '" -> "' in line:
            edges += 1
        elif line.endswith("]"):
            nodes += 1
    return min(MAX_TIMEOUT, RENDER_TIMEOUT + TIMEOUT_PER_NODE * nodes + TIMEOUT_PER_EDGE * edges)


def _formats(choices) -> list[str]:
    wanted = ["svg", *[str(f).strip().lower() for f in (choices.map_formats or ())]]
    out = []
    for fmt in wanted:
        if fmt in ("dot", "") or fmt in out:
            continue
        if fmt not in FORMATS:
            log.warning("map format %r is not supported (use %s); skipped", fmt, ", ".join(FORMATS))
            continue
        out.append(fmt)
    return out


def _stem(m: Map, seen: set) -> str:
    """``m``'s file stem: safe_name of its id, unique (ignoring case) among the stems in
    ``seen``, which it joins."""
    base = safe_name(m.id)
    stem, i = base, 2
    while stem.lower() in seen:
        stem, i = f"{base}-{i}", i + 1
    seen.add(stem.lower())
    return stem


def _cpu_limited(cmd: list, seconds: float) -> list:
    """``cmd`` run with at most ``seconds`` of CPU time (rounded up to whole seconds), the
    kernel's limit set by ``ulimit -t`` in a POSIX shell that then becomes the command;
    ``cmd`` as it is where there is no such shell (Windows)."""
    shell = shutil.which("sh") if os.name == "posix" else None
    if shell is None:
        return cmd
    return [shell, "-c", 'ulimit -t "$1" && shift && exec "$@"', "sh", str(max(1, math.ceil(seconds))), *cmd]


def run_graphviz(source: str, engine: str, outputs: dict, timeout: float) -> None:
    """Lay out ``source`` once with ``engine`` and write each ``{format: path}`` atomically.

    ``timeout``: the CPU seconds the run may use (on POSIX; its wall clock may run to
    :data:`WALL_FACTOR` times that, so a busy machine does not stop a healthy map), or
    wall-clock seconds where CPU time cannot be limited.  Past it: ``TimeoutExpired``.
    """
    if engine not in graphviz.ENGINES or not set(outputs) <= graphviz.FORMATS:
        raise RuntimeError(f"Graphviz has no engine {engine!r} or format among {sorted(outputs)}")
    with contextlib.ExitStack() as stack:
        cmd = [engine]
        for fmt, path in outputs.items():
            tmp = stack.enter_context(atomic_path(path, suffix=f".{fmt}"))
            cmd += [f"-T{fmt}", "-o", str(tmp)]
        limited = _cpu_limited(cmd, timeout)
        wall = timeout * WALL_FACTOR if limited != cmd else timeout
        done = subprocess.run(limited, input=source.encode("utf-8"), capture_output=True, timeout=wall)
        if limited != cmd and done.returncode in (-signal.SIGKILL, -getattr(signal, "SIGXCPU", signal.SIGKILL)):
            raise subprocess.TimeoutExpired(cmd, timeout)       # its CPU time ran out
        if done.returncode != 0:
            raise RuntimeError(done.stderr.decode("utf-8", "replace").strip() or f"{engine} failed")
        if done.stderr:
            log.debug("%s: %s", engine, done.stderr.decode("utf-8", "replace").strip())


def _render_one(m: Map, stem: str, outdir: Path, formats: list, timeout: Optional[float],
                reuse=None) -> dict:
    if reuse is not None:
        earlier = reuse.lookup(stem, m.source, formats)
        if earlier is not None:
            log.debug("map %s: unchanged since the last run; not drawn again", m.id)
            return earlier
    base = outdir.resolve().parent
    dot_path = inside(outdir, f"{stem}.dot")
    write_text(dot_path, m.source)
    outputs = {fmt: inside(outdir, f"{stem}.{fmt}") for fmt in formats}
    files = {"dot": dot_path.relative_to(base).as_posix()}
    result = {"id": m.id, "kind": m.kind, "title": m.title, "description": m.description,
              "files": files, "engine": m.engine}
    started = time.perf_counter()
    limit = map_timeout(m.source) if timeout is None else timeout
    engines = [m.engine] + [e for e in ("osage", "sfdp") if e != m.engine]
    for engine in engines:
        try:
            run_graphviz(m.source, engine, outputs, limit)
        except subprocess.TimeoutExpired:
            log.warning("map %s: %s ran out of time after %.0f s", m.id, engine, limit)
            result["error"] = f"{engine} took longer than {limit:.0f} s"
            continue
        except (OSError, RuntimeError) as exc:
            log.warning("map %s: %s failed: %s", m.id, engine, exc)
            result["error"] = f"{engine} failed: {clean(exc, 300)}"
            continue
        result.pop("error", None)
        result["engine"] = engine
        files.update({fmt: path.relative_to(base).as_posix() for fmt, path in outputs.items()})
        note = paper_note(outputs["svg"]) if "svg" in outputs else None
        if note:
            result["paper"] = note
        break
    log.debug("map %s drawn in %.2f s", m.id, time.perf_counter() - started)
    if reuse is not None:
        reuse.remember(stem, m.source, formats, result)
    return result
