"""Dependencies: transitive dependents, hubs, loops, cross-council ties, single points of
failure and references to authorities not analysed."""

from __future__ import annotations

import json
import random

import networkx as nx

from estate.analyses import dependencies
from estate.analyses.dependencies import transitive_dependents

ALPHA = """
kind: authority
authority: {id: alpha, name: Alpha Council}
lines_of_business:
  - {id: financial-management}
  - {id: council-tax}
systems:
  # a chain a -> b -> c (a depends on b, b on c): c has 2 dependents, b has 1
  - {id: a, name: A, supports: [council-tax], depends_on: [b]}
  - {id: b, name: B, supports: [council-tax], depends_on: [c]}
  - {id: c, name: C, supports: [financial-management]}
  # a retired system that depended on c: ignored
  - {id: r, name: R, status: retired, supports: [], depends_on: [c]}
  # a loop x -> y -> z -> x, and w that lists itself
  - {id: x, name: X, supports: [], depends_on: [y]}
  - {id: y, name: Y, supports: [], depends_on: [z]}
  - {id: z, name: Z, supports: [], depends_on: [x]}
  - {id: w, name: W, supports: [], depends_on: [w]}
  # depends on a system of beta (a partner) and on one of an authority not analysed
  - id: p
    name: P
    supports: []
    depends_on:
      - {system: beta/q, via: api}
      - {system: nowhere/ghost, via: file-transfer}
"""

BETA = """
kind: authority
authority: {id: beta, name: Beta Council}
systems:
  - {id: q, name: Q, supports: []}
"""


def build(mini):
    return mini({"alpha.yaml": ALPHA, "beta.yaml": BETA})


def test_transitive_dependents_on_a_chain(mini):
    estate, graph = build(mini)
    deps = transitive_dependents(graph)
    # a -> b -> c: c is needed by b directly and by a through b
    assert deps["alpha/c"] == frozenset({"alpha/a", "alpha/b"})
    assert deps.count("alpha/c") == 2
    assert deps["alpha/b"] == frozenset({"alpha/a"})
    assert deps["alpha/a"] == frozenset()
    assert deps.has("alpha/c", "alpha/a") and not deps.has("alpha/a", "alpha/c")
    # retired r depended on c but no longer counts
    assert "alpha/r" not in deps["alpha/c"]
    # every system is a key, even one nothing depends on
    assert "alpha/r" in deps and deps["alpha/r"] == frozenset()
    assert transitive_dependents(graph) is deps       # memoised on the graph


def test_members_of_a_loop_depend_on_each_other_but_not_on_themselves(mini):
    estate, graph = build(mini)
    deps = transitive_dependents(graph)
    assert deps["alpha/x"] == frozenset({"alpha/y", "alpha/z"})
    assert deps.count("alpha/x") == 2
    assert deps["alpha/w"] == frozenset() and deps.count("alpha/w") == 0


def test_hubs_cycles_cross_council_and_unresolved(mini, settings):
    estate, graph = build(mini)
    found = dependencies.find(estate, graph, settings)
    # hubs need 2+ dependents: c (2: a, b) and the loop members x, y, z (2 each);
    # ties on 2 dependents break on direct dependents (1 each), then id
    assert [h["system"] for h in found["hubs"]] == ["alpha/c", "alpha/x", "alpha/y", "alpha/z"]
    c = found["hubs"][0]
    assert (c["dependents"], c["direct_dependents"]) == (2, 1)
    assert c["dependent_systems"] == ["alpha/a", "alpha/b"]
    assert "2 systems depend on alpha/c: 1 directly (alpha/b) and 1 through" in c["reasons"][0]

    assert [(c["systems"], c["size"]) for c in found["cycles"]] == [
        (["alpha/x", "alpha/y", "alpha/z"], 3), (["alpha/w"], 1)]
    loop = found["cycles"][0]
    assert loop["example"] == ["alpha/x", "alpha/y", "alpha/z", "alpha/x"]
    assert "alpha/x -> alpha/y -> alpha/z -> alpha/x" in loop["reasons"][0]

    assert found["cross_council"] == [{
        "from": "alpha/p", "to": "beta/q", "from_authority": "alpha", "to_authority": "beta",
        "via": ["api"], "partnerships": ["trio"],
        "reasons": ["alpha/p (Alpha Council) depends on beta/q (Beta Council) via api",
                    "both councils belong to trio"]}]

    [ghost] = found["unresolved"]
    assert ghost["system"] == "alpha/p" and ghost["target"] == "nowhere/ghost"
    assert ghost["target_authority"] == "nowhere" and ghost["via"] == "file-transfer"
    # the reference is on line 24 of alpha.yaml ("- {system: nowhere/ghost, ...}")
    assert ghost["file"].endswith("alpha.yaml") and ghost["line"] == 24
    assert "'nowhere' is not in the inputs" in ghost["reasons"][0]


def test_top_hubs_setting_limits_the_list(mini, settings):
    estate, graph = build(mini)
    found = dependencies.find(estate, graph, settings.replace(top_hubs=1))
    assert [h["system"] for h in found["hubs"]] == ["alpha/c"]


