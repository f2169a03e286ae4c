"""A cache of parsed inventory files, so that a second run decodes data, not YAML.

One entry per file, named by the SHA-256 of the file's bytes and kept under a folder
named by the estate version and the loader version (``LOADER_VERSION``), so that a new
release or a new loader never reads an old entry.  The path is not part of the key: a
file moved or copied elsewhere is still a hit (its problems are re-labelled with the new
path).  An entry holds the parsed documents, the problems found while reading, and the
positions of every node, so problems are located without reading the YAML again.

Entries are data only, never code: MessagePack (msgspec), whose values are text,
numbers, booleans, null, lists and mappings, with four extension types of our own for
dates, date-times, impossible dates and over-long integers (:data:`EXT_DATE` ...).
Decoding one cannot run anything, whatever its bytes.  A file whose documents hold
any other value (YAML's ``!!set``, ``!!binary``, ``!!omap``, non-text keys) is simply
not cached.  Each entry starts with :data:`MAGIC` and the SHA-256 of the rest, checked
before the rest is decoded; the decoded entry must then name the digest it was asked
for.  An entry that fails any check is ignored, counted in
:attr:`CacheStats.corrupt`, and rebuilt.

Entries are written atomically (a temporary file moved into place), so a crash never
leaves half an entry.  The folder is created readable by its owner only, and a cache
folder that another user owns, or that its group or others may write to, is refused
(:class:`UnsafeCache`), as ssh refuses such a ``~/.ssh``: whoever can write entries can
change what the inventories say.

Where: ``--cache-dir``, else ``$XDG_CACHE_HOME/estate``, else ``~/.cache/estate``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import stat
import tempfile
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import msgspec

from estate import __version__
from estate.errors import EstateError, Problem
from estate.model.loader import LOADER_VERSION, BadDate, BadNumber, NodeIndex, ParsedFile

MAGIC = b"estate-parse-msgpack-1\n"
EXT_DATE, EXT_DATETIME, EXT_BAD_DATE, EXT_BAD_NUMBER = 1, 2, 3, 4
_HASH_BYTES = 32


class UnsafeCache(EstateError):
    """The cache folder may be written by someone else than the user running estate."""


class NotCacheable(Exception):
    """A parsed file holding a value the cache format does not carry."""


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/estate``, or ``~/.cache/estate`` when that is not set."""
    base = os.environ.get("XDG_CACHE_HOME")
    return Path(base) / "estate" if base else Path.home() / ".cache" / "estate"


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


_Ext = msgspec.msgpack.Ext
_DATE, _DATETIME = dt.date, dt.datetime
_PLAIN = (str, int, float, bool, type(None))


def _data(value):
    """``value`` (one parsed document) with dates and the loader's own values as
    extensions; raises :class:`NotCacheable` for anything else outside plain data."""
    t = type(value)
    if t is dict:
        out = {}
        for k, v in value.items():
            if type(k) is not str:
                raise NotCacheable("a key that is not text")
            out[k] = v if type(v) in _PLAIN else _data(v)
        return out
    if t is list:
        return [v if type(v) in _PLAIN else _data(v) for v in value]
    if t in _PLAIN:
        return value
    if t is _DATE:
        return _Ext(EXT_DATE, value.toordinal().to_bytes(4, "little"))
    if t is _DATETIME:
        return _Ext(EXT_DATETIME, value.isoformat().encode())
    if t is BadDate:
        return _Ext(EXT_BAD_DATE, msgspec.msgpack.encode([str(value), value.reason]))
    if t is BadNumber:
        return _Ext(EXT_BAD_NUMBER, str(value).encode())
    raise NotCacheable(t.__name__)


def _ext_hook(code: int, data: memoryview):
    if code == EXT_DATE:
        return _DATE.fromordinal(int.from_bytes(data, "little"))
    if code == EXT_DATETIME:
        return _DATETIME.fromisoformat(bytes(data).decode())
    if code == EXT_BAD_DATE:
        text, reason = msgspec.msgpack.decode(data)
        return BadDate(text, reason)
    if code == EXT_BAD_NUMBER:
        return BadNumber(bytes(data).decode())
    raise ValueError(f"unknown extension type {code}")


_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(ext_hook=_ext_hook)

_PROBLEM_FIELDS = ("code", "name", "severity", "message", "file", "line", "column", "hint",
                   "doc", "key")


