"""A run is published whole: killed at any moment, the output folder holds one complete run.

The runs are real ``python -m estate analyse`` processes, stopped (Ctrl-C to the whole
process group, as a terminal sends it, or SIGKILL) at moments found by watching the
staging folder fill; the tests know nothing of estate's insides beyond its file names.
"""

from __future__ import annotations

import errno
import fcntl
import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from estate.cli import main
from estate.errors import OutputError
from estate.publish import Publication
from estate_testing import REPO

SAMPLES = REPO / "inventories"
DATES = ("2026-11-21", "2027-06-01")       # two runs whose outputs differ


def run(out: Path, as_of: str, **popen) -> subprocess.Popen:
    command = [sys.executable, "-m", "estate", "analyse", str(SAMPLES), "-o", str(out),
               "--as-of", as_of, "--maps", "councils", "--no-cache"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=REPO, start_new_session=True, **popen)


def contents(out: Path) -> dict:
    """Every file under ``out``: its bytes (a workbook's parts but its save time)."""
    found = {}
    for path in sorted(out.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".xlsx":
                with zipfile.ZipFile(io.BytesIO(data)) as book:
                    data = {n: book.read(n) for n in book.namelist() if n != "docProps/core.xml"}
            found[path.relative_to(out).as_posix()] = data
    return found


def leftovers(out: Path) -> list:
    """Temporary files and folders a run leaves beside or inside ``out`` (the lock file
    is not one: it stays, empty but for a process id)."""
    beside = [p.name for p in out.parent.iterdir()
              if p.name.startswith(f".{out.name}.") and p.name != f".{out.name}.estate-lock"]
    inside = [p.relative_to(out).as_posix() for p in out.rglob(".*")
              if p.name != ".gitignore"] if out.exists() else []      # the user's own
    return beside + inside


def staging(out: Path) -> list:
    return list(out.parent.glob(f".{out.name}.estate-new-*"))


#: moments to stop a run at: (name, a test on the staging folders of the run)
MOMENTS = [
    ("while loading", lambda s: bool(s)),
    ("analysis.json written", lambda s: any((p / "analysis.json").exists() for p in s)),
    ("maps being drawn", lambda s: any(list(p.glob("maps/*")) for p in s)),
    ("report being written", lambda s: any(list(p.glob(".report.html.*")) for p in s)),
]


@pytest.fixture(scope="module")
def complete(tmp_path_factory):
    """The outputs of a complete run on each date."""
    found = {}
    for as_of in DATES:
        out = tmp_path_factory.mktemp("complete") / "out"
        done = run(out, as_of)
        _, err = done.communicate(timeout=300)
        assert done.returncode == 0, err
        found[as_of] = contents(out)
    assert found[DATES[0]] != found[DATES[1]]
    return found


def stop_at(process: subprocess.Popen, out: Path, moment, sig, before: set) -> None:
    """Send ``sig`` to the run's process group at ``moment`` (or when it has finished);
    ``before`` are staging folders a stopped run left, which are not this run's."""
    while process.poll() is None and not moment([p for p in staging(out) if p not in before]):
        time.sleep(0.002)
    if process.poll() is None:
        if sig == signal.SIGTERM:
            os.kill(process.pid, sig)        # as a service manager stops one process
        else:
            os.killpg(process.pid, sig)      # as a terminal signals the whole group


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL, signal.SIGTERM],
                         ids=["ctrl-c", "kill-9", "sigterm"])
def test_a_stopped_run_leaves_the_previous_run_or_the_new_one(tmp_path, complete, sig):
    out = tmp_path / "out"
    first = run(out, DATES[0])
    assert first.wait(timeout=300) == 0
    current = DATES[0]
    for name, moment in (MOMENTS if sig != signal.SIGTERM else MOMENTS[1:3]):
        wanted = DATES[1] if current == DATES[0] else DATES[0]
        before = set(staging(out))
        process = run(out, wanted)
        stop_at(process, out, moment, sig, before)
        _, err = process.communicate(timeout=300)
        now = contents(out)
        assert now in (complete[DATES[0]], complete[DATES[1]]), f"stopped {name}: a mix of runs"
        if process.returncode == 0:          # it finished before the moment came
            assert now == complete[wanted]
            current = wanted
            continue
        assert now == complete[current], f"stopped {name}: the previous run is not whole"
        if sig != signal.SIGKILL:
            assert process.returncode == 130, err
            assert err == f"estate: interrupted; {out} left as it was\n", f"stopped {name}"
        else:
            assert process.returncode == -signal.SIGKILL
    # the next run completes, and leaves nothing temporary behind
    final = run(out, DATES[1])
    _, err = final.communicate(timeout=300)
    assert final.returncode == 0, err
    assert contents(out) == complete[DATES[1]]
    assert leftovers(out) == []


def test_a_second_run_into_a_folder_in_use_refuses(tmp_path):
    out = tmp_path / "out"
    with Publication(out):                   # a run in progress holds the folder
        result = CliRunner().invoke(main, ["analyse", str(SAMPLES), "-o", str(out), "--maps", "none",
                                           "--no-cache"])
    assert result.exit_code == 1
    assert f"estate: {out} is being written by another estate run (process {os.getpid()}); " \
           "nothing was written" in result.output
    assert "hint: wait for that run to finish" in result.output
    assert not out.exists()


def test_the_lock_is_released_when_the_run_ends(tmp_path):
    out = tmp_path / "out"
    with Publication(out) as publication:
        (publication.staging / "analysis.json").write_text("{}")
        publication.publish()
    with open(tmp_path / ".out.estate-lock") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)       # free: no error
    assert (out / "analysis.json").read_text() == "{}" and leftovers(out) == []


