"""Graphviz maps: the DOT text is compared (attributes, clusters, escaping), never image bytes.

Tests that run Graphviz are skipped when ``dot`` is not installed.  The large-council
test bounds the map by counting (clusters, engine, edges drawn), not by timing: timings
are in docs/maps.md.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import yaml
from hypothesis import given, strategies as st

from estate.choices import OutputChoices
from estate.config import Settings
from estate.model import build_graph, load
from estate.render import maps
from estate.render.maps import paper
from estate.render.maps import (BUNDLE_EDGES, NOT_RATED_FILL, RATING_FILL, SHARED_COLOUR,
                                CONSOLIDATION_FILL, Map, View, build_maps, dot_available,
                                render_maps)

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot is not installed")
SVG = "{http://www.w3.org/2000/svg}"
REPO = Path(__file__).parent.parent.parent

ALPHA = """
kind: authority
authority:
  id: alpha
  name: Alpha Borough Council
  region: North
  partnerships: [trio]
lines_of_business:
  - {id: council-tax}
  - {id: business-rates}
  - {id: tenancy-management}
  - {id: financial-management}
  - {id: customer-relationship-management}
systems:
  - id: a-rb
    name: Revenues
    product: iWorld
    vendor: Northgate
    hosting: on-premise
    supports: [council-tax, business-rates]
    depends_on:
      - {system: a-fin, via: file-transfer}
  - id: a-fin
    name: Finance
    hosting: saas
    supports: [financial-management]
  - id: a-crm
    name: CRM
    hosting: cloud
    status: retiring
    supports: [customer-relationship-management]
    depends_on:
      - {system: a-rb, via: api}
      - {system: beta/b-fin, via: sso}
  - id: a-old
    name: Old Housing
    hosting: hosted
    status: retired
    supports: [tenancy-management]
  - id: a-new
    name: New Housing
    product: NEC Housing
    status: planned
    supports: [tenancy-management, council-tax]
"""

BETA = """
kind: authority
authority:
  id: beta
  name: Beta District Council
  region: North
  partnerships: [trio]
lines_of_business:
  - {id: council-tax}
  - {id: business-rates}
  - {id: financial-management}
systems:
  - id: b-rb
    name: Revs and Bens
    product: Northgate iWorld
    hosting: hosted
    supports: [council-tax, business-rates]
  - id: b-fin
    name: Ledger
    hosting: on-premise
    supports: [financial-management]
"""

GAMMA = """
kind: authority
authority:
  id: gamma
  name: Gamma County Council
  region: South
  partnerships: [trio]
lines_of_business:
  - {id: council-tax}
systems:
  - id: g-rb
    name: Academy
    product: Academy
    hosting: on-premise
    supports: [council-tax]
