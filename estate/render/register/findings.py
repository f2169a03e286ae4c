"""One sheet per finding list, most important first, as in ``analysis.json``.

Each sheet renders a finding list as it is (``docs/findings.md``): a finding that cites
systems or contracts links its first citation to that row, and a "Rows in ..." column
lists the rows of every one it cites.  Nothing is recomputed here.
"""

from __future__ import annotations

from typing import Iterator, Optional

from estate.render.register.roadmap import roadmap_sheet
from estate.render.register.base import (AMBER, REASONS, RED, Col, Context, Sheet, as_number,
                                         column_range, counts, dates_before, dates_between,
                                         items, joined, rag, reasons, score_scale)


DUPLICATE_COLUMNS = [
    Col("Authority"), Col("Council"), Col("Line of business"), Col("Line id"), Col("Systems"),
    Col("Rows in Systems"), Col("Products"), Col("Retiring"), Col("Planned"),
    Col("Annual cost", "money"), REASONS,
]


def _duplicates(ctx: Context) -> Iterator[list]:
    for d in items(ctx.findings, "duplicates"):
        systems, rows = ctx.cite(d.get("systems"))
        line = d.get("line_of_business")
        yield [d.get("authority"), ctx.council_name(d.get("authority")), d.get("line_name") or ctx.line_name(line), line, systems, rows,
               joined(d.get("products")), joined(d.get("retiring")), joined(d.get("planned")),
               d.get("annual_cost"), reasons(d)]


SHARED_COLUMNS = [
    Col("Product"), Col("Vendor"), Col("Councils", "int"), Col("Authorities"),
    Col("Council names"), Col("Systems"),
    Col("Rows in Systems"), Col("Spellings"), Col("Annual cost", "money"), REASONS,
]


def _shared(ctx: Context) -> Iterator[list]:
    for p in items(ctx.findings, "shared_products"):
        systems, rows = ctx.cite(p.get("systems"))
        authorities = p.get("authorities") or []
        yield [p.get("product_name") or ctx.product_name(p.get("product")),
               p.get("vendor_name") or ctx.vendor_name(p.get("vendor")), len(authorities),
               joined(authorities), ctx.council_names(authorities), systems, rows,
               joined(p.get("spellings")),
               p.get("annual_cost"), reasons(p)]


CONSOLIDATION_COLUMNS = [
    Col("Line of business"), Col("Line id"), Col("Group"), Col("Group kind"),
    Col("Councils", "int"), Col("Authorities"), Col("Council names"), Col("Systems"),
    Col("Rows in Systems"),
    Col("Products"), Col("Recommended product"), Col("Annual cost", "money"),
    Col("Estimated annual saving", "money"), Col("Saving model"), Col("Contracts"),
    Col("Earliest exit", "date"), Col("Blast radius"), REASONS,
]


def _product_summary(products) -> Optional[str]:
    parts = []
    for p in products or ():
        if isinstance(p, dict):
            name = p.get("name") or p.get("product")
            who = joined(p.get("authorities"))
            parts.append(f"{name} ({who})" if who else str(name))
        else:
            parts.append(str(p))
    return "; ".join(parts) or None


def _consolidation(ctx: Context) -> Iterator[list]:
    for c in items(ctx.findings, "consolidation_candidates"):
        group = c.get("group") if isinstance(c.get("group"), dict) else {}
        systems, rows = ctx.cite(c.get("systems"))
        contracts, _ = ctx.cite(c.get("contracts"), "contract")
        authorities = c.get("authorities") or []
        line = c.get("line_of_business")
        yield [c.get("line_name") or ctx.line_name(line), line,
               group.get("name") or group.get("id"), group.get("kind"), len(authorities),
               joined(authorities), ctx.council_names(authorities), systems, rows,
               _product_summary(c.get("products")),
               c.get("recommended_product_name") or ctx.product_name(c.get("recommended_product")),
               c.get("annual_cost"), c.get("estimated_annual_saving"), c.get("saving_model"),
               contracts, c.get("earliest_exit"), joined(c.get("blast_radius")), reasons(c)]


WINDOW_COLUMNS = [
    Col("Window"), Col("Start", "date"), Col("End", "date"), Col("Must start by", "date"),
    Col("Line of business"), Col("Line id"), Col("Product"), Col("Contracts"),
    Col("Rows in Contracts"), Col("Authorities"), Col("Council names"), Col("Suppliers"),
    Col("Combined annual value", "money"), REASONS,
]


def _windows(ctx: Context) -> Iterator[list]:
    for w in items(ctx.findings, "procurement_windows"):
        contracts, rows = ctx.cite(w.get("contracts"), "contract")
        line = w.get("line_of_business")
        yield [w.get("ref"), w.get("start"), w.get("end"), w.get("must_start_by"),
               w.get("line_name") or ctx.line_name(line), line,
               w.get("product_name") or ctx.product_name(w.get("product")),
               contracts, rows, joined(w.get("authorities")),
               ctx.council_names(w.get("authorities")),
               joined(ctx.vendor_name(v) for v in w.get("suppliers") or ()),
               w.get("combined_annual_value"), reasons(w)]


CONCENTRATION_COLUMNS = [
    Col("Line of business"), Col("Line id"), Col("Basis"), Col("HHI", "int"),
    Col("Leading vendor"), Col("Leading share", "share"), Col("Vendors"), Col("Councils", "int"),
    REASONS,
]


