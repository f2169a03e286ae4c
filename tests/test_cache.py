"""The parse cache, parallel parsing and the fast loader give the results a plain parse gives."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from estate import synth
from estate.model.parse_cache import MAGIC, ParseCache, default_cache_dir
from estate.choices import OutputChoices
from estate.cli import main
from estate.model import parsing
from estate.model import load, parse_files
from estate.model.loader import Positions, _parse_with_pyyaml, discover, parse_text

REPO = Path(__file__).parent.parent


def formatted(estate) -> list:
    return [p.format() for p in estate.problems]


@pytest.fixture(scope="module")
def estate_dir(tmp_path_factory):
    """Four synthetic councils (some split over two files), written once for the module."""
    folder = tmp_path_factory.mktemp("est")
    synth.write(4, folder, seed=11)
    return folder


@pytest.fixture
def inventories(tmp_path, estate_dir):
    """A private copy of the four councils, free to edit."""
    folder = tmp_path / "inv"
    shutil.copytree(estate_dir, folder)
    return folder


def council_file(folder: Path) -> Path:
    return next(p for p in sorted(folder.rglob("*.yaml")) if "criticality: low" in p.read_text())


# --- the cache ---------------------------------------------------------------------------------

def test_a_second_run_reads_every_file_from_the_cache(inventories, tmp_path):
    cold = ParseCache(tmp_path / "cache")
    first = load([str(inventories)], cache=cold)
    files = discover([str(inventories)])
    assert (cold.stats.hits, cold.stats.misses, cold.stats.writes) == (0, len(files), len(files))
    warm = ParseCache(tmp_path / "cache")
    second = load([str(inventories)], cache=warm)
    assert (warm.stats.hits, warm.stats.misses, warm.stats.parsed) == (len(files), 0, [])
    assert formatted(second) == formatted(first)
    assert second.authorities == first.authorities


def test_editing_one_file_reparses_only_that_file(inventories, tmp_path):
    load([str(inventories)], cache=ParseCache(tmp_path / "cache"))
    edited = council_file(inventories)
    text = edited.read_text()
    edited.write_text(text.replace("criticality: low", "criticality: medium", 1))
    cache = ParseCache(tmp_path / "cache")
    estate = load([str(inventories)], cache=cache)
    assert cache.stats.parsed == [str(edited)]
    assert cache.stats.misses == 1 and cache.stats.writes == 1
    assert formatted(estate) == formatted(load([str(inventories)]))


def test_a_file_with_the_same_bytes_elsewhere_is_a_hit_labelled_with_its_own_path(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    for folder in (one, two):
        folder.mkdir()
        (folder / "bad.yaml").write_text("kind: authority\nauthority: {id: a, name: A\n")
    cache = ParseCache(tmp_path / "cache")
    load([str(one)], cache=cache)
    again = ParseCache(tmp_path / "cache")
    estate = load([str(two)], cache=again)
    assert again.stats.hits == 1
    [problem] = estate.errors
    assert problem.code == "E101" and problem.file == str(two / "bad.yaml") and problem.line == 3


@pytest.mark.parametrize("damage", ["garbage", "truncate", "empty", "other-entry"])
def test_a_corrupt_entry_is_ignored_and_rebuilt(inventories, tmp_path, damage):
    cache = ParseCache(tmp_path / "cache")
    expected = formatted(load([str(inventories)], cache=cache))
    entries = sorted(cache.folder.rglob("*.msgpack"))
    victim = entries[0]
    raw = victim.read_bytes()
    if damage == "garbage":
        victim.write_bytes(MAGIC + os.urandom(200))
    elif damage == "truncate":
        victim.write_bytes(raw[: len(raw) // 2])
    elif damage == "empty":
        victim.write_bytes(b"")
    else:  # a valid entry, but for other bytes
        victim.write_bytes(entries[1].read_bytes())
    again = ParseCache(tmp_path / "cache")
    assert formatted(load([str(inventories)], cache=again)) == expected
    assert (again.stats.corrupt, again.stats.misses, again.stats.writes) == (1, 1, 1)
    assert victim.read_bytes() == raw
    third = ParseCache(tmp_path / "cache")
    load([str(inventories)], cache=third)
    assert third.stats.corrupt == 0 and third.stats.misses == 0


def test_entries_are_written_atomically_in_a_private_folder(inventories, tmp_path):
    cache = ParseCache(tmp_path / "cache")
    load([str(inventories)], cache=cache)
    assert not [p for p in (tmp_path / "cache").rglob("*") if p.name.startswith(".tmp")]
    assert (tmp_path / "cache").stat().st_mode & 0o077 == 0


def test_an_unwritable_cache_is_not_an_error(inventories, tmp_path):
    blocker = tmp_path / "cache"
    blocker.write_text("a file, not a folder")
    cache = ParseCache(blocker)
    estate = load([str(inventories)], cache=cache)
    assert not estate.errors and cache.stats.writes == 0


def test_the_cache_lives_under_xdg_cache_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "estate"
    assert ParseCache().root == tmp_path / "xdg" / "estate"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "estate"


def test_a_new_estate_version_does_not_read_old_entries(inventories, tmp_path, monkeypatch):
    load([str(inventories)], cache=ParseCache(tmp_path / "cache"))
    monkeypatch.setattr("estate.model.parse_cache.__version__", "99.0")
    cache = ParseCache(tmp_path / "cache")
    load([str(inventories)], cache=cache)
    assert cache.stats.hits == 0


# --- the command line --------------------------------------------------------------------------

TINY = """\
kind: authority
authority: {id: tiny, name: Tiny Council}
systems:
  - {id: t-rev, name: Revenues, product: iWorld, vendor: Northgate, supports: [council-tax]}