"""

FINDINGS = {
    "legacy_risks": [
        {"system": "alpha/a-rb", "score": 80, "rating": "red"},
        {"system": "alpha/a-fin", "score": 50, "rating": "amber"},
        {"system": "alpha/a-crm", "score": 10, "rating": "green"},
    ],
    "shared_products": [
        {"product": "nec-revenues-benefits", "product_name": "NEC Revenues & Benefits",
         "authorities": ["alpha", "beta"], "systems": ["alpha/a-rb", "beta/b-rb"]},
    ],
    "consolidation_candidates": [
        {"line_of_business": "council-tax", "authorities": ["alpha", "beta", "gamma"],
         "group": {"kind": "partnership", "id": "trio", "name": "Trio Shared ICT"},
         "recommended_product": "nec-revenues-benefits",
         "recommended_product_name": "NEC Revenues & Benefits",
         "estimated_annual_saving": 12000, "reasons": ["Three councils run council tax."]},
    ],
    "dependencies": {"hubs": [
        {"system": "alpha/a-fin", "dependents": 2, "direct_dependents": 1,
         "dependent_systems": ["alpha/a-crm", "alpha/a-rb"]},
    ]},
}


@pytest.fixture
def trio(mini):
    estate, graph = mini({"alpha.yaml": ALPHA, "beta.yaml": BETA, "gamma.yaml": GAMMA})
    return estate, graph


def the_map(estate, graph, map_id, findings=FINDINGS, **settings) -> Map:
    found = {m.id: m for m in build_maps(estate, graph, findings, OutputChoices(**settings))}
    assert map_id in found, sorted(found)
    return found[map_id]


def statement(source: str, head: str) -> str:
    """The one DOT statement (a line) that starts with ``head``."""
    found = [line.strip() for line in source.splitlines() if line.strip().startswith(head)]
    assert len(found) == 1, f"{head!r}: {found}"
    return found[0]


def attr(stmt: str, key: str):
    m = re.search(rf'\b{key}="((?:[^"\\]|\\.)*)"', stmt)
    return m.group(1) if m else None


def plain(text: str) -> str:
    """DOT text with the line breaks of wrapped HTML-like labels taken out."""
    return text.replace('<BR ALIGN="LEFT"/>', " ")


def svg_root(path: Path):
    return ET.parse(path).getroot()


def svg_texts(root) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


# --------------------------------------------------------------------------- council maps

def test_council_map_fills_by_rating_and_greys_the_unrated(trio):
    source = the_map(*trio, "council-alpha").source
    assert attr(statement(source, '"alpha/a-rb" ['), "fillcolor") == RATING_FILL["red"]
    assert attr(statement(source, '"alpha/a-fin" ['), "fillcolor") == RATING_FILL["amber"]
    assert attr(statement(source, '"alpha/a-crm" ['), "fillcolor") == RATING_FILL["green"]
    assert attr(statement(source, '"alpha/a-old" ['), "fillcolor") == NOT_RATED_FILL
    assert "risk 80" in statement(source, '"alpha/a-rb" [')


def test_council_map_shapes_by_hosting(trio):
    source = the_map(*trio, "council-alpha").source
    onprem = statement(source, '"alpha/a-rb" [')
    assert attr(onprem, "shape") == "box" and "rounded" not in attr(onprem, "style")
    assert "rounded" in attr(statement(source, '"alpha/a-fin" ['), "style")       # saas
    assert attr(statement(source, '"alpha/a-old" ['), "peripheries") == "2"      # hosted
    assert attr(statement(source, '"alpha/a-new" ['), "shape") == "ellipse"      # unknown


def test_retired_and_retiring_systems_look_different(trio):
    source = the_map(*trio, "council-alpha").source
    retired = statement(source, '"alpha/a-old" [')
    assert "dotted" in attr(retired, "style").split(",")
    assert attr(retired, "fontcolor") == maps.STATUS_STYLE["retired"][2]
    assert "dashed" in attr(statement(source, '"alpha/a-crm" ['), "style").split(",")
    assert "<I>New Housing</I>" in statement(source, '"alpha/a-new" [')
    live = attr(statement(source, '"alpha/a-rb" ['), "style").split(",")
    assert "solid" in live and "dotted" not in live and "dashed" not in live


def test_dependency_edges_carry_the_via_in_style_and_tooltip_never_a_label(trio):
    """Labels overlapped on busy maps: the style says how, the legend lists the styles."""
    source = the_map(*trio, "council-alpha").source
    edge = statement(source, '"alpha/a-rb" -> "alpha/a-fin" [')
    assert attr(edge, "style") == "dashed" and attr(edge, "tooltip") == "file-transfer"
    assert attr(edge, "label") is None and attr(edge, "xlabel") is None
    assert attr(statement(source, '"alpha/a-crm" -> "alpha/a-rb" ['), "tooltip") == "api"
    assert "file-transfer" in statement(source, '"legend" [')


def test_cross_council_dependency_goes_to_a_small_external_node(trio):
    source = the_map(*trio, "council-alpha").source
    assert 'subgraph "cluster_external" {' in source
    external = statement(source, '"beta/b-fin" [')
    assert "Beta District Council" in external and "Ledger" in external
    assert attr(statement(source, '"alpha/a-crm" -> "beta/b-fin" ['), "color") == maps.VIA_STYLE["sso"][1]
    # and from the other side, beta's map shows alpha's system as external
    assert '"alpha/a-crm" [' in the_map(*trio, "council-beta").source


def test_systems_cluster_by_function_of_their_first_line(trio):
    source = the_map(*trio, "council-alpha").source
    clusters = re.findall(r'subgraph "(cluster_f\d+)" \{\n\s+graph \[label=<<B>([^<]+)</B>>', source)
    names = [name for _, name in clusters]
    assert names == ["Revenues and Benefits", "Housing", "Finance", "Customer Services"]

    def cluster_text(title):
        start = source.index(f"<B>{title}</B>")
        end = min((source.index(f"<B>{t}</B>") for t in names if source.index(f"<B>{t}</B>") > start),
                  default=len(source))
        return source[start:end]

    # a-new supports tenancy-management first, then council-tax: it sits with Housing
    assert '"alpha/a-new" [' in cluster_text("Housing")
    assert '"alpha/a-new" [' not in cluster_text("Revenues and Benefits")
    assert "sits in the cluster of its first line" in source


def test_every_map_has_a_legend_cluster(trio):
    built = build_maps(*trio, FINDINGS, OutputChoices())
    assert {m.kind for m in built} == {"council", "partnership", "region", "landscape", "blast-radius"}
    for m in built:
        assert 'subgraph "cluster_legend" {' in m.source, m.id


def test_missing_or_odd_findings_are_treated_as_empty(trio):
    odd = {"legacy_risks": None, "shared_products": "n/a", "dependencies": [],
           "consolidation_candidates": [None, {"line_of_business": None}]}
    for findings in ({}, None, odd):
        built = build_maps(*trio, findings, OutputChoices())
        assert not [m for m in built if m.kind == "blast-radius"]
        council = next(m for m in built if m.id == "council-alpha")
        assert attr(statement(council.source, '"alpha/a-rb" ['), "fillcolor") == NOT_RATED_FILL
        assert "no legacy-risk ratings yet" in council.description


# --------------------------------------------------------------------------- partnership maps

def test_partnership_map_puts_members_side_by_side(trio):
    m = the_map(*trio, "partnership-trio")
    for i, name in enumerate(["Alpha Borough Council", "Beta District Council", "Gamma County Council"]):
        assert f'subgraph "cluster_a{i}" {{\n    graph [label=<<B>{name}</B>>' in m.source
    assert m.kind == "partnership" and m.title.startswith("Trio Shared ICT")


def test_partnership_map_shows_only_lines_two_members_run_systems_for(trio):
    source = the_map(*trio, "partnership-trio").source
    rows = re.findall(r'^\s+"row:([a-z-]+)" \[', source, re.M)
    # council tax (3 councils), business rates and financial management (alpha, beta);
    # tenancy (alpha only) and CRM (alpha only) are left out
    assert rows == ["council-tax", "business-rates", "financial-management"]
    assert "Tenancy" not in source and "CRM" not in source
    assert "no system" in statement(source, '"business-rates|gamma|none" [')


def test_lines_with_the_same_systems_everywhere_share_a_row(mini):
    two = """
    kind: authority
    authority: {{id: {id}, name: {id}, partnerships: [trio]}}
    systems:
      - {{id: rb, name: Revs, product: iWorld, supports: [council-tax, business-rates]}}
      - {{id: fin, name: Ledger, supports: [financial-management]}}
    """
    estate, graph = mini({"alpha.yaml": two.format(id="alpha"), "beta.yaml": two.format(id="beta")})
    source = the_map(estate, graph, "partnership-trio").source
    rows = re.findall(r'^\s+"row:([a-z-]+)" \[', source, re.M)
    assert rows == ["council-tax", "financial-management"]
    assert "Business Rates" in statement(source, '"row:council-tax" [')
    assert source.count('|alpha/rb" [') == 1


def test_partnership_map_highlights_shared_products_and_consolidation(trio):
    source = the_map(*trio, "partnership-trio").source
    shared = statement(source, '"council-tax|alpha/a-rb" [')
    assert attr(shared, "color") == SHARED_COLOUR and attr(shared, "penwidth") == "3"
    assert attr(statement(source, '"council-tax|gamma/g-rb" ['), "color") is None
    row = plain(statement(source, '"row:council-tax" ['))
    assert attr(row, "fillcolor") == CONSOLIDATION_FILL
    assert "converge on NEC Revenues &amp; Benefits" in row and "£12,000" in row
    assert attr(statement(source, '"row:financial-management" ['), "fillcolor") == "#ffffff"
    assert "\u2605 Revenues" in shared                      # runs the recommended product
    assert "\u2605" not in statement(source, '"council-tax|gamma/g-rb" [')
    assert "Shared: NEC Revenues &amp; Benefits (alpha, beta)" in source


def test_maps_setting_chooses_the_kinds(trio):
    def kinds(choice):
        return sorted({m.kind for m in build_maps(*trio, FINDINGS, OutputChoices(maps=choice))})

    assert kinds("all") == ["blast-radius", "council", "landscape", "partnership", "region"]
    assert kinds("councils") == ["blast-radius", "council"]
    assert kinds("partnerships") == ["landscape", "partnership"]
    assert kinds("none") == []


def test_region_maps_need_two_councils(trio):
    ids = [m.id for m in build_maps(*trio, FINDINGS, OutputChoices()) if m.kind == "region"]
    assert ids == ["region-north"]                         # South has only gamma


def test_regions_that_slug_alike_keep_distinct_ids(mini):
    def council(aid, region):
        return (f"kind: authority\nauthority: {{id: {aid}, name: {aid}, region: '{region}'}}\n"
                "systems: [{id: s, name: S, supports: [council-tax]}]\n")

    estate, graph = mini({f"{a}.yaml": council(a, r) for a, r in
                          [("a", "North West"), ("b", "North West"), ("c", "north-west"), ("d", "north-west")]})
    ids = [m.id for m in build_maps(estate, graph, {}, OutputChoices()) if m.kind == "region"]
    assert ids == ["region-north-west", "region-north-west-2"]


def test_blast_radius_maps_are_those_of_the_hubs_the_findings_list(trio):
    # the analysis keeps settings.top_hubs hubs; the maps draw each one it kept
    no_hubs = {**FINDINGS, "dependencies": {**FINDINGS["dependencies"], "hubs": []}}
    assert not [m for m in build_maps(*trio, no_hubs, OutputChoices()) if m.kind == "blast-radius"]
    assert [m for m in build_maps(*trio, FINDINGS, OutputChoices()) if m.kind == "blast-radius"]


# --------------------------------------------------------------------------- landscape, blast radius

def test_landscape_names_each_councils_product_per_line(trio):
    m = the_map(*trio, "landscape")
    table = statement(m.source, '"landscape" [')
    colour = maps.PRODUCT_PALETTE[0]
    # rows are lines, columns councils; the shared product gets the first palette colour
    assert table.count(f'<TD BGCOLOR="{colour}">NEC Revenues &amp; Benefits</TD>') == 4   # 2 lines x 2
    # a long name wraps, never cut short
    assert f'<TD BGCOLOR="{maps.OTHER_PRODUCT_FILL}">Capita Academy Revenues &amp;<BR/>Benefits</TD>' in table
    assert "Old Housing" not in table                     # retired
    assert "NEC Housing (planned)" in table
    assert "NEC Revenues &amp; Benefits (2 councils)" in statement(m.source, '"legend" [')


def test_landscape_colours_the_products_that_fill_most_cells_first(trio):
    findings = {"shared_products": [
        {"product": "nec-housing", "product_name": "NEC Housing", "authorities": ["alpha", "beta", "gamma"]},
        {"product": "nec-revenues-benefits", "product_name": "NEC Revenues & Benefits",
         "authorities": ["alpha", "beta"]}]}
    table = statement(the_map(*trio, "landscape", findings=findings).source, '"landscape" [')
    first, second = maps.PRODUCT_PALETTE[:2]
    assert f'<TD BGCOLOR="{first}">NEC Revenues &amp; Benefits</TD>' in table      # 4 cells
    assert f'<TD BGCOLOR="{second}">NEC Housing (planned)</TD>' in table          # 2 cells


def test_blast_radius_map_shows_hub_and_transitive_dependents(trio):
    m = the_map(*trio, "blast-radius-alpha/a-fin")
    nodes = set(re.findall(r'^\s+"(alpha/[a-z-]+)" \[', m.source, re.M))
    assert nodes == {"alpha/a-fin", "alpha/a-rb", "alpha/a-crm"}
    assert "HUB" in statement(m.source, '"alpha/a-fin" [')
    assert '"alpha/a-crm" -> "alpha/a-rb" [' in m.source
    assert "2 systems that depend on it" in m.description


# --------------------------------------------------------------------------- escaping

HOSTILE = {
    "quote": '"]; a -> b [label="x',
    "script": "<script>alert(1)</script>",
    "backslash": "back\\slash\\",
    "record": "{a|b}",
}


@pytest.fixture
def hostile(mini):
    q = HOSTILE
    text = f"""
    kind: authority
    authority:
      id: alpha
      name: {json.dumps(q["script"])}
      region: {json.dumps(q["quote"])}
      partnerships: [trio]
    lines_of_business:
      - {{id: council-tax}}
      - {{id: odd-line, name: {json.dumps(q["record"])}}}
    systems:
      - id: a-1
        name: {json.dumps(q["quote"])}
        product: {json.dumps(q["backslash"])}
        supports: [odd-line]
        depends_on: [{{system: a-2, via: api}}]
      - id: a-2
        name: {json.dumps(q["script"] + " & " + q["record"])}
        product: iWorld
        supports: [council-tax]
    """
    beta = f"""
    kind: authority
    authority: {{id: beta, name: {json.dumps(q["backslash"])}, region: {json.dumps(q["quote"])}}}
    systems:
      - {{id: b-1, name: {json.dumps(q["record"])}, product: iWorld, supports: [council-tax],
          depends_on: [{{system: alpha/a-1, via: sso}}]}}
    """
    return mini({"alpha.yaml": text, "beta.yaml": beta})


@given(st.one_of(st.text(), st.text(alphabet=" \t\n\r\x00\x1f\x7f\x85\u00a0\u2028ab\"\\")),
       st.one_of(st.none(), st.integers(1, 20)))
def test_clean_drops_control_characters_and_collapses_white_space(text, limit):
    # the definition clean's fast path for printable text must agree with
    expected = re.sub(r"\s+", " ", re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text)).strip()
    if limit and len(expected) > limit:
        expected = expected[:limit - 1].rstrip() + "\u2026"
    assert maps.clean(text, limit) == expected
    assert maps.quote(text) == '"' + maps.clean(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_quote_tells_numbers_of_equal_value_apart():
    assert (maps.quote(1), maps.quote(1.0), maps.quote(True)) == ('"1"', '"1.0"', '"True"')


def test_hostile_names_are_escaped_in_the_dot_text(hostile):
    findings = {"dependencies": {"hubs": [{"system": "alpha/a-2", "dependent_systems": ["alpha/a-1", "beta/b-1"]}]}}
    for m in build_maps(*hostile, findings, OutputChoices()):
        for line in m.source.splitlines():
            # no statement but the ones we wrote: quoted names, attributes, braces
            assert re.match(r'^\s*(digraph "[^"]*" \{|subgraph "cluster_[^"]*" \{|\}|graph \[|node \[|edge \[|'
                            r'"(?:[^"\\]|\\.)*"( -> "(?:[^"\\]|\\.)*")?( \[|$))', line), (m.id, line)
        assert "<script>" not in m.source
        assert '"]; a -> b' not in m.source


@needs_dot
def test_hostile_names_render_as_plain_text(hostile, tmp_path):
    findings = {"dependencies": {"hubs": [{"system": "alpha/a-2", "dependent_systems": ["alpha/a-1", "beta/b-1"]}]}}
    out = tmp_path / "out"
    result = render_maps(*hostile, findings, out / "maps", OutputChoices())
    assert result and not [r for r in result if "error" in r]
    council = next(r for r in result if r["id"] == "council-alpha")
    root = svg_root(out / council["files"]["svg"])
    texts = " ".join(svg_texts(root))
    assert HOSTILE["quote"] in texts and HOSTILE["record"] in texts
    assert HOSTILE["script"] in texts                       # shown, as text
    assert not list(root.iter(f"{SVG}script"))
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert "a" not in titles and "b" not in titles          # the injection made no nodes
    nodes = [g for g in root.iter(f"{SVG}g") if g.get("class") == "node"]
    assert {n.find(f"{SVG}title").text for n in nodes} >= {"alpha/a-1", "alpha/a-2", "beta/b-1"}
    # the backslash product and council survive unchanged in the landscape
    landscape = next(r for r in result if r["id"] == "landscape")
    assert HOSTILE["backslash"] in " ".join(svg_texts(svg_root(out / landscape["files"]["svg"])))


@needs_dot
def test_dot_parses_the_hostile_map_back_unchanged(hostile):
    m = the_map(*hostile, "council-alpha", findings={})
    canon = subprocess.run(["dot", "-Tjson"], input=m.source.encode(), capture_output=True, check=True)
    graph = json.loads(canon.stdout)
    names = {o["name"] for o in graph.get("objects", []) if "nodes" not in o}
    assert {"alpha/a-1", "alpha/a-2", "beta/b-1"} <= names
    assert not names & {"a", "b", "x"}


# --------------------------------------------------------------------------- files

def test_file_names_are_safe_and_unique():
    made = [Map(id=i, kind="council", title="", description="", source="")
            for i in ("../../etc/passwd", "etc-passwd", "ETC-passwd", "northbrook/nb-academy", "")]
    seen: set = set()
    stems = [maps._stem(m, seen) for m in made]
    assert stems == ["etc--passwd", "etc-passwd", "ETC-passwd-2", "northbrook--nb-academy", "unnamed"]


@needs_dot
def test_region_named_like_a_path_stays_inside_the_output_folder(mini, tmp_path):
    region = "../../etc/passwd"
    estate, graph = mini({
        "a.yaml": f"kind: authority\nauthority: {{id: a, name: A, region: '{region}'}}\n"
                  "systems: [{id: s, name: S, supports: [council-tax]}]\n",
        "b.yaml": f"kind: authority\nauthority: {{id: b, name: B, region: '{region}'}}\n"
                  "systems: [{id: s, name: S, supports: [council-tax]}]\n"})
    out = tmp_path / "out" / "maps"
    result = render_maps(estate, graph, {}, out, OutputChoices())
    region_map = next(r for r in result if r["kind"] == "region")
    assert region_map["id"] == "region-etc-passwd"
    assert region_map["files"] == {"dot": "maps/region-etc-passwd.dot", "svg": "maps/region-etc-passwd.svg"}
    written = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}
    assert {p for p in written if p.parts[0] != "inv"} == {
        Path("out/maps") / f"{stem}.{ext}" for stem in ("council-a", "council-b", "landscape", "region-etc-passwd")
        for ext in ("dot", "svg")}


@needs_dot
def test_render_writes_dot_and_svg_with_the_map_title(trio, tmp_path):
    out = tmp_path / "out" / "maps"
    result = render_maps(*trio, FINDINGS, out, OutputChoices())
    assert [r["id"] for r in result] == [
        "landscape", "partnership-trio", "region-north", "council-alpha", "council-beta",
        "council-gamma", "blast-radius-alpha/a-fin"]
    for r in result:
        assert set(r) >= {"id", "kind", "title", "description", "files"} and "error" not in r
        assert set(r["files"]) == {"dot", "svg"}
        assert r["description"].endswith(".") and r["description"].count(". ") == 0
        root = svg_root(tmp_path / "out" / r["files"]["svg"])
        graph_title = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "graph").find(f"{SVG}title")
        assert graph_title.text == r["id"]
        assert (tmp_path / "out" / r["files"]["dot"]).read_text(encoding="utf-8").startswith(
            f'digraph "{r["id"]}" {{')
    blast = result[-1]
    assert blast["files"]["svg"] == "maps/blast-radius-alpha--a-fin.svg"
    assert not [p for p in out.iterdir() if p.name.startswith(".")]       # no temporary files left


@needs_dot
def test_render_is_deterministic(trio, tmp_path):
    first = render_maps(*trio, FINDINGS, tmp_path / "one" / "maps", OutputChoices())
    second = render_maps(*trio, FINDINGS, tmp_path / "two" / "maps", OutputChoices(), workers=1)
    assert first == second
    for r in first:
        assert (tmp_path / "one" / r["files"]["dot"]).read_text() == (tmp_path / "two" / r["files"]["dot"]).read_text()


@needs_dot
def test_extra_formats(trio, tmp_path):
    out = tmp_path / "out" / "maps"
    result = render_maps(*trio, {}, out, OutputChoices(maps="councils", map_formats=("png", "svg")))
    r = next(r for r in result if r["id"] == "council-gamma")
    assert set(r["files"]) == {"dot", "svg", "png"}
    assert (tmp_path / "out" / r["files"]["png"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("failing,used", [({"dot"}, "osage"), ({"dot", "osage"}, "sfdp")])
def test_a_map_that_times_out_falls_back_to_osage_then_sfdp(trio, tmp_path, monkeypatch, failing, used):
    tried = []

    def fake(source, engine, outputs, timeout):
        tried.append(engine)
        if engine in failing:
            raise subprocess.TimeoutExpired(engine, timeout)
        for path in outputs.values():
            path.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")

    monkeypatch.setattr(maps.engine, "run_graphviz", fake)
    result = render_maps(*trio, {}, tmp_path / "maps", OutputChoices(maps="councils"), timeout=0.5)
    assert set(tried) == failing | {used}
    assert all(r["engine"] == used and "svg" in r["files"] and "error" not in r for r in result)


def test_a_map_graphviz_cannot_draw_keeps_its_dot_file_and_says_why(trio, tmp_path, monkeypatch):
    def broken(source, engine, outputs, timeout):
        raise RuntimeError("syntax error in line 1")

    monkeypatch.setattr(maps.engine, "run_graphviz", broken)
    result = render_maps(*trio, {}, tmp_path / "maps", OutputChoices(maps="councils"))
    for r in result:
        assert set(r["files"]) == {"dot"} and "syntax error" in r["error"]
        assert (tmp_path / r["files"]["dot"]).exists()


@needs_dot
def test_run_graphviz_kills_a_run_past_its_timeout(tmp_path):
    # a layout big enough to outlast a tiny timeout; the partial output is not left behind
    source = "digraph g {" + " ".join(f"n{i} -> n{(i * 7 + 3) % 3000};" for i in range(3000)) + "}"
    with pytest.raises(subprocess.TimeoutExpired):
        maps.run_graphviz(source, "dot", {"svg": tmp_path / "g.svg"}, timeout=0.05)
    assert list(tmp_path.iterdir()) == []


def test_dot_available_follows_the_path(monkeypatch):
    monkeypatch.setattr(maps.engine.shutil, "which", lambda name: None)
    assert dot_available() is False
    monkeypatch.setattr(maps.engine.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert dot_available() is True


# --------------------------------------------------------------------------- size

FUNCTIONS = {   # default taxonomy lines, a few per function
    "Revenues and Benefits": ["council-tax", "business-rates", "housing-benefit"],
    "Housing": ["homelessness", "tenancy-management", "housing-repairs"],
    "Adult Social Care": ["adult-social-care-case-management", "adult-social-care-finance"],
    "Children and Families": ["childrens-social-care", "early-help"],
    "Finance": ["financial-management", "accounts-payable", "accounts-receivable"],
    "Customer Services": ["customer-relationship-management", "online-forms"],
    "Waste and Environment": ["waste-collection", "licensing", "environmental-health"],
    "Corporate and ICT": ["document-management", "gis-mapping", "identity-access-management"],
}


def big_council(folder: Path, systems: int, isolated: float = 0.2, seed: int = 0):
    """A council with hub-like dependencies (most systems lean on a few core ones)."""
    rnd = random.Random(seed)
    lines = [line for group in FUNCTIONS.values() for line in group]
    hubs = [f"s{i}" for i in range(10)]
    rows = []
    for i in range(systems):
        deps = []
        if i >= 10 and rnd.random() > isolated:
            deps = [{"system": h, "via": rnd.choice(["api", "file-transfer", "sso"])}
                    for h in rnd.sample(hubs, rnd.randint(1, 3))]
            if i > 20 and rnd.random() < 0.3:
                deps.append({"system": f"s{i - rnd.randint(1, 10)}", "via": "database-link"})
        rows.append({"id": f"s{i}", "name": f"System {i}", "supports": [lines[i % len(lines)]],
                     "hosting": rnd.choice(["on-premise", "saas", "hosted"]),
                     "status": rnd.choice(["live"] * 9 + ["retiring"]), "depends_on": deps})
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "big.yaml").write_text(yaml.safe_dump({
        "kind": "authority", "authority": {"id": "bigshire", "name": "Bigshire County Council"},
        "systems": rows}), encoding="utf-8")
    estate = load([str(folder)])
    assert not estate.errors, [p.format() for p in estate.errors[:3]]
    return estate, build_graph(estate)


def test_small_council_lets_dependencies_decide_the_ranks(trio):
    m = the_map(*trio, "council-alpha")
    assert m.engine == "dot" and not m.stats["overlay"] and 'constraint="false"' not in m.source


@needs_dot
def test_large_council_map_is_clustered_bounded_and_renders(tmp_path):
    estate, graph = big_council(tmp_path / "inv", 350)
    m = maps.council_map(estate, graph, View.of({}), "bigshire")
    assert m.engine == "osage" and m.stats["overlay"] and m.stats["systems"] == 350
    lines = sum(len(v) for v in FUNCTIONS.values())
    assert m.stats["clusters"] == 1 + len(FUNCTIONS) + lines          # legend, functions, lines
    assert 'splines="ortho"' not in m.source and 'nslimit="2"' in m.source
    # cross-function dependencies are bundled: far fewer edges drawn than dependencies
    deps = sum(len(s.depends_on) for s in estate.systems())
    drawn = [line for line in m.source.splitlines() if " -> " in line and 'style="invis"' not in line]
    assert m.stats["bundles"] <= BUNDLE_EDGES and len(drawn) < deps / 2
    assert not re.search(r'\blabel="(api|sso|file-transfer)"', m.source)   # no edge labels
    # drawn as an overview by function and one drill-down map per function
    result = render_maps(estate, graph, {}, tmp_path / "out" / "maps", OutputChoices(maps="councils"))
    assert [r["id"] for r in result][0] == "council-bigshire" and not [r for r in result if "error" in r]
    assert len(result) == 1 + len(FUNCTIONS)
    assert all(r["id"].startswith("council-bigshire--") and r["kind"] == "council-function" for r in result[1:])
    overview = svg_root(tmp_path / "out" / result[0]["files"]["svg"])
    assert len([g for g in overview.iter(f"{SVG}g") if g.get("class") == "node"]) >= len(FUNCTIONS)
    drawn = sum(len([g for g in svg_root(tmp_path / "out" / r["files"]["svg"]).iter(f"{SVG}g")
                     if g.get("class") == "node" and "elsewhere:" not in (g.findtext(f"{SVG}title") or "")])
                for r in result[1:])
    assert drawn >= 350


def test_very_large_council_folds_systems_without_dependencies(tmp_path):
    estate, graph = big_council(tmp_path / "inv", maps.COLLAPSE_MAP + 50, isolated=0.5)
    m = maps.council_map(estate, graph, View.of({}), "bigshire")
    assert m.stats["folded"] > 0
    assert m.stats["nodes"] < maps.COLLAPSE_MAP
    assert re.search(r"<B>\d+ systems</B>", m.source) and "folded into one count node" in plain(m.source)


def test_huge_maps_switch_to_sfdp(trio, monkeypatch):
    monkeypatch.setattr(maps.style, "SFDP_MAP", 3)
    m = the_map(*trio, "council-alpha")
    assert m.engine == "sfdp" and 'overlap="prism"' in m.source


@needs_dot
def test_a_deep_dependency_chain_does_not_stretch_the_layout(mini, tmp_path):
    chain = "\n".join(f"  - {{id: s{i}, name: S{i}, supports: [council-tax], "
                      f"depends_on: [{{system: s{i + 1}, via: api}}]}}" for i in range(30))
    estate, graph = mini({"a.yaml": "kind: authority\nauthority: {id: a, name: A}\nsystems:\n" + chain
                          + "\n  - {id: s30, name: S30, supports: [council-tax]}\n"})
    m = maps.council_map(estate, graph, View.of({}), "a")
    assert m.stats["overlay"] and 'constraint="false"' in m.source
    assert not re.search(r'\b(x?label)="api"', m.source)
    hub = {"system": "a/s30", "dependent_systems": [f"a/s{i}" for i in range(30)]}
    blast = maps.blast_radius_map(estate, graph, View.of({}), hub)
    assert blast.stats["overlay"] and 'constraint="false"' in blast.source
    findings = {"dependencies": {"hubs": [hub]}}
    result = render_maps(estate, graph, findings, tmp_path / "maps", OutputChoices(maps="councils"))
    assert [r["kind"] for r in result] == ["council", "council-function", "blast-radius"]
    assert not [r for r in result if "error" in r]


# --------------------------------------------------------------------------- docs

def test_docs_state_the_thresholds_and_the_encoding():
    doc = (REPO / "docs" / "maps.md").read_text(encoding="utf-8")
    for name in ("BIG_MAP", "COLLAPSE_MAP", "SFDP_MAP", "SFDP_EDGES", "MAX_DEPTH", "BUNDLE_EDGES",
                 "LABEL_EDGES", "RENDER_TIMEOUT", "MAX_WORKERS", "CANDIDATE_HIGHLIGHTS"):
        value = getattr(maps.engine if name in ("RENDER_TIMEOUT", "MAX_WORKERS") else maps.style, name)
        assert re.search(rf"`{name}`[^|\n]*\|\s*{value:g}\b", doc), f"docs/maps.md: {name} = {value:g}"
    for colour in (*RATING_FILL.values(), NOT_RATED_FILL, SHARED_COLOUR, CONSOLIDATION_FILL):
        assert colour in doc
    for kind in ("council", "partnership", "region", "landscape", "blast-radius"):
        assert f"`{kind}`" in doc


@needs_dot
def test_every_sample_map_renders_with_its_first_choice_engine(tmp_path):
    """The shipped samples must draw without a crash, a timeout or a fallback engine."""
    from estate.analyses import run_all
    from estate_testing import AS_OF, REPO
    estate = load([str(REPO / "inventories")])
    graph = build_graph(estate)
    findings = run_all(estate, graph, Settings(as_of=AS_OF))
    planned = {m.id: m.engine for m in maps.build_maps(estate, graph, findings, OutputChoices())}
    result = render_maps(estate, graph, findings, tmp_path / "maps", OutputChoices())
    assert len(result) >= 15
    for r in result:
        assert "error" not in r, (r["id"], r.get("error"))
        assert r["engine"] == planned[r["id"]], (r["id"], r["engine"])


# --------------------------------------------------------------------------- paper

def test_a3_measure_on_hand_made_drawings():
    small = '<svg width="800pt" height="600pt"><text font-size="9.00">a</text></svg>'
    wide = '<svg width="2400pt" height="800pt"><text font-size="9.00">a</text></svg>'
    assert paper.a3_text_pt(small) == 9.0                 # fits as it is: never scaled up
    assert paper.a3_text_pt(wide) == round(9 * 1191 / 2400, 1)   # landscape A3, 4.5 pt
    assert paper.a3_text_pt("<svg>") is None


@needs_dot
def test_every_map_fits_a3_at_7_pt_or_says_why_not(trio, tmp_path):
    """Every map drawn for the tiny estate and for a 350-system council either prints on
    A3 with its smallest text at 7 pt or more, or carries a note saying it does not; the
    big council's overview always fits."""
    estate, graph = big_council(tmp_path / "big-inv", 350)
    results = [(tmp_path / "big", r) for r in render_maps(estate, graph, {}, tmp_path / "big" / "maps",
                                                         OutputChoices(maps="councils"))]
    results += [(tmp_path / "trio", r) for r in render_maps(*trio, FINDINGS, tmp_path / "trio" / "maps",
                                                           OutputChoices())]
    assert len(results) > 10
    for base, r in results:
        pt = paper.a3_text_pt((base / r["files"]["svg"]).read_text(encoding="utf-8"))
        if pt < paper.MIN_TEXT_PT:
            assert f"{pt:g} pt" in r.get("paper", ""), r["id"]
        else:
            assert "paper" not in r, r["id"]
    overview = next(r for base, r in results if r["id"] == "council-bigshire")
    assert "paper" not in overview


