"""Writing imported inventories: readable YAML, diffs, no overwrite without --force."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from estate_testing import INTERCHANGE as FIXTURES
from estate.interchange import values
from estate.interchange.writer import AuthorityDoc, render

COUNCIL = FIXTURES / "council-releases.json"


def test_render_is_block_style_with_unquoted_dates_quoted_versions_and_comments():
    doc = AuthorityDoc(
        authority={"id": "x", "name": "X Council"},
        systems=[{"id": "s", "name": "yes", "version": "10", "supports": ["a", "b, c"],
                  "end_of_support": dt.date(2026, 3, 31), "owner": "Head: Revenues",
                  "depends_on": [{"system": "t", "via": "api"}], "annual_cost": 180000.0,
                  "data": {"api": False, "export_formats": []}}],
        origin={("systems", "s"): ["from: book.xlsx row 12"]})
    text = render(doc, ["header"])
    assert text == (
        "# header\nkind: authority\nauthority:\n  id: x\n  name: X Council\n"
        "lines_of_business: []\n\nsystems:\n  # from: book.xlsx row 12\n  - id: s\n"
        '    name: "yes"\n    version: "10"\n    end_of_support: 2026-03-31\n'
        '    supports: [a, "b, c"]\n    depends_on:\n      - system: t\n        via: api\n'
        "    data:\n      api: false\n    annual_cost: 180000\n"
        '    owner: "Head: Revenues"\ncontracts: []\n')
    loaded = yaml.safe_load(text)["systems"][0]
    assert loaded["name"] == "yes" and loaded["supports"] == ["a", "b, c"]
    assert render(doc, ["header"]) == text                       # deterministic


@pytest.mark.parametrize("text", ["=SUM(A1)", "@here", "- dash", "true", "null", "1e3", "a: b",
                                  "#hash", "'quoted'", "tab\there", "  padded ", "ünïcode & more",
                                  "line\nbreak", "[x]", "*alias", "!tag", "%", "`back`"])
def test_any_text_survives_yaml(text):
    doc = AuthorityDoc(authority={"id": "x", "name": text},
                       contracts=[{"id": "c", "supplier": text, "end": dt.date(2030, 1, 1),
                                   "framework": text}])
    loaded = yaml.safe_load(render(doc))
    assert loaded["authority"]["name"] == text
    assert loaded["contracts"][0]["supplier"] == text == loaded["contracts"][0]["framework"]


def test_existing_files_are_not_overwritten_without_force(tmp_path, run):
    out = tmp_path / "inv"
    run("import", "ocds", COUNCIL, "-o", out)
    target = out / "newham-contracts.yaml"
    target.write_text(target.read_text().replace("end: 2023-11-15", "end: 2024-11-15"))
    refused = run("import", "ocds", COUNCIL, "-o", out, ok=False)
    assert refused.exit_code == 1
    assert "newham/ocds-b5fd17-e32c4a7e-5e11-4748-950c-022b42e09e7a-1: end 2024-11-15 -> 2023-11-15" \
        in refused.stdout
    assert "-    end: 2024-11-15\n+    end: 2023-11-15" in refused.stdout
    assert "run again with --force" in refused.stderr
    assert "end: 2024-11-15" in target.read_text()
    run("import", "ocds", COUNCIL, "-o", out, "--force")
    assert "end: 2023-11-15" in target.read_text()


def test_existing_files_are_changed_in_place_keeping_their_layout(tmp_path, run):
    out = tmp_path / "inv"
    out.mkdir()
    old = out / "west-sussex.yaml"
    old.write_text("kind: authority\nauthority: {id: west-sussex, name: West Sussex County Council}\n"
                   "contracts:\n  - {id: OLD-1, supplier: Someone, end: 2030-01-01}\n")
    refused = run("import", "ocds", COUNCIL, "-o", out, ok=False)
    assert refused.exit_code == 1 and "west-sussex/OLD-1: contract removed" in refused.stdout
    run("import", "ocds", COUNCIL, "-o", out, "--force")
    text = old.read_text()
    assert "OLD-1" not in text and "ocds-b5fd17-3dda235d-185b-44da-9012-62700541112d-1" in text
    assert text.startswith("kind: authority\nauthority: {id: west-sussex, name: West Sussex County "
                           "Council, gss_code: E10000032")        # flow header kept, fields added
    assert not (out / "west-sussex-contracts.yaml").exists()     # the layout is kept
    assert (out / "newham-contracts.yaml").exists()               # a new authority: a new file


def test_a_file_mixing_other_records_keeps_them_when_changed_in_place(tmp_path, run):
    out = tmp_path / "inv"
    out.mkdir()
    both = out / "both.yaml"
    other = "---\nkind: authority\nauthority: {id: other, name: Other}\nsystems: []\n"
    both.write_text("kind: authority\nauthority: {id: west-sussex, name: West Sussex County Council}\n"
                    "contracts:\n  - {id: OLD-1, supplier: Someone, end: 2030-01-01}\n" + other)
    run("import", "ocds", COUNCIL, "-o", out, "--force")
    text = both.read_text()
    assert "OLD-1" not in text and text.endswith(other)
    assert "ocds-b5fd17-3dda235d-185b-44da-9012-62700541112d-1" in text.split("---")[0]


@pytest.mark.parametrize("raw,expected", [
    ("£180,000", 180000), ("180000.00", 180000), ("£1.2m", 1200000), ("180k", 180000),
    ("GBP 12,500.50 pa", 12500.5), ("£84,500 + VAT", 84500), (2500.0, 2500), ("", None),
])
def test_money(raw, expected):
    assert values.parse_money(raw) == expected


@pytest.mark.parametrize("raw,expected", [
    ("31/03/2026", dt.date(2026, 3, 31)), ("2026-03-31T23:59:59+01:00", dt.date(2026, 3, 31)),
    ("1 April 2023", dt.date(2023, 4, 1)), ("31.03.26", dt.date(2026, 3, 31)),
    (dt.datetime(2026, 3, 31, 12), dt.date(2026, 3, 31)), (46112, dt.date(2026, 3, 31)),
    ("3rd Sept 2024", dt.date(2024, 9, 3)), (None, None),
])
def test_dates(raw, expected):
    assert values.parse_date(raw) == expected


def test_bad_values_say_what_was_expected():
    with pytest.raises(values.ValueProblem, match="is a range"):
        values.parse_money("£10,000 - £20,000")
    with pytest.raises(values.ValueProblem, match="not a real date"):
        values.parse_date("30/02/2026")
    assert values.parse_bool("Y") is True and values.parse_bool("n/a") is None


def test_formula_text_is_neutralised_and_restored():
    for text in ("=1+1", "+44 20", "-x", "@SUM", "\tx", "\rx"):
        assert values.neutralise(text) == "'" + text
        assert values.restore(values.neutralise(text)) == text
    assert values.neutralise(-5) == -5 and values.neutralise("plain") == "plain"
    assert values.restore("'quoted'") == "'quoted'"


def test_route_words():
    assert values.route_of("Call-off from a framework agreement", "selective") == "framework"
    assert values.route_of("Open procedure (below threshold)", "open") == "open-tender"
    assert values.route_of("Single tender action (below threshold)", "direct") == "direct-award"
    assert values.route_of("G-Cloud 13") == "g-cloud"
    assert values.route_of("Restricted procedure", "selective") == "other"
    assert values.route_of("Other - ") is None and values.route_of("Directorate choice") == "other"


def test_the_import_diff_never_follows_a_symbolic_link_in_the_output_folder(tmp_path, run):
    secret = tmp_path / "secret.txt"
    secret.write_text("kind: authority\nauthority: {id: newham, name: Newham}\n"
                      "contracts: []  # private: do not show\n")
    out = tmp_path / "inv"
    out.mkdir()
    (out / "newham-contracts.yaml").symlink_to(secret)
    result = run("import", "ocds", COUNCIL, "-o", out, "--force", ok=False)
    assert result.exit_code == 1 and "is a symbolic link" in result.stderr
    assert "do not show" not in result.stdout and "Traceback" not in result.output
    assert secret.read_text().endswith("# private: do not show\n")
