"""Dependencies: what breaks when a system fails or is replaced.

The rule, in plain English
--------------------------
A system's ``depends_on`` list says which systems it needs.  If B depends on A and C
depends on B, then both B and C are *dependents* of A: when A fails, or is switched off
in a consolidation, B and C are affected.  The number of dependents, direct or through
other systems, is A's *blast radius*.

Only systems in service or coming into service count (``live``, ``retiring``,
``planned``); a retired system neither needs nor serves anything any more, so edges to
or from it are left out (a system in service that still depends on a retired one is a
data-quality item, Q507).

What :func:`find` reports (``dependencies`` in ``analysis.json``):

``hubs``
    the ``settings.top_hubs`` systems (default 10) with the most transitive dependents,
    at least 2 (one dependent makes a pair, not a hub); ties broken by direct dependents,
    then id.
``cycles``
    groups of systems that depend on each other round a loop: every strongly connected
    component of two or more systems, and every system that lists itself.  Listing every
    elementary cycle is exponential, so each group is reported once, with its systems
    sorted and one example loop.  None of a group's systems can be replaced alone.
``cross_council``
    every dependency of a system on another council's system: shared services, and
    the ties a consolidation must keep or replace.
``single_points_of_failure``
    a system in service with at least ``settings.spof_min_dependents`` (default 5)
    dependents, which for at least one of the lines of business it supports is the only
    live system of its council that does not itself depend on it (an alternative that
    needs the failing system is no fallback).  A system that supports no recorded line
    (infrastructure such as identity or an address gazetteer) has no recorded
    alternative, so it qualifies on its dependents alone.
``unresolved``
    every reference to a system of an authority that is not among the inputs
    (``Dependency.resolved`` is false), with the file and line that makes it.

Transitive dependents in linear-ish time
----------------------------------------
:func:`transitive_dependents` does one pass over the condensation of the dependency
graph (each loop collapsed to one node, which leaves a DAG) in topological order: the
dependents of a node are the union of its predecessors and their dependents.  Sets are
Python integers used as bitsets, indexed by system id so that a council's systems sit
together, and stored with an offset, so a set costs about as many bits as the span of
systems it holds.  The result is memoised on the graph (:func:`estate.analyses._graph.graph_memo`) for the other
analyses (legacy risk, consolidation) that need it.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Mapping

import networkx as nx

from estate.analyses._graph import (dependency_digraph, graph_memo, line_support, locate,
                                    positions)

HUB_MIN_DEPENDENTS = 2


# ------------------------------------------------------------------------------------------
# the dependency graph of systems in service, and its transitive closure
# ------------------------------------------------------------------------------------------
def _union(a: tuple, b: tuple) -> tuple:
    """Union of two offset bitsets ``(lowest index, bits from there)``."""
    if not a[1]:
        return b
    if not b[1]:
        return a
    lo = min(a[0], b[0])
    return lo, (a[1] << (a[0] - lo)) | (b[1] << (b[0] - lo))


def _bitset(indices) -> tuple:
    indices = sorted(indices)
    if not indices:
        return (0, 0)
    lo = indices[0]
    bits = 0
    for i in indices:
        bits |= 1 << (i - lo)
    return lo, bits


class Dependents(Mapping):
    """Read-only mapping: system qid -> frozenset of the qids that depend on it.

    Every system of the graph is a key (one with no dependents maps to an empty set).
    Sets are decoded from bitsets on access; :meth:`count` and :meth:`has` do not decode.
    """

    def __init__(self, names: list, index: dict, sets: dict, in_loop: set, systems: list):
        self._names = names          # bit index -> qid
        self._index = index          # qid -> bit index
        self._sets = sets            # qid -> (lo, bits): dependents (plus its loop, see in_loop)
        self._in_loop = in_loop      # qids whose set includes the qid itself (their loop)
        self._systems = systems      # every system qid, sorted
        self._keys = set(systems)

    def __getitem__(self, qid: str) -> frozenset:
        if qid not in self._sets:
            if qid in self._keys:
                return frozenset()
            raise KeyError(qid)
        lo, bits = self._sets[qid]
        names = self._names
        found = {names[lo + i] for i, ch in enumerate(reversed(bin(bits)[2:])) if ch == "1"}
        found.discard(qid)
        return frozenset(found)

    def __contains__(self, qid) -> bool:
        return qid in self._keys

    def __iter__(self):
        return iter(self._systems)

    def __len__(self) -> int:
        return len(self._systems)

    def count(self, qid: str) -> int:
        """How many systems depend on ``qid``, directly or through others."""
        entry = self._sets.get(qid)
        if entry is None:
            return 0
        return entry[1].bit_count() - (1 if qid in self._in_loop else 0)

    def has(self, qid: str, dependent: str) -> bool:
        """Whether ``dependent`` depends on ``qid``, directly or through others."""
        if dependent == qid:
            return False
        entry = self._sets.get(qid)
        i = self._index.get(dependent)
        if entry is None or i is None or i < entry[0]:
            return False
        return bool((entry[1] >> (i - entry[0])) & 1)

    def counts(self) -> dict:
        """``{qid: count}`` for every system with at least one dependent."""
        return {q: n for q in self._sets if (n := self.count(q))}


def transitive_dependents(graph) -> Dependents:
    """Every system's transitive dependents, as a :class:`Dependents` mapping (memoised).

    One pass over the condensation DAG of :func:`dependency_digraph` in topological
    order; members of a loop depend on each other, so each is a dependent of the others.
    """
    memo = graph_memo(graph)
    if "transitive_dependents" in memo:
        return memo["transitive_dependents"]
    dep = dependency_digraph(graph)
    names = sorted(dep.nodes)
    index = {q: i for i, q in enumerate(names)}
    # the condensation, as lists: component c's members, the components it depends on
    # and the components that depend on it directly
    members = [list(m) for m in nx.strongly_connected_components(dep)]
    component = {q: c for c, m in enumerate(members) for q in m}
    needs = [set() for _ in members]
    needed_by = [set() for _ in members]
    for u, v in dep.edges():
        cu, cv = component[u], component[v]
        if cu != cv:
            needs[cu].add(cv)
            needed_by[cv].add(cu)
    member_bits = [(index[m[0]], 1) if len(m) == 1 else _bitset(index[q] for q in m)
                   for m in members]
    # topological order (Kahn): a component once every component depending on it is done
    waiting = [len(d) for d in needed_by]
    ready = [c for c, n in enumerate(waiting) if not n]
    ancestors: list = [None] * len(members)
    while ready:
        c = ready.pop()
        acc = (0, 0)
        for p in needed_by[c]:
            acc = _union(acc, _union(ancestors[p], member_bits[p]))
        ancestors[c] = acc
        for n in needs[c]:
            waiting[n] -= 1
            if not waiting[n]:
                ready.append(n)
    sets, in_loop = {}, set()
    for c, m in enumerate(members):
        # in a loop of 2+ systems each depends on the others; the set then holds the
        # system itself too, which count() and __getitem__ take off
        full = _union(ancestors[c], member_bits[c]) if len(m) > 1 else ancestors[c]
        if not full[1]:
            continue
        for q in m:
            sets[q] = full
            if len(m) > 1:
                in_loop.add(q)
    systems = sorted(d["id"] for _, d in graph.nodes(data=True) if d.get("type") == "system")
    result = Dependents(names, index, sets, in_loop, systems)
    memo["transitive_dependents"] = result
    memo["dependency_components"] = [sorted(m) for m in members if len(m) > 1]
    return result


# ------------------------------------------------------------------------------------------
# the analysis
# ------------------------------------------------------------------------------------------
def _plural(n: int, word: str, plural: str = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _listed(items, most: int = 5) -> str:
    items = list(items)
    if len(items) <= most:
        return ", ".join(items)
    return ", ".join(items[:most]) + f" and {len(items) - most} more"


def find(estate, graph, settings) -> dict:
    positions(graph, estate)       # the run's one Positions: the loader's, when it kept one

    dep = dependency_digraph(graph)
    dependents = transitive_dependents(graph)
    label = {d["id"]: d.get("label") for _, d in graph.nodes(data=True) if d.get("type") == "system"}

    def authority_of(qid: str) -> str:
        return qid.partition("/")[0]

    def direct(qid: str) -> list:
        return sorted(p for p in dep.predecessors(qid) if p != qid) if qid in dep else []

    # hubs ---------------------------------------------------------------------------------
    counts = dependents.counts()
    ranked = heapq.nsmallest(
        settings.top_hubs,
        ((-n, -len(direct(q)), q) for q, n in counts.items() if n >= HUB_MIN_DEPENDENTS))
    hubs = []
    for neg, _, qid in ranked:
        n = -neg
        near = direct(qid)
        every = sorted(dependents[qid])
        councils = sorted({authority_of(q) for q in every})
        reasons = [f"{_plural(n, 'system')} depend on {qid}: {len(near)} directly "
                   f"({_listed(near)}) and {n - len(near)} through other systems; if it fails or "
                   "is replaced, all of them may be affected"]
        others = [a for a in councils if a != authority_of(qid)]
        if others:
            reasons.append(f"its dependents belong to {_plural(len(councils), 'council')} "
                           f"({', '.join(councils)}), so a change to it must be agreed beyond "
                           f"{authority_of(qid)}")
        record = graph.nodes[f"system:{qid}"].get("record")
        if record is not None and record.criticality:
            reasons.append(f"its recorded criticality is {record.criticality}")
        hubs.append({"system": qid, "name": label.get(qid), "authority": authority_of(qid),
                     "dependents": n, "direct_dependents": len(near),
                     "dependent_systems": every, "authorities": councils, "reasons": reasons})

    # cycles -------------------------------------------------------------------------------
    cycles = []
    for group in _loops(graph, dep):
        systems = sorted(group)
        if len(systems) == 1:
            example = [systems[0], systems[0]]
            reasons = [f"{systems[0]} lists itself in its own depends_on"]
        else:
            sub = dep.subgraph(systems)
            edges = nx.find_cycle(sub, source=systems[0])
            example = [edges[0][0]] + [v for _, v in edges]
            reasons = [f"{len(systems)} systems depend on each other round a loop, for example "
                       f"{' -> '.join(example)}; none of them can be replaced without reworking "
                       "the others' interfaces, so they must be planned together"]
        councils = sorted({authority_of(q) for q in systems})
        if len(councils) > 1:
            reasons.append(f"the loop spans {len(councils)} councils: {', '.join(councils)}")
        cycles.append({"systems": systems, "size": len(systems), "authorities": councils,
                       "example": example, "reasons": reasons})
    cycles.sort(key=lambda c: (-c["size"], c["systems"]))

    # cross-council dependencies ----------------------------------------------------------
    partnerships = {a.id: set(a.partnerships) for a in estate.authorities.values()}
    cross = []
    for u, v, data in dep.edges(data=True):
        au, av = authority_of(u), authority_of(v)
        if au == av:
            continue
        shared = sorted(partnerships.get(au, set()) & partnerships.get(av, set()))
        reasons = [f"{u} ({estate.authorities[au].name}) depends on {v} "
                   f"({estate.authorities[av].name}) via {', '.join(data['via'])}"]
        if shared:
            reasons.append(f"both councils belong to {', '.join(shared)}")
        else:
            reasons.append("the two councils share no recorded partnership, so the dependency "
                           "rests on an agreement the inventories do not show")
        n = dependents.count(v)
        if n > 1:
            reasons.append(f"{_plural(n, 'system')} depend on {v} in all")
        cross.append({"from": u, "to": v, "from_authority": au, "to_authority": av,
                      "via": list(data["via"]), "partnerships": shared, "reasons": reasons,
                      "_rank": n})
    cross.sort(key=lambda c: (-c["_rank"], c["from"], c["to"]))
    for c in cross:
        del c["_rank"]

    # single points of failure ------------------------------------------------------------
    support = line_support(graph)
    lines_of = support["lines_of"]
    by_line = support["by_line"]
    spofs = []
    for qid, n in counts.items():
        node = graph.nodes[f"system:{qid}"]
        if n < settings.spof_min_dependents or node.get("status") not in ("live", "retiring"):
            continue
        lines = lines_of.get(qid, ())
        alone = []
        for line in lines:
            alternatives = [o for o, status in by_line.get((authority_of(qid), line), ())
                            if o != qid and status == "live" and not dependents.has(qid, o)]
            if not alternatives:
                alone.append(line)
        if lines and not alone:
            continue
        near = direct(qid)
        reasons = [f"{_plural(n, 'system')} depend on {qid} ({len(near)} directly); "
                   f"{settings.spof_min_dependents} or more makes a single point of failure when "
                   "nothing else can do its job"]
        names = [graph.nodes[ln].get("label") or ln for ln in alone]
        if lines:
            reasons.append(f"no other live system of {authority_of(qid)} that does not itself "
                           f"depend on it supports {_listed(names)}")
        else:
            reasons.append("it supports no recorded line of business (infrastructure), so no "
                           "alternative is recorded")
        spofs.append({"system": qid, "name": label.get(qid), "authority": authority_of(qid),
                      "dependents": n, "direct_dependents": len(near),
                      "lines_without_alternative": sorted(graph.nodes[ln].get("id") for ln in alone),
                      "reasons": reasons})
    spofs.sort(key=lambda s: (-s["dependents"], s["system"]))

    # unresolved references ---------------------------------------------------------------
    unresolved = []
    for system in estate.systems():
        for d in system.depends_on:
            if d.resolved:
                continue
            target_authority = d.qid.partition("/")[0]
            file, line, _ = locate(graph, d.src, "system")
            reasons = [f"{system.qid} depends on '{d.target}', but authority '{target_authority}' "
                       "is not in the inputs, so its blast radius and cross-council ties are "
                       "incomplete"]
            if system.status == "retired":
                reasons.append(f"{system.qid} is retired, so the reference may simply be stale")
            unresolved.append({"system": system.qid, "target": d.qid,
                               "target_authority": target_authority, "via": d.via,
                               "file": file, "line": line, "reasons": reasons})
    refs = Counter(u["target_authority"] for u in unresolved)
    unresolved.sort(key=lambda u: (-refs[u["target_authority"]], u["target_authority"],
                                   u["system"], u["target"], u["line"]))

    return {"hubs": hubs, "cycles": cycles, "cross_council": cross,
            "single_points_of_failure": spofs, "unresolved": unresolved}


def _loops(graph, dep) -> list:
    """Strongly connected components of 2+ systems, then systems that depend on themselves."""
    transitive_dependents(graph)
    loops = [list(m) for m in graph_memo(graph)["dependency_components"]]
    loops.extend([q] for q in sorted(q for q, _ in nx.selfloop_edges(dep)))
    return loops