def test_a_long_partnership_map_is_cut_into_sheets(trio, monkeypatch):
    whole = the_map(*trio, "partnership-trio")
    assert "sheet" not in whole.title
    monkeypatch.setattr(maps.group, "ROWS_PER_PAGE", 1)
    sheets = [m for m in build_maps(*trio, FINDINGS, OutputChoices()) if m.id.startswith("partnership-trio")]
    assert len(sheets) == whole.stats["rows"] > 1
    assert [m.id for m in sheets] == ["partnership-trio"] + [f"partnership-trio--{n}" for n in
                                                             range(2, len(sheets) + 1)]
    assert sheets[1].title.endswith(f"(sheet 2 of {len(sheets)})")
    assert all(m.stats["rows"] == 1 for m in sheets)
    assert "Shared:" in plain(sheets[0].source) and "Shared:" not in plain(sheets[1].source)


def test_a_long_landscape_is_cut_into_sheets(trio, monkeypatch):
    whole = the_map(*trio, "landscape")
    monkeypatch.setattr(maps.landscape, "LANDSCAPE_ROWS", 1)
    sheets = [m for m in build_maps(*trio, FINDINGS, OutputChoices()) if m.kind == "landscape"]
    assert len(sheets) == whole.stats["rows"] > 1
    assert [m.id for m in sheets][:2] == ["landscape", "landscape--2"]
    assert sheets[-1].title.endswith(f"(sheet {len(sheets)} of {len(sheets)})")


