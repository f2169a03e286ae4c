"""The estate and its findings as rows: one list of dicts per register and finding list.

Both the SQLite and the CSV exports are built from these rows, so the two agree column
for column.  Values stay typed (numbers, booleans, ISO date strings, lists); each writer
decides how to store a list (JSON text in SQLite, ``a, b`` in CSV).
"""

from __future__ import annotations

import datetime as dt

#: finding lists written as tables: (key in findings, table name)
FINDING_TABLES = [
    ("authorities", "authority_indicators"),
    ("duplicates", "duplicates"),
    ("shared_products", "shared_products"),
    ("consolidation_candidates", "consolidation_candidates"),
    ("procurement_windows", "procurement_windows"),
    ("supplier_concentration", "supplier_concentration"),
    ("legacy_risks", "legacy_risks"),
    ("data_quality", "data_quality"),
]
#: columns each finding table has even when the list is empty (docs/findings.md)
FINDING_COLUMNS = {
    "authority_indicators": ["id", "name", "type", "region", "systems", "live_systems",
                             "annual_cost", "line_support_share", "past_support_count",
                             "saas_cloud_share", "api_share", "sme_spend_share",
                             "median_sales_cycle_days", "reasons"],
    "duplicates": ["authority", "line_of_business", "line_name", "systems", "products",
                   "annual_cost", "reasons"],
    "shared_products": ["product", "product_name", "vendor", "vendor_name", "authorities",
                        "systems", "annual_cost", "reasons"],
    "consolidation_candidates": ["line_of_business", "line_name", "group", "authorities", "systems",
                                 "products", "recommended_product", "annual_cost",
                                 "estimated_annual_saving", "reasons"],
    "procurement_windows": ["start", "end", "must_start_by", "line_of_business", "line_name",
                            "contracts", "authorities", "suppliers", "combined_annual_value",
                            "reasons"],
    "supplier_concentration": ["line_of_business", "line_name", "basis", "hhi", "leading_vendor",
                               "leading_vendor_name", "leading_share", "vendors", "reasons"],
    "legacy_risks": ["system", "name", "authority", "product", "score", "rating", "disposition",
                     "reasons"],
    "data_quality": ["severity", "code", "name", "file", "line", "column", "message", "hint"],
    "dependency_hubs": ["system", "name", "dependents", "direct_dependents", "dependent_systems",
                        "reasons"],
    "dependency_cycles": ["systems", "reasons"],
    "dependency_cross_council": ["from", "to", "via", "reasons"],
    "dependency_single_points_of_failure": ["system", "dependents", "reasons"],
    "dependency_unresolved": ["system", "target", "file", "line", "reasons"],
}


