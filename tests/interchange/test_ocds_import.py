"""estate import ocds: Contracts Finder OCDS data and flattened notices into contracts."""

from __future__ import annotations

import datetime as dt
import json

import yaml

from estate_testing import INTERCHANGE as FIXTURES
from estate.interchange.ocds_import import classify, import_ocds, term_years
from estate.model import load

COUNCIL = FIXTURES / "council-releases.json"
FIVE = FIXTURES / "fiveReleases.json"
NOTICES = FIXTURES / "lancashire-notices.json"


def _contracts(folder):
    estate = load([str(folder)])
    assert not estate.errors, [p.format() for p in estate.errors]
    return estate


def test_council_releases_import_with_the_right_buyers_suppliers_dates_and_values(tmp_path, run):
    out = tmp_path / "inv"
    result = run("import", "ocds", COUNCIL, "-o", out)
    assert "skipped 1: no award yet (planning or tender notice only)" in result.stderr
    estate = _contracts(out)
    assert list(estate.authorities) == ["newham", "west-sussex"]
    wsx = estate.authorities["west-sussex"]
    assert (wsx.name, wsx.type, wsx.region, wsx.gss_code) == \
        ("West Sussex County Council", "county", "South East", "E10000032")
    c = wsx.contracts["ocds-b5fd17-3dda235d-185b-44da-9012-62700541112d-1"]
    assert (c.supplier, c.start, c.end, c.total_value, c.annual_value, c.route, c.framework, c.sme) == \
        ("LEARNING POOL LIMITED", dt.date(2022, 10, 3), dt.date(2024, 10, 2), 157000, 78500,
         "g-cloud", "G-Cloud 12", True)
    newham = estate.authorities["newham"]
    assert newham.name == "London Borough of Newham"           # from "LONDON BOROUGH OF NEWHAM"
    (n,) = newham.contracts.values()
    assert (n.supplier, n.end, n.total_value, n.annual_value, n.route) == \
        ("Oracle Corporation (Uk) Ltd", dt.date(2023, 11, 15), 34145.97, 34145.97, "other")
    text = (out / "west-sussex-contracts.yaml").read_text()
    assert "lines_of_business: []\nsystems: []" in text
    assert "# from: council-releases.json ocds-b5fd17-3dda235d" in text
    assert "# annual_value = total_value 157,000 / 2 years (2022-10-03 to 2024-10-02) = 78,500" in text
    assert "matched by identifier GB-LAE WSX" in text


def test_multi_supplier_awards_do_not_repeat_the_value(tmp_path, run):
    out = tmp_path / "inv"
    run("import", "ocds", FIVE, "-o", out)
    estate = _contracts(out)
    tfgm = estate.authorities["transport-for-greater-manchester"]
    assert tfgm.type == "other"
    assert len(tfgm.contracts) == 8
    assert all(c.total_value is None and c.annual_value is None for c in tfgm.contracts.values())
    assert "award shared by 4 suppliers" in (out / "transport-for-greater-manchester-contracts.yaml").read_text()


def test_it_only_keeps_cpv_48_and_72(tmp_path, run):
    result = run("import", "ocds", FIVE, COUNCIL, "--it-only", "-o", tmp_path / "inv")
    assert "not IT (no IT CPV code: 48, 72, 302 or 324-325)" in result.stderr
    assert sorted(p.name for p in (tmp_path / "inv").iterdir()) == \
        ["newham-contracts.yaml", "west-sussex-contracts.yaml"]


def test_record_packages_single_releases_and_json_lines(tmp_path):
    package = json.loads(COUNCIL.read_text())
    releases = package["releases"]
    (tmp_path / "records.json").write_text(json.dumps(
        {"records": [{"ocid": r["ocid"], "compiledRelease": r} for r in releases] + [{"ocid": "x"}]}))
    (tmp_path / "single.json").write_text(json.dumps(releases[0]))
    (tmp_path / "lines.jsonl").write_text("\n".join(json.dumps(r) for r in releases))
    assert classify(json.loads((tmp_path / "records.json").read_text())) == "records"
    for name, skipped in (("records.json", {"record without a compiledRelease": 1}),
                          ("single.json", {}), ("lines.jsonl", {})):
        result = import_ocds([tmp_path / name])
        assert "west-sussex" in result.docs, name
        assert {k: v for k, v in result.skipped.items() if "award" not in k} == skipped


