"""Summary: the headline counts of the estate.

``systems`` counts every system recorded, whatever its status; ``live_systems`` those
whose status is ``live``; ``in_service_systems`` those live or retiring (still running).
``annual_cost`` adds the annual costs of the systems in service, so it reads as what the
estate costs now: retired systems cost nothing any more and planned ones not yet
(their costs are ``planned_annual_cost``).  ``costed_systems`` and
``uncosted_systems`` say how many systems in service gave a cost and how many did not,
so a reader knows the total is a floor.  ``lines_of_business`` counts distinct lines
across councils (a taxonomy line once, a local line once per council).  ``products``
("catalogue products in use") counts the distinct catalogue products of the systems in
service; ``vendors`` the distinct catalogue vendors of the systems in service (their
own vendor, else their product's): retired and planned systems are not in use.
"""

from __future__ import annotations

from estate.analyses._suppliers import vendor_of

IN_SERVICE = ("live", "retiring")


def summarise(estate, graph, settings) -> dict:
    systems = list(estate.systems())
    in_service = [s for s in systems if s.status in IN_SERVICE]
    costed = [s for s in in_service if s.annual_cost is not None]
    planned = [s for s in systems if s.status == "planned" and s.annual_cost is not None]
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
        "in_service_systems": len(in_service),
        "contracts": len(contracts),
        "lines_of_business": len(lines),
        "annual_cost": round(sum(s.annual_cost for s in costed), 2),
        "costed_systems": len(costed),
        "uncosted_systems": len(in_service) - len(costed),
        "planned_annual_cost": round(sum(s.annual_cost for s in planned), 2),
        "annual_contract_value": round(sum(c.annual_value or 0 for c in contracts), 2),
        "vendors": len({v for v in (vendor_of(estate, s) for s in in_service) if v}),
        "products": len({s.product_id for s in in_service if s.product_id and not s.bespoke}),
        "files": len(estate.files),
    }


#: the finding lists whose rows ``summary.findings`` counts (``dependencies``: the rows of
#: each of its lists); data quality is counted apart, as warnings and notes
FINDING_KEYS = ("duplicates", "shared_products", "consolidation_candidates",
                "procurement_windows", "supplier_concentration", "legacy_risks", "dependencies")


def finding_counts(findings: dict) -> dict:
    """``{"findings", "warnings", "notes"}``, the one definition of the run's counts that
    the command line, the report and the register all show: ``findings`` the rows of the
    finding lists (:data:`FINDING_KEYS`), ``warnings`` and ``notes`` the ``data_quality``
    items of severity ``warning`` and ``info`` (the inventories' own problems and the
    analyses' data-quality notes together)."""
    def rows(key):
        value = findings.get(key)
        if isinstance(value, dict):
            return sum(len(v) for v in value.values() if isinstance(v, list))
        return len(value) if isinstance(value, list) else 0

    quality = [q for q in findings.get("data_quality") or [] if isinstance(q, dict)]
    return {"findings": sum(rows(key) for key in FINDING_KEYS),
            "warnings": sum(1 for q in quality if q.get("severity") == "warning"),
            "notes": sum(1 for q in quality if q.get("severity") == "info")}
