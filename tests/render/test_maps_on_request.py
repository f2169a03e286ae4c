"""``--maps council:ID[,ID...]``: what ``auto`` draws, plus the named councils' maps.

A national estate (more councils than ``AUTO_COUNCILS``) gets no council maps from
``auto``; one council's maps are drawn when asked.  The synthetic estate here has three
councils and the threshold is lowered to two, so ``auto`` treats it as national.
"""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from estate import synth
from estate.choices import OutputChoices, load_choices, parse_maps
from estate.cli import main
from estate.errors import UsageError
from estate.render import maps

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")


@pytest.fixture(scope="module")
def three(tmp_path_factory):
    """Three synthetic councils: coldmouth, dunfield, woodwell (each 150+ systems)."""
    folder = tmp_path_factory.mktemp("three") / "estate"
    synth.write(3, folder, seed=3)
    return folder


@pytest.fixture
def national(monkeypatch):
    monkeypatch.setattr(maps, "AUTO_COUNCILS", 2)


def drawn(out) -> set:
    return {p.name for p in (out / "maps").glob("*.dot")}


def test_parse_maps_splits_the_choice_from_the_named_councils():
    assert parse_maps("auto") == ("auto", ())
    assert parse_maps("council:b, a,b") == ("auto", ("b", "a"))
    assert OutputChoices(maps="council:b, a,b").maps == "council:b,a"
    assert OutputChoices(maps="council:x").map_choice == "auto"
    assert OutputChoices(maps="all").map_councils == ()
    with pytest.raises(UsageError, match="names no council"):
        parse_maps("council: ,")
    with pytest.raises(UsageError, match="or council:ID"):
        parse_maps("some")


def test_an_unknown_council_is_named_with_the_nearest_id():
    choices = OutputChoices(maps="council:woodwel,dunfield")
    with pytest.raises(UsageError) as caught:
        choices.check_councils(["coldmouth", "dunfield", "woodwell"])
    assert caught.value.message == ("--maps council:woodwel,dunfield: no council 'woodwel' in the "
                                    "inventories; nothing was written")
    assert caught.value.hint == "did you mean council:woodwell"
    OutputChoices(maps="council:dunfield").check_councils(["dunfield"])     # known: no error


@needs_dot
def test_the_named_council_gets_its_maps_and_no_other_does(three, tmp_path, national):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["analyse", str(three), "-o", str(out), "--no-cache", "-q",
                                       "--maps", "council:woodwell"])
    assert result.exit_code == 0, result.output
    names = drawn(out)
    # the overview and one drill-down per function (woodwell has more than 20 systems)
    assert "council-woodwell.dot" in names
    assert len([n for n in names if n.startswith("council-woodwell--")]) >= 2
    assert not [n for n in names if n.startswith(("council-coldmouth", "council-dunfield"))]
    assert "landscape.dot" in names                     # what auto draws is still drawn
    assert (out / "maps" / "council-woodwell.svg").exists()
    # auto alone, on the same estate: no council map at all
    auto = tmp_path / "auto"
    result = CliRunner().invoke(main, ["analyse", str(three), "-o", str(auto), "--no-cache", "-q"])
    assert result.exit_code == 0, result.output
    assert not [n for n in drawn(auto) if n.startswith("council-")]
    assert drawn(auto) == {n for n in names if not n.startswith("council-")}


def test_an_unknown_council_is_a_usage_error_and_nothing_is_written(three, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["analyse", str(three), "-o", str(out), "--no-cache",
                                       "--maps", "council:woodwel"])
    assert result.exit_code == 2, result.output
    assert "no council 'woodwel' in the inventories" in result.output
    assert "hint: did you mean council:woodwell" in result.output
    assert not out.exists() or not any(out.iterdir())
    assert not list(tmp_path.glob(".out.estate-new-*"))          # no staging folder left


def test_a_bad_maps_option_is_a_usage_error_before_loading(three, tmp_path):
    result = CliRunner().invoke(main, ["analyse", str(three), "-o", str(tmp_path / "out"),
                                       "--maps", "council:"])
    assert result.exit_code == 2 and "names no council" in result.output
    assert not (tmp_path / "out").exists()


@needs_dot
def test_the_config_file_can_ask_for_a_council(three, tmp_path, national):
    config = tmp_path / "estate.yaml"
    config.write_text("as_of: 2026-04-01\nmaps: council:dunfield\n")
    assert load_choices(config).map_councils == ("dunfield",)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["analyse", str(three), "-o", str(out), "--no-cache", "-q",
                                       "--config", str(config)])
    assert result.exit_code == 0, result.output
    names = drawn(out)
    assert "council-dunfield.dot" in names
    assert not [n for n in names if n.startswith(("council-woodwell", "council-coldmouth"))]
    # an unknown council in the file is the same usage error
    config.write_text("maps: council:dunfeild\n")
    result = CliRunner().invoke(main, ["analyse", str(three), "-o", str(tmp_path / "x"), "--no-cache",
                                       "--config", str(config)])
    assert result.exit_code == 2 and "did you mean council:dunfield" in result.output


def test_a_config_maps_value_must_be_text(tmp_path):
    config = tmp_path / "estate.yaml"
    config.write_text("maps: [council, a]\n")
    with pytest.raises(UsageError, match="setting 'maps' must be one of"):
        load_choices(config)
