"""Malformed OCDS files end in a clear error naming the file and the JSON path."""

from __future__ import annotations

import json

import pytest

from estate.interchange.ocds_import import import_ocds
from estate.interchange.sheets import SourceError


def _release(**fields) -> dict:
    release = {"ocid": "ocds-x-1", "id": "r1", "date": "2024-01-01T00:00:00Z",
               "buyer": {"id": "b", "name": "West Sussex County Council"},
               "tender": {"title": "Software"},
               "awards": [{"id": "a1", "suppliers": [{"name": "Acme Ltd"}],
                           "contractPeriod": {"startDate": "2024-01-01", "endDate": "2026-12-31"}}]}
    release.update(fields)
    return release


@pytest.mark.parametrize("fields,expected", [
    ({"awards": [None]}, "bad.json: $.releases[0].awards[0]: null where an object belongs"),
    ({"awards": {"id": "a1"}}, "bad.json: $.releases[0].awards: an object where a list belongs"),
    ({"tender": ["x"]}, "bad.json: $.releases[0].tender: a list where an object belongs"),
    ({"parties": [{"id": "b", "identifier": "GB-LAE-WSX"}]},
     "bad.json: $.releases[0].parties[0].identifier: text where an object belongs"),
    ({"tender": {"items": [{"classification": [1]}]}},
     "bad.json: $.releases[0].tender.items[0].classification: a list where an object belongs"),
])
def test_each_wrong_shape_is_named_by_its_json_path(tmp_path, fields, expected):
    (tmp_path / "bad.json").write_text(json.dumps({"releases": [_release(**fields)]}))
    with pytest.raises(SourceError) as err:
        import_ocds([tmp_path / "bad.json"])
    assert err.value.problems == [expected]


def test_every_bad_release_is_reported_at_once_and_good_files_still_read(tmp_path):
    (tmp_path / "bad.json").write_text(json.dumps({"releases": [
        _release(awards=[None]), _release(contracts={"period": {}})]}))
    (tmp_path / "good.json").write_text(json.dumps({"releases": [_release()]}))
    with pytest.raises(SourceError) as err:
        import_ocds([tmp_path])
    assert err.value.problems == [
        "bad.json: $.releases[0].awards[0]: null where an object belongs",
        "bad.json: $.releases[1].contracts: an object where a list belongs"]
    assert import_ocds([tmp_path / "good.json"]).docs["west-sussex"].contracts[0]["supplier"] == "Acme Ltd"


def test_deep_nesting_utf16_and_bad_bytes(tmp_path, run):
    deep = tmp_path / "deep.json"
    deep.write_text('{"releases": [' + "[" * 200_000 + "]" * 200_000 + "]}")
    result = run("import", "ocds", deep, "-o", tmp_path / "out", ok=False)
    assert result.exit_code == 1
    assert "deep.json: JSON nested too deeply to read" in result.stderr
    assert "Traceback" not in result.output and "internal error" not in result.output

    utf16 = tmp_path / "utf16.json"
    utf16.write_bytes(json.dumps({"releases": [_release()]}).encode("utf-16"))
    assert import_ocds([utf16]).docs["west-sussex"].contracts[0]["end"].isoformat() == "2026-12-31"

    latin = tmp_path / "latin.json"
    latin.write_bytes(b'{"releases": [{"ocid": "\xa3"}]}')
    result = run("import", "ocds", latin, "-o", tmp_path / "out", ok=False)
    assert result.exit_code == 1
    assert "latin.json: byte 25 is not UTF-8 text (invalid start byte); OCDS files are UTF-8" \
        in result.stderr


def test_not_json_names_line_and_column(tmp_path):
    (tmp_path / "x.json").write_text('{"releases": [\n  {"ocid": }\n]}')
    with pytest.raises(SourceError) as err:
        import_ocds([tmp_path / "x.json"])
    assert err.value.problems == ["x.json:2:12: not JSON: Expecting value"]
