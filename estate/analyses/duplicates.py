"""Duplicates: one council running two or more live systems for one line of business.

Rule
----
Inside each council, every system that is not retired is filed under each line of
business it ``supports``.  Lines are compared by the council's own line id, except that
a local id mapped with ``maps_to`` counts as its taxonomy id (so ``ctax`` mapped to
``council-tax`` and ``council-tax`` are one line).  A line with **two or more ``live``
systems** is a duplicate: one of them may be redundant.

- ``retired`` systems never count and are not shown.
- ``retiring`` and ``planned`` systems are shown apart (``retiring``, ``planned``) but
  never make a duplicate by themselves: one live system plus its planned replacement is
  a migration in progress, not a duplicate.
- One system supporting several lines is never a duplicate of itself.
- Two systems of the *same* catalogue product for one line are still a duplicate (two
  instances), and the reasons say so.

There is no threshold beyond "two live systems": the finding only says one *may* be
redundant (a council can run two on purpose, e.g. by area), and leaves that call to
the council.

Systems that work together: complementary, not duplicates
---------------------------------------------------------
Two live systems of one line are **complementary** when

- one depends directly on the other (``depends_on``): a citizen portal over the
  revenues back office it feeds, a mobile app over a housing system; or
- they are different catalogue products of **one product family**, that is of the same
  vendor (an on-premises Exchange relay beside Microsoft 365, NEC Citizen Access beside
  NEC Revenues & Benefits): a vendor's products for one line are normally sold to work
  together.

Two instances of the *same* product are never complementary.  When every live system of
a line is joined to the others by these relations (one group) and no product appears
twice, the line is not a duplicate: it is listed under ``complementary`` (a top-level
key of ``analysis.json``, same shape, with ``relations``) and not under ``duplicates``,
which keeps meaning true duplicates.  Otherwise it is a duplicate; ``rivals`` counts the
groups of systems not joined to one another, and ``complementary`` names the
complementary pairs inside it, so a reader can see which system overlaps which.
``linked`` (kept for compatibility) is true only when every system is joined by
dependencies alone, which no longer happens in ``duplicates``.

Cost
----
``annual_cost`` adds the known annual costs of the live systems; systems with no
recorded cost are counted under ``not_judged["annual_cost"]`` and named in the reasons.
The costs are whole-system costs: a system that serves several lines is counted in
full in each of its lines' findings (the reasons say which other lines share it).

Order
-----
Highest annual cost first, then most systems, then authority and line id.
"""

from __future__ import annotations

from estate.analyses._contracts import and_list, gbp, plural, system_lines
from estate.analyses._suppliers import vendor_of
from estate.model.catalogue import is_bespoke

COUNTED = ("live", "retiring", "planned")


def find(estate, graph, settings) -> list[dict]:
    """``duplicates``: the lines with 2+ live systems that are not all complementary."""
    return assemble([f for a in estate.authorities.values() for f in council(estate, a)[0]])


def find_complementary(estate, graph, settings) -> list[dict]:
    """``complementary``: the lines whose live systems all work together (see the rule)."""
    return assemble([f for a in estate.authorities.values() for f in council(estate, a)[1]])


def council(estate, authority) -> tuple[list, list]:
    """One council's ``(duplicates, complementary)`` findings, in the order of its lines."""
    lines: dict[str, dict[str, list]] = {}
    for system in authority.systems.values():
        if system.status not in COUNTED:
            continue
        for key in system_lines(estate, system):
            lines.setdefault(key, {s: [] for s in COUNTED})[system.status].append(system)
    overlaps = _overlaps(lines)
    duplicates, complementary = [], []
    for key, by_status in lines.items():
        live = sorted(by_status["live"], key=lambda s: s.id)
        if len(live) < 2:
            continue
        finding = _finding(estate, authority, key, live, by_status, overlaps)
        (complementary if finding.pop("_complementary") else duplicates).append(finding)
    return duplicates, complementary


def assemble(findings: list) -> list[dict]:
    """Councils' findings (from :func:`council`, in the estate's order of councils) in the
    order of the finding: highest cost, most systems, then authority and line."""
    return sorted(findings, key=lambda f: (-f["annual_cost"], -len(f["systems"]), f["authority"],
                                           f["line_of_business"]))


def _overlaps(lines: dict) -> dict:
    """Live-system set -> the lines it duplicates, to say when one pair overlaps on several."""
    out: dict[tuple, list] = {}
    for key, by_status in lines.items():
        if len(by_status["live"]) >= 2:
            out.setdefault(tuple(sorted(s.id for s in by_status["live"])), []).append(key)
    return out


def _relations(estate, live: list) -> tuple[list, int, bool]:
    """Complementary pairs among ``live`` as dicts, the number of groups of systems they
    leave unconnected (union-find over the few systems of one finding), and whether the
    dependencies alone join them all."""
    ids = {s.qid for s in live}
    parent = {q: q for q in ids}

    def root(q):
        while parent[q] != q:
            parent[q] = parent[parent[q]]
            q = parent[q]
        return q
    pairs: dict[tuple, dict] = {}
    for s in live:
        for dep in s.depends_on:
            if dep.resolved and dep.qid in ids and dep.qid != s.qid:
                pairs.setdefault((s.qid, dep.qid), {"systems": [s.qid, dep.qid], "relation": "depends_on",
                                                    "why": f"{s.qid} depends on {dep.qid}"})
                parent[root(s.qid)] = root(dep.qid)
    by_links = len({root(q) for q in ids}) == 1
    for i, a in enumerate(live):
        for b in live[i + 1:]:
            va, vb = vendor_of(estate, a), vendor_of(estate, b)
            if (va and va == vb and a.product_id and b.product_id and a.product_id != b.product_id
                    and not a.bespoke and not b.bespoke):
                key = (a.qid, b.qid)
                if key not in pairs and (b.qid, a.qid) not in pairs:
                    vendor = estate.catalogue.vendors.get(va)
                    pairs[key] = {"systems": [a.qid, b.qid], "relation": "product_family",
                                  "why": (f"{a.qid} ({product_name(estate, a)}) and {b.qid} "
                                          f"({product_name(estate, b)}) are products of one family "
                                          f"(one vendor, {vendor.name if vendor else va})")}
                parent[root(a.qid)] = root(b.qid)
    groups = len({root(q) for q in ids})
    return [pairs[k] for k in sorted(pairs)], groups, by_links


