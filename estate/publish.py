"""A run's outputs are published whole: the output folder holds one complete run.

``estate analyse`` writes every output into a *staging folder* beside the output
folder (``.OUT.estate-new-XXXX``, on the same file system), and only when all of them
are written swaps it with the output folder in one step: ``renameat2`` with
``RENAME_EXCHANGE`` (Linux), which exchanges two folders atomically.  Whatever stops the
run (an error, Ctrl-C, SIGTERM, ``kill -9``, a power cut before the swap), the output
folder holds either the complete previous run or the complete new one, never a mix.
Where the exchange is not available the swap is two renames (the old folder aside, the
new one in); a run killed between them leaves the old folder under
``.OUT.estate-old-XXXX``, and the next run puts it back before anything else.

Files in the output folder that estate does not write (notes of your own) are carried
into the new folder as hard links (copies where links cannot be made).  The outputs of
the previous run (``analysis.json``, ``register.xlsx``, ``report.html``, ``maps/``) are
replaced as a whole: a map the new run does not draw is gone.

One run at a time: a run holds an exclusive lock (``fcntl.flock``; ``msvcrt`` on
Windows) on ``.OUT.estate-lock`` beside the folder, and a second run into the same
folder refuses with a message naming the first.  The lock file stays (it is empty but for the
process id); everything else a killed run left (staging folders, hidden temporary
files) is removed by the next run into that folder.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Optional

from estate.errors import OutputError
from estate.output import UMASK, WriteError, is_temporary, link_or_copy

try:
    import fcntl
except ImportError:                  # pragma: no cover - Windows: msvcrt locks a byte instead
    fcntl = None
    import msvcrt

log = logging.getLogger(__name__)

#: what ``estate analyse`` writes into its output folder; anything else there is carried over
OUTPUTS = frozenset({"analysis.json", "register.xlsx", "report.html", "report", "maps"})


def _names(final: Path) -> dict:
    stem = f".{final.name}.estate"
    return {"lock": final.parent / f"{stem}-lock", "new": f"{stem}-new-", "old": f"{stem}-old-"}


def check_inputs(outdir, paths) -> None:
    """Refuse an output folder that holds any of ``paths`` (the inputs of the run): a
    run replaces its output folder whole."""
    final = Path(os.path.realpath(outdir))
    for raw in paths:
        path = Path(os.path.realpath(raw))
        if path == final or final in path.parents:
            raise OutputError(f"{outdir} holds {raw}, an input of this run, and a run replaces "
                              "its output folder whole; nothing was written",
                              hint="give the outputs a folder of their own, e.g. -o output")


class Publication:
    """The staging folder of one run into ``outdir``, used as a context manager::

        with Publication(outdir) as pub:
            write_everything_into(pub.staging)
            pub.publish()

    Entering takes the lock (or raises :class:`OutputError` when another run holds it),
    puts back a folder a killed run left aside, removes what killed runs left, and
    makes the staging folder.  :meth:`publish` swaps it in.  Leaving without publishing
    removes it: the output folder is as it was.
    """

    def __init__(self, outdir):
        self.shown = Path(outdir)                       # as the user named it, for messages
        self.final = Path(os.path.realpath(outdir))
        self.names = _names(self.final)
        self.staging: Optional[Path] = None
        self._lock_fd: Optional[int] = None

    # ---- the lock ----------------------------------------------------------------------

    def __enter__(self) -> "Publication":
        if os.path.lexists(self.final) and not self.final.is_dir():
            raise OutputError(f"{self.shown} is a file, not a folder; nothing was written",
                              hint="name a folder with -o DIR")
        here = Path(os.path.realpath(os.getcwd()))
        if self.final == here or self.final in here.parents:
            raise OutputError(f"{self.shown} holds the current folder, and a run replaces its "
                              "output folder whole; nothing was written",
                              hint="give the outputs a folder of their own, e.g. -o output")
        try:
            self.final.parent.mkdir(parents=True, exist_ok=True)
            self._lock()
        except OSError as exc:
            raise WriteError(self.shown, exc) from exc
        try:
            self._recover()
            self.clean()
            self.staging = Path(tempfile.mkdtemp(prefix=self.names["new"], dir=self.final.parent))
            os.chmod(self.staging, 0o777 & ~UMASK)
        except OSError as exc:
            self._unlock()
            raise WriteError(self.shown.parent, exc) from exc
        except BaseException:
            self._unlock()
            raise
        return self

    def __exit__(self, kind, error, traceback) -> None:
        try:
            if self.staging is not None and self.staging.exists():
                shutil.rmtree(self.staging, ignore_errors=True)
        finally:
            self._unlock()
        if isinstance(error, WriteError) and self.staging is not None:
            raise error.moved(self.staging, self.shown) from error.__cause__

    def _lock(self) -> None:
        fd = os.open(self.names["lock"], os.O_RDWR | os.O_CREAT, 0o666 & ~UMASK)
        try:
            _try_lock(fd)
        except (BlockingIOError, PermissionError):
            try:
                holder = os.read(fd, 32).decode("ascii", "replace").strip()
            except OSError:          # Windows: the locked byte cannot be read
                holder = ""
            os.close(fd)
            raise OutputError(f"{self.shown} is being written by another estate run "
                              f"(process {holder or 'unknown'}); nothing was written",
                              hint="wait for that run to finish, or write elsewhere with -o DIR")
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode("ascii"))
        self._lock_fd = fd

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)          # closing releases the lock
            self._lock_fd = None

    # ---- what killed runs left -----------------------------------------------------------

    def _leftovers(self, kind: str) -> list:
        prefix = self.names[kind]
        return sorted(p for p in self.final.parent.iterdir() if p.name.startswith(prefix))

    def _recover(self) -> None:
        """Put back the previous run a swap by two renames left aside when it was killed."""
        aside = [p / "previous" for p in self._leftovers("old") if (p / "previous").is_dir()]
        if aside and not os.path.lexists(self.final):
            os.rename(aside[-1], self.final)
            log.info("put back %s, left aside by a run that was stopped", self.final)

    def clean(self) -> None:
        """Remove the staging folders and temporary files killed runs left."""
        for path in self._leftovers("new") + self._leftovers("old"):
            shutil.rmtree(path, ignore_errors=True)
        for folder in (self.final, self.final / "maps"):
            if folder.is_dir():
                for path in folder.iterdir():
                    if is_temporary(path.name) and path.is_file():
                        path.unlink()

    # ---- the swap ------------------------------------------------------------------------

    def publish(self) -> None:
        """Make the staging folder the output folder, in one step."""
        assert self.staging is not None
        try:
            if not os.path.lexists(self.final):
                os.rename(self.staging, self.final)
            else:
                self._carry_over()
                if not _exchange(self.staging, self.final):
                    aside = Path(tempfile.mkdtemp(prefix=self.names["old"], dir=self.final.parent))
                    os.rename(self.final, aside / "previous")
                    os.rename(self.staging, self.final)
                    os.rename(aside / "previous", self.staging)
                    aside.rmdir()
        except OSError as exc:
            raise WriteError(self.shown, exc) from exc
        shutil.rmtree(self.staging, ignore_errors=True)   # the previous run's outputs

    def _carry_over(self) -> None:
        """Link the files estate does not write from the output folder into the staging one."""
        for entry in self.final.iterdir():
            if entry.name in OUTPUTS or is_temporary(entry.name):
                continue
            target = self.staging / entry.name
            if entry.is_dir() and not entry.is_symlink():
                shutil.copytree(entry, target, symlinks=True, copy_function=link_or_copy)
            else:
                link_or_copy(entry, target)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_renameat2 = None


def _try_lock(fd: int) -> None:
    """Lock ``fd`` for this process, or raise BlockingIOError (PermissionError on
    Windows) when another process holds it."""
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    else:                            # pragma: no cover
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)


def _exchange(a: Path, b: Path) -> bool:
    """Swap folders ``a`` and ``b`` atomically; False when the system cannot."""
    global _renameat2
    if _renameat2 is None:
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
            _renameat2 = getattr(libc, "renameat2", False)
        except (OSError, TypeError):      # no C library to ask (Windows)
            _renameat2 = False
    if not _renameat2:
        return False
    done = _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):   # not on this file system
        return False
    raise OSError(code, os.strerror(code), str(b))


