"""Data quality that only the analyses can see (codes Q5xx), for ``data_quality``.

Validation already reports what is wrong with a single record (W2xx, I3xx); this module
reports gaps that appear when records are read together, as of ``settings.as_of``.  A
system is *in service* when its status is ``live`` or ``retiring``.

=====  ==========================  ======================================================
code   name                        rule
=====  ==========================  ======================================================
Q501   no-contract                 a live system no contract covers.  Warning; information
                                   for an in-house system (bespoke, or naming its own
                                   council as the vendor), which may need none.
Q502   contract-covers-nothing     a contract with an empty ``covers``.  Information: the
                                   format allows pure service contracts, but their spend
                                   cannot be tied to a system.
Q503   past-end-of-support         a live system whose ``end_of_support`` is before as_of.
Q504   expired-contract-in-use     a contract whose ``end`` is before as_of still covers
                                   live systems.  Warning when no extension runs past
                                   as_of; information when ``extension_until`` does (it
                                   may have been extended: record the new end).
Q505   no-annual-cost              a live system without ``annual_cost``: spend totals and
                                   supplier shares by spend leave it out.
Q506   line-without-system         a line of business the council lists (not
                                   ``delivery: not-delivered``) that no system in service
                                   supports.  A ``shared-service`` line that a partner
                                   council's system in service supports is not reported.
                                   Information when delivery is ``outsourced`` (the
                                   supplier may run the system) or ``shared-service`` (the
                                   partner may be outside the inputs).
Q507   depends-on-retired          a system in service depends on a retired system.
=====  ==========================  ======================================================

Local lines of business not in the taxonomy are W205 already and are not repeated here.

Items have the shape of ``Problem.as_dict()`` (severity, code, name, file, line,
column, message, hint).  Lines are resolved from each record's key path with one
:class:`~estate.model.loader.Positions` per run (memoised on the graph), which composes
only the files that have something to report (none when the loader kept its index,
``estate.positions``); otherwise items are located council by council and the YAML
nodes of a council's files are let go once its items have lines, so memory stays flat on
a national estate.

Each council is checked on its own (:func:`council`), and :func:`assemble` orders the
items by file, then check, as one walk over the whole estate would.
"""

from __future__ import annotations

from estate.analyses._contracts import contracts_covering
from estate.analyses._suppliers import in_house
from estate.analyses._graph import line_support, locate, partner_systems, positions
from estate.model.codes import name_of, severity_of


class _Items(list):
    """Items not yet located: each remembers its source (:func:`_located` fills in lines)."""

    def __init__(self, graph):
        super().__init__()
        self.graph = graph

    def __call__(self, code: str, src, more: tuple, message: str, hint: str,
                 severity: str = None) -> None:
        self.append(({"severity": severity or severity_of(code), "code": code,
                      "name": name_of(code), "file": src.file if src else "", "line": 0,
                      "column": 0, "message": message, "hint": hint}, src, more))


def _located(graph, found: list) -> list:
    """``found`` (``[check, (item, source, key path)]``) as ``(check, item)`` with each
    item's line and column filled in; then the YAML nodes composed for its files (only for
    files parsed without an index) are let go, so a national estate never holds every
    file's nodes at once."""
    out = []
    for check, (item, src, more) in found:
        if src is not None:
            _, item["line"], item["column"] = locate(graph, src, *more)
        out.append((check, item))
    composed = getattr(positions(graph), "_nodes", {})
    for _, item in out:
        composed.pop(item["file"], None)
    return out


def find(estate, graph, settings) -> list[dict]:
    ctx = context(estate, graph, settings)
    return assemble([found for a in estate.authorities.values() for found in council(ctx, a)])


def context(estate, graph, settings) -> dict:
    """What every council's checks read, found once per run."""
    positions(graph, estate)
    return {"estate": estate, "graph": graph, "as_of": settings.as_of,
            "covered": contracts_covering(estate, graph),
            "by_line": line_support(graph)["by_line"]}


def assemble(found: list) -> list[dict]:
    """Councils' ``[check, item]`` pairs (from :func:`council`, in the estate's order of
    councils) as the finding: by file, then in the order of the checks; within one check,
    council by council, record by record, as the checks walk the estate."""
    found = sorted(found, key=lambda pair: (pair[1]["file"], pair[0]))
    return [item for _, item in found]


#: the checks in the order they walk the estate (the first element of :func:`council`'s pairs)
SYSTEMS, CONTRACTS, LINES, DEPENDENCIES = range(4)


