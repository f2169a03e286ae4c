"""Summary: the headline counts of the estate.

``systems`` counts every system recorded (any status) and ``live_systems`` those not
retired; ``annual_cost`` adds the annual cost of systems that are not retired (a
retired system costs nothing any more), and ``costed_systems`` says how many of them
gave a cost, so a reader knows how much of the estate the total covers.
``lines_of_business`` counts distinct lines across councils (taxonomy lines once, local
lines once per council).
"""

from __future__ import annotations


def summarise(estate, graph, settings) -> dict:
    systems = list(estate.systems())
    active = [s for s in systems if s.status != "retired"]
    costed = [s for s in active if s.annual_cost is not None]
    lines = set()
    for a in estate.authorities.values():
        for line in a.lines.values():
            lines.add(line.taxonomy_id or f"{a.id}/{line.id}")
    contracts = list(estate.contracts())
    return {
        "as_of": settings.as_of.isoformat(),
        "authorities": len(estate.authorities),
        "systems": len(systems),
        "live_systems": sum(1 for s in systems if s.status == "live"),
        "contracts": len(contracts),
        "lines_of_business": len(lines),
        "annual_cost": round(sum(s.annual_cost for s in costed), 2),
        "costed_systems": len(costed),
        "uncosted_systems": len(active) - len(costed),
        "annual_contract_value": round(sum(c.annual_value or 0 for c in contracts), 2),
        "vendors": len({s.vendor_id for s in systems if s.vendor_id}
                       | {c.vendor_id for c in contracts if c.vendor_id}),
        "products": len({s.product_id for s in systems if s.product_id}),
        "files": len(estate.files),
    }
