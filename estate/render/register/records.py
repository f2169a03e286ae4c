"""The registers (Authorities, Systems, Contracts, Authority lines), which people edit and
``estate import register`` reads back, and the lines-of-business matrix.

Their sheet names and column headers are a contract with
:mod:`estate.interchange.register_import`; computed columns are ignored on import.
"""

from __future__ import annotations

from typing import Iterator, Optional

from estate.model.records import AUTHORITY_TYPES, CRITICALITY, DELIVERY, HOSTING, ROUTES, STATUS
from estate.render.register.base import (RED, YES_NO, Col, Context, Sheet, column_range, counts,
                                         dates_before, items, joined, rag, reasons, score_scale,
                                         yes_no)
from estate.render.xlsx import clean


SYSTEM_COLUMNS = [
    Col("Authority"), Col("System id"), Col("Name"), Col("Product"), Col("Vendor"),
    Col("Catalogue product"), Col("Catalogue vendor"), Col("Version"),
    Col("Hosting", choices=HOSTING), Col("Status", choices=STATUS),
    Col("Introduced", "int", check="year"), Col("End of support", "date", check="date"),
    Col("Supports"), Col("Depends on"), Col("Personal data", choices=YES_NO),
    Col("API", choices=YES_NO), Col("Export formats"), Col("Open standards"),
    Col("Annual cost", "money", check="money"), Col("Users", "int", check="whole"),
    Col("Criticality", choices=CRITICALITY), Col("Owner"),
    Col("Legacy risk score", "int"), Col("Legacy risk rating"), Col("Disposition"), Col("Source"),
]

CONTRACT_COLUMNS = [
    Col("Authority"), Col("Contract id"), Col("Supplier"), Col("Catalogue vendor"), Col("Covers"),
    Col("Start", "date", check="date"), Col("End", "date", check="date"),
    Col("Extension until", "date", check="date"), Col("Notice months", "int", check="months"),
    Col("Annual value", "money", check="money"), Col("Total value", "money", check="money"),
    Col("Route", choices=ROUTES), Col("Framework"), Col("SME", choices=YES_NO),
    Col("Procurement started", "date", check="date"), Col("Source"),
]

#: per-council indicators: (header, key in findings["authorities"][], kind)
INDICATORS = [
    ("Live systems", "live_systems", "int"),
    ("Lines of business", "lines_of_business", "int"),
    ("Lines supported", "lines_supported", "int"),
    ("Line support", "line_support_share", "share"),
    ("Lines without a system", "lines_unsupported", "text"),
    ("Past end of support", "past_support_count", "int"),
    ("Systems past end of support", "past_support_systems", "link"),
    ("SaaS or cloud", "saas_cloud_share", "share"),
    ("With an API", "api_share", "share"),
    ("Open standards", "open_standards_share", "share"),
    ("Personal data systems", "personal_data_systems", "int"),
    ("Contract spend", "contract_spend", "money"),
    ("SME share of spend", "sme_spend_share", "share"),
    ("Routes", "routes", "text"),
    ("Median sales cycle (days)", "median_sales_cycle_days", "int"),
    ("Sales cycles measured", "sales_cycles_measured", "int"),
    ("Not judged", "not_judged", "text"),
    ("Reasons", "reasons", "text"),
]

AUTHORITY_COLUMNS = [
    Col("Id"), Col("Name"), Col("Type", choices=AUTHORITY_TYPES), Col("Region"), Col("GSS code"),
    Col("Partnerships"), Col("Systems", "int"), Col("Annual cost", "money"),
] + [Col(h, "text" if k == "link" else k) for h, _, k in INDICATORS]


def _authorities(ctx: Context) -> Iterator[list]:
    found = {a.get("id"): a for a in items(ctx.findings, "authorities")}
    for a in ctx.estate.authorities.values():
        f = found.get(a.id, {})
        row = [a.id, a.name, a.type, a.region, a.gss_code, joined(a.partnerships),
               f.get("systems", len(a.systems)), f.get("annual_cost")]
        for _, key, kind in INDICATORS:
            value = f.get(key)
            if key == "reasons":
                value = reasons(f)
            elif kind == "link":
                value = ctx.cite(value)[0]
            elif kind == "text":
                value = counts(value)
            row.append(value)
        yield row


def _depends(system) -> Optional[str]:
    parts = [f"{d.target} ({d.via})" if d.via else d.target for d in system.depends_on]
    return "; ".join(parts) or None


def _systems(ctx: Context) -> Iterator[list]:
    risks = {r.get("system"): r for r in items(ctx.findings, "legacy_risks")}
    for s in ctx.estate.systems():
        risk = risks.get(s.qid, {})
        if s.bespoke:
            cat_product, cat_vendor = "bespoke", None
        else:
            cat_product = ctx.catalogue.products[s.product_id].name \
                if s.product_id in ctx.catalogue.products else None
            cat_vendor = ctx.catalogue.vendors[s.vendor_id].name \
                if s.vendor_id in ctx.catalogue.vendors else None
        yield [s.authority, s.id, s.name, s.product, s.vendor, cat_product, cat_vendor,
               s.version, s.hosting, s.status, s.introduced, s.end_of_support,
               joined(s.supports), _depends(s), yes_no(s.data.personal_data),
               yes_no(s.data.api), joined(s.data.export_formats),
               joined(s.data.open_standards), s.annual_cost, s.users, s.criticality, s.owner,
               risk.get("score"), risk.get("rating"), risk.get("disposition"),
               s.src.file if s.src else None]


