"""The loader: discovery, multi-document files, split authorities, positions, safety."""

from __future__ import annotations

import datetime as dt

import pytest

from estate.errors import UsageError
from estate.model import load
from estate.model.loader import MAX_EXPANDED_NODES, BadDate, Positions, discover, parse_text

from estate_testing import load_mini


def test_discover_finds_yaml_and_yml_recursively_sorted_and_skips_config_and_hidden(tmp_path):
    for name in ["b/x.yaml", "a/y.yml", "a/notes.txt", "estate.yaml", ".git/z.yaml", "c.yaml"]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("kind: catalogue\n")
    found = [p.replace(str(tmp_path) + "/", "") for p in discover([str(tmp_path)])]
    assert found == ["a/y.yml", "b/x.yaml", "c.yaml"]


def test_discover_refuses_a_missing_path_as_a_usage_error(tmp_path):
    with pytest.raises(UsageError) as err:
        discover([str(tmp_path / "nope")])
    assert err.value.exit_code == 2


def test_a_folder_without_inventories_is_an_error(tmp_path):
    estate = load([str(tmp_path)])
    assert [p.code for p in estate.errors] == ["E104"]
    assert str(tmp_path) in estate.errors[0].message


def test_multi_document_file_and_authority_split_over_files(inventory):
    inventory("alpha/authority.yaml", """
        kind: authority
        authority: {id: alpha, name: Alpha Council, region: North}
        lines_of_business: [council-tax]
        ---
        kind: authority
        authority: {id: alpha}
        systems:
          - {id: a-rev, name: Revenues, supports: [council-tax], product: iWorld}
    """)
    inventory("alpha/contracts.yaml", """
        kind: authority
        authority: {id: alpha, name: Alpha Council}
        contracts:
          - {id: A-1, supplier: Northgate Public Services (UK) Limited, covers: [a-rev], end: 2027-03-31}
    """)
    estate = load_mini(inventory.folder)
    assert not estate.errors
    alpha = estate.authorities["alpha"]
    assert alpha.region == "North"
    assert list(alpha.systems) == ["a-rev"] and list(alpha.contracts) == ["A-1"]
    assert len(alpha.files) == 2
    assert alpha.contracts["A-1"].end == dt.date(2027, 3, 31)
    assert alpha.contracts["A-1"].vendor_id == "nec"
    assert alpha.systems["a-rev"].product_id == "nec-revenues-benefits"


def test_the_same_system_in_two_files_names_both_places(inventory):
    one = inventory("one.yaml", """
        kind: authority
        authority: {id: alpha, name: Alpha Council}
        systems:
          - {id: a-rev, name: Revenues, supports: []}
    """)
    two = inventory("two.yaml", """
        kind: authority
        authority: {id: alpha, name: Alpha Council}
        systems:
          - {id: a-rev, name: Revenues again, supports: []}
    """)
    estate = load_mini(inventory.folder)
    [problem] = estate.errors
    assert problem.code == "E130"
    assert (problem.file, problem.line) == (str(two), 4)
    assert f"also at {one}:4" in problem.message


def test_conflicting_authority_names_are_an_error(inventory):
    inventory("a.yaml", "kind: authority\nauthority: {id: alpha, name: Alpha Council}\n")
    inventory("b.yaml", "kind: authority\nauthority: {id: alpha, name: Alpha Borough Council}\n")
    estate = load_mini(inventory.folder)
    assert [p.code for p in estate.errors] == ["E131"]


def test_an_input_catalogue_overrides_the_default_entry_with_the_same_id(inventory):
    inventory("cat.yaml", """
        kind: catalogue
        vendors:
          - {id: nec, name: NEC Software Solutions UK, aliases: [Our NEC]}
    """)
    estate = load([str(inventory.folder)])
    assert not estate.errors
    assert estate.catalogue.vendors["nec"].aliases == ["Our NEC"]


def test_impossible_dates_become_bad_dates_not_crashes():
    parsed = parse_text("kind: authority\nend: 2026-02-30\nok: 2026-02-28\n", "x.yaml")
    [(index, data)] = parsed.docs
    assert isinstance(data["end"], BadDate) and data["end"] == "2026-02-30"
    assert data["ok"] == dt.date(2026, 2, 28)


def test_alias_bomb_is_refused_quickly_in_bounded_memory():
    levels = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 10):
        levels.append(f"a{i}: &a{i} [" + ",".join([f"*a{i-1}"] * 10) + "]")
    parsed = parse_text("\n".join(levels) + "\n", "bomb.yaml")
    assert [p.code for p in parsed.problems] == ["E102"]
    assert parsed.docs == []


def test_moderate_alias_use_is_accepted():
    text = "kind: catalogue\nbase: &b {name: x}\nvendors: [{id: a, name: A}]\nc: [*b, *b]\n"
    parsed = parse_text(text, "ok.yaml")
    assert parsed.problems == [] and len(parsed.docs) == 1
    assert MAX_EXPANDED_NODES >= 10_000


def test_positions_resolve_key_paths_to_lines(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("kind: authority\nsystems:\n  - id: a\n    name: A\n  - id: b\n    name: B\n"
                    "---\nkind: catalogue\nvendors: []\n")
    pos = Positions()
    assert pos.locate(str(path), 0, ("systems", 1, "name")) == (6, 11)
    assert pos.locate(str(path), 0, ("systems", 1, "name"), key=True) == (6, 5)
    assert pos.locate(str(path), 0, ("systems", 1, "missing")) == (5, 5)
    assert pos.locate(str(path), 1, ("vendors",)) == (9, 10)


def test_inventories_are_never_modified(inventory):
    path = inventory("a.yaml", "kind: authority\nauthority: {id: alpha, name: Alpha}\nsystems:\n"
                     "  - {id: x, name: X, supports: [council-tax], annual_cost: '£5'}\n")
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    load_mini(inventory.folder)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