# --------------------------------------------------------------------------- auto: maps sized to the estate

def test_auto_draws_every_map_for_a_small_estate(trio):
    def ids(choice):
        return [m.id for m in build_maps(*trio, FINDINGS, OutputChoices(maps=choice))]

    assert OutputChoices().maps == "auto"
    assert ids("auto") == ids("all")                       # 3 councils: all of them
    assert {"council-alpha", "council-beta", "council-gamma", "region-north"} <= set(ids("auto"))


def council_yaml(n: int, region: str, product: str) -> str:
    return f"""
kind: authority
authority:
  id: c{n:02d}
  name: Council {n:02d}
  region: {region}
lines_of_business:
  - {{id: council-tax}}
systems:
  - id: rb
    name: Revenues
    product: {product}
    hosting: on-premise
    supports: [council-tax]
"""


@pytest.fixture
def national(mini):
    """21 councils: c01-c03 in North, c04-c21 in South."""
    return mini({f"c{n:02d}.yaml": council_yaml(n, "North" if n <= 3 else "South", f"P{n}")
                 for n in range(1, 22)})


#: c01, c02, c03 share Iworld; c01 and c02 also share Civica Pay; c04-c05 share Academy
NATIONAL_SHARED = {"shared_products": [
    {"product": "iworld", "product_name": "iWorld", "authorities": ["c01", "c02", "c03"],
     "systems": ["c01/rb", "c02/rb", "c03/rb"]},
    {"product": "civica-pay", "product_name": "Civica Pay", "authorities": ["c02", "c01"],
     "systems": ["c01/rb", "c02/rb"]},
    {"product": "academy", "product_name": "Academy", "authorities": ["c04", "c05", "c99"],
     "systems": ["c04/rb", "c05/rb"]},
]}


