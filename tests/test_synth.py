"""``estate synth``: deterministic, realistic, valid synthetic estates."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from estate import synth
from estate.cli import main
from estate.model import load


def files_of(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def six(tmp_path_factory):
    """A synthetic estate of six councils, written once for the module, and loaded."""
    folder = tmp_path_factory.mktemp("six")
    synth.write(6, folder, seed=3)
    return folder, load([str(folder)])


def test_the_same_n_and_seed_give_byte_identical_files(tmp_path):
    synth.write(3, tmp_path / "a", seed=7)
    synth.write(3, tmp_path / "b", seed=7)
    a, b = files_of(tmp_path / "a"), files_of(tmp_path / "b")
    assert a == b and len(a) >= 5


def test_a_different_seed_gives_a_different_estate(tmp_path):
    synth.write(3, tmp_path / "a", seed=7)
    synth.write(3, tmp_path / "b", seed=8)
    assert files_of(tmp_path / "a") != files_of(tmp_path / "b")


def test_the_generator_uses_no_global_random_state_and_no_clock(tmp_path, monkeypatch):
    expected = dict(synth.generate(2, seed=1))

    def boom(*args, **kwargs):
        raise AssertionError("the global random generator was used")

    for name in ("random", "randint", "choice", "choices", "shuffle", "sample", "uniform",
                 "getrandbits", "paretovariate", "lognormvariate", "seed"):
        monkeypatch.setattr(random, name, boom)
    random.Random(99)  # instances still work
    assert dict(synth.generate(2, seed=1)) == expected


def test_a_synthetic_estate_is_valid(six):
    folder, estate = six
    assert estate.errors == []
    assert len(estate.authorities) == 6


def test_councils_are_realistic_in_size_and_contracts(six):
    folder, estate = six
    systems = contracts = 0
    for authority in estate.authorities.values():
        assert 150 <= len(authority.systems) <= 400, authority.id
        systems += len(authority.systems)
        contracts += len(authority.contracts)
    assert 0.5 <= contracts / systems <= 0.7
    statuses = Counter(s.status for s in estate.systems())
    assert statuses["retired"] and statuses["live"] and statuses["planned"]
    assert any(s.bespoke for s in estate.systems())
    assert any(s.annual_cost is None for s in estate.systems())      # missing costs
    as_of = synth.DEFAULT_AS_OF
    ends = [c.end for c in estate.contracts()]
    assert min(ends) < as_of < max(ends)                              # spread around as-of


def test_names_are_real_and_messy_and_mostly_resolve(six):
    folder, estate = six
    systems = [s for s in estate.systems() if not s.bespoke]
    resolved = sum(1 for s in systems if s.vendor_id) / len(systems)
    assert resolved > 0.9
    spellings = Counter((s.vendor_id, s.vendor) for s in systems if s.vendor_id == "civica")
    assert len(spellings) >= 2                                        # several spellings of one vendor
    codes = Counter(p.code for p in estate.problems)
    assert codes["W201"] and codes["W202"]                            # some names match nothing
    files = {p.file for p in estate.problems if p.code in ("W201", "W202")}
    assert all(p.line > 0 for p in estate.problems if p.code in ("W201", "W202"))
    assert len(files) >= 4


def test_partnerships_shared_products_duplicates_and_dependencies(tmp_path):
    synth.write(12, tmp_path, seed=1)
    estate = load([str(tmp_path)])
    assert not estate.errors
    kinds = Counter(p.kind for p in estate.catalogue.partnerships.values())
    assert kinds["shared-service"] >= 1
    for p in estate.catalogue.partnerships.values():
        if p.kind == "shared-service":
            assert 2 <= len(p.members) <= 4
    cross = [d for s in estate.systems() for d in s.depends_on
             if d.qid.split("/")[0] != s.authority]
    within = [d for s in estate.systems() for d in s.depends_on
              if d.qid.split("/")[0] == s.authority]
    assert cross and len(cross) < len(within) / 20
    assert all(d.resolved for d in cross)
    products = Counter()
    for authority in estate.authorities.values():
        for pid in {s.product_id for s in authority.systems.values() if s.product_id}:
            products[pid] += 1
    assert max(products.values()) >= 6                                # shared products
    live_per_line = Counter()
    for s in estate.systems():
        if s.status == "live":
            for line in set(s.supports):
                live_per_line[(s.authority, line)] += 1
    assert any(n >= 2 for n in live_per_line.values())                # planted duplicates


def test_files_follow_the_spec_layout(six):
    folder, estate = six
    names = files_of(folder)
    assert "catalogue.yaml" in names and "estate.yaml" in names
    settings = yaml.safe_load(names["estate.yaml"])
    assert settings == {"as_of": synth.DEFAULT_AS_OF}
    for authority in estate.authorities.values():
        assert 1 <= len(authority.files) <= 2
    text = next(v for k, v in names.items() if k.endswith(".yaml") and "/" in k).decode()
    assert text.startswith("# ") and "FICTIONAL" in text.splitlines()[0]


def test_scalars_that_yaml_would_misread_are_quoted():
    for text in ["yes", "No", "null", "NEC Revenues & Benefits", "a: b", "Idox Information@Work",
                 "Liquidlogic Adults' Social Care System", "12", "2026-01-01", "x #y", "[a]"]:
        assert yaml.safe_load(f"k: {synth.scalar(text)}") == {"k": text}
        assert yaml.safe_load(f"k: [{synth.scalar(text)}]") == {"k": [text]}


def test_cli_writes_an_estate_that_validates(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["synth", "2", "-o", str(tmp_path / "est"), "--seed", "4", "-q"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(tmp_path / "est")
    result = runner.invoke(main, ["validate", str(tmp_path / "est")])
    assert result.exit_code == 0, result.output
    assert " E1" not in result.output


def test_cli_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    result = CliRunner().invoke(main, ["synth", "1", "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "not empty" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_cli_as_of_moves_the_dates(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["synth", "1", "-o", str(tmp_path / "e"), "--as-of", "2030-01-01", "-q"])
    assert result.exit_code == 0, result.output
    assert "as_of: 2030-01-01" in (tmp_path / "e" / "estate.yaml").read_text()
    estate = load([str(tmp_path / "e")])
    ends = sorted(c.end.year for c in estate.contracts())
    assert ends[len(ends) // 2] >= 2029
