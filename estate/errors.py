"""Exceptions and problems.

There is one root exception, :class:`EstateError`; the command line turns every one
of them into a message in one place (``estate.cli``).  Inventory problems are not
exceptions: validation collects every :class:`Problem` and reports them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional


class EstateError(Exception):
    """Root of every error the toolkit raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, hint: Optional[str] = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"

    def __reduce__(self):
        # pickled whole (the work of a forked child comes back this way): message and hint
        return type(self), (self.message, self.hint), self.__dict__


class UsageError(EstateError):
    """The command was called wrongly (exit code 2)."""

    exit_code = 2


class InventoryError(EstateError):
    """Inventories are invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list["Problem"]):
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(f"{len(errors)} error(s) in the inventories")
        self.problems = problems

    def __reduce__(self):
        return type(self), (self.problems,), self.__dict__


class OutputError(EstateError):
    """An output could not be written."""


class Interrupted(EstateError):
    """The user stopped the run (Ctrl-C, SIGTERM); exit code 130, as a shell gives."""

    exit_code = 130


SEVERITIES = ("error", "warning", "info")

#: characters that would break a line of text output or change how it is shown: C0 and
#: C1 control characters, DEL, line and paragraph separators, bidirectional overrides
_UNPRINTABLE = {c: f"\\x{c:02x}" for c in [*range(0x20), *range(0x7f, 0xa0)]}
_UNPRINTABLE.update({ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"})
_UNPRINTABLE.update({c: f"\\u{c:04x}" for c in (0x2028, 0x2029, *range(0x202a, 0x202f),
                                                  *range(0x2066, 0x206a), 0x200e, 0x200f)})


def printable(text: Optional[str]) -> str:
    """``text`` with every control character escaped as Python writes it (``\\n``,
    ``\\x00``, ``\\u202e``): safe to print as one line of a terminal or log."""
    return str(text or "").translate(_UNPRINTABLE)


@dataclass
class Problem:
    """One thing wrong (or worth knowing) about the inventories.

    ``file``/``line``/``column`` locate it (1-based; 0 when unknown).  ``where`` is the
    key path inside the YAML document, kept so the line can be resolved lazily: the
    fast loader does not keep positions, and most runs have nothing to report.
    """

    code: str
    name: str
    severity: str
    message: str
    file: str = ""
    line: int = 0
    column: int = 0
    hint: Optional[str] = None
    doc: int = 0
    where: Optional[tuple] = field(default=None, repr=False)   # None: not locatable
    key: bool = field(default=False, repr=False)
    other: Optional[object] = field(default=None, repr=False)  # a second place, as a Source

    def format(self) -> str:
        """``file:line:col: CODE message`` (and an indented hint), one line each whatever
        the inputs hold: control characters are escaped (see :func:`printable`), so a
        name with a newline cannot forge a line of its own."""
        loc = printable(self.file) or "<inputs>"
        if self.line:
            loc += f":{self.line}:{self.column or 1}"
        text = f"{loc}: {self.code} {printable(self.message)}"
        if self.hint:
            text += f"\n  hint: {printable(self.hint)}"
        return text

    def as_dict(self) -> dict:
        return {
            "severity": self.severity,
            "code": self.code,
            "name": self.name,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "hint": self.hint,
        }

    def sort_key(self):
        return (SEVERITIES.index(self.severity), self.file, self.line, self.column, self.code, self.message)