def _systems_formats(ctx: Context):
    def formats(ws, col, last):
        rag(ws, column_range(col, "Legacy risk rating", last), "red", "amber", "green")
        score_scale(ws, column_range(col, "Legacy risk score", last))
        dates_before(ws, column_range(col, "End of support", last), ctx.as_of, RED)
    return formats


def _contracts(ctx: Context) -> Iterator[list]:
    for c in ctx.estate.contracts():
        vendor = ctx.catalogue.vendors.get(c.vendor_id) if c.vendor_id else None
        yield [c.authority, c.id, c.supplier, vendor.name if vendor else None, joined(c.covers),
               c.start, c.end, c.extension_until, c.notice_months, c.annual_value,
               c.total_value, c.route, c.framework, yes_no(c.sme), c.procurement_started,
               c.src.file if c.src else None]


def _authority_headers(ctx: Context) -> list:
    """Matrix column headers: council names, unique (case-insensitively) as tables need."""
    names, seen = [], {"function", "line id", "line of business", "councils"}
    for a in ctx.estate.authorities.values():
        name = " ".join(clean(a.name or "").split())[:200] or a.id
        if name.casefold() in seen:
            name = f"{name} ({a.id})"[:255]
        seen.add(name.casefold())
        names.append(name)
    return names


def _matrix_columns(ctx: Context) -> list:
    return [Col("Function"), Col("Line id"), Col("Line of business"), Col("Councils", "int")] + \
        [Col(name) for name in _authority_headers(ctx)]


def _matrix(ctx: Context) -> Iterator[list]:
    """Taxonomy lines (grouped by function) x councils: the products of live systems."""
    taxonomy = ctx.catalogue.lines_of_business
    authorities = list(ctx.estate.authorities.values())
    cells: dict = {}          # (line, authority index) -> set of product labels
    local: dict = {}          # local line id -> name
    for i, a in enumerate(authorities):
        for s in a.systems.values():
            if s.status != "live":
                continue
            if s.product_id in ctx.catalogue.products:
                label = ctx.catalogue.products[s.product_id].name
            elif s.bespoke:
                label = f"{s.name} (bespoke)"
            else:
                label = s.product or s.name
            for line_id in s.supports:
                key = a.taxonomy_of(line_id) or (line_id if line_id in taxonomy else None)
                if key is None:
                    key = f"local:{line_id}"
                    local.setdefault(line_id, ctx.estate.line_name(line_id))
                cells.setdefault((key, i), set()).add(label)
        for line in a.lines.values():
            if not line.implicit and not line.taxonomy_id and line.id not in taxonomy:
                local.setdefault(line.id, line.name or ctx.estate.line_name(line.id))

    # the lines each council lists itself, by the taxonomy id they stand for
    listed = [{line.taxonomy_id: line for line in a.lines.values()
               if line.taxonomy_id and not line.implicit} for a in authorities]

    def status(i, key, line_id):
        a = authorities[i]
        if key.startswith("local:"):
            line = a.lines.get(line_id)
        else:
            line = listed[i].get(key)
        if line is None or line.implicit:
            return None
        if line.delivery in (None, "in-house"):
            return "(no live system)"
        return f"({line.delivery.replace('-', ' ')})"     # outsourced, shared service...

    def row(function, key, line_id, name):
        values = []
        for i in range(len(authorities)):
            labels = cells.get((key, i))
            values.append("; ".join(sorted(labels)) if labels else status(i, key, line_id))
        councils = sum(1 for i in range(len(authorities)) if (key, i) in cells)
        return [function, line_id, name, councils] + values

    by_function: dict = {}
    for line in taxonomy.values():
        by_function.setdefault(line.function or "Other", []).append(line)
    for function, lines in by_function.items():
        for line in lines:
            yield row(function, line.id, line.id, line.name)
    for line_id in sorted(local):
        yield row("Not in the taxonomy", f"local:{line_id}", line_id, local[line_id])


AUTHORITY_LINE_COLUMNS = [
    Col("Authority"), Col("Line id"), Col("Name"), Col("Maps to"),
    Col("Statutory", choices=YES_NO), Col("Delivery", choices=DELIVERY),
]


def _authority_lines(ctx: Context) -> Iterator[list]:
    for a in ctx.estate.authorities.values():
        for line in a.lines.values():
            if line.implicit:
                continue      # not written in the inventory: a system supports it
            yield [a.id, line.id, line.name, line.maps_to, yes_no(line.statutory), line.delivery]



def record_sheets(ctx: Context) -> list:
    """The registers and the matrix, in the register's order."""
    return [
        Sheet("Authorities", AUTHORITY_COLUMNS, lambda: _authorities(ctx)),
        Sheet("Systems", SYSTEM_COLUMNS, lambda: _systems(ctx), _systems_formats(ctx)),
        Sheet("Contracts", CONTRACT_COLUMNS, lambda: _contracts(ctx)),
        Sheet("Lines of business", _matrix_columns(ctx), lambda: _matrix(ctx)),
        Sheet("Authority lines", AUTHORITY_LINE_COLUMNS, lambda: _authority_lines(ctx)),
    ]
