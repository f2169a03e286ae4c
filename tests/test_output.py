"""Atomic outputs and safe file names."""

from __future__ import annotations

import pytest

from estate.errors import OutputError
from estate.output import atomic_path, inside, safe_name, write_text


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    dest = tmp_path / "register.xlsx"
    dest.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(dest) as tmp:
            tmp.write_text("half")
            raise RuntimeError("renderer failed")
    assert dest.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["register.xlsx"]


def test_a_successful_write_replaces_the_file(tmp_path):
    dest = tmp_path / "sub" / "a.json"
    write_text(dest, "new")
    assert dest.read_text() == "new"


@pytest.mark.parametrize("raw,name", [
    ("northbrook", "northbrook"),
    ("northbrook/nb-academy", "northbrook--nb-academy"),
    ("../../etc/passwd", "etc--passwd"),
    ("..", "unnamed"),
    ("a\\b:c*d", "a-b-c-d"),
    (".hidden", "hidden"),
])
def test_safe_name(raw, name):
    assert safe_name(raw) == name


def test_inside_refuses_paths_that_escape(tmp_path):
    assert inside(tmp_path, "a.svg") == (tmp_path / "a.svg").resolve()
    with pytest.raises(OutputError):
        inside(tmp_path, "../escape.svg")


def test_outputs_get_ordinary_permissions_not_private_temp_ones(tmp_path):
    import os
    import stat
    dest = tmp_path / "a.txt"
    write_text(dest, "x")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(dest.stat().st_mode) == 0o666 & ~mask
