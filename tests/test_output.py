"""Atomic outputs, safe file names, and analysis.json written as json.dump writes it."""

from __future__ import annotations

import collections
import datetime as dt
import decimal
import enum
import json

import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st

from estate import output
from estate.errors import OutputError
from estate.output import atomic_path, inside, safe_name, write_json_stream, write_text


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


# --------------------------------------------------------------------------- write_json_stream

def _json_dump_bytes(document) -> bytes:
    """What ``estate.pipeline`` wrote before: json.dump, indent 2, and a newline."""
    return (json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n").encode("utf-8")


class Colour(enum.Enum):
    RED = 1


class Level(enum.IntEnum):
    HIGH = 3


class Name(str):
    pass


TRICKY = {
    "unicode": ["Wrexham – Wrecsam", "Ysgol Gymraeg Caerdydd", "😀", "é", "\u2028\u2029", "\ufeff", "日本"],
    "escapes": ["line\nbreak", 'say "hi"', "back\\slash", "tab\there", "\x00\x01\x1f\x7f", "</script>"],
    "floats": [0.1, 0.2 + 0.1, 1 / 3, 1e20, 1e16, 9999999999999998.0, 1e15, 1e-4, 1e-5, 2.5e-7,
               -0.0, 0.0, 5e-324, 1.7976931348623157e308, 100.0, 123456.789],
    "not numbers": [float("nan"), float("inf"), float("-inf")],
    "ints": [0, -1, 2**53 + 1, 2**63 - 1, 2**63, 2**64, -2**63, -2**63 - 1, 10**30],
    "plain": [None, True, False, "", [], {}, [[]], {"a": {}}, {"a": []}, [[], {}, [[[]]]]],
    "dates": [dt.date(2026, 11, 21), dt.datetime(2026, 11, 21, 9, 30), dt.time(9, 30)],
    "others": [(1, 2), {3, 1}, frozenset(), decimal.Decimal("1.10"), Colour.RED, Level.HIGH, Name("n"),
               collections.OrderedDict(b=1, a=2), b"bytes", 1j],
    "keys": [{1: "int"}, {1.5: "float"}, {True: "bool"}, {None: "none"}, {Name("k"): "str subclass"}],
    "deep": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["deep"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],
}


@pytest.mark.parametrize("key", sorted(TRICKY))
def test_write_json_stream_writes_json_dumps_bytes(tmp_path, key):
    document = {"estate_version": "1.0", key: TRICKY[key], "each": [{key: v} for v in TRICKY[key]]}
    write_json_stream(tmp_path / "analysis.json", document)
    assert (tmp_path / "analysis.json").read_bytes() == _json_dump_bytes(document)


@pytest.mark.parametrize("document", [
    {}, [], "text", 1.5, None, {"a": 1}, [1, [2, [3, [4, [5]]]]], {1: "a non-str key at the top"},
    {"findings": {"hubs": [], "cycles": [{"systems": ["a/b"]}] * 5}},
    [0.1] * 3, {"a": [1e20, "x"]}, {"a": float("nan")},
])
def test_write_json_stream_any_shape_of_document(tmp_path, document):
    write_json_stream(tmp_path / "a.json", document)
    assert (tmp_path / "a.json").read_bytes() == _json_dump_bytes(document)


def test_write_json_stream_long_lists_in_batches(tmp_path):
    """Lists longer than a batch, at each level written piece by piece, and below."""
    rows = [{"id": f"c/{i}", "share": i / 7, "reasons": [f"reason {i}"], "cost": i * 1000.5,
             "none": None, "nested": {"list": list(range(i % 4))}} for i in range(2 * output.JSON_BATCH + 3)]
    rows[output.JSON_BATCH + 1]["share"] = 1e-9        # one batch that json writes
    document = {"summary": {"n": len(rows)}, "legacy_risks": rows,
                "dependencies": {"hubs": rows, "cycles": [], "deeper": {"rows": rows}}}
    write_json_stream(tmp_path / "a.json", document)
    assert (tmp_path / "a.json").read_bytes() == _json_dump_bytes(document)


def test_write_json_stream_without_orjson(tmp_path, monkeypatch):
    monkeypatch.setattr(output, "orjson", None)
    document = {"a": [1, 0.1, "é"], "b": {"c": dt.date(2026, 1, 1)}}
    write_json_stream(tmp_path / "a.json", document)
    assert (tmp_path / "a.json").read_bytes() == _json_dump_bytes(document)


def test_write_json_stream_fails_as_json_does_and_leaves_nothing(tmp_path):
    dest = tmp_path / "analysis.json"
    dest.write_text("old")
    cyclic: dict = {"a": []}
    cyclic["a"].append(cyclic)
    with pytest.raises(ValueError, match="Circular reference"):
        write_json_stream(dest, {"findings": cyclic})
    with pytest.raises(TypeError):
        write_json_stream(dest, {"findings": [{(1, 2): "a tuple key"}]})
    with pytest.raises(UnicodeEncodeError):
        write_json_stream(dest, {"findings": ["\ud800"]})
    assert dest.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["analysis.json"]


def test_orjson_agrees_only_on_what_it_writes_as_json_does():
    agrees = output._orjson_agrees
    assert agrees({"a": [1, "b", None, True, 0.25, (1, 2), {"c": [0.0, -0.0, 1e15]}]})
    for value in (float("nan"), float("inf"), 1e16, 1e-5, dt.date(2026, 1, 1), {1}, Colour.RED,
                  Level.HIGH, Name("n"), collections.OrderedDict()):
        assert not agrees({"a": [{"b": [value]}]}), value


_scalars = (st.none() | st.booleans() | st.integers() | st.floats() | st.text()
            | st.dates() | st.sampled_from([Colour.RED, Level.HIGH, Name("n"), b"x"]))
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=5)
                       | st.tuples(inner, inner) | st.dictionaries(st.text(max_size=5), inner, max_size=5),
                       max_leaves=40)


@hypothesis_settings(max_examples=300, deadline=None)
@given(document=st.dictionaries(st.text(max_size=8), _values, max_size=6))
def test_write_json_stream_matches_json_dump_for_any_document(tmp_path_factory, document):
    dest = tmp_path_factory.mktemp("json") / "a.json"
    try:
        expected = _json_dump_bytes(document)
    except UnicodeEncodeError:          # a lone surrogate: json cannot write it either
        with pytest.raises(UnicodeEncodeError):
            write_json_stream(dest, document)
        return
    write_json_stream(dest, document)
    assert dest.read_bytes() == expected
