"""Atomic outputs: a failed run never leaves a half-written file behind.

Every output is written to a temporary file in the destination folder and moved into
place with ``os.replace`` (atomic on POSIX and Windows).  :func:`safe_name` turns an id
from an inventory into a file name that cannot leave the output folder.
:func:`write_json_stream` writes a large document (``analysis.json``) quickly and in
pieces, with the bytes ``json.dump`` gives.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import tempfile
from itertools import chain, compress
from pathlib import Path

from estate.errors import OutputError


@contextlib.contextmanager
def atomic_path(dest, suffix: str = ""):
    """Yield a temporary path beside ``dest``; move it onto ``dest`` if the block succeeds."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=suffix or ".tmp", dir=dest.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes files private; outputs are ordinary files
    try:
        yield Path(tmp)
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


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