def test_auto_draws_overviews_only_beyond_twenty_councils(national):
    found = build_maps(*national, NATIONAL_SHARED, OutputChoices())
    assert sorted({m.kind for m in found}) == ["landscape", "region"]
    assert [m.id for m in found if m.kind == "region"] == ["region-north", "region-south"]
    kinds = {m.kind for m in build_maps(*national, NATIONAL_SHARED, OutputChoices(maps="all"))}
    assert {"council", "region"} <= kinds                  # council maps still on request
    assert {m.kind for m in build_maps(*national, NATIONAL_SHARED, OutputChoices(maps="councils"))} \
        == {"council"}


def test_region_overview_ties_councils_by_the_products_they_share(national):
    north = the_map(*national, "region-north", findings=NATIONAL_SHARED)
    assert north.engine == "neato" and north.stats["members"] == ["c01", "c02", "c03"]
    source = north.source
    for n in ("c01", "c02", "c03"):
        assert f"Council {n[1:]}" in statement(source, f'"{n}" [')
    # c01-c02 share two products, c01-c03 and c02-c03 one each
    both = statement(source, '"c01" -> "c02" [')
    assert attr(both, "penwidth") == "8" and attr(both, "label") == "2"      # the most: widest
    assert attr(both, "tooltip") == "c01 and c02 share 2 products: Civica Pay, iWorld"
    assert attr(statement(source, '"c01" -> "c03" ['), "penwidth") == "1"      # one product: thinnest
    assert attr(statement(source, '"c02" -> "c03" ['), "tooltip") == "c02 and c03 share 1 product: iWorld"
    assert source.count(" -> ") == 3 and north.stats["edges"] == 3
    assert "|" not in source                               # no system nodes, councils only
    south = the_map(*national, "region-south", findings=NATIONAL_SHARED)
    assert south.stats["nodes"] == 18 and south.source.count(" -> ") == 1   # c04-c05 (c99 is elsewhere)


