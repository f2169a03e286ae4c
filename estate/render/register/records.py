"""The registers (Authorities, Systems, Contracts, Authority lines), which people edit and
``estate import register`` reads back, and the lines-of-business matrix.

Their sheet names and column headers are a contract with
:mod:`estate.interchange.register_import`; computed columns are ignored on import.
"""

from __future__ import annotations

import math
from typing import Iterator, Optional

from estate.model.records import AUTHORITY_TYPES, CRITICALITY, DELIVERY, HOSTING, ROUTES, STATUS
from estate.render.register.base import (AMBER, REASONS, RED, YES_NO, Col, Context, Sheet,
                                         column_range, counts, dates_before, dates_between, items,
                                         joined, rag, reasons, score_scale, yes_no)
from estate.render.views import IN_SERVICE, PLANNED, contract_status, landscape
from estate.render.xlsx import Print, clean

#: the lines-of-business matrix prints this many councils' columns a page
MATRIX_COUNCILS_A_PAGE = 10


SYSTEM_COLUMNS = [
    Col("Authority"), Col("Council"), Col("System id"), Col("Name"), Col("Product"), Col("Vendor"),
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
    Col("Authority"), Col("Council"), Col("Contract id"), Col("Supplier"), Col("Catalogue vendor"), Col("Covers"),
    Col("Start", "date", check="date"), Col("End", "date", check="date"),
    Col("Extension until", "date", check="date"), Col("Notice months", "int", check="months"),
    Col("Annual value", "money", check="money"), Col("Total value", "money", check="money"),
    Col("Route", choices=ROUTES), Col("Framework"), Col("SME", choices=YES_NO),
    Col("Procurement started", "date", check="date"),
    Col("Ends", "date"), Col("On extension"), Col("Notice by", "date"),
    Col("Earliest exit", "date"), Col("Procurement windows"), Col("Source"),
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
] + [REASONS if key == "reasons" else Col(h, "text" if k == "link" else k)
      for h, key, k in INDICATORS]


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
        yield [s.authority, ctx.council_name(s.authority), s.id, s.name, s.product, s.vendor, cat_product, cat_vendor,
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
    windows = ctx.window_refs()
    for c in ctx.estate.contracts():
        vendor = ctx.catalogue.vendors.get(c.vendor_id) if c.vendor_id else None
        status = contract_status(c, ctx.as_of) if c.end else {}
        yield [c.authority, ctx.council_name(c.authority), c.id, c.supplier,
               vendor.name if vendor else None, joined(c.covers),
               c.start, c.end, c.extension_until, c.notice_months, c.annual_value,
               c.total_value, c.route, c.framework, yes_no(c.sme), c.procurement_started,
               status.get("end"), yes_no(status.get("extended")), status.get("notice_by"),
               status.get("earliest_exit"), windows.get(c.qid),
               c.src.file if c.src else None]


def _contracts_formats(ctx: Context):
    def formats(ws, col, last):
        dates_between(ws, column_range(col, "Ends", last), ctx.as_of, ctx.horizon, AMBER)
        dates_before(ws, column_range(col, "Notice by", last), ctx.as_of, RED)
    return formats


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


#: what a matrix cell without a system in service says, by the view's state and delivery
EMPTY_CELL = {"not-delivered": "(not delivered)", "no-system": "(no system in service)"}


def _matrix_cell(cell: dict) -> Optional[str]:
    labels = sorted({f"{s['name']} (bespoke)" if s["bespoke"] else s["product"]
                     for s in cell["systems"] if s["status"] in IN_SERVICE})
    planned = sorted({f"{s['product'] or s['name']} (planned)"
                      for s in cell["systems"] if s["status"] == PLANNED})
    if labels or planned:
        return "; ".join(labels + planned)
    delivery = cell.get("delivery")
    if cell["state"] == "no-system" and delivery not in (None, "in-house"):
        return f"({delivery.replace('-', ' ')})"          # outsourced, shared service...
    return EMPTY_CELL.get(cell["state"])


def _matrix(ctx: Context) -> Iterator[list]:
    """Lines of business x councils, as the shared view builds them
    (:func:`estate.render.views.landscape`): the products of the systems in service."""
    view = landscape(ctx.estate, ctx.names)
    for row in view["rows"] if view else ():
        line_id = row["id"].partition("/")[2] if row["local"] else row["id"]
        yield [row["function"], line_id, row["name"], row["councils"]] + \
            [_matrix_cell(cell) for cell in row["cells"]]


AUTHORITY_LINE_COLUMNS = [
    Col("Authority"), Col("Council"), Col("Line id"), Col("Name"), Col("Maps to"),
    Col("Statutory", choices=YES_NO), Col("Delivery", choices=DELIVERY),
]


def _authority_lines(ctx: Context) -> Iterator[list]:
    for a in ctx.estate.authorities.values():
        for line in a.lines.values():
            if line.implicit:
                continue      # not written in the inventory: a system supports it
            yield [a.id, ctx.council_name(a.id), line.id, line.name, line.maps_to, yes_no(line.statutory), line.delivery]



def record_sheets(ctx: Context) -> list:
    """The registers and the matrix, in the register's order."""
    return [
        Sheet("Authorities", AUTHORITY_COLUMNS, lambda: _authorities(ctx)),
        Sheet("Systems", SYSTEM_COLUMNS, lambda: _systems(ctx), _systems_formats(ctx)),
        Sheet("Contracts", CONTRACT_COLUMNS, lambda: _contracts(ctx), _contracts_formats(ctx)),
        Sheet("Lines of business", _matrix_columns(ctx), lambda: _matrix(ctx),
              print=Print(title_columns=3, fit_width=max(1, math.ceil(
                  len(ctx.estate.authorities) / MATRIX_COUNCILS_A_PAGE)))),
        Sheet("Authority lines", AUTHORITY_LINE_COLUMNS, lambda: _authority_lines(ctx)),
    ]