contracts:
  - {id: T-1, supplier: Civica UK Limited, covers: [t-rev], end: 2027-03-31}
"""


def test_cli_analyse_uses_the_cache_dir_and_no_cache_turns_it_off(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    (tmp_path / "inv").mkdir()
    (tmp_path / "inv" / "tiny.yaml").write_text(TINY)
    runner = CliRunner()
    args = ["analyse", str(tmp_path / "inv"), "-o", str(tmp_path / "out"), "--maps", "none",
            "--as-of", "2026-04-01", "-q"]
    result = runner.invoke(main, args + ["--cache-dir", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    assert list((tmp_path / "c").rglob("*.msgpack"))
    result = runner.invoke(main, args + ["--no-cache"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "xdg").exists()
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert list((tmp_path / "xdg" / "estate").rglob("*.msgpack"))
    assert result.stderr == ""      # quiet, and no progress bar when stderr is not a terminal


def test_cli_without_quiet_shows_no_progress_bar_when_not_a_terminal(tmp_path):
    (tmp_path / "inv").mkdir()
    (tmp_path / "inv" / "tiny.yaml").write_text(TINY)
    result = CliRunner().invoke(main, ["analyse", str(tmp_path / "inv"), "-o", str(tmp_path / "out"),
                                       "--maps", "none", "--no-cache"])
    assert result.exit_code == 0, result.output
    assert "\r" not in result.stderr and "[#" not in result.stderr
    assert "1 council," in result.stderr


# --- parallel parsing and the fast loader -------------------------------------------------------

def test_parallel_parse_gives_what_a_serial_parse_gives(estate_dir, monkeypatch):
    monkeypatch.setattr(parsing, "PARALLEL_MIN_BYTES", 0)
    files = discover([str(estate_dir)])
    serial = parse_files(files, jobs=1)
    parallel = parse_files(files, jobs=2)
    assert [p.path for p in parallel] == files
    for a, b in zip(serial, parallel):
        assert (a.docs, a.problems, a.index) == (b.docs, b.problems, b.index)
    one, two = load([str(estate_dir)], jobs=1), load([str(estate_dir)], jobs=2)
    assert formatted(one) == formatted(two)
    assert one.authorities == two.authorities


def test_parallel_parse_with_a_cache_stores_every_file(estate_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(parsing, "PARALLEL_MIN_BYTES", 0)
    cache = ParseCache(tmp_path / "cache")
    estate = load([str(estate_dir)], jobs=2, cache=cache)
    files = discover([str(estate_dir)])
    assert cache.stats.writes == len(files)
    warm = ParseCache(tmp_path / "cache")
    assert formatted(load([str(estate_dir)], cache=warm)) == formatted(estate)
    assert warm.stats.hits == len(files)


def _paths(data, prefix=()):
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, prefix + (key,))
        yield prefix + ("no-such-key",)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _paths(value, prefix + (i,))
        yield prefix + (len(data) + 2,)


def test_the_fast_loader_reads_what_pyyaml_reads_and_locates_what_composing_locates(estate_dir):
    rng = random.Random(5)
    files = discover([str(REPO / "inventories"), str(REPO / "tests" / "fixtures"), str(estate_dir)])
    checked = 0
    for path in files:
        text = Path(path).read_bytes().decode("utf-8-sig", errors="replace")
        fast, slow = parse_text(text, path), _parse_with_pyyaml(text, path)
        assert fast.docs == slow.docs, path
        assert [p.format() for p in fast.problems] == [p.format() for p in slow.problems], path
        if not fast.index:
            continue
        indexed, composed = Positions(parsed={path: fast}), Positions(texts={path: text})
        for doc, data in fast.docs:
            wheres = list(_paths(data))
            for where in rng.sample(wheres, min(len(wheres), 400)):
                for key in (False, True):
                    assert indexed.locate(path, doc, where, key) == \
                        composed.locate(path, doc, where, key), (path, doc, where, key)
                    checked += 1
        assert indexed.locate(path, 7, ("x",)) == composed.locate(path, 7, ("x",))
    assert checked > 5000


@pytest.mark.parametrize("text", [
    "a: &x {b: 1}\nc: *x\n",                       # aliases
    "base: &b {k: 1}\nm:\n  <<: *b\n  j: 2\n",      # merge keys
    "a: 1\na: 2\n",                                # duplicate keys
    "1: one\nyes: true\n",                         # keys that are not text
    "a: !!binary aGVsbG8=\n",                      # explicit tags
    "a: 0o17\nb: 0x1F\nc: 1_000\nd: 017\ne: -3\nf: 1.5e3\ng: .inf\n",
    "d: 2026-02-30\nt: 2026-01-01 10:00:00\nu: 2026-1-5 1:2:3\n",
    "kind: x\n---\n---\nkind: y\n",                 # empty documents between
    "",                                            # nothing at all
    "a: [1, 2\n",                                  # a syntax error
])
def test_the_fast_loader_agrees_with_pyyaml_on_unusual_yaml(text):
    fast, slow = parse_text(text, "f.yaml"), _parse_with_pyyaml(text, "f.yaml")
    assert fast.docs == slow.docs
    assert [p.format() for p in fast.problems] == [p.format() for p in slow.problems]


# --- progress ------------------------------------------------------------------------------------

class FakeTerminal:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass

    def isatty(self):
        return True


def test_the_pipeline_reports_every_stage_to_a_progress_callback(tmp_path):
    from estate.config import Settings
    from estate.pipeline import analyse

    (tmp_path / "inv").mkdir()
    (tmp_path / "inv" / "tiny.yaml").write_text(TINY)
    heard = []
    analyse([str(tmp_path / "inv")], tmp_path / "out", Settings(), outputs={"json-only"},
            progress=lambda stage, done, total: heard.append((stage, done, total)))
    stages = list(dict.fromkeys(stage for stage, _, _ in heard))
    assert stages == ["read", "check", "graph", "analyse", "write"]
    assert ("read", 1, 1) in heard
    analyses = [(done, total) for stage, done, total in heard if stage == "analyse"]
    assert analyses[-1][0] == analyses[-1][1] > 5


def test_a_bar_draws_each_stage_on_a_terminal_and_nothing_elsewhere():
    from io import StringIO

    from estate.progress import Bar, Progress, for_stream

    ticks = iter(range(100))
    terminal = FakeTerminal()
    bar = Bar(terminal, clock=lambda: next(ticks))
    bar.begin("read", 4)
    for _ in range(4):
        bar.advance()
    bar.begin("check")            # ends the stage before
    bar.end()
    lines = terminal.text.split("\n")
    assert "4/4" in lines[0]
    assert "[" + "#" * Bar.WIDTH + "]" in lines[0]
    assert lines[1].lstrip("\r").startswith("check")
    assert isinstance(for_stream(terminal), Bar)
    assert type(for_stream(terminal, quiet=True)) is Progress
    assert type(for_stream(StringIO())) is Progress


def test_analysis_json_is_streamed_with_the_bytes_write_json_gives(tmp_path):
    from estate.output import write_json, write_json_stream

    document = {"b": [1, {"x": "é", "d": __import__("datetime").date(2026, 1, 2)}], "a": {}}
    write_json_stream(tmp_path / "streamed.json", document)
    write_json(tmp_path / "whole.json", document)
    assert (tmp_path / "streamed.json").read_bytes() == (tmp_path / "whole.json").read_bytes()
    assert [p.name for p in tmp_path.iterdir()] != [] and not list(tmp_path.glob(".*"))


# --- outputs in parallel -------------------------------------------------------------------------

def test_a_job_in_a_thread_returns_its_value_or_raises_its_error():
    from estate.errors import OutputError
    from estate.pipeline import _Now, _Thread

    assert _Thread(lambda: 42).join() == 42 and _Now(lambda: 7).join() == 7

    def fail():
        raise OutputError("disk full", hint="free some space")

    with pytest.raises(OutputError, match="disk full"):
        _Thread(fail).join()


def test_outputs_written_in_parallel_are_the_outputs_written_in_line(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    from estate.config import Settings
    from estate.pipeline import analyse

    (tmp_path / "inv").mkdir()
    (tmp_path / "inv" / "tiny.yaml").write_text(TINY)
    from estate.render.maps import dot_available

    settings = Settings(as_of=__import__("datetime").date(2026, 4, 1))
    books, written, maps = [], [], []
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        result = analyse([str(tmp_path / "inv")], out, settings, jobs=jobs,
                         choices=OutputChoices(maps="councils"))
        written.append(sorted(p.name for p in result.written))
        book = openpyxl.load_workbook(out / "register.xlsx", read_only=True)
        books.append({ws.title: [row for row in ws.iter_rows(values_only=True)] for ws in book})
        maps.append(sorted(p.name for p in (out / "maps").glob("*.dot")) if (out / "maps").exists() else [])
    assert books[0] == books[1] and len(books[0]) > 3
    assert written[0] == written[1]
    assert maps[0] == maps[1] and (maps[0] or not dot_available())


# --- the cache cannot run code, and is trusted only when it is the user's own --------------------

def test_cache_entries_are_data_not_pickles(inventories, tmp_path):
    cache = ParseCache(tmp_path / "cache")
    load([str(inventories)], cache=cache)
    entries = sorted(cache.folder.rglob("*.msgpack"))
    assert entries and not list(cache.folder.rglob("*.pickle"))
    for entry in entries:
        raw = entry.read_bytes()
        assert raw.startswith(MAGIC)
        assert b"\x80\x04" not in raw[:len(MAGIC) + 2]     # no pickle protocol header
    assert oct(os.stat(cache.root).st_mode & 0o777) == "0o700"


def test_a_crafted_entry_is_never_decoded_and_is_rebuilt(inventories, tmp_path):
    import hashlib
    import pickle
    cache = ParseCache(tmp_path / "cache")
    cold = load([str(inventories)], cache=cache)
    victim = sorted(cache.folder.rglob("*.msgpack"))[0]
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))
    payload = pickle.dumps(Evil())
    # a pickle with a correct digest, then one with a wrong digest
    for body in (hashlib.sha256(payload).digest() + payload, b"\x00" * 32 + payload):
        victim.write_bytes(MAGIC + body)
        warm = ParseCache(tmp_path / "cache")
        again = load([str(inventories)], cache=warm)
        assert not marker.exists()
        assert warm.stats.corrupt == 1
        assert formatted(again) == formatted(cold)


def test_entries_round_trip_dates_impossible_dates_and_long_numbers():
    from estate.model.loader import parse_text
    from estate.model.parse_cache import dumps, loads
    parsed = parse_text("kind: authority\nstart: 2026-02-30\nend: 2026-03-31\n"
                        f"at: 2026-03-31T10:00:00\nbig: {'9' * 4500}\nname: x\n", "a.yaml")
    parsed.digest = "d"
    back = loads(dumps(parsed), "b.yaml")
    assert back.docs == parsed.docs and back.path == "b.yaml" and back.digest == "d"
    data = back.docs[0][1]
    assert (type(data["start"]).__name__, data["start"].reason) == ("BadDate", parsed.docs[0][1]["start"].reason)
    assert type(data["big"]).__name__ == "BadNumber"


def test_a_file_with_values_the_format_does_not_carry_is_parsed_again(tmp_path):
    folder = tmp_path / "inv"
    folder.mkdir()
    (folder / "a.yaml").write_text("kind: authority\nauthority: {id: a, name: A}\n"
                                   "systems:\n  - {id: s, name: !!binary aGk=, supports: []}\n")
    cache = ParseCache(tmp_path / "cache")
    first = load([str(folder)], cache=cache)
    assert cache.stats.writes == 0
    assert [p.code for p in first.errors] == ["E121"]


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o722])
def test_a_cache_folder_others_may_write_is_refused_with_a_hint(inventories, tmp_path, mode):
    root = tmp_path / "cache"
    root.mkdir()
    os.chmod(root, mode)
    result = CliRunner().invoke(main, ["analyse", str(inventories), "-o", str(tmp_path / "out"),
                                       "--cache-dir", str(root)])
    assert result.exit_code == 1
    assert f"refusing the cache folder {root}: its group or others may write to it " \
           f"(mode {mode:04o})" in result.output
    assert f"chmod go-w {root}" in result.output
    assert "Traceback" not in result.output


def test_a_cache_folder_of_another_user_is_refused(tmp_path, monkeypatch):
    from estate.model.parse_cache import UnsafeCache
    root = tmp_path / "cache"
    root.mkdir(mode=0o700)
    monkeypatch.setattr(os, "getuid", lambda: os.stat(root).st_uid + 1)
    with pytest.raises(UnsafeCache, match="it belongs to another user"):
        ParseCache(root)
