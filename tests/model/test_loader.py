"""The loader: discovery, multi-document files, split authorities, positions, safety."""

from __future__ import annotations

import datetime as dt
import gc
import sys

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


# --- speed without a change in results ------------------------------------------------------

_ODD_VALUES = ['~', '""', '"  "', '" x "', '0', '-3', '7', '12.5', '2020.0', 'true', '2026-01-02',
               '2026-01-02 03:04:05', '2026-13-45', '"01/02/2026"', 'Live', 'on premise', '" live"',
               'live', 'hosted', 'high', 'api', 'framework', '"£12k"', '[]', '[a, 1]', '[a, b]',
               '{}', '{a: 1}', '2101', '1949', '121', '.nan', 'x-1', '"x\\n"', 'A B']


def _odd_inventory() -> str:
    """Systems and contracts with one field set to each odd value, and clean ones between."""
    system = {"id": "s", "name": "Ledger", "supports": "[council-tax]", "product": "iWorld",
              "vendor": "Northgate", "version": '"2.1"', "hosting": "hosted", "status": "live",
              "introduced": "2015", "end_of_support": "2028-01-31", "annual_cost": "1200",
              "users": "30", "criticality": "high", "owner": "Finance",
              "depends_on": "[{system: s0, via: api}, s1]",
              "data": "{personal_data: true, api: false, export_formats: [csv], open_standards: []}"}
    contract = {"id": "C", "supplier": "Northgate", "covers": "[s0]", "start": "2024-01-01",
                "end": "2027-03-31", "extension_until": "2028-03-31", "notice_months": "3",
                "annual_value": "100", "total_value": "300", "route": "framework",
                "framework": "RM6098", "sme": "false", "procurement_started": "2023-06-01"}
    extra = {"depends_on": ["[s0, ' ', '']", "[{system: ' '}]", "[{via: api}]", "s0", "[1]",
                            "[{system: s0, bogus: 1}]", "[{system: s0, via: API}]", "[~]", "{}"],
             "data": ["~", "{api: yes}", "{export_formats: csv}", "{x: 1}", "[]",
                      "{personal_data: true, open_standards: [1]}"]}
    lines = ["kind: authority", "authority: {id: alpha, name: Alpha Council}",
             "lines_of_business:", "  - council-tax", "  - council-tax", "  - 2026-01-02", "  - 12"]
    line = {"id": "local", "name": "Local", "maps_to": "council-tax", "statutory": "true",
            "delivery": "in-house"}
    for n, (key, value) in enumerate((k, v) for k in [*line, "unknown_key"]
                                     for v in [*_ODD_VALUES, "in-house", None]):
        entry = dict(line, id=f"l{n}")
        if value is None:
            entry.pop(key, None)
        else:
            entry[key] = value
        lines.append(f"  - {{{', '.join(f'{k}: {v}' for k, v in entry.items())}}}")
    lines.append("systems:")
    n = 0
    for fields, entries, prefix in ((system, "systems", "s"), (contract, "contracts", "C-")):
        if entries == "contracts":
            lines.append("contracts:")
        for key in [*fields, "unknown_key"]:
            for value in [*_ODD_VALUES, *extra.get(key, []), None]:
                entry = dict(fields, id=f"{prefix}{n}")
                if value is None:
                    entry.pop(key, None)          # missing
                else:
                    entry[key] = value
                n += 1
                body = ", ".join(f"{k}: {v}" for k, v in entry.items())
                lines.append(f"  - {{{body}}}")
        lines.append(f"  - {{{', '.join(f'{k}: {v}' for k, v in dict(fields, id=f'{prefix}0').items())}}}")
    return "\n".join(lines) + "\n"


def test_clean_entries_build_the_same_records_and_problems_as_the_checks(inventory, monkeypatch):
    # estate/model/entities.py builds clean entries directly (estate/model/fast_path.py:
    # clean_line, clean_system, clean_contract) and falls back to the checks for any
    # other; with the shortcut off, everything must come out the same.
    from estate.model import entities

    inventory("alpha.yaml", _odd_inventory())

    def everything():
        estate = load_mini(inventory.folder)
        return (repr(estate.authorities),
                [(p.as_dict(), p.doc, p.where, p.key, p.other) for p in estate.problems])

    shortcut = everything()
    for shortcut_of in ("clean_line", "clean_system", "clean_contract"):
        monkeypatch.setattr(entities, shortcut_of, lambda *args: None)
    checked = everything()
    assert shortcut == checked
    assert len(checked[1]) > 500          # the odd values are reported...
    assert "Ledger" in checked[0] and "maps_to='council-tax'" in checked[0]   # ...and clean ones built


def test_a_date_where_money_belongs_is_reported_not_a_crash(inventory):
    inventory("alpha.yaml", """
        kind: authority
        authority: {id: alpha, name: Alpha Council}
        systems:
          - {id: a-rev, name: Revenues, supports: [council-tax], annual_cost: 2026-01-02}
    """)
    problem, = [p for p in load_mini(inventory.folder).errors]
    assert (problem.code, problem.line) == ("E125", 4)
    assert "must be a number of pounds, not the date 2026-01-02" in problem.message


def test_equal_scalars_of_a_file_are_one_object():
    parsed = parse_text("a: [text, text, 2026-01-02, 2026-01-02, 12345, 12345]\n"
                        "b: {text: text}\nc: {text: 1}\n", "f.yaml")
    (_, data), = parsed.docs
    a = data["a"]
    assert a[0] is a[1] is data["b"]["text"] and a[2] is a[3] and a[4] is a[5]
    key_b, = data["b"]
    key_c, = data["c"]
    assert key_b is key_c is sys.intern("text")      # keys are the strings the code uses
    assert parsed.docs == [(0, {"a": ["text", "text", dt.date(2026, 1, 2), dt.date(2026, 1, 2),
                                      12345, 12345], "b": {"text": "text"}, "c": {"text": 1}})]


def test_a_load_leaves_its_objects_in_the_oldest_generation(inventory):
    inventory("alpha.yaml", """
        kind: authority
        authority: {id: alpha, name: Alpha Council}
        systems:
          - {id: a-rev, name: Revenues, supports: [council-tax]}
    """)
    assert gc.isenabled()
    estate = load_mini(inventory.folder)
    assert gc.isenabled()
    young = {id(o) for o in gc.get_objects(generation=0)}
    assert id(estate.authorities) not in young and id(estate.problems) not in young