def _concentration(ctx: Context) -> Iterator[list]:
    for c in items(ctx.findings, "supplier_concentration"):
        vendors = []
        for v in c.get("vendors") or ():
            if isinstance(v, dict):
                name = v.get("name") or ctx.vendor_name(v.get("vendor"))
                share = as_number(v.get("share"))
                vendors.append(f"{name} {share:.0%}" if share is not None else str(name))
        line = c.get("line_of_business")
        councils = c.get("authorities")
        yield [c.get("line_name") or ctx.line_name(line), line, c.get("basis"), c.get("hhi"),
               c.get("leading_vendor_name") or ctx.vendor_name(c.get("leading_vendor")),
               c.get("leading_share"), ", ".join(vendors) or None,
               len(councils) if isinstance(councils, list) else councils, reasons(c)]


def _windows_formats(ctx: Context):
    def formats(ws, col, last):
        dates_before(ws, column_range(col, "Must start by", last), ctx.as_of, RED)
        dates_between(ws, column_range(col, "Start", last), ctx.as_of, ctx.horizon, AMBER)
    return formats


def _concentration_formats(ws, col, last):
    score_scale(ws, column_range(col, "HHI", last), high=10000)


RISK_COLUMNS = [
    Col("System"), Col("Name"), Col("Authority"), Col("Council"), Col("Product"), Col("Score", "int"),
    Col("Rating"), Col("Disposition"), Col("Likelihood", "decimal"), Col("Impact", "decimal"),
    Col("Business value", "decimal"), Col("Technical health", "decimal"), Col("Not judged"),
    REASONS,
]


def _risks(ctx: Context) -> Iterator[list]:
    for r in items(ctx.findings, "legacy_risks"):
        system, _ = ctx.cite(r.get("system"))
        yield [system, r.get("name") or ctx.system_name(r.get("system")), r.get("authority"),
               ctx.council_name(r.get("authority")),
               ctx.product_name(r.get("product")), r.get("score"), r.get("rating"),
               r.get("disposition"), r.get("likelihood"), r.get("impact"),
               r.get("business_value"), r.get("technical_health"),
               counts(r.get("not_judged")), reasons(r)]


def _risk_formats(ws, col, last):
    rag(ws, column_range(col, "Rating", last), "red", "amber", "green")
    score_scale(ws, column_range(col, "Score", last))


DEPENDENCY_COLUMNS = [
    Col("Kind"), Col("System"), Col("Name"), Col("Related systems"), Col("Dependents", "int"),
    Col("Direct dependents", "int"), Col("Via"), Col("File"), Col("Line", "int"), REASONS,
]


def _dependencies(ctx: Context) -> Iterator[list]:
    deps = ctx.findings.get("dependencies")
    deps = deps if isinstance(deps, dict) else {}

    def entries(key):
        return [v for v in deps.get(key) or () if isinstance(v, dict)]

    for h in entries("hubs"):
        yield ["hub", ctx.cite(h.get("system"))[0],
               h.get("name") or ctx.system_name(h.get("system")),
               joined(h.get("dependent_systems")), h.get("dependents"), h.get("direct_dependents"),
               None, None, None, reasons(h)]
    for c in entries("cycles"):
        systems = c.get("systems") or []
        first = systems[0] if systems else None
        yield ["cycle", ctx.cite(first)[0], ctx.system_name(first), joined(systems),
               None, None, None, None, None, reasons(c)]
    for x in entries("cross_council"):
        yield ["cross-council", ctx.cite(x.get("from"))[0], ctx.system_name(x.get("from")),
               x.get("to"), None, None, joined(x.get("via")), None, None, reasons(x)]
    for s in entries("single_points_of_failure"):
        yield ["single point of failure", ctx.cite(s.get("system"))[0],
               s.get("name") or ctx.system_name(s.get("system")),
               joined(s.get("dependent_systems")), s.get("dependents"),
               s.get("direct_dependents"), None, None, None, reasons(s)]
    for u in entries("unresolved"):
        yield ["unresolved", ctx.cite(u.get("system"))[0], ctx.system_name(u.get("system")),
               u.get("target"), None, None, None, u.get("file"), u.get("line"), reasons(u)]


QUALITY_COLUMNS = [
    Col("Severity"), Col("Code"), Col("Problem"), Col("File"), Col("Line", "int"),
    Col("Column", "int"), Col("Message"), Col("Hint"),
]


def _quality(ctx: Context) -> Iterator[list]:
    for q in items(ctx.findings, "data_quality"):
        yield [q.get("severity"), q.get("code"), q.get("name"), q.get("file"),
               q.get("line") or None, q.get("column") or None, q.get("message"), q.get("hint")]


def _quality_formats(ws, col, last):
    rag(ws, column_range(col, "Severity", last), "error", "warning", "info")


def finding_sheets(ctx: Context) -> list:
    """The finding sheets, in the register's order."""
    return [
        Sheet("Duplicates", DUPLICATE_COLUMNS, lambda: _duplicates(ctx)),
        Sheet("Shared products", SHARED_COLUMNS, lambda: _shared(ctx)),
        Sheet("Consolidation candidates", CONSOLIDATION_COLUMNS, lambda: _consolidation(ctx)),
        Sheet("Procurement windows", WINDOW_COLUMNS, lambda: _windows(ctx),
              _windows_formats(ctx)),
        roadmap_sheet(ctx.findings),
        Sheet("Supplier concentration", CONCENTRATION_COLUMNS, lambda: _concentration(ctx),
              _concentration_formats),
        Sheet("Legacy risk", RISK_COLUMNS, lambda: _risks(ctx), _risk_formats),
        Sheet("Dependencies", DEPENDENCY_COLUMNS, lambda: _dependencies(ctx)),
        Sheet("Data quality", QUALITY_COLUMNS, lambda: _quality(ctx), _quality_formats),
    ]
