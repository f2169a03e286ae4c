"""The consolidation cost model's table and its settings (the candidates' figures are
worked by hand in test_consolidation.py)."""

from __future__ import annotations

import pytest

from estate.analyses import _savings
from estate.config import Settings, check_saving_rates, load_settings
from estate.errors import UsageError


def test_every_line_has_one_kind_and_the_table_is_ordered():
    rates, lines = _savings.kinds()
    assert set(rates) == {"per-user-licence", "case-management", "other"}
    for rate in rates.values():
        assert 0 <= rate.low <= rate.central <= rate.high <= 1 and rate.migration_cost_rate >= 0
    assert lines["office-productivity"] == "per-user-licence"
    assert lines["council-tax"] == "case-management"
    assert "gis-mapping" not in lines          # other, by default


def test_lines_in_the_table_are_taxonomy_lines():
    import yaml
    from importlib import resources
    text = (resources.files("estate") / "data" / "catalogue" / "taxonomy.yaml").read_text(encoding="utf-8")
    taxonomy = {line["id"] for line in yaml.safe_load(text)["lines_of_business"]}
    _, lines = _savings.kinds()
    assert sorted(set(lines) - set(taxonomy)) == []


def test_rate_for_applies_overrides_in_order():
    s = Settings()
    assert _savings.rate_for("council-tax", s).central == 0.25
    assert _savings.rate_for("gis-mapping", s).kind == "other"
    r = _savings.rate_for("office-productivity", s.replace(
        saving_rates={"office-productivity": {"kind": "case-management", "high": 0.5}}))
    assert (r.kind, r.low, r.central, r.high, r.source) == ("case-management", 0.15, 0.25, 0.5, "settings")
    r = _savings.rate_for("council-tax", s.replace(consolidation_saving_rate=0.2))
    assert (r.central, r.low) == (0.2, 0.15)


def test_check_saving_rates_reports_every_problem():
    assert check_saving_rates({"council-tax": {"central": 0.3, "one_off_cost": 1000}}) == []
    assert check_saving_rates({"a": {"kind": "cheap", "central": "high", "colour": 1, "low": -1},
                               "b": 3}) == [
        "saving_rates.a.kind must be one of case-management, other, per-user-licence",
        "saving_rates.a.central must be a number, 0 or more",
        "saving_rates.a: unknown key 'colour' (known: kind, low, central, high, migration_cost_rate, "
        "one_off_cost)",
        "saving_rates.a.low must be a number, 0 or more",
        "saving_rates.b must be a mapping"]


def test_estate_yaml_settings_for_the_cost_model(tmp_path):
    path = tmp_path / "estate.yaml"
    path.write_text("saving_rates:\n  council-tax: {central: 0.3}\nmateriality_net_5y: 10000\n"
                    "consolidation_saving_rate: 0.1\n", encoding="utf-8")
    s = load_settings(path)
    assert (s.saving_rates, s.materiality_net_5y, s.consolidation_saving_rate) == (
        {"council-tax": {"central": 0.3}}, 10000, 0.1)
    path.write_text("saving_rates:\n  council-tax: {centre: 0.3}\n", encoding="utf-8")
    with pytest.raises(UsageError, match="unknown key 'centre'"):
        load_settings(path)
    path.write_text("consolidation_saving_rate: 2\n", encoding="utf-8")
    with pytest.raises(UsageError, match="from 0 to 1"):
        load_settings(path)
