"""A cache of parsed inventory files, so that a second run reads pickles, not YAML.

One entry per file, named by the SHA-256 of the file's bytes and kept under a folder
named by the estate version and the loader version (``LOADER_VERSION``), so that a new
release or a new loader never reads an old entry.  The path is not part of the key: a
file moved or copied elsewhere is still a hit (its problems are re-labelled with the new
path).  An entry holds the parsed documents, the problems found while reading, and the
positions of every node, so problems are located without reading the YAML again.

Entries are written atomically (a temporary file moved into place), so a crash never
leaves half an entry; an entry that cannot be read, for whatever reason, is ignored,
counted in :attr:`CacheStats.corrupt`, and rebuilt.  The folder is created readable by
its owner only, because entries are pickles.

Where: ``--cache-dir``, else ``$XDG_CACHE_HOME/estate``, else ``~/.cache/estate``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from estate import __version__
from estate.model.loader import LOADER_VERSION, ParsedFile

MAGIC = b"estate-parse\n"


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/estate``, or ``~/.cache/estate`` when that is not set."""
    base = os.environ.get("XDG_CACHE_HOME")
    return Path(base) / "estate" if base else Path.home() / ".cache" / "estate"


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def dumps(parsed: ParsedFile) -> bytes:
    """A parsed file as bytes, for the cache and for passing between processes."""
    return pickle.dumps((parsed.path, parsed.docs, parsed.problems, parsed.digest, parsed.index),
                        protocol=pickle.HIGHEST_PROTOCOL)


def loads(blob: bytes, path: Optional[str] = None) -> ParsedFile:
    """The parsed file in ``blob``; ``path`` relabels it (and its problems) when it moved."""
    stored, docs, problems, sha, index = pickle.loads(blob)
    if path is not None and path != stored:
        for problem in problems:
            if problem.file == stored:
                problem.file = path
        stored = path
    return ParsedFile(stored, docs, problems, sha, index)


@dataclass
class CacheStats:
    """What the cache did in one run: counted, so tests and ``--debug`` can see it."""

    hits: int = 0
    misses: int = 0
    writes: int = 0
    corrupt: int = 0
    parsed: list = field(default_factory=list, repr=False)  # paths parsed (not found in the cache)

    def as_dict(self) -> dict:
        return {"hits": self.hits, "misses": self.misses, "writes": self.writes,
                "corrupt": self.corrupt}


class ParseCache:
    """Per-file cache entries under ``root``; see the module docstring."""

    def __init__(self, root=None):
        self.root = Path(root) if root is not None else default_cache_dir()
        self.folder = self.root / "parsed" / f"{__version__}-loader{LOADER_VERSION}"
        self.stats = CacheStats()

    def entry(self, sha: str) -> Path:
        return self.folder / sha[:2] / f"{sha}.pickle"

    def get(self, sha: str, path: str) -> Optional[ParsedFile]:
        """The cached parse of the bytes with digest ``sha`` (labelled ``path``), or None."""
        entry = self.entry(sha)
        try:
            raw = entry.read_bytes()
        except OSError:
            self.stats.misses += 1
            return None
        try:
            if not raw.startswith(MAGIC):
                raise ValueError("not a cache entry")
            parsed = loads(memoryview(raw)[len(MAGIC):], path)
            if parsed.digest != sha:
                raise ValueError("entry for other bytes")
        except Exception:  # noqa: BLE001 - any unreadable entry is rebuilt, never fatal
            self.stats.corrupt += 1
            self.stats.misses += 1
            with contextlib.suppress(OSError):
                entry.unlink()
            return None
        self.stats.hits += 1
        return parsed

    def put_blob(self, sha: str, blob: bytes) -> None:
        """Store a parse made by :func:`dumps`; failures to write are not errors."""
        if write_entry(self.root, self.entry(sha), blob):
            self.stats.writes += 1


def write_entry(root: Path, entry: Path, blob: bytes) -> bool:
    """Write ``MAGIC + blob`` to ``entry`` atomically; False when it cannot be written."""
    try:
        entry = Path(entry)
        folder = entry.parent
        if not folder.is_dir():
            Path(root).mkdir(mode=0o700, parents=True, exist_ok=True)
            folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(MAGIC)
                out.write(blob)
            os.replace(tmp, entry)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return True
    except OSError:
        return False