def test_releases_without_ids_awards_or_ends_are_counted_not_invented(tmp_path):
    release = json.loads(COUNCIL.read_text())["releases"][0]
    no_id = {k: v for k, v in release.items() if k != "id"}
    no_end = json.loads(json.dumps(release))
    no_end["ocid"] += "-b"
    del no_end["awards"][0]["contractPeriod"]["endDate"]
    del no_end["tender"]["contractPeriod"]["endDate"]
    (tmp_path / "p.json").write_text(json.dumps({"releases": [no_id, no_end]}))
    result = import_ocds([tmp_path / "p.json"])
    assert result.docs == {}
    assert result.skipped == {"release without an ocid or id": 1,
                              "no contract end date (SPEC needs one; none was invented)": 1}


def test_flattened_notices_have_no_end_date_so_none_is_imported_by_default(tmp_path, run):
    result = run("import", "ocds", NOTICES, "-o", tmp_path / "inv")
    assert "skipped 14: no contract end date (SPEC needs one; none was invented)" in result.stderr
    assert "skipped 4: notice not awarded to a supplier" in result.stderr
    assert not (tmp_path / "inv").exists() or not list((tmp_path / "inv").iterdir())


def test_notice_terms_stated_in_the_text_give_an_estimated_end(tmp_path, run):
    out = tmp_path / "inv"
    run("import", "ocds", NOTICES, "--term-from-text", "-o", out)
    estate = _contracts(out)
    assert sorted(estate.authorities) == ["chorley", "wyre"]
    jadu = estate.contract("wyre/38367716-695b-40ac-8f05-20b9fa8bbe84")
    assert (jadu.supplier, jadu.start, jadu.end, jadu.extension_until, jadu.total_value, jadu.sme) == \
        ("Jadu Creative Limited", dt.date(2025, 11, 17), dt.date(2028, 11, 16), dt.date(2029, 11, 16),
         268978, True)
    assert estate.authorities["wyre"].name == "Wyre Borough Council"
    phoenix = estate.contract("chorley/48d335c9-517c-49ca-9801-c7b28754e150")
    assert (phoenix.route, phoenix.framework) == ("framework", "RM6068")
    assert "end ESTIMATED from 'term is for three years'" in (out / "wyre-contracts.yaml").read_text()


def test_messy_buyer_and_supplier_names_are_cleaned(tmp_path):
    data = json.loads(NOTICES.read_text())
    (boys,) = [n for n in data["contracts"] if n["awarded_supplier"] == "B&amp;E Boys Ltd"]
    boys = dict(boys, organisation="BURNLEY BOROUGH COUNCIL",
                description=boys["description"] + " This is a 2 year contract.")
    (tmp_path / "n.json").write_text(json.dumps({"contracts": [boys]}))
    result = import_ocds([tmp_path / "n.json"], term_from_text=True)
    (contract,) = result.docs["burnley"].contracts
    assert contract["supplier"] == "B&E Boys Ltd"
    assert result.docs["burnley"].authority["name"] == "Burnley Borough Council"


def test_term_phrases():
    assert term_years("Contract term is for three years with an optional one year extension.")[:2] == (3, 1)
    assert term_years("a sole Supplier for a three-year term")[:2] == (3, 0)
    assert term_years("5 year contract, 3 years fixed")[:2] == (5, 0)
    assert term_years("a 10-year vision and 3-year investment plan") is None


def test_real_contracts_finder_files_import_into_valid_inventories(shared_data, tmp_path, run):
    folder = shared_data / "contracts-finder-ocds"
    out = tmp_path / "inv"
    result = run("import", "ocds", folder, "-o", out)
    estate = _contracts(out)
    contracts = list(estate.contracts())
    assert len(contracts) == 82 and all(c.end and c.supplier for c in contracts)
    assert "skipped 104: no award yet (planning or tender notice only)" in result.stderr
    assert {"west-sussex", "newham", "birmingham", "city-of-bristol", "buckinghamshire",
            "nuneaton-and-bedworth", "suffolk"} <= set(estate.authorities)
    assert "warning: buyer 'UK RESEARCH & INNOVATION' matches no UK local authority" in result.stderr
    for path in out.iterdir():
        assert yaml.safe_load(path.read_text())["kind"] == "authority"


def test_real_lancashire_notices_import_with_stated_terms(shared_data, tmp_path, run):
    out = tmp_path / "inv"
    run("import", "ocds", shared_data / "lancashire-contract-notices", "--term-from-text",
        "--it-only", "-o", out)
    estate = _contracts(out)
    assert sorted(estate.authorities) == ["chorley", "wyre"]
    assert len(list(estate.contracts())) == 3
