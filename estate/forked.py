"""One piece of work done in a forked child process, beside this process's threads.

The register of a national estate is pure Python (15 CPU seconds at 400 councils); run
in this process while the maps are drawn from a thread, the two take turns at the
interpreter lock and the register took 56 s.  In a child made by ``fork`` it has an
interpreter of its own and the estate and findings as they are, without pickling them
(the pages are shared until written).  The child is forked before the maps thread starts, so
no lock held by another thread is copied into it.

:class:`Forked` is used where :func:`available` (Linux, with ``fork``): a child process
made with ``os.fork`` rather than ``multiprocessing``'s ``fork`` context, because
``multiprocessing`` reaps its children with ``waitpid`` and so loses their CPU time,
which the timings report (``wait4`` gives it exactly; :mod:`estate.clock`).  Elsewhere the
caller does the work in-process.

* What the work raises comes back to the parent: an :class:`~estate.errors.EstateError`
  as itself (a :class:`~estate.output.WriteError` still names its file, so the staging
  folder's name is put right as in-process), anything else as an
  :class:`~estate.errors.OutputError` naming it; the child's traceback is logged at
  debug level (``--debug``).
* Ctrl-C or SIGTERM stops the child at once (it keeps the default handlers); the parent,
  interrupted while it waits, kills and reaps it (:meth:`Forked.kill`).
* The child ends with ``os._exit``: nothing of the parent's (buffered output, ``atexit``
  handlers, the staging folder's clean-up) runs twice.
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
import sys
import traceback

from estate import clock
from estate.errors import EstateError, OutputError

log = logging.getLogger(__name__)


def available() -> bool:
    """Whether work can be forked here: Linux (``fork`` is unsafe on macOS, absent on Windows)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and hasattr(os, "wait4")


class Forked:
    """``work()`` running in a child process from now; :meth:`join` waits for it and
    raises what it raised.  ``what`` names the work in messages ("register.xlsx")."""

    def __init__(self, work, what: str):
        self.what, self.cpu = what, 0.0
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:                                  # the child: never returns
            os.close(read)
            _child(work, write)
        os.close(write)
        self.pid, self.read = pid, read

    def join(self) -> None:
        """Wait for the child; its CPU seconds in :attr:`cpu`.  Raises
        :class:`OutputError` for what the work raised or a child that died."""
        try:
            data = _read_all(self.read)
        except BaseException:
            self.kill()
            raise
        finally:
            os.close(self.read)
        with clock.claiming_children():
            _, status, usage = _wait4(self.pid)
            self.pid = None
            self.cpu = usage.ru_utime + usage.ru_stime
            clock.claim_children(self.cpu)
        log.debug("%s: its process took %.2f s of user and %.2f s of system CPU time, "
                  "%d page faults", self.what, usage.ru_utime, usage.ru_stime, usage.ru_minflt)
        code = os.waitstatus_to_exitcode(status)
        if not data:
            how = f"was killed by signal {-code}" if code < 0 else f"ended with exit code {code}"
            raise OutputError(f"{self.what} could not be written: the process writing it {how}",
                              hint="if the machine ran short of memory, run with --jobs 1 to "
                                   "write it in the same process")
        reply = pickle.loads(data)
        if reply[0] == "ok":
            return
        _, kind, message, hint, is_estate, error, trace = reply
        log.debug("writing %s failed in its own process:\n%s", self.what, trace)
        if error is not None:
            raise pickle.loads(error)
        if is_estate:                   # one that could not be sent whole
            raise OutputError(message, hint=hint)
        raise OutputError(f"{self.what} could not be written: {kind}: {message}",
                          hint="run again with --debug for the traceback, and report it")

    def kill(self) -> None:
        """Stop the child at once and reap it (nothing when it has been reaped)."""
        if self.pid is None:
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        with clock.claiming_children():
            _, _, usage = _wait4(self.pid)
            clock.claim_children(usage.ru_utime + usage.ru_stime)
        self.pid = None


def _child(work, fd: int) -> None:
    """The child's whole life: do the work, send ``("ok",)`` or the error, exit."""
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        try:
            work()
            reply = ("ok",)
        except BaseException as exc:   # noqa: BLE001 - sent to the parent, which raises it
            reply = ("error", type(exc).__name__, getattr(exc, "message", None) or str(exc),
                     getattr(exc, "hint", None), isinstance(exc, EstateError), _pickled(exc),
                     traceback.format_exc())
        data = memoryview(pickle.dumps(reply))
        while data:
            data = data[os.write(fd, data):]
        code = 0
    finally:
        os._exit(code)


def _pickled(exc: BaseException):
    """An :class:`EstateError` as bytes that give it back whole (its class, message, hint
    and what else it holds), or ``None``: anything else, or one that does not survive."""
    if not isinstance(exc, EstateError):
        return None
    try:
        data = pickle.dumps(exc)
        again = pickle.loads(data)
    except Exception:                  # noqa: BLE001 - sent as message and hint instead
        return None
    return data if isinstance(again, EstateError) and str(again) == str(exc) else None


def _read_all(fd: int) -> bytes:
    chunks = []
    while True:
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _wait4(pid: int):
    while True:
        try:
            return os.wait4(pid, 0)
        except InterruptedError:       # pragma: no cover - retried by Python (PEP 475)
            continue
