"""Atomic outputs: a failed run never leaves a half-written file behind.

Every output is written to a temporary file in the destination folder and moved into
place with ``os.replace`` (atomic on POSIX and Windows).  :func:`safe_name` turns an id
from an inventory into a file name that cannot leave the output folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
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
