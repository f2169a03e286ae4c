"""Reusing what an identical earlier run wrote, instead of writing it again.

A run of ``estate analyse`` that completes leaves a *run record* in the cache folder
(``runs/``, one JSON file per output folder): a key, and the size and modification time
of every file it wrote.  The key is a SHA-256 over everything the outputs depend on:

* the bytes of every inventory file read, with its path (paths appear in the findings);
* the settings and output choices after ``estate.yaml`` and the options (``--as-of``
  included: a run on another day, with the default ``--as-of`` of today, is a different
  run);
* the outputs asked for, ``--strict``, and the files of a ``--templates`` folder;
* the baseline of ``--baseline`` (its files' bytes) or ``--since`` (the commit);
* estate itself: its version and the bytes of its own source, templates and catalogue,
  so that a changed or upgraded estate never reuses an older run's outputs;
* the Graphviz ``dot`` found on the path (its location, size and time), when maps are drawn.

The next run into the same folder with the same key, whose outputs are all still as
they were written (same size and modification time: nobody has edited, replaced or
deleted them), has nothing to do: :func:`current` says so and nothing is rewritten.
``--force`` rewrites the outputs anyway; ``--no-cache`` turns reuse off along with the
parse cache.

Maps are also reused one by one when the key differs (an edited council's file): a map
whose DOT text is byte for byte what it was, drawn by the same estate and Graphviz,
whose drawn files are untouched, is not drawn again (:meth:`RunRecord.drawn`).  Editing
one council's file redraws that council's map and the maps that show it (its partnership,
region, the landscape), not the other councils'.

The report's detail pages (``report/<page>.html``) are reused the same way: a page whose
key, a digest of what its templates read (:class:`estate.render.html.PageKeys`), is the
one recorded, and whose file is untouched, is linked from the earlier run's folder
instead of being rendered (:class:`PageReuse`).

A run removes its folder's record before it writes anything, and writes the new record
last, so a run that fails half way leaves no record and the next run does everything.
Records are written atomically; one that cannot be read is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

import estate
from estate import __version__
from estate.model.parse_cache import digest
from estate.errors import OutputError
from estate.output import atomic_path, link_or_copy

log = logging.getLogger(__name__)

#: bumped when the record's layout changes; older records are then ignored
RECORD_FORMAT = 1
#: estate's own files that shape its outputs (source, templates, catalogue)
_SOURCE_SUFFIXES = {".py", ".html", ".j2", ".jinja", ".css", ".js", ".yaml", ".csv", ".svg"}

_fingerprint: Optional[str] = None


def code_fingerprint() -> str:
    """A SHA-256 over estate's version and the bytes of its own files (computed once)."""
    global _fingerprint
    if _fingerprint is None:
        _fingerprint = tree_digest(
            Path(estate.__file__).resolve().parent, seed=__version__.encode(),
            keep=lambda p: p.suffix in _SOURCE_SUFFIXES and "__pycache__" not in p.parts)
    return _fingerprint


def _stat(path: Path) -> Optional[list]:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def graphviz_identity() -> Optional[list]:
    """Where ``dot`` is, with its size and time: a Graphviz upgrade redraws every map."""
    found = shutil.which("dot")
    if not found:
        return None
    return [found, *(_stat(Path(found).resolve()) or [])]


