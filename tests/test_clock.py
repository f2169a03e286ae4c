"""Wall and CPU seconds of a stage (estate.clock)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from estate import clock, forked
from estate.forked import Forked

SPIN = "import time\nend = time.process_time() + 0.4\nwhile time.process_time() < end: pass\n"


def spin(seconds):
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_timed_records_wall_and_cpu_of_the_thread_only():
    timings = {}
    other = threading.Thread(target=spin, args=(0.4,))
    with clock.timed(timings, "stage"):
        other.start()
        time.sleep(0.3)                  # waits: next to no CPU of its own
        other.join()
    assert timings["stage"] >= 0.3
    assert 0 <= timings["cpu:stage"] < 0.2              # the other thread's 0.4 s is not ours


def test_timed_with_children_adds_their_cpu():
    timings = {}
    with clock.timed(timings, "graphviz", children=True):
        subprocess.run([sys.executable, "-c", SPIN], check=True)
    assert timings["cpu:graphviz"] >= 0.4


@pytest.mark.skipif(not forked.available(), reason="work is forked on Linux only")
def test_a_child_claimed_by_one_stage_is_not_counted_by_another():
    timings = {}
    with clock.timed(timings, "maps", children=True):
        job = Forked(lambda: spin(0.4), "register.xlsx")
        job.join()                       # reaped here, but claimed as the register's
    assert job.cpu >= 0.4
    assert timings["cpu:maps"] < 0.2