def _iso(value):
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def estate_tables(estate) -> dict:
    """``{table: [row dict]}`` for the registers: authorities, lines, systems, contracts..."""
    cat = estate.catalogue
    authorities, lines, systems, system_lines, deps, contracts, covers = [], [], [], [], [], [], []
    for a in estate.authorities.values():
        authorities.append({"id": a.id, "name": a.name, "type": a.type, "region": a.region,
                            "gss_code": a.gss_code, "partnerships": list(a.partnerships),
                            "systems": len(a.systems), "contracts": len(a.contracts),
                            "files": list(a.files)})
        for line in a.lines.values():
            tax = cat.lines_of_business.get(line.taxonomy_id) if line.taxonomy_id else None
            lines.append({"authority": a.id, "id": line.id, "taxonomy_id": line.taxonomy_id,
                          "name": line.name or (tax.name if tax else estate.line_name(line.id)),
                          "function": tax.function if tax else None, "statutory": line.statutory,
                          "delivery": line.delivery, "listed": not line.implicit})
        for s in a.systems.values():
            product = cat.products.get(s.product_id) if s.product_id else None
            vendor = cat.vendors.get(s.vendor_id) if s.vendor_id else None
            systems.append({
                "qid": s.qid, "authority": a.id, "id": s.id, "name": s.name,
                "product": s.product, "vendor": s.vendor, "product_id": s.product_id,
                "product_name": product.name if product else None, "vendor_id": s.vendor_id,
                "vendor_name": vendor.name if vendor else None, "bespoke": s.bespoke,
                "version": s.version, "hosting": s.hosting, "status": s.status,
                "introduced": s.introduced, "end_of_support": _iso(s.end_of_support),
                "supports": list(s.supports), "annual_cost": s.annual_cost, "users": s.users,
                "criticality": s.criticality, "owner": s.owner,
                "personal_data": s.data.personal_data, "api": s.data.api,
                "export_formats": list(s.data.export_formats),
                "open_standards": list(s.data.open_standards),
                "depends_on": [f"{d.qid} ({d.via})" if d.via else d.qid for d in s.depends_on],
                "source_file": s.src.file if s.src else None})
            for line_id in s.supports:
                local = a.lines.get(line_id)
                system_lines.append({"system": s.qid, "authority": a.id, "line_id": line_id,
                                     "taxonomy_id": local.taxonomy_id if local else None})
            for d in s.depends_on:
                target = estate.system(d.qid)
                deps.append({"system": s.qid, "target": d.qid,
                             "target_system": target.qid if target else None, "via": d.via,
                             "resolved": target is not None})
        for c in a.contracts.values():
            contracts.append({
                "qid": c.qid, "authority": a.id, "id": c.id, "supplier": c.supplier,
                "vendor_id": c.vendor_id, "covers": list(c.covers), "start": _iso(c.start),
                "end": _iso(c.end), "extension_until": _iso(c.extension_until),
                "latest_end": _iso(c.latest_end) if c.end else None,
                "notice_months": c.notice_months, "annual_value": c.annual_value,
                "total_value": c.total_value, "route": c.route, "framework": c.framework,
                "sme": c.sme, "procurement_started": _iso(c.procurement_started),
                "source_file": c.src.file if c.src else None})
            for sid in c.covers:
                qid = sid if "/" in sid else f"{a.id}/{sid}"
                if estate.system(qid) is not None:
                    covers.append({"contract": c.qid, "system": qid})
    vendors = [{"id": v.id, "name": v.name, "aliases": list(v.aliases), "sme": v.sme}
               for v in cat.vendors.values()]
    products = [{"id": p.id, "name": p.name, "vendor": p.vendor, "aliases": list(p.aliases),
                 "lines_of_business": list(p.lines_of_business), "category": p.category}
                for p in cat.products.values()]
    return {"authorities": authorities, "lines_of_business": lines, "systems": systems,
            "system_lines": system_lines, "dependencies": deps, "contracts": contracts,
            "contract_systems": covers, "vendors": vendors, "products": products}


def finding_tables(findings: dict) -> dict:
    """``{table: [row dict]}`` for every finding list (``rank`` = position, 1 = first)."""
    out = {}
    sources = [(key, table, findings.get(key)) for key, table in FINDING_TABLES]
    deps = findings.get("dependencies")
    if isinstance(deps, dict):
        for key, value in deps.items():
            sources.append((f"dependencies.{key}", f"dependency_{key}", value))
    for key in ("hubs", "cycles", "cross_council", "single_points_of_failure", "unresolved"):
        if f"dependency_{key}" not in {t for _, t, _ in sources}:
            sources.append((f"dependencies.{key}", f"dependency_{key}", None))
    for _, table, items in sources:
        rows = []
        for rank, item in enumerate(items if isinstance(items, list) else [], start=1):
            if isinstance(item, dict):
                rows.append({"rank": rank, **{k: _iso(v) for k, v in item.items()}})
            else:
                rows.append({"rank": rank, "value": item})
        out[table] = rows
    return out


def columns_of(table: str, rows: list) -> list:
    """Column names: the documented ones first, then any others in order of appearance."""
    cols = ["rank"] if table in FINDING_COLUMNS or table.startswith("dependency_") else []
    for c in FINDING_COLUMNS.get(table, []):
        if c not in cols:
            cols.append(c)
    for row in rows:
        for c in row:
            if c not in cols:
                cols.append(c)
    if table in FINDING_COLUMNS:
        present = {c for row in rows for c in row}
        # documented columns stay even when absent, so the schema does not change with the data
        cols = [c for c in cols if c in present or c in FINDING_COLUMNS[table] or c == "rank"]
    return cols
