"""The register written by a forked child: the same bytes, errors as estate errors, a
child that stops when asked; and the CPU seconds of each stage in the timings."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from click.testing import CliRunner

from estate import forked, synth
from estate.cli import main
from estate.config import Settings
from estate.errors import OutputError
from estate.forked import Forked
from estate.pipeline import analyse

needs_fork = pytest.mark.skipif(not forked.available(), reason="work is forked on Linux only")


@pytest.fixture(scope="module")
def three(tmp_path_factory):
    folder = tmp_path_factory.mktemp("three") / "estate"
    synth.write(3, folder, seed=3)
    return folder


def run(three, out, jobs):
    settings = Settings(as_of=dt.date(2026, 4, 1))
    return analyse([three], out, settings, jobs=jobs, outputs={"register"})


@needs_fork
def test_the_register_from_the_child_is_the_register_written_in_process(three, tmp_path, monkeypatch):
    children = []
    real = Forked.__init__

    def counting(self, work, what):
        children.append(what)
        real(self, work, what)

    monkeypatch.setattr(Forked, "__init__", counting)
    in_process = run(three, tmp_path / "one", jobs=1)
    assert children == []                                 # jobs 1: written in this process
    from_child = run(three, tmp_path / "two", jobs=2)
    assert children == ["register.xlsx"]                  # jobs 2: by a forked child
    one, two = (tmp_path / "one" / "register.xlsx").read_bytes(), (tmp_path / "two" / "register.xlsx").read_bytes()
    assert len(one) > 10_000 and one == two
    assert [p.name for p in from_child.written] == [p.name for p in in_process.written] \
        == ["analysis.json", "register.xlsx"]


def test_without_fork_the_register_is_written_in_process(three, tmp_path, monkeypatch):
    monkeypatch.setattr(forked, "available", lambda: False)
    monkeypatch.setattr(Forked, "__init__", lambda *a: pytest.fail("forked where fork is unavailable"))
    run(three, tmp_path / "out", jobs=2)
    assert (tmp_path / "out" / "register.xlsx").stat().st_size > 10_000


@needs_fork
@pytest.mark.parametrize("raised,message,hint", [
    (ValueError("boom"), "estate: register.xlsx could not be written: ValueError: boom",
     "run again with --debug for the traceback"),
    (OutputError("disk full writing register.xlsx", hint="free some space"),
     "estate: disk full writing register.xlsx", "free some space"),
])
def test_an_error_in_the_child_is_an_estate_error(three, tmp_path, monkeypatch, raised, message, hint):
    def broken(*args, **kwargs):
        raise raised

    monkeypatch.setattr("estate.render.excel.write_register", broken)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["analyse", str(three), "-o", str(out), "--no-cache", "-q",
                                       "--maps", "none", "-j", "2"])
    assert result.exit_code == 1, result.output
    assert message in result.output and f"hint: {hint}" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()                               # nothing published


@needs_fork
def test_a_child_that_dies_is_an_estate_error():
    job = Forked(lambda: os.kill(os.getpid(), 9), "register.xlsx")
    with pytest.raises(OutputError, match="the process writing it was killed by signal 9"):
        job.join()


@needs_fork
def test_kill_stops_the_child_at_once_and_reaps_it(tmp_path):
    flag = tmp_path / "finished"
    job = Forked(lambda: (time.sleep(30), flag.write_text("late")), "register.xlsx")
    pid = job.pid
    started = time.perf_counter()
    job.kill()
    assert time.perf_counter() - started < 5 and job.pid is None
    with pytest.raises(ChildProcessError):                # reaped: no such child any more
        os.waitpid(pid, os.WNOHANG)
    assert not flag.exists()
    job.kill()                                            # a second time: nothing to do


@needs_fork
def test_the_child_cpu_time_comes_back():
    def spin():
        end = time.thread_time() + 0.3
        while time.thread_time() < end:
            pass
    job = Forked(spin, "work")
    job.join()
    assert 0.3 <= job.cpu < 5


def test_timings_hold_the_cpu_seconds_of_each_stage(three, tmp_path):
    timings = run(three, tmp_path / "out", jobs=2).timings
    cpu = {k: v for k, v in timings.items() if k.startswith("cpu:")}
    assert {"cpu:load", "cpu:graph", "cpu:write:analysis.json", "cpu:write:register.xlsx",
            "cpu:analyse:duplicates"} <= set(cpu)
    assert all(isinstance(v, float) and v >= 0 for v in cpu.values())
    # every stage with a CPU time has its wall time beside it
    assert all(k[len("cpu:"):] in timings for k in cpu)
    assert cpu["cpu:write:register.xlsx"] > 0.01            # the child's work is counted


@needs_fork
def test_ctrl_c_in_the_run_stops_the_register_child(three, tmp_path, monkeypatch):
    flag = tmp_path / "finished"
    children = []
    real = Forked.__init__

    def keeping(self, work, what):
        real(self, work, what)
        children.append(self)

    def slow(*args, **kwargs):
        time.sleep(30)
        flag.write_text("late")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(Forked, "__init__", keeping)
    monkeypatch.setattr("estate.render.excel.write_register", slow)
    monkeypatch.setattr("estate.pipeline.write_json_stream", interrupted)
    started = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        run(three, tmp_path / "out", jobs=2)
    assert time.perf_counter() - started < 20
    assert len(children) == 1 and children[0].pid is None        # killed and reaped
    assert not flag.exists() and not (tmp_path / "out").exists()