def test_files_of_the_users_own_are_kept_and_old_outputs_replaced_whole(tmp_path):
    out = tmp_path / "out"
    (out / "maps").mkdir(parents=True)
    (out / "maps" / "council-gone.svg").write_text("<svg/>")
    (out / "notes.txt").write_text("mine")
    (out / "drafts").mkdir()
    (out / "drafts" / "a.md").write_text("draft")
    (out / ".report.html.k2j4h5g6.tmp").write_text("half a report")   # a killed run's
    (out / "maps" / ".council-a.svg.a_b1c2d3.svg").write_text("<svg")
    (out / ".gitignore").write_text("*\n")
    with Publication(out) as publication:
        (publication.staging / "report.html").write_text("<html>")
        publication.publish()
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == \
        [".gitignore", "drafts", "drafts/a.md", "notes.txt", "report.html"]
    assert (out / "notes.txt").read_text() == "mine" and leftovers(out) == []


def test_a_folder_a_killed_swap_left_aside_is_put_back(tmp_path):
    out = tmp_path / "out"
    aside = tmp_path / ".out.estate-old-x1y2" / "previous"
    aside.mkdir(parents=True)
    (aside / "analysis.json").write_text('{"previous": true}')
    with Publication(out):
        pass                                  # stopped before publishing
    assert (out / "analysis.json").read_text() == '{"previous": true}'
    assert leftovers(out) == []


# ---------------------------------------------------------------- the system refuses to write

def _refuse(code, when):
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        if when(str(dst)):
            raise OSError(code, os.strerror(code), str(src))
        return real(src, dst, *args, **kwargs)
    return replace


@pytest.mark.parametrize("code,text,hint", [
    (errno.ENOSPC, "No space left on device", "free some space on that disk"),
    (errno.EROFS, "Read-only file system", "write into a folder you may write to"),
    (errno.EACCES, "Permission denied", "write into a folder you may write to"),
])
def test_a_refused_write_is_said_plainly(tmp_path, monkeypatch, code, text, hint):
    out = tmp_path / "out"
    monkeypatch.setattr(os, "replace", _refuse(code, lambda dst: dst.endswith("register.xlsx")))
    result = CliRunner().invoke(main, ["analyse", str(SAMPLES), "-o", str(out), "--maps", "none",
                                       "--no-cache"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == f"estate: cannot write {out}/register.xlsx: {text}"
    assert hint in result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert not out.exists() and leftovers(out) == []


@pytest.mark.skipif(not __import__("shutil").which("dot"), reason="Graphviz dot is not installed")
def test_a_full_disk_stops_the_maps_without_trying_other_engines(tmp_path, monkeypatch):
    from estate.render import maps

    engines = []
    real = maps.run_graphviz

    def counting(source, engine, outputs, timeout):
        engines.append(engine)
        return real(source, engine, outputs, timeout)

    monkeypatch.setattr(maps, "run_graphviz", counting)
    monkeypatch.setattr(os, "replace", _refuse(errno.ENOSPC, lambda dst: dst.endswith(".svg")))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["analyse", str(SAMPLES), "-o", str(out), "--maps", "councils",
                                       "--no-cache", "-j", "1"])
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert first.startswith(f"estate: cannot write {out}/maps/council-") and \
        first.endswith(".svg: No space left on device")
    assert "osage" not in engines and "sfdp" not in engines
    assert not out.exists()


def test_without_an_atomic_exchange_the_swap_is_two_renames(tmp_path, monkeypatch):
    from estate import publish

    monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    out = tmp_path / "out"
    for text in ("one", "two"):
        with Publication(out) as publication:
            (publication.staging / "report.html").write_text(text)
            publication.publish()
        assert (out / "report.html").read_text() == text and leftovers(out) == []


def test_an_output_folder_that_is_a_file_is_refused_before_any_work(tmp_path):
    out = tmp_path / "out"
    out.write_text("not a folder")
    result = CliRunner().invoke(main, ["analyse", str(SAMPLES), "-o", str(out), "--no-cache"])
    assert result.exit_code == 2 and "is a file" in result.output       # the option says so
    with pytest.raises(OutputError, match=f"^{out} is a file, not a folder; nothing was written"):
        Publication(out).__enter__()                                   # and the library
    assert out.read_text() == "not a folder" and leftovers(out) == []


def test_a_folder_holding_the_inputs_or_the_current_folder_is_refused(tmp_path, monkeypatch):
    inventories = tmp_path / "work" / "inventories"
    inventories.mkdir(parents=True)
    (inventories / "a.yaml").write_text((SAMPLES / "kingsmere.yaml").read_text())
    result = CliRunner().invoke(main, ["analyse", str(inventories), "-o", str(tmp_path / "work"),
                                       "--no-cache"])
    assert result.exit_code == 1
    assert f"estate: {tmp_path / 'work'} holds {inventories}, an input of this run" in result.output
    monkeypatch.chdir(inventories)
    result = CliRunner().invoke(main, ["analyse", str(SAMPLES), "-o", ".", "--no-cache"])
    assert result.exit_code == 1 and "estate: . holds the current folder" in result.output
    assert sorted(p.name for p in (tmp_path / "work").rglob("*")) == ["a.yaml", "inventories"]


def test_a_folder_that_cannot_be_written_beside_is_said_plainly_before_any_work(tmp_path, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["analyse", str(SAMPLES), "-o", str(out), "--no-cache"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == f"estate: cannot write {tmp_path}: Read-only file system"
    assert "internal error" not in result.output and not out.exists()