def dumps(parsed: ParsedFile) -> Optional[bytes]:
    """A parsed file as bytes for the cache, or None when it holds a value the format does
    not carry (such a file is parsed again on each run)."""
    try:
        docs = [[index, _data(data)] for index, data in parsed.docs]
    except (NotCacheable, RecursionError):
        return None
    problems = []
    for p in parsed.problems:
        if p.other is not None or (p.where is not None and not all(
                type(step) in (str, int) for step in p.where)):
            return None
        problems.append([*(getattr(p, f) for f in _PROBLEM_FIELDS),
                         None if p.where is None else list(p.where)])
    index = None
    if parsed.index is not None:
        index = [parsed.index.keys,
                 {doc: nodes.tobytes() for doc, nodes in parsed.index.docs.items()}]
    return _encoder.encode([parsed.path, docs, problems, parsed.digest, index])


def loads(blob, path: Optional[str] = None) -> ParsedFile:
    """The parsed file in ``blob``; ``path`` relabels it (and its problems) when it moved."""
    stored, docs, problems, sha, index = _decoder.decode(blob)
    out = []
    for row in problems:
        problem = Problem(**dict(zip(_PROBLEM_FIELDS, row[:-1])))
        problem.where = None if row[-1] is None else tuple(row[-1])
        if path is not None and problem.file == stored:
            problem.file = path
        out.append(problem)
    node_index = None
    if index is not None:
        node_index = NodeIndex()
        node_index.keys = index[0]
        node_index.docs = {int(doc): array("i", nodes) for doc, nodes in index[1].items()}
    return ParsedFile(path if path is not None else stored, [tuple(d) for d in docs], out,
                      sha, node_index)


def check_folder(folder: Path) -> None:
    """Raise :class:`UnsafeCache` when ``folder`` is a folder that another user owns, or
    that its group or others may write to (links followed).  A missing or unusable
    folder is not unsafe: nothing is read from it."""
    try:
        st = os.stat(folder)
    except OSError:
        return      # not there (created owner-only when first written), or unusable: no entry is read
    if not stat.S_ISDIR(st.st_mode):
        return      # nothing can be read from or written under it: the run goes without
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        raise UnsafeCache(
            f"refusing the cache folder {folder}: it belongs to another user (uid {st.st_uid}), "
            "who could change what your inventories say",
            "choose a folder of your own with --cache-dir, or run with --no-cache")
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise UnsafeCache(
            f"refusing the cache folder {folder}: its group or others may write to it "
            f"(mode {stat.S_IMODE(st.st_mode):04o}), and could change what your inventories say",
            f"run: chmod go-w {folder}  (or choose another with --cache-dir, or --no-cache)")


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
        for folder in (self.root, self.root / "parsed", self.folder):
            check_folder(folder)

    def entry(self, sha: str) -> Path:
        return self.folder / sha[:2] / f"{sha}.msgpack"

    def get(self, sha: str, path: str) -> Optional[ParsedFile]:
        """The cached parse of the bytes with digest ``sha`` (labelled ``path``), or None."""
        entry = self.entry(sha)
        try:
            raw = entry.read_bytes()
        except OSError:
            self.stats.misses += 1
            return None
        try:
            parsed = loads(checked_blob(raw), path)
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

    def put_blob(self, sha: str, blob: Optional[bytes]) -> None:
        """Store a parse made by :func:`dumps`; failures to write are not errors."""
        if blob is not None and write_entry(self.root, self.entry(sha), blob):
            self.stats.writes += 1


def checked_blob(raw: bytes, magic: bytes = MAGIC) -> memoryview:
    """What :func:`write_entry` wrote after ``magic`` and the SHA-256, once both are checked
    (before anything is decoded); raises ValueError when either fails."""
    if not raw.startswith(magic):
        raise ValueError("not a cache entry")
    view = memoryview(raw)[len(magic):]
    if hashlib.sha256(view[_HASH_BYTES:]).digest() != view[:_HASH_BYTES]:
        raise ValueError("damaged entry")
    return view[_HASH_BYTES:]


def write_entry(root: Path, entry: Path, blob: bytes, magic: bytes = MAGIC) -> bool:
    """Write ``magic``, the SHA-256 of ``blob``, then ``blob`` to ``entry`` atomically;
    False when it cannot be written."""
    try:
        entry = Path(entry)
        folder = entry.parent
        if not folder.is_dir():
            Path(root).mkdir(mode=0o700, parents=True, exist_ok=True)
            folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(magic)
                out.write(hashlib.sha256(blob).digest())
                out.write(blob)
            os.replace(tmp, entry)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return True
    except OSError:
        return False