def _line(estate, authority, key: str) -> tuple[str, str]:
    """(id as reported, name) of a line key from ``system_lines``."""
    if "/" in key:                       # a local line of this council
        lid = key.split("/", 1)[1]
        local = authority.lines.get(lid)
        return lid, (local.name if local and local.name else lid)
    return key, estate.line_name(key)


def product_name(estate, system) -> str:
    if system.product_id:
        return estate.catalogue.products[system.product_id].name
    if system.product:
        return system.product
    return "in-house" if system.bespoke else "product not recorded"


def _describe(estate, system) -> str:
    cost = f"{gbp(system.annual_cost)} a year" if system.annual_cost is not None else "cost not recorded"
    kind = product_name(estate, system)
    if system.bespoke and system.product and not is_bespoke(system.product):
        kind += ", bespoke"
    elif not system.product_id and system.product:
        kind += ", not a catalogue product"
    return f"{system.name} ({system.qid}; {kind}, {cost})"


def _finding(estate, authority, key, live, by_status, overlaps) -> dict:
    line_id, line_name = _line(estate, authority, key)
    retiring = sorted(by_status["retiring"], key=lambda s: s.id)
    planned = sorted(by_status["planned"], key=lambda s: s.id)
    relations, rivals, by_links = _relations(estate, live)
    products = [s.product_id for s in live if s.product_id]
    complementary = rivals == 1 and len(products) == len(set(products))
    costed = [s for s in live if s.annual_cost is not None]
    uncosted = [s for s in live if s.annual_cost is None]
    total = round(sum(s.annual_cost for s in costed), 2)
    reasons = [f"{authority.name} runs {len(live)} live systems for {line_name}: "
               f"{and_list(_describe(estate, s) for s in live)}"
               + ("." if complementary else "; one may be redundant.")]
    by_product: dict[str, list] = {}
    for s in live:
        if s.product_id:
            by_product.setdefault(s.product_id, []).append(s)
    for pid, same in sorted(by_product.items()):
        if len(same) > 1:
            reasons.append(f"{and_list(s.qid for s in same)} are {len(same)} separate instances of "
                           f"the same product, {estate.catalogue.products[pid].name}: merging them "
                           "onto one instance needs no new product.")
    if complementary:
        reasons.append(f"They work together rather than compete ({'; '.join(r['why'] for r in relations)}): "
                       "complementary systems, not a duplicate. Check the pairing is still wanted, "
                       "but neither is redundant on this evidence.")
    elif relations:
        reasons.append(f"Some are complementary ({'; '.join(r['why'] for r in relations)}), which "
                       f"leaves {rivals} groups of systems that overlap with one another"
                       + ("" if rivals > 1 else ", as two of them are instances of one product") + ".")
    if costed:
        money = f"Together they cost {gbp(total)} a year"
        if uncosted:
            money += (f" as far as known: {plural(len(uncosted), 'system')} "
                      f"({and_list(s.qid for s in uncosted)}) recorded no annual cost")
        reasons.append(money + ".")
    else:
        reasons.append("None of them records an annual cost, so the cost of the overlap is unknown.")
    shared = []
    for system in live:
        keys = {authority.taxonomy_of(lid) or lid for lid in system.supports} - {key}
        if keys:
            names = and_list(_line(estate, authority, k)[1] for k in sorted(keys))
            shared.append(f"{system.qid} also serves {names}")
    if shared and costed:
        reasons.append(f"Costs are whole-system costs: {'; '.join(shared)}, so not all of "
                       f"{gbp(total)} is spent on {line_name}.")
    others = [k for k in overlaps.get(tuple(s.id for s in live), []) if k != key]
    if others:
        names = and_list(_line(estate, authority, k)[1] for k in sorted(others))
        reasons.append(f"The same systems also overlap on {names} (reported separately; "
                       "costs are whole-system costs, so do not add these findings up).")
    if retiring:
        reasons.append(f"Already retiring, so not counted: "
                       f"{and_list(f'{s.name} ({s.qid})' for s in retiring)}.")
    if planned:
        reasons.append(f"Planned, not yet counted: {and_list(f'{s.name} ({s.qid})' for s in planned)}; "
                       "check that going live will retire one of the systems above.")
    return {
        "authority": authority.id,
        "authority_name": authority.name,
        "line_of_business": line_id,
        "line_name": line_name,
        "systems": [s.qid for s in live],
        "retiring": [s.qid for s in retiring],
        "planned": [s.qid for s in planned],
        "products": [product_name(estate, s) for s in live],
        "product_ids": [s.product_id for s in live],
        "annual_cost": total,
        "linked": by_links,
        "rivals": rivals,
        "complementary": relations,
        "_complementary": complementary,
        "not_judged": {"annual_cost": len(uncosted)} if uncosted else {},
        "reasons": reasons,
    }
