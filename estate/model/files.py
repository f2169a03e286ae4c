"""Reading input files safely: regular files only, of a bounded size, in bounded memory.

Every file estate reads as input (inventories, catalogues, registers, tables, OCDS
files) goes through :func:`read_regular_bytes` or :func:`open_regular`.  A path is read
only when, after following symbolic links, it is a regular file no larger than the
limit; anything else (a link to ``/dev/zero``, a FIFO, a folder, a device, a file over
the limit) raises :class:`UnreadableFile`, whose message names the file and says why.
Opening never blocks (a FIFO is opened non-blocking, then refused), and reading stops
one byte past the limit, so a file that grows while it is read cannot exhaust memory.

The limit is the ``limit`` argument when one is given, else the environment variable
``ESTATE_MAX_FILE_BYTES`` (a number of bytes), else :data:`DEFAULT_MAX_FILE_BYTES`
(64 MiB).
"""

from __future__ import annotations

import os
import stat
from typing import BinaryIO, Optional

from estate.errors import EstateError

#: the largest input file read, unless ``ESTATE_MAX_FILE_BYTES`` or ``limit`` says otherwise
DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024

ENV_MAX_FILE_BYTES = "ESTATE_MAX_FILE_BYTES"


class UnreadableFile(EstateError):
    """A path that is not a regular file of a sane size (``path``, ``reason``, ``code``).

    ``code`` is the problem code validation reports it under: E105 (not a regular file,
    or cannot be opened) or E106 (larger than the limit).
    """

    def __init__(self, path: str, reason: str, code: str = "E105", hint: Optional[str] = None):
        super().__init__(f"cannot read {path}: {reason}", hint)
        self.path, self.reason, self.code = str(path), reason, code


def max_file_bytes(limit: Optional[int] = None) -> int:
    """The size limit in force: ``limit`` if given, else ``$ESTATE_MAX_FILE_BYTES``, else
    :data:`DEFAULT_MAX_FILE_BYTES`."""
    if limit is not None:
        return int(limit)
    raw = os.environ.get(ENV_MAX_FILE_BYTES, "").strip()
    if raw:
        try:
            value = int(raw)
            if value > 0:
                return value
        except ValueError:
            pass
    return DEFAULT_MAX_FILE_BYTES


def _describe(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "it is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "it is a named pipe (FIFO), not a regular file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "it is a device, not a regular file"
    if stat.S_ISSOCK(mode):
        return "it is a socket, not a regular file"
    return "it is not a regular file"


def _too_big(path: str, size: int, limit: int, grew: bool = False) -> UnreadableFile:
    size_text = f"{size:,} bytes or more, read as it grew" if grew else f"{size:,} bytes"
    return UnreadableFile(
        path, f"it is larger than the limit of {limit:,} bytes ({size_text})", "E106",
        f"split it into smaller files, or raise the limit with {ENV_MAX_FILE_BYTES}=<bytes>")


def open_regular(path, limit: Optional[int] = None) -> BinaryIO:
    """Open ``path`` for reading in binary, once it is known to be a regular file (links
    followed) no larger than the limit (:func:`max_file_bytes`).

    Raises :class:`UnreadableFile` otherwise.  The caller must still read at most
    ``limit + 1`` bytes if the file may grow: :func:`read_regular_bytes` does.
    """
    path = os.fspath(path)
    limit = max_file_bytes(limit)
    try:
        before = os.stat(path)
    except OSError as exc:
        raise UnreadableFile(path, exc.strerror or str(exc)) from None
    if not stat.S_ISREG(before.st_mode):
        raise UnreadableFile(path, _describe(before.st_mode))
    try:
        # non-blocking: had the path become a FIFO since the stat, opening it would wait
        # for a writer for ever
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise UnreadableFile(path, exc.strerror or str(exc)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise UnreadableFile(path, _describe(st.st_mode))
        if st.st_size > limit:
            raise _too_big(path, st.st_size, limit)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular_bytes(path, limit: Optional[int] = None) -> bytes:
    """The bytes of ``path``, read as :func:`open_regular` allows, never more than the limit."""
    limit = max_file_bytes(limit)
    with open_regular(path, limit) as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise _too_big(os.fspath(path), len(data), limit, grew=True)
    return data


#: the most an xlsx (a zip archive) may inflate to, in bytes, unless
#: ``ESTATE_MAX_INFLATE_BYTES`` says otherwise: a register of 400 councils inflates to
#: about 300 MB; a crafted 3 MB file can claim gigabytes
DEFAULT_MAX_INFLATE_BYTES = 1024 * 1024 * 1024
ENV_MAX_INFLATE_BYTES = "ESTATE_MAX_INFLATE_BYTES"


def read_workbook_bytes(path, limit: Optional[int] = None) -> bytes:
    """The bytes of an xlsx file, read as :func:`read_regular_bytes` allows, once its
    zip directory shows it inflates to no more than the inflate limit.

    The sizes a zip declares bound what reading it produces (Python's zipfile stops at
    each entry's declared size and checks its CRC), so adding them up before openpyxl
    reads a byte keeps a zip bomb from filling memory."""
    import io
    import zipfile
    data = read_regular_bytes(path, limit)
    raw = os.environ.get(ENV_MAX_INFLATE_BYTES, "").strip()
    cap = int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_MAX_INFLATE_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UnreadableFile(os.fspath(path), f"not an Excel workbook (a zip archive): {exc}",
                             hint="save it as .xlsx (Excel Workbook), or export the sheet as CSV") \
            from None
    if inflated > cap:
        raise UnreadableFile(os.fspath(path),
                             f"it inflates to {inflated:,} bytes, more than the limit of {cap:,}",
                             code="E106",
                             hint=f"a workbook this large is unusual; if it is genuine, set "
                                  f"{ENV_MAX_INFLATE_BYTES} to a larger number of bytes")
    return data
