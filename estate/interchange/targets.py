"""Where an export writes one file: checked before anything is built."""

from __future__ import annotations

from pathlib import Path

from estate.errors import OutputError


def check_target(dest: Path, what: str) -> None:
    """Refuse a file output whose folder does not exist (nothing is created silently) or
    that is a symbolic link."""
    if not dest.parent.is_dir():
        raise OutputError(f"cannot write {dest}: the folder {dest.parent} does not exist",
                          hint=f"create it first, or give -o a {what} in an existing folder")
    if dest.is_symlink():
        raise OutputError(f"{dest} is a symbolic link; refusing to write through it",
                          hint="remove the link, or give -o another file")
