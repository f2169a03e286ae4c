"""Groups of councils and stacks of systems: the structure the consolidation analysis
works on (its rules are stated in :mod:`estate.analyses.consolidation`)."""

from __future__ import annotations

from collections import deque

from estate.analyses._contracts import and_list, contracts_covering, earliest_exit
from estate.analyses._graph import components, depends_on_edges
from estate.model.records import PARTNERSHIP_KINDS

KIND_ORDER = {kind: i for i, kind in enumerate(PARTNERSHIP_KINDS)}


class Context:
    """What every candidate needs, computed once: groups, reverse dependencies, contracts."""

    def __init__(self, estate, graph, settings):
        self.estate, self.settings = estate, settings
        self.groups = groups(estate, graph)
        self.dependents: dict[str, list] = {}    # system -> the systems depending on it directly
        self.retired: set = set()                # those of them that are retired
        for u, v, _ in depends_on_edges(graph):
            self.dependents.setdefault(v["id"], []).append(u["id"])
            if u["status"] == "retired":
                self.retired.add(u["id"])
        self._reach: dict[str, frozenset] = {}
        self.contracts_of: dict[str, list] = contracts_covering(estate, graph)
        self._exits: dict = {}
        self.planned: dict[tuple, list] = {}     # (line, authority) -> planned systems
        self.n_lines: dict[str, int] = {}        # system qid -> number of lines it supports
        self.shares: dict[str, float] = {}       # system qid -> share(system)
        self._stacks: dict[tuple, list] = {}

    def stacks(self, line: str, authority: str, systems: list) -> list:
        key = (line, authority)
        if key not in self._stacks:
            self._stacks[key] = stacks(systems)
        return self._stacks[key]

    def share(self, system):
        """This system's annual cost split equally over the lines it supports (None if unknown)."""
        return self.shares[system.qid]

    def exit(self, contract):
        if contract.qid not in self._exits:
            self._exits[contract.qid] = earliest_exit(contract, self.settings.as_of)
        return self._exits[contract.qid]

    def blast_radius(self, going: set) -> list[str]:
        """Every system not retired that depends on one of ``going``, directly or through
        others (retired ones included), and is not itself going."""
        found: set = set()
        for qid in going:
            found.update(self.reach(qid))
        return sorted(found - going)

    def reach(self, qid: str) -> frozenset:
        """The systems not retired that depend on ``qid``, directly or through others
        (retired ones included), found once per system."""
        if qid not in self._reach:
            seen, todo = set(), deque([qid])
            while todo:
                for dependent in self.dependents.get(todo.popleft(), ()):
                    if dependent not in seen:
                        seen.add(dependent)
                        todo.append(dependent)
            self._reach[qid] = frozenset(seen - self.retired)
        return self._reach[qid]


def groups(estate, graph) -> list[dict]:
    """Every group of councils, highest priority first (see the module docstring)."""
    present = estate.authorities
    groups = []
    partnerships = sorted(estate.catalogue.partnerships.values(),
                          key=lambda p: (KIND_ORDER.get(p.kind, len(KIND_ORDER)), p.id))
    for p in partnerships:
        groups.append({"kind": "partnership", "id": p.id, "name": p.name, "partnership_kind": p.kind,
                       "members": sorted(m for m in set(p.members) if m in present)})
    regions: dict[str, list] = {}
    for a in present.values():
        if a.region and a.region.strip():
            regions.setdefault(a.region.strip().casefold(), []).append(a)
    for key in sorted(regions):
        names = sorted(a.region.strip() for a in regions[key])
        groups.append({"kind": "region", "id": key, "name": names[0],
                       "members": sorted(a.id for a in regions[key])})
    links = [(u["authority"], v["authority"]) for u, v, _ in depends_on_edges(graph)
             if u["authority"] != v["authority"] and "retired" not in (u["status"], v["status"])]
    for members in components((), links):
        groups.append({"kind": "shared-dependencies", "id": "+".join(members),
                       "name": f"Councils linked by shared systems: "
                               f"{and_list(present[m].name for m in members)}",
                       "members": members})
    return groups


def stacks(systems: list) -> list[tuple[list, list]]:
    """One council's live systems for one line as stacks: (principals, add-ons).

    Systems joined by direct ``depends_on`` links among themselves form one stack; its
    principals are the systems that depend on no other system of the stack (the back
    office), the others are add-ons (a portal or mobile app over it).  A stack that is
    all cycle has every system as a principal.
    """
    if len(systems) == 1:
        return [(list(systems), [])]
    ids = {s.qid: s for s in systems}
    depends = {q: set() for q in ids}
    for s in systems:
        for dep in s.depends_on:
            if dep.resolved and dep.qid in ids and dep.qid != s.qid:
                depends[s.qid].add(dep.qid)
    out = []
    for component in components(ids, [(q, d) for q, deps in depends.items() for d in deps]):
        principals = [c for c in component if not depends[c]] or component
        out.append(([ids[c] for c in principals],
                    [ids[c] for c in component if c not in principals]))
    return out