def tree_digest(folder, seed: bytes = b"", keep=lambda path: True) -> str:
    """A SHA-256 over ``seed`` and the relative path and bytes of each file ``keep``s."""
    h = hashlib.sha256(seed)
    root = Path(folder)
    for path in sorted(p for p in root.rglob("*") if keep(p) and p.is_file()):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def run_key(inputs: Iterable[tuple], settings, choices, outputs: Iterable[str], strict: bool,
            baseline: Optional[dict] = None) -> str:
    """The key of a run: ``inputs`` are ``(path, sha256 of the bytes)`` in reading order;
    ``settings`` and ``choices`` the run's :class:`~estate.config.Settings` and
    :class:`~estate.choices.OutputChoices`; ``baseline`` what the run's ``--baseline`` or
    ``--since`` stands for (:meth:`~estate.timeline.baseline.Baseline.identity`)."""
    parts = {
        "format": RECORD_FORMAT,
        "estate": code_fingerprint(),
        "settings": settings.as_dict(),
        "choices": choices.as_dict(),
        "outputs": sorted(outputs),
        "strict": bool(strict),
        "templates": tree_digest(choices.templates) if choices.templates else None,
        "graphviz": graphviz_identity() if "maps" in outputs and choices.maps != "none" else None,
        "inputs": [list(pair) for pair in inputs],
        "baseline": baseline,
    }
    text = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def input_digests(files: Iterable[str]) -> list[tuple]:
    """``(path, sha256)`` of each file, in order (a file that cannot be read: ``None``)."""
    out = []
    for path in files:
        try:
            with open(path, "rb") as f:
                out.append((path, digest(f.read())))     # the parse cache's key too
        except OSError:
            out.append((path, None))
    return out


@dataclass
class RunRecord:
    """What one completed run wrote into one output folder (see the module docstring)."""

    key: str
    outdir: str
    finished: str = ""
    summary: dict = field(default_factory=dict)
    warnings: int = 0
    notes: list = field(default_factory=list)
    written: list = field(default_factory=list)      # what the run listed, as printed
    files: dict = field(default_factory=dict)        # path under outdir -> [size, mtime_ns]
    maps: dict = field(default_factory=dict)         # stem -> {"sha", "drawing", "result"}
    pages: dict = field(default_factory=dict)        # report page under outdir -> its key

    def untouched(self, names: Iterable[str]) -> bool:
        """True when every file in ``names`` (paths under the output folder) is as written."""
        root = Path(self.outdir)
        for name in names:
            recorded = self.files.get(name)
            if recorded is None or _stat(root / name) != recorded:
                return False
        return True

    def drawn(self, stem: str, source_sha: str, drawing: str) -> Optional[dict]:
        """The result of drawing map ``stem`` last time, if it can stand for this time's."""
        entry = self.maps.get(stem)
        if not entry or entry.get("sha") != source_sha or entry.get("drawing") != drawing:
            return None
        result = entry.get("result") or {}
        if result.get("error") or not self.untouched((result.get("files") or {}).values()):
            return None
        return result


class RunRecords:
    """The run records kept under ``<cache root>/runs``, one per output folder."""

    def __init__(self, root):
        self.folder = Path(root) / "runs"

    def _path(self, outdir) -> Path:
        name = hashlib.sha256(str(Path(outdir).resolve()).encode("utf-8")).hexdigest()[:32]
        return self.folder / f"{name}.json"

    def get(self, outdir) -> Optional[RunRecord]:
        """The record of the last completed run into ``outdir``, if there is a readable one."""
        try:
            data = json.loads(self._path(outdir).read_text(encoding="utf-8"))
            if data.pop("format", None) != RECORD_FORMAT:
                return None
            record = RunRecord(**data)
        except (OSError, ValueError, TypeError):
            return None
        if Path(record.outdir) != Path(outdir).resolve():
            return None
        return record

    def forget(self, outdir) -> None:
        """Remove ``outdir``'s record (a run is about to rewrite what it lists)."""
        with contextlib.suppress(OSError):
            self._path(outdir).unlink()

    def put(self, record: RunRecord) -> None:
        """Store ``record``; a cache that cannot be written is not an error."""
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            with atomic_path(self._path(record.outdir)) as tmp:
                Path(tmp).write_text(json.dumps({"format": RECORD_FORMAT, **record.__dict__},
                                                indent=1, default=str), encoding="utf-8")
        except (OSError, OutputError) as exc:
            log.debug("run record not written: %s", exc)


def current(record: Optional[RunRecord], key: str) -> bool:
    """True when ``record`` is of a run with this ``key`` and its outputs are untouched."""
    return record is not None and record.key == key and record.untouched(record.files)


