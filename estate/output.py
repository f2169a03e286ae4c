"""Atomic outputs: a failed run never leaves a half-written file behind.

Every output is written to a temporary file in the destination folder and moved into
place with ``os.replace`` (atomic on POSIX and Windows).  :func:`safe_name` turns an id
from an inventory into a file name that cannot leave the output folder.
:func:`write_json_stream` writes a large document (``analysis.json``) quickly and in
pieces, with the bytes ``json.dump`` gives.
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import re
import shutil
import tempfile
from itertools import chain, compress
from pathlib import Path

from estate.errors import OutputError


class WriteError(OutputError):
    """The system refused to write a file: a full disk, a read-only folder, a permission.

    Not a bug in estate: the message says which file and what the system said, e.g.
    ``cannot write out/report.html: No space left on device``.
    """

    def __init__(self, path, error: OSError):
        self.path, self.error = Path(path), error
        hint = ("free some space on that disk, or write elsewhere with -o DIR"
                if error.errno in (errno.ENOSPC, errno.EDQUOT) else
                "write into a folder you may write to, with -o DIR")
        super().__init__(f"cannot write {path}: {error.strerror or error}", hint=hint)

    def __reduce__(self):
        return type(self), (self.path, self.error), self.__dict__

    def moved(self, old_root, new_root) -> "WriteError":
        """The same error about the same file under ``new_root`` instead of ``old_root``."""
        try:
            return WriteError(Path(new_root) / self.path.relative_to(old_root), self.error)
        except ValueError:
            return self


#: what the system says when it will not write (as opposed to a bug: a bad argument)
_REFUSALS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM,
                       errno.EFBIG, errno.EIO, errno.ENOTDIR, errno.EISDIR, errno.ENOENT})


def refused(error: BaseException, path=None) -> bool:
    """True when ``error`` is the system refusing to write (``path``, or a file it names)."""
    return isinstance(error, OSError) and error.errno in _REFUSALS and (
        error.filename is None or path is None or str(error.filename) == str(path))


#: the name of a temporary file :func:`atomic_path` makes: ``.NAME.XXXXXXXX.SUFFIX``
_TEMPORARY = re.compile(r"\..+\.[a-z0-9_]{8}\.[A-Za-z0-9]+")


def is_temporary(name: str) -> bool:
    """True when ``name`` is that of a temporary file :func:`atomic_path` makes (one a
    stopped run may have left)."""
    return _TEMPORARY.fullmatch(name) is not None


@contextlib.contextmanager
def atomic_path(dest, suffix: str = ""):
    """Yield a temporary path beside ``dest``; move it onto ``dest`` if the block succeeds.

    When the system refuses to write (:func:`refused`), raises :class:`WriteError`.
    """
    dest = Path(dest)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=suffix or ".tmp", dir=dest.parent)
        os.close(fd)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes files private; outputs are ordinary files
    except OSError as exc:
        raise WriteError(dest, exc) from exc
    try:
        yield Path(tmp)
        os.replace(tmp, dest)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if refused(exc, tmp):
            raise WriteError(dest, exc) from exc
        raise


def link_or_copy(source, target) -> None:
    """``target`` as a hard link to ``source`` (the same file, its time kept), or a copy
    with its time where no link can be made (another file system)."""
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


def write_text(dest, text: str) -> None:
    with atomic_path(dest) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_bytes(dest, data: bytes) -> None:
    with atomic_path(dest) as tmp:
        tmp.write_bytes(data)


def write_json(dest, data) -> None:
    write_text(dest, json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


# --------------------------------------------------------------------------- fast JSON

try:
    import orjson
except ImportError:        # pragma: no cover - a dependency; without it json writes all
    orjson = None

#: items of a long list serialised together: one piece of the file at a time
JSON_BATCH = 2000
#: dicts and lists nested less deep than this are written piece by piece (the document,
#: each finding, and the lists inside a finding that is a dict), long lists in batches
_PIECE_DEPTH = 3
_NESTED = frozenset({dict, list, tuple})
_PLAIN = _NESTED | {str, int, float, bool, type(None)}
_IS_DICT = frozenset({dict}).__contains__
_IS_SEQUENCE = frozenset({list, tuple}).__contains__
_IS_FLOAT = frozenset({float}).__contains__


def write_json_stream(dest, document) -> None:
    """Write ``document`` to ``dest`` atomically, with the bytes :func:`write_json` gives.

    Those are the bytes of ``json.dump(document, f, indent=2, ensure_ascii=False,
    default=str)`` and a newline; but ``json`` indents in pure Python (7 s for the
    385 MB of a national estate) where orjson takes a tenth of that.  orjson writes
    a value only when :func:`_orjson_agrees` finds nothing in it that orjson writes
    differently from ``json`` (dates, sets and other types ``default=str`` turns into
    strings, subclasses, NaN and infinities, floats that ``repr`` writes with an
    exponent, ints past 64 bits, keys that are not strings); ``json`` writes any other.
    With that check the whole takes a third to a half of ``json.dump``'s time.
    The document and its findings are written by hand and long lists in batches of
    :data:`JSON_BATCH` items, so that memory holds one batch's text, not the file's.
    Without orjson (or with one that writes floats differently) ``json`` writes all.
    """
    with atomic_path(dest) as tmp:
        if orjson is None or not _ORJSON_FLOATS_AGREE:
            with open(tmp, "w", encoding="utf-8") as text:
                json.dump(document, text, indent=2, ensure_ascii=False, default=str)
                text.write("\n")
            return
        with open(tmp, "wb") as out:
            for piece in _json_pieces(document, 0):
                out.write(piece)
            out.write(b"\n")


def _json_pieces(value, level: int):
    """The JSON of ``value`` in pieces of bytes: its first line as it follows a key
    (not indented), its other lines indented for ``level``."""
    kind = type(value)
    pad = b"  " * level
    if level < _PIECE_DEPTH and kind is dict and value and all(type(k) is str for k in value):
        sep = b"{\n  " + pad
        for key, item in value.items():
            yield sep + json.encoder.encode_basestring(key).encode("utf-8") + b": "
            yield from _json_pieces(item, level + 1)
            sep = b",\n  " + pad
        yield b"\n" + pad + b"}"
    elif level < _PIECE_DEPTH and kind in (list, tuple) and value:
        sep = b"[\n"
        for start in range(0, len(value), JSON_BATCH):
            # the batch as a list, "[\n  a,\n  b\n]", less its brackets: "  a,\n  b"
            yield sep + pad + _indent(_dumps(value[start:start + JSON_BATCH])[2:-2], level)
            sep = b",\n"
        yield b"\n" + pad + b"]"
    else:
        yield _indent(_dumps(value), level)


def _indent(text: bytes, level: int) -> bytes:
    """Indented JSON text moved ``level`` steps right (a raw newline is never inside a
    string: JSON escapes it)."""
    return text.replace(b"\n", b"\n" + b"  " * level) if level else text


def _dumps(value) -> bytes:
    """``json.dumps(value, indent=2, ensure_ascii=False, default=str)`` as UTF-8."""
    try:
        # orjson first: it refuses a cycle (too deep), which _orjson_agrees could not end
        text = orjson.dumps(value, option=orjson.OPT_INDENT_2)
    except TypeError:      # orjson.JSONEncodeError: a key not a str, an int past 64 bits, too deep
        text = None
    if text is None or not _orjson_agrees(value):
        text = json.dumps(value, indent=2, ensure_ascii=False, default=str).encode("utf-8")
    return text


def _orjson_agrees(value) -> bool:
    """True when ``value`` holds only what orjson writes as ``json`` does: dicts, lists,
    tuples, str, int, bool, None and :func:`_floats_agree` floats (exact types; orjson
    itself refuses keys that are not strings and ints past 64 bits).

    Looks at a level of nesting at a time, every value of the level in one go, so
    that the loops run in C: a finding's tens of thousands of small dicts cost no
    more than one.  ``value`` must have no cycle.
    """
    kind = type(value)
    if kind not in _NESTED:
        return kind in _PLAIN and (kind is not float or _floats_agree([value]))
    dicts, sequences, floats = ([value], [], []) if kind is dict else ([], [value], [])
    while dicts or sequences:
        values = list(chain(chain.from_iterable(map(dict.values, dicts)),
                            chain.from_iterable(sequences)))
        kinds = list(map(type, values))
        present = set(kinds)
        if not present <= _PLAIN:
            return False
        if float in present:
            floats.extend(compress(values, map(_IS_FLOAT, kinds)))
        dicts = list(compress(values, map(_IS_DICT, kinds))) if dict in present else []
        sequences = list(compress(values, map(_IS_SEQUENCE, kinds))) \
            if list in present or tuple in present else []
    return _floats_agree(floats)


def _floats_agree(floats: list) -> bool:
    """True when orjson writes each float as ``repr`` (so ``json``) does: finite, and 0
    or from 1e-4 to 1e16, where ``repr`` writes no exponent (orjson writes ``1e16``
    and ``0.00001`` for ``repr``'s ``1e+16`` and ``1e-05``, and ``null`` for NaN)."""
    if not floats:
        return True
    sizes = list(map(abs, floats))
    if not math.isfinite(sum(sizes)):          # a NaN or an infinity
        return False
    return max(sizes) < 1e16 and min(filter(None, sizes), default=1.0) >= 1e-4


#: floats near the edges of where the two agree, and ones with long shortest forms
_PROBE_FLOATS = [0.0, -0.0, 0.1, 0.2 + 0.1, 1 / 3, -2 / 3, 1e-4, 0.000123456789, 1.5, 100.0,
                 123456.789, 1e15, 1234567890123.4567, 9007199254740993.0, 9999999999999998.0]


def _orjson_writes_floats_as_json() -> bool:
    """A check of the installed orjson (its float formatting could change)."""
    return orjson is not None and orjson.dumps(_PROBE_FLOATS) == \
        json.dumps(_PROBE_FLOATS, separators=(",", ":")).encode("ascii")


_ORJSON_FLOATS_AGREE = _orjson_writes_floats_as_json()


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()
#: the process's umask, read once (new outputs get the permissions of ordinary files)
UMASK = _UMASK
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(text: str, max_length: int = 120) -> str:
    """A file name made from an id: no separators, no leading dots, bounded length.

    ``../../etc/passwd`` becomes ``etc--passwd``; ``northbrook/nb-academy`` becomes
    ``northbrook--nb-academy``.  Distinct ids stay distinct for slugs and qualified ids.
    """
    text = str(text).replace("/", "--")
    name = _UNSAFE.sub("-", text).strip(".-") or "unnamed"
    name = re.sub(r"\.{2,}", ".", name)
    return name[:max_length]


def inside(folder, name: str) -> Path:
    """``folder/name``, refusing any result outside ``folder``."""
    folder = Path(folder).resolve()
    path = (folder / name).resolve()
    if folder != path and folder not in path.parents:
        raise OutputError(f"refusing to write outside the output folder: {name}")
    return path