def test_region_overview_pen_width_runs_from_one_product_to_the_most():
    from estate.render.maps.region_overview import pen_width, shared_pairs
    view = View(shared=[{"product": f"p{i}", "authorities": ["b", "a", "z"]} for i in range(12)])
    assert shared_pairs(view, ["a", "b"]) == {("a", "b"): sorted(f"p{i}" for i in range(12))}
    assert [pen_width(n, 43) for n in (1, 22, 43)] == [1.0, 4.5, 8.0]      # 1 + 7 x (n - 1) / 42
    assert pen_width(1, 1) == 1.0


def test_timeout_follows_the_size_of_the_map():
    from estate.render.maps.engine import MAX_TIMEOUT, map_timeout
    source = ('digraph "m" {\n  graph [rankdir="LR"]\n  node [shape="box"]\n  edge [color="grey"]\n'
              '  "a" [label="A"]\n  "b" [label="B"]\n  "c"\n  "a" -> "b" [style="dashed"]\n'
              '  "b" -> "c"\n}\n')
    # 5 attribute lines that are not edges (graph, node, edge, a, b) and 2 edges
    assert map_timeout(source) == pytest.approx(30 + 0.05 * 5 + 0.02 * 2)
    big = "digraph g {\n" + "".join(f'  "n{i}" -> "n{i + 1}" [style="solid"]\n' for i in range(5000)) + "}\n"
    assert map_timeout(big) == pytest.approx(30 + 0.02 * 5000)               # 130 s
    assert map_timeout(big * 20) == MAX_TIMEOUT