def files_written(outdir: Path, written: Iterable[Path], maps: list, pages: Iterable[str] = ()) -> dict:
    """``{path under outdir: [size, mtime_ns]}`` of the top-level outputs, map files and
    the report's detail ``pages``."""
    outdir = Path(outdir)
    names = [Path(p).name for p in written if Path(p).name != "maps"]
    for m in maps:
        names += list((m.get("files") or {}).values())
    names += list(pages)
    files = {}
    for name in names:
        stat = _stat(outdir / name)
        if stat is not None:
            files[name] = stat
    return files


class MapReuse:
    """Hands the map renderer the maps an earlier run drew from the same DOT text.

    ``previous`` is the folder's last record (None: draw everything); ``drawing`` names
    what draws the maps (estate and Graphviz); ``into`` is the folder this run writes
    (the staging folder of :mod:`estate.publish`), into which a reused map's files are
    linked from the previous run's folder.  What is drawn or reused is remembered in
    :attr:`entries`, for this run's record.  Safe to call from the renderer's threads.
    """

    def __init__(self, previous: Optional[RunRecord], drawing: str, into=None):
        self.previous, self.drawing, self.into = previous, drawing, into
        self.entries: dict = {}
        self.reused = 0
        self._lock = threading.Lock()

    @staticmethod
    def _sha(source: str, formats: list) -> str:
        return hashlib.sha256(("\0".join(formats) + "\0" + source).encode("utf-8")).hexdigest()

    def lookup(self, stem: str, source: str, formats: list) -> Optional[dict]:
        if self.previous is None:
            return None
        sha = self._sha(source, formats)
        result = self.previous.drawn(stem, sha, self.drawing)
        if result is None:
            return None
        if self.into is not None and Path(self.into) != Path(self.previous.outdir):
            try:
                for name in result["files"].values():
                    (Path(self.into) / name).parent.mkdir(parents=True, exist_ok=True)
                    link_or_copy(Path(self.previous.outdir) / name, Path(self.into) / name)
            except OSError as exc:
                log.debug("map %s not reused: %s", stem, exc)
                return None
        with self._lock:
            self.reused += 1
            self.entries[stem] = {"sha": sha, "drawing": self.drawing, "result": result}
        return dict(result)

    def remember(self, stem: str, source: str, formats: list, result: dict) -> None:
        with self._lock:
            self.entries[stem] = {"sha": self._sha(source, formats), "drawing": self.drawing,
                                  "result": result}


class PageReuse:
    """Hands the report the detail pages an earlier run wrote from the same context.

    A page's key (:class:`estate.render.html.PageKeys`) is a digest of everything its
    templates can read: the template sources, estate's version and code, and the values
    of the context variables they name.  ``previous`` is the folder's last record (None:
    render everything).  A page whose key is the one recorded, and whose file is as that
    run wrote it, is linked (or copied) from the previous run's folder instead of being
    rendered.  What is written or reused is remembered in :attr:`entries`, for this
    run's record; :attr:`reused` and :attr:`rendered` count the pages.
    """

    def __init__(self, previous: Optional[RunRecord]):
        self.previous = previous
        self.entries: dict = {}
        self.reused = self.rendered = 0

    def lookup(self, name: str, key: Optional[str], target) -> bool:
        """True when page ``name`` (a path under the output folder) was put at ``target``
        from the previous run's folder."""
        previous = self.previous
        if key is None or previous is None or previous.pages.get(name) != key or not previous.untouched([name]):
            return False
        source, target = Path(previous.outdir) / name, Path(target)
        try:
            if source.resolve() != target.resolve():
                target.parent.mkdir(parents=True, exist_ok=True)
                link_or_copy(source, target)
        except OSError as exc:
            log.debug("page %s not reused: %s", name, exc)
            return False
        self.entries[name] = key
        self.reused += 1
        return True

    def remember(self, name: str, key: Optional[str]) -> None:
        """Page ``name`` was rendered from a context of this ``key``."""
        self.rendered += 1
        self.entries[name] = key            # None: a page that is never reused


def drawing_identity() -> str:
    """What draws the maps: estate's own files and the Graphviz found on the path."""
    return hashlib.sha256(json.dumps([code_fingerprint(), graphviz_identity()]).encode()).hexdigest()