def council(ctx: dict, a) -> list[list]:
    """One council's items as ``[check, item]`` pairs, located; ``check`` is the walk that
    found the item (:data:`SYSTEMS` ...), which :func:`assemble` orders by."""
    estate, graph, as_of, covered = ctx["estate"], ctx["graph"], ctx["as_of"], ctx["covered"]
    found: list = []
    item = _Items(graph)

    def walk(check: int) -> None:
        found.extend([check, entry] for entry in item)
        item.clear()

    for s in a.systems.values():
        if s.status != "live":
            continue
        if s.qid not in covered:
            if in_house(estate, s):
                item(
                    "Q501", s.src, (), f"live system '{s.qid}' is built or run in-house and no "
                    "contract covers it",
                    "if a supplier hosts or supports it, add that contract with covers: "
                    f"[{s.id}]", severity="info")
            else:
                item(
                    "Q501", s.src, (), f"live system '{s.qid}' ({s.name}) is covered by "
                    "no contract, so its renewal date and supplier terms are unknown",
                    f"add its contract with covers: [{s.id}], or add {s.id} to the covers of "
                    "the contract that pays for it")
        if s.end_of_support is not None and s.end_of_support < as_of:
            item(
                "Q503", s.src, ("end_of_support",),
                f"live system '{s.qid}' ({s.name}) has been out of vendor support since "
                f"{s.end_of_support.isoformat()} (as of {as_of.isoformat()})",
                "plan an upgrade or replacement, or record the extended support date if the "
                "vendor gave one")
        if s.annual_cost is None:
            item(
                "Q505", s.src, (), f"live system '{s.qid}' ({s.name}) has no "
                "annual_cost, so spend totals and supplier shares by spend leave it out",
                "add annual_cost (GBP a year, licence plus support; 0 if it costs nothing)")

    walk(SYSTEMS)

    for c in a.contracts.values():
        if not c.covers:
            item(
                "Q502", c.src, (), f"contract '{c.qid}' ({c.supplier}) covers no "
                "system, so its spend cannot be tied to any system",
                "list the systems it pays for under covers:, or leave it empty if it is a pure "
                "service contract", severity="info")
        if c.end is not None and c.end < as_of:
            live = []
            for sid in c.covers:
                system = estate.system(sid if "/" in sid else f"{c.authority}/{sid}")
                if system is not None and system.status == "live":
                    live.append(system.qid)
            if live:
                extended = c.extension_until is not None and c.extension_until >= as_of
                message = (f"contract '{c.qid}' ({c.supplier}) ended on {c.end.isoformat()} but "
                           f"still covers live system(s) {', '.join(sorted(live))}")
                if extended:
                    message += f"; it can be extended to {c.extension_until.isoformat()}"
                    hint = "if it was extended, record the new end date; otherwise renew or replace it"
                else:
                    hint = "record the contract that now covers these systems, or renew it"
                item("Q504", c.src, ("end",), message, hint,
                     severity="info" if extended else None)

    walk(CONTRACTS)

    by_line = ctx["by_line"]
    for line in a.lines.values():
        if line.implicit or line.delivery == "not-delivered":
            continue
        node = f"line:{line.taxonomy_id}" if line.taxonomy_id else f"line:{a.id}/{line.id}"
        if any(status in ("live", "retiring") for _, status in by_line.get((a.id, node), ())):
            continue
        shared = line.delivery == "shared-service"
        if shared and line.taxonomy_id and partner_systems(estate, graph, a.id, node):
            continue
        name = line.name or estate.line_name(line.taxonomy_id or line.id)
        elsewhere = line.delivery in ("outsourced", "shared-service")
        item(
            "Q506", line.src, (), f"line of business '{line.id}' ({name}) of "
            f"'{a.id}' has no live system supporting it"
            + (" (it is outsourced)" if line.delivery == "outsourced" else "")
            + (" (it is a shared service, but no partner council's system in the inputs "
               "supports it)" if shared else ""),
            "add the system that supports it (with supports: [" + line.id + "]), or mark it "
            "delivery: not-delivered if the council does not deliver it",
            severity="info" if elsewhere else None)

    walk(LINES)

    for s in a.systems.values():
        if s.status not in ("live", "retiring"):
            continue
        for d in s.depends_on:
            target = estate.system(d.qid) if d.resolved else None
            if target is not None and target.status == "retired":
                item(
                    "Q507", d.src, ("system",), f"system '{s.qid}' ({s.status}) depends on "
                    f"'{target.qid}', which is retired",
                    "remove the dependency if it has gone, or correct the status of "
                    f"'{target.qid}'")
    walk(DEPENDENCIES)
    return [[check, item] for check, item in _located(graph, found)]