SPOF = """
kind: authority
authority: {id: alpha, name: Alpha Council}
systems:
  # with the threshold at 3 dependents: fin has 3 and is alone on financial-management: a single
  # point of failure.  fin2 also supports financial-management but depends on fin, so it
  # is no fallback.
  - {id: fin, name: Finance, supports: [financial-management]}
  - {id: fin2, name: Finance reporting, supports: [financial-management], depends_on: [fin]}
  - {id: s1, name: S1, supports: [council-tax], depends_on: [fin]}
  - {id: s2, name: S2, supports: [council-tax], depends_on: [s1]}
  # crm has 3 dependents but crm-b, independent of it, supports the same line: not one
  - {id: crm, name: CRM, supports: [customer-relationship-management]}
  - {id: crm-b, name: CRM B, supports: [customer-relationship-management]}
  - {id: t1, name: T1, supports: [], depends_on: [crm]}
  - {id: t2, name: T2, supports: [], depends_on: [crm]}
  - {id: t3, name: T3, supports: [], depends_on: [crm]}
  # idp supports no line (infrastructure) and has 3 dependents: one
  - {id: idp, name: Identity, supports: []}
  - {id: u1, name: U1, supports: [], depends_on: [idp]}
  - {id: u2, name: U2, supports: [], depends_on: [idp]}
  - {id: u3, name: U3, supports: [], depends_on: [idp]}
  # two dependents only: below the threshold
  - {id: small, name: Small, supports: [tenancy-management]}
  - {id: v1, name: V1, supports: [], depends_on: [small]}
  - {id: v2, name: V2, supports: [], depends_on: [small]}
"""


def test_single_points_of_failure(mini, settings):
    estate, graph = mini({"alpha.yaml": SPOF})
    found = dependencies.find(estate, graph, settings.replace(spof_min_dependents=3))
    spofs = {s["system"]: s for s in found["single_points_of_failure"]}
    assert sorted(spofs) == ["alpha/fin", "alpha/idp"]
    assert spofs["alpha/fin"]["dependents"] == 3          # fin2, s1, s2
    assert spofs["alpha/fin"]["lines_without_alternative"] == ["financial-management"]
    assert spofs["alpha/idp"]["lines_without_alternative"] == []
    assert "no recorded line of business" in spofs["alpha/idp"]["reasons"][1]
    # the threshold is a setting: at 4, nothing qualifies
    assert dependencies.find(estate, graph, settings.replace(spof_min_dependents=4))[
        "single_points_of_failure"] == []


def test_deterministic(mini, settings):
    estate, graph = build(mini)
    first = json.dumps(dependencies.find(estate, graph, settings), sort_keys=False)
    from estate.model import build_graph
    again = json.dumps(dependencies.find(estate, build_graph(estate), settings), sort_keys=False)
    assert first == again


def _synthetic(edges, n, retired=()):
    """A graph shaped like build_graph's, with only systems and depends_on edges."""
    g = nx.DiGraph()
    for i in range(n):
        qid = f"c{i % 7}/s{i}"
        g.add_node(f"system:{qid}", type="system", id=qid, authority=f"c{i % 7}",
                   status="retired" if i in retired else "live")
    for u, v in edges:
        g.add_edge(f"system:c{u % 7}/s{u}", f"system:c{v % 7}/s{v}", type="depends_on", via=["api"])
    return g


def test_matches_brute_force_on_random_graphs_with_loops():
    rng = random.Random(20261121)
    for _ in range(25):
        n = rng.randint(1, 60)
        edges = [(rng.randrange(n), rng.randrange(n)) for _ in range(rng.randint(0, 3 * n))]
        retired = {i for i in range(n) if rng.random() < 0.1}
        g = _synthetic(edges, n, retired)
        deps = transitive_dependents(g)
        dep = nx.DiGraph()
        dep.add_nodes_from(d["id"] for _, d in g.nodes(data=True) if d["status"] != "retired")
        dep.add_edges_from((g.nodes[u]["id"], g.nodes[v]["id"]) for u, v in g.edges
                           if g.nodes[u]["status"] != "retired" and g.nodes[v]["status"] != "retired")
        for q in dep:
            expected = nx.ancestors(dep, q) - {q}
            assert deps[q] == expected, q
            assert deps.count(q) == len(expected)


def test_a_long_chain_is_fast():
    # 20,000 systems in one chain: s0 -> s1 -> ... ; the last has 19,999 dependents.
    # A per-node traversal would take minutes; one pass over the condensation is quick.
    import time
    n = 20_000
    g = _synthetic([(i, i + 1) for i in range(n - 1)], n)
    started = time.perf_counter()
    deps = transitive_dependents(g)
    counts = deps.counts()
    assert counts[f"c{(n - 1) % 7}/s{n - 1}"] == n - 1
    assert deps.count("c0/s0") == 0
    assert time.perf_counter() - started < 10