def test_each_map_gets_its_own_timeout_unless_one_is_given(trio, tmp_path, monkeypatch):
    from estate.render.maps.engine import map_timeout
    given = {}

    def fake(source, engine, outputs, timeout):
        given[source] = timeout
        for path in outputs.values():
            path.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")

    monkeypatch.setattr(maps.engine, "run_graphviz", fake)
    render_maps(*trio, FINDINGS, tmp_path / "maps", OutputChoices(maps="councils"))
    assert given and all(t == map_timeout(s) for s, t in given.items())
    render_maps(*trio, FINDINGS, tmp_path / "again", OutputChoices(maps="councils"), timeout=2.5)
    assert set(given.values()) == {2.5}


def test_a_map_that_cannot_be_drawn_is_named_in_the_summary_and_the_report(trio, inventory, tmp_path,
                                                                            monkeypatch):
    from click.testing import CliRunner
    from estate.cli import main
    from estate_testing import MINI_CATALOGUE

    def broken(source, engine, outputs, timeout):
        if source.startswith('digraph "council-gamma"'):
            raise RuntimeError("Error: syntax error in line 1")
        for path in outputs.values():
            path.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")

    monkeypatch.setattr(maps.engine, "run_graphviz", broken)
    monkeypatch.setattr(maps, "dot_available", lambda: True)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["analyse", str(MINI_CATALOGUE), str(inventory.folder), "-o", str(out),
                                       "--no-cache",
                                       "--maps", "councils", "--as-of", "2026-04-01"])
    assert result.exit_code == 0, result.output
    assert ("estate: 1 map could not be drawn: council-gamma (sfdp failed: Error: syntax error in line 1); "
            "each keeps its .dot file in maps/ and the report marks it") in result.stderr
    assert (out / "maps" / "council-gamma.dot").exists() and not (out / "maps" / "council-gamma.svg").exists()
    pages = [p.read_text(encoding="utf-8") for p in [out / "report.html", *(out / "report").rglob("*.html")]]
    assert any("Graphviz could not draw this map (sfdp failed: Error: syntax error in line 1)" in page
               for page in pages)


def test_failed_maps_note_counts_and_names_them():
    from estate.render.maps import failed_maps_note
    assert failed_maps_note([{"id": "a"}, {"id": "b"}]) is None
    note = failed_maps_note([{"id": "a", "error": "dot took longer than 31 s"}, {"id": "b"},
                             {"id": "c", "error": "sfdp failed: boom"}])
    assert note.startswith("2 maps could not be drawn: a (dot took longer than 31 s); c (sfdp failed: boom)")


@pytest.mark.skipif(shutil.which("sh") is None, reason="no POSIX shell to limit CPU time with")
def test_graphviz_runs_are_limited_in_cpu_time_not_only_wall_clock():
    import sys
    import time
    from estate.render.maps.engine import _cpu_limited
    spin = [sys.executable, "-c", "while True: pass"]
    started = time.perf_counter()
    done = subprocess.run(_cpu_limited(spin, 0.2), timeout=60)    # rounded up to 1 CPU second
    assert done.returncode < 0                                      # killed by the kernel's limit
    assert 0.5 < time.perf_counter() - started < 30
