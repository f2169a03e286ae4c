"""At scale, results are the sum of their parts.

A council's own findings (its indicators, duplicates and legacy risks) must not change
when the rest of the country is analysed with it; findings across councils (shared
products) may only grow.  Small N keeps this fast; ``estate.dev.bench`` measures the time.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from estate import synth
from estate.analyses import run_all
from estate.config import Settings
from estate.model import build_graph, load

N = 12


@pytest.fixture(scope="module")
def country(tmp_path_factory):
    folder = tmp_path_factory.mktemp("country")
    synth.write(N, folder, seed=1)
    estate = load([str(folder)])
    assert not estate.errors
    return folder, estate


def analyse(estate) -> dict:
    return run_all(estate, build_graph(estate), Settings(as_of=synth.DEFAULT_AS_OF))


def council_paths(folder: Path, estate, ids) -> list[str]:
    paths = {str(folder / "catalogue.yaml")}
    for aid in ids:
        paths.update(estate.authorities[aid].files)
    return sorted(paths)


def loners(estate) -> list[str]:
    """Councils with no dependency across councils, either way (no shared service)."""
    crossing = set()
    for s in estate.systems():
        for d in s.depends_on:
            other = d.qid.split("/")[0]
            if other != s.authority:
                crossing.update({s.authority, other})
    return [aid for aid in estate.authorities if aid not in crossing]


def by_authority(items: list, ids, key="authority") -> list:
    return [item for item in items if item.get(key) in ids]


def test_a_councils_own_findings_do_not_change_when_the_country_is_added(country):
    folder, everyone = country
    sample = loners(everyone)[:3]
    assert len(sample) == 3
    alone = load(council_paths(folder, everyone, sample))
    assert not alone.errors and sorted(alone.authorities) == sorted(sample)
    part, whole = analyse(alone), analyse(everyone)

    assert by_authority(part["authorities"], sample, "id") == \
        by_authority(whole["authorities"], sample, "id")
    assert by_authority(part["duplicates"], sample) == by_authority(whole["duplicates"], sample)
    assert part["duplicates"], "the sample should have planted duplicates"
    assert by_authority(part["legacy_risks"], sample) == by_authority(whole["legacy_risks"], sample)
    assert len(by_authority(part["legacy_risks"], sample)) > 300

    # across councils, findings only grow
    whole_shared = {item["product"]: item for item in whole["shared_products"]}
    for item in part["shared_products"]:
        assert set(item["authorities"]) <= set(whole_shared[item["product"]]["authorities"])
        assert set(item["systems"]) <= set(whole_shared[item["product"]]["systems"])
    assert len(whole["shared_products"]) >= len(part["shared_products"])


def test_a_partner_analysed_without_its_host_loads_with_warnings_not_errors(country):
    folder, everyone = country
    partner = next(s.authority for s in everyone.systems() for d in s.depends_on
                   if not d.qid.startswith(s.authority + "/"))
    alone = load(council_paths(folder, everyone, [partner]))
    assert not alone.errors
    assert any(p.code == "W204" for p in alone.problems)


def test_the_problems_of_a_council_are_the_same_alone_and_in_the_country(country):
    folder, everyone = country
    sample = loners(everyone)[:2]
    alone = load(council_paths(folder, everyone, sample))
    files = {f for aid in sample for f in everyone.authorities[aid].files}
    mine = [p.format() for p in everyone.problems if p.file in files]
    assert [p.format() for p in alone.problems if p.file in files] == mine
    assert mine, "synthetic councils carry data-quality warnings"
