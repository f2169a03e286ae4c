"""The Summary sheet: the headline numbers of the run, each finding sheet's count (linked
to it), and how to read the register."""

from __future__ import annotations

import textwrap
from typing import Iterator, Optional

from estate import __version__
from estate.analyses.summary import finding_counts as analysis_counts
from estate.render.register.base import Col, Context, Link, Sheet, Typed, items
from estate.render.roadmap import roadmap_view
from estate.render.xlsx import Cell, Print, Style

BOLD = Style(bold=True)

SUMMARY_COLUMNS = [Col("Measure", wrap=0), Col("Value", "int"), Col("Note", wrap=60)]

#: (sheet title, findings key, what one row is) for the Summary's list of findings
FINDING_SHEETS = [
    ("Duplicates", "duplicates",
     "each row: a council running two or more live systems for one line of business"),
    ("Shared products", "shared_products", "each row: a product in use at two or more councils"),
    ("Consolidation candidates", "consolidation_candidates",
     "each row: a group of councils that could converge one line of business"),
    ("Procurement windows", "procurement_windows",
     "each row: contracts that end close enough together to be bought jointly"),
    ("Roadmap", "roadmap", "each row: an item of a council's or partnership's timeline, in "
     "date order: contract exits, end of support, go-lives, retirements, procurement windows"),
    ("Supplier concentration", "supplier_concentration",
     "each row: how concentrated the suppliers of one line of business are"),
    ("Legacy risk", "legacy_risks", "each row: a system, scored 0-100"),
    ("Dependencies", "dependencies", "each row: a hub, cycle, cross-council link, single point "
     "of failure or unresolved reference"),
    ("Data quality", "data_quality",
     "each row: a problem in the inventories that did not stop the run"),
]

HOW_TO_READ = [
    "How to read this register",
    "Each sheet is an Excel table: use the filter buttons in its header row to filter and sort.",
    "Authorities, Systems, Contracts and Authority lines are the registers: what each council "
    "wrote in its inventory. Systems, Contracts and Authority lines can be edited and read back "
    "by estate; keep their column headers as they are. Drop-down lists and checks guard the "
    "columns that take a fixed set of values, dates, years and amounts.",
    "The other sheets are findings, most important first. Every finding says why in its Reasons "
    "column. A blue, underlined cell links to the first system or contract it cites; the "
    "'Rows in ...' column lists the rows of every one it cites.",
    "Lines of business shows, for each line of business (grouped by function) and each council, "
    "the products of its live systems; an entry in brackets means the council lists the line "
    "but runs no live system for it.",
    "Red, amber and green mark legacy risk ratings and scores, systems past their end of "
    "support, and the severity of data-quality problems.",
    "Money is in pounds; costs and values are a year unless the column says total. Shares are "
    "percentages of the records that could be judged. A blank cell means not known.",
    "Everything is as of the date above: run estate again with a later --as-of to move it.",
]


def _dependency_count(findings: dict) -> Optional[int]:
    deps = findings.get("dependencies")
    if not isinstance(deps, dict):
        return None
    return sum(len(v) for v in deps.values() if isinstance(v, list))


def finding_counts(findings: dict) -> dict:
    """{"findings", "warnings", "notes"}: the run's counts as its summary gives them (the
    command line prints the same), else counted by the one definition
    (:func:`estate.analyses.summary.finding_counts`)."""
    given = findings.get("summary")
    given = given if isinstance(given, dict) else {}
    counted = analysis_counts(findings)
    return {k: given[k] if isinstance(given.get(k), int) else v for k, v in counted.items()}


def _summary(ctx: Context) -> Iterator[list]:
    s = ctx.findings.get("summary")
    s = s if isinstance(s, dict) else {}
    yield ["As of", Typed(ctx.as_of, "date"), "the date the analysis treats as today"]
    yield ["Councils", s.get("authorities", len(ctx.estate.authorities)), None]
    yield ["Systems", s.get("systems"),
           f"{s['live_systems']} of them live" if "live_systems" in s else None]
    yield ["Contracts", s.get("contracts"), None]
    yield ["Lines of business", s.get("lines_of_business"),
           "taxonomy lines once, local lines once per council"]
    note = None
    if "costed_systems" in s:
        note = (f"systems in service (live or retiring): {s['costed_systems']} give a cost, "
                f"{s.get('uncosted_systems', 0)} do not")
    yield ["Annual cost of systems", Typed(s.get("annual_cost"), "money"), note]
    yield ["Annual value of contracts", Typed(s.get("annual_contract_value"), "money"), None]
    yield ["Vendors", s.get("vendors"), "resolved to the catalogue"]
    yield ["Products", s.get("products"), "resolved to the catalogue"]
    yield ["Inventory files", s.get("files"), None]
    for title, key, what in FINDING_SHEETS:
        if key == "dependencies":
            count = _dependency_count(ctx.findings)
        elif key == "roadmap":
            count = len(roadmap_view(ctx.findings)) if key in ctx.findings else None
        else:
            count = len(items(ctx.findings, key)) if key in ctx.findings else None
        note = what
        if key not in ctx.findings:
            note += " (not analysed in this run)"
        yield [Link(title, f"'{title}'!A1", f"Go to {title}"), count, note]
    counts = finding_counts(ctx.findings)
    yield ["Findings", counts["findings"],
           "rows of the finding sheets above, roadmap and data quality apart"]
    yield ["Data-quality warnings", counts["warnings"],
           "problems in the inventories worth fixing (Data quality, severity warning)"]
    yield ["Data-quality notes", counts["notes"],
           "things to know about the inventories (Data quality, severity info)"]
    risks = items(ctx.findings, "legacy_risks")
    if risks:
        yield ["Systems rated red for legacy risk",
               sum(1 for r in risks if r.get("rating") == "red"), None]
    yield ["Written by", f"estate {__version__}", None]


#: the notes below the table are cut into lines this long, to print within the table's width
NOTE_LINE = 100


def _how_to_read() -> Iterator[list]:
    yield [Cell(HOW_TO_READ[0], BOLD)]
    for paragraph in HOW_TO_READ[1:]:
        for line in textwrap.wrap(paragraph, NOTE_LINE):
            yield [line]


def summary_sheet(ctx: Context) -> Sheet:
    return Sheet("Summary", SUMMARY_COLUMNS, lambda: _summary(ctx), after=_how_to_read,
                 print=Print(fit_height=1))        # the headline numbers on one page
