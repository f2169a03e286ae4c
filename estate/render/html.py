"""The HTML report: one self-contained page for shared-service boards.

:func:`write_report` renders ``report.html`` from ONE context object, built by
:func:`report_context` from the findings (``analysis.json``), the estate records (for
names, the lines x councils matrix and the contract dates of the timeline) and the
maps drawn by ``estate.render.maps``.  The report never recomputes an analysis: a
findings key that is missing (an analysis that did not run) becomes a section that
says "no findings", and an item missing an optional key shows "not known".

The page is self-contained: CSS and script are inlined, maps are inlined as SVG after
:func:`sanitise_svg` has removed anything that could run (scripts, event handlers,
``javascript:`` links, foreign objects), and nothing is fetched from the network, so it
works offline and from a ``file://`` URL.

Templates load from ``settings.templates`` (a folder of the user's, to brand the
report: a file there overrides the packaged file of the same name, the rest fall
back), then from the packaged ``estate.templates``, then from the repository's
``templates/`` folder.  Jinja runs with ``autoescape=True`` and ``StrictUndefined``:
every string from an inventory is escaped, and a typo in a template is an error that
names the template and line, never a silently empty cell.  The only markup that is not
escaped is the sanitised SVG, passed as :class:`markupsafe.Markup` (no ``|safe`` in
the templates).

The context (every key; ``docs/report.md`` documents each in full):

``title``, ``subtitle``
    the page title and a line naming the councils.
``as_of``, ``as_of_text``
    the analysis date as ISO and as "21 November 2026".
``estate_version``
    the toolkit version.
``sections``
    ``[{id, title}]`` in page order, for the contents list.
``summary``
    the headline counts of ``findings["summary"]`` (every key of docs/findings.md,
    ``None`` when absent) plus ``available``.
``top``
    the executive summary's top findings: ``savings``, ``windows``, ``red_risks``,
    ``duplicates`` (each a section, below, cut to the first few) and ``counts``.
``councils``
    section of per-council indicators (``findings["authorities"]``).
``matrix``
    the lines of business x councils matrix of products, from the estate records.
``supplier_concentration``, ``vendor_concentration``
    sections of buying indicators.
``consolidation``, ``duplicates``, ``shared_products``, ``windows``
    sections of the convergence findings (``consolidation`` also has ``featured``,
    its first rows written out in full).
``timeline``
    the procurement timeline's layout (quarters, council rows, windows, ``as_of``).
``contracts``
    section of contracts that end within the timeline, soonest first.
``risks``, ``dependencies``
    sections of legacy risk and the dependency findings.
``maps``
    ``[{id, kind, title, description, svg, files, note}]``; ``svg`` is sanitised Markup
    or ``None`` (then ``note`` says why).
``data_quality``
    section of the problems that did not stop the run, with counts.
``settings``
    ``[{name, value}]``: every setting the analysis used.
``print_rows``
    on paper a long table prints only this many (the most important) rows.
``screen_rows``
    on screen a long table shows only this many rows; each capped list ``x`` of a
    section comes with ``x_total``, the number before the cut.

A *section* is a dict ``{"available": bool, "rows": [...]}`` (plus extra keys named in
docs/report.md): ``available`` is false when the findings key is missing, and a
template says "no findings" rather than "none found".

Filters the templates can use: ``money`` (``£1,234``), ``money_short`` (``£4.2m``),
``pct`` (``0.904`` -> ``90%``), ``num`` (``12,345``), ``date`` (``31 Mar 2027``),
``contract_ends`` (``; C-1 Civica ends 31 Mar 2027 (W1)`` for each of a list of contracts).
"""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import os
import re
from dataclasses import asdict, is_dataclass
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Iterator, Optional
from xml.parsers import expat

import jinja2
from markupsafe import Markup, escape

from estate import __version__
from estate.collector import collector_off
from estate.errors import OutputError, UsageError
from estate.output import atomic_path, safe_name
from estate.render import views
from estate.render.views import Names

log = logging.getLogger(__name__)

#: the repository's templates/ folder: the last fallback, for a checkout not installed
REPO_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
TEMPLATE = "report.html"
#: an SVG map larger than this is linked, not inlined (a browser struggles past it)
MAX_INLINE_SVG = 8 * 1024 * 1024
#: the lines x councils matrix shows at most this many councils (the register has all)
MATRIX_MAX_COUNCILS = 24
#: the procurement timeline runs from 1 January of the as-of year for this many years
TIMELINE_YEARS = 6
#: how many items of each kind the executive summary shows
TOP = 3
TOP_RISKS = 5
#: how many consolidation candidates get a full write-up above the table
FEATURED = 5
#: the timeline draws this many procurement windows (the largest); the table has all
TIMELINE_WINDOWS = 12
#: on paper a long table prints its first (most important) rows only
PRINT_ROWS = 25
#: on screen a long table shows its first (most important) rows only, so that a
#: national estate still gives a report a browser opens; register.xlsx and
#: analysis.json have every row, and the caption says how many are shown
SCREEN_ROWS = 500
#: maps embedded inline at most, by count and by total size of their SVG; the rest are
#: linked as files beside the report (in maps/), and each says why it is not embedded
MAX_EMBEDDED_MAPS = 60
MAX_EMBEDDED_BYTES = 24 * 1024 * 1024
#: maps embedded first: the overview maps before the many council maps
MAP_PRIORITY = {"landscape": 0, "partnership": 1, "region": 2, "blast-radius": 3, "council": 4}
#: tables of the context capped at SCREEN_ROWS (key -> list inside it)
CAPPED = (("consolidation", "rows"), ("duplicates", "rows"), ("shared_products", "rows"),
          ("windows", "rows"), ("risks", "shown"), ("data_quality", "rows"),
          ("supplier_concentration", "rows"), ("contracts", "rows"),
          ("dependencies", "cycles"), ("dependencies", "cross_council"),
          ("dependencies", "single_points_of_failure"), ("dependencies", "unresolved"))

SECTIONS = (
    ("summary", "Executive summary"),
    ("lines", "1. Lines of business and the IT that supports them"),
    ("data", "2. How we hold data"),
    ("buying", "3. How we buy technology"),
    ("consolidation", "Consolidation candidates"),
    ("timeline", "Procurement timeline"),
    ("risks", "Legacy risk and dependencies"),
    ("maps", "System maps"),
    ("quality", "Data quality"),
    ("about", "About this report"),
)


# --------------------------------------------------------------------------- entry points

def write_report(estate, findings: dict, maps: list, path: Path, settings) -> Path:
    """Render the report and write it atomically to ``path``; maps are read from beside it."""
    path = Path(path)
    with collector_off():
        context = report_context(estate, findings, maps, settings, base=path.parent)
        # streamed to the file as rendered: the page of a national estate with its maps
        # (tens of MB) is never held whole, nor encoded whole (about 0.2 GB less at 100
        # councils); a template error leaves no file, as every output
        with atomic_path(path) as tmp:
            with open(tmp, "w", encoding="utf-8") as out:
                out.writelines(report_chunks(context, settings))
    return path


def render_report(context: dict, settings) -> str:
    """The report's HTML for a context made by :func:`report_context`."""
    return "".join(report_chunks(context, settings))


def report_chunks(context: dict, settings) -> Iterator[str]:
    """The report's HTML in pieces, as Jinja renders them; template errors as
    :class:`~estate.errors.OutputError` naming the template's file and line."""
    env = environment(settings)
    try:
        yield from env.get_template(TEMPLATE).generate(context)
    except jinja2.TemplateSyntaxError as exc:
        raise OutputError(f"{exc.filename or exc.name}:{exc.lineno}: template syntax error: "
                          f"{exc.message}", hint=_TEMPLATE_HINT) from exc
    except jinja2.TemplateError as exc:
        raise OutputError(f"{_template_place(exc.__traceback__)}: {exc.message or exc}",
                          hint=_TEMPLATE_HINT) from exc


_TEMPLATE_HINT = "check the template; docs/report.md lists every variable the report's templates can use"


def environment(settings) -> jinja2.Environment:
    """The Jinja environment: autoescape, StrictUndefined, the report's filters."""
    env = jinja2.Environment(loader=template_loader(getattr(settings, "templates", None)),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(money=money, money_short=money_short, pct=pct, num=num, date=date_text,
                       contract_ends=contract_ends)
    return env


def template_loader(user_folder: Optional[str]) -> jinja2.BaseLoader:
    """The user's folder (if any) first, then the packaged templates, then the repository's."""
    loaders: list = []
    if user_folder:
        folder = Path(user_folder).expanduser()
        if not folder.is_dir():
            raise UsageError(f"templates folder not found: {folder}",
                             hint="--templates names a folder holding report.html and/or partials "
                                  "to override, e.g. a copy of the repository's templates/")
        loaders.append(jinja2.FileSystemLoader(str(folder)))
    loaders.append(jinja2.FunctionLoader(_packaged_source))
    loaders.append(jinja2.FileSystemLoader(str(REPO_TEMPLATES)))
    return jinja2.ChoiceLoader(loaders)


def _packaged_source(name: str):
    """A template from the installed ``estate.templates`` package (None: not installed)."""
    try:
        item = resources.files("estate.templates").joinpath(name)
        if not item.is_file():
            return None
        return item.read_text(encoding="utf-8"), f"estate.templates/{name}", lambda: True
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError, TypeError):
        return None


def _template_place(tb: Optional[TracebackType]) -> str:
    """``file:line`` of the innermost template frame of a rendering error's traceback."""
    place = TEMPLATE
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not filename.endswith(".py") and not filename.startswith("<"):
            place = f"{filename}:{tb.tb_lineno}"
        tb = tb.tb_next
    return place


# --------------------------------------------------------------------------- filters

def _number(value) -> Optional[float]:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def money(value) -> str:
    """``£1,234`` (whole pounds); "not known" for a missing value."""
    n = _number(value)
    return "not known" if n is None else f"£{n:,.0f}"


def money_short(value) -> str:
    """``£4.2m`` for a million or more, else as :func:`money`."""
    n = _number(value)
    if n is None:
        return "not known"
    if abs(n) >= 1_000_000:
        return f"£{n / 1_000_000:,.1f}m"
    return f"£{n:,.0f}"


def pct(value) -> str:
    """A 0-1 share as a whole percentage; "not judged" when it could not be judged."""
    n = _number(value)
    return "not judged" if n is None else f"{n * 100:.0f}%"


def num(value) -> str:
    """A count with thousands separators; "not known" for a missing value."""
    n = _number(value)
    if n is None:
        return "not known"
    return f"{n:,.0f}" if float(n).is_integer() else f"{n:,.1f}"


#: "Jan"... ("" first): ``calendar.month_abbr`` asks strftime every time it is read
_MONTH_ABBR = tuple(calendar.month_abbr)


def date_text(value) -> str:
    """``31 Mar 2027`` from an ISO date or a date; "not known" when missing."""
    if value in (None, ""):
        return "not known"
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.date):
        return f"{value.day} {_MONTH_ABBR[value.month]} {value.year}"
    return str(value)


def contract_ends(contracts) -> Markup:
    """``; C-1 Civica ends 31 Mar 2027 (W1, W2)`` for each contract (rows of ``contracts``):
    the timeline's tooltips list thousands, too many for a loop in the template."""
    return escape("".join(
        f"; {c['contract']} {c['supplier']} ends {date_text(c['end'])}"
        + (f" ({', '.join(map(str, c['windows']))})" if c["windows"] else "") for c in contracts))


# --------------------------------------------------------------------------- the context

def report_context(estate, findings: dict, maps: list, settings, *,
                   base: Optional[Path] = None) -> dict:
    """The one object the report renders from (documented in the module docstring).

    ``base`` is the output folder: map files are relative to it (default: the current
    folder).  ``estate`` may be ``None`` (rendering a saved ``analysis.json``): the
    matrix and the timeline's contract dates then say they are not available.
    """
    findings = findings or {}
    names = Names(estate)
    as_of = _as_of(findings, settings)
    summary = _summary(findings)
    windows = _windows(findings, names)
    consolidation = _consolidation(findings, names)
    consolidation["featured"] = consolidation["rows"][:FEATURED]
    duplicates = _duplicates(findings, names)
    risks = _risks(findings, names)
    councils = _councils(findings, names)
    if not councils["rows"] and estate is not None:
        councils["names"] = [a.name for a in estate.authorities.values()]
    council_names = [c["name"] for c in councils["rows"]] or councils.get("names") or []
    contracts = _contracts(estate, windows, as_of, names)
    context = {
        "title": "IT estate report",
        "subtitle": _subtitle(council_names, summary),
        "as_of": as_of.isoformat(),
        "as_of_text": f"{as_of.day} {calendar.month_name[as_of.month]} {as_of.year}",
        "estate_version": str(findings.get("estate_version") or __version__),
        "sections": [{"id": i, "title": t} for i, t in SECTIONS],
        "summary": summary,
        "top": {
            "savings": _head(consolidation, TOP),
            "windows": _head(windows, TOP),
            "red_risks": _head({**risks, "rows": [r for r in risks["rows"] if r["rating"] == "red"]},
                               TOP_RISKS),
            "duplicates": _head(duplicates, TOP),
            "counts": {
                "consolidation": _total(consolidation),
                "windows": len(windows["rows"]),
                "red_risks": risks["counts"]["red"],
                "duplicates": _total(duplicates),
            },
        },
        "councils": councils,
        "matrix": _matrix(estate, names),
        "supplier_concentration": _supplier_concentration(findings, names),
        "vendor_concentration": _vendor_concentration(findings, names),
        "consolidation": consolidation,
        "duplicates": duplicates,
        "shared_products": _shared_products(findings, names),
        "windows": windows,
        "timeline": _timeline(estate, windows, contracts, as_of, names),
        "contracts": contracts,
        "risks": risks,
        "dependencies": _dependencies(findings, names),
        "maps": _maps(maps or [], Path(base) if base is not None else Path.cwd()),
        "data_quality": _data_quality(findings),
        "settings": _settings(findings, settings),
        "print_rows": PRINT_ROWS,
        "screen_rows": SCREEN_ROWS,
    }
    return _capped(context)


def _capped(context: dict) -> dict:
    """Cut each long table to its first :data:`SCREEN_ROWS` rows, keeping ``<list>_total``.

    A section built from its first rows only (:func:`_screen`) already holds its total.
    """
    for key, part in CAPPED:
        section = context[key]
        rows = section.get(part) or []
        section[f"{part}_total"] = section.pop(f"{part}_total", len(rows))
        section[part] = rows[:SCREEN_ROWS]
    return context


def _screen(items: Optional[list]) -> tuple:
    """``(the items a capped table shows, how many there are)``: rows past
    :data:`SCREEN_ROWS` are never shown, so they are not built either."""
    return (None, 0) if items is None else (items[:SCREEN_ROWS], len(items))


def _total(section: dict) -> int:
    """How many rows a section has, shown or not."""
    return section.get("rows_total", len(section["rows"]))


def _maps(maps: list, base: Path) -> list:
    """Each map for the report, the overview maps embedded first, within the size budget."""
    order = sorted(range(len(maps)), key=lambda i: (MAP_PRIORITY.get(str(maps[i].get("kind")), 9), i))
    out: dict = {}
    embedded = used = 0
    for i in order:
        m = maps[i]
        size = _svg_size(m, base)
        if embedded >= MAX_EMBEDDED_MAPS or used + size > MAX_EMBEDDED_BYTES:
            out[i] = _map(m, base, embed=False)
            continue
        out[i] = _map(m, base)
        if out[i]["svg"] is not None:
            embedded += 1
            used += size
    return [out[i] for i in sorted(out, key=lambda i: (MAP_PRIORITY.get(str(maps[i].get("kind")), 9), i))]


def _svg_size(m: dict, base: Path) -> int:
    files = m.get("files") if isinstance(m.get("files"), dict) else {}
    try:
        return (base / str(files.get("svg"))).stat().st_size if files.get("svg") else 0
    except OSError:
        return 0


def _as_of(findings, settings) -> dt.date:
    value = getattr(settings, "as_of", None)
    if isinstance(value, dt.date):
        return value
    raw = (findings.get("summary") or {}).get("as_of") if isinstance(findings.get("summary"), dict) else None
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        return dt.date.today()


def _list(findings, key) -> Optional[list]:
    """``findings[key]`` when it is a list; ``None`` when missing or of the wrong shape."""
    value = findings.get(key)
    if value is None:
        return None
    if not isinstance(value, list):
        log.warning("findings[%r] is a %s, not a list: shown as no findings", key, type(value).__name__)
        return None
    return [item for item in value if isinstance(item, dict)]


def _section(items: Optional[list], **extra) -> dict:
    return {"available": items is not None, "rows": items or [], **extra}


def _head(section: dict, n: int) -> dict:
    head = {k: v for k, v in section.items() if k != "rows_total"}
    head.update(rows=section["rows"][:n], more=max(0, _total(section) - n))
    return head


def _strs(value) -> list:
    if value is None:
        return []
    if isinstance(value, (str, int, float)):
        return [str(value)]
    return list(map(str, value))


def _subtitle(council_names: list, summary: dict) -> str:
    if not council_names:
        return "No councils analysed"
    if len(council_names) <= 4:
        listed = ", ".join(council_names[:-1]) + (" and " if len(council_names) > 1 else "") + council_names[-1]
        return f"{len(council_names)} council{'s' if len(council_names) > 1 else ''}: {listed}"
    return f"{len(council_names)} councils"


SUMMARY_KEYS = ("as_of", "authorities", "systems", "live_systems", "contracts", "lines_of_business",
                "annual_cost", "costed_systems", "uncosted_systems", "annual_contract_value",
                "vendors", "products", "files")


def _summary(findings) -> dict:
    raw = findings.get("summary")
    available = isinstance(raw, dict)
    raw = raw if available else {}
    return {"available": available, **{k: raw.get(k) for k in SUMMARY_KEYS}}


def _councils(findings, names) -> dict:
    items = _list(findings, "authorities")
    out = []
    for a in items or []:
        g = a.get
        routes = g("routes") if isinstance(g("routes"), dict) else {}
        not_judged = g("not_judged") if isinstance(g("not_judged"), dict) else {}
        out.append({
            "id": str(g("id") or ""),
            "name": str(g("name") or names.authority(g("id"))),
            "type": str(g("type") or ""),
            "region": str(g("region") or ""),
            "partnerships": [names.partnership(p) for p in _strs(g("partnerships"))],
            "systems": g("systems"), "live_systems": g("live_systems"),
            "annual_cost": g("annual_cost"),
            "lines_of_business": g("lines_of_business"), "lines_supported": g("lines_supported"),
            "line_support_share": g("line_support_share"),
            "lines_unsupported": [{"id": i, "name": names.line(i)} for i in _strs(g("lines_unsupported"))],
            "past_support_systems": [names.system(q) for q in _strs(g("past_support_systems"))],
            "past_support_count": g("past_support_count"),
            "saas_cloud_share": g("saas_cloud_share"), "api_share": g("api_share"),
            "open_standards_share": g("open_standards_share"),
            "personal_data_systems": g("personal_data_systems"),
            "contract_spend": g("contract_spend"), "sme_spend_share": g("sme_spend_share"),
            "routes": [{"route": str(r), "count": c}
                       for r, c in sorted(routes.items(), key=lambda rc: (-(_number(rc[1]) or 0), str(rc[0])))],
            "median_sales_cycle_days": g("median_sales_cycle_days"),
            "sales_cycles_measured": g("sales_cycles_measured"),
            "not_judged": [{"field": str(f), "count": c} for f, c in sorted(not_judged.items())],
            "reasons": _strs(g("reasons")),
        })
    return _section(None if items is None else out)


def _duplicates(findings, names) -> dict:
    items, total = _screen(_list(findings, "duplicates"))
    out = [{
        "authority": str(d.get("authority") or ""),
        "authority_name": names.authority(d.get("authority")),
        "line_of_business": str(d.get("line_of_business") or ""),
        "line_name": names.line(d.get("line_of_business"), d.get("line_name")),
        "systems": [names.system(q) for q in _strs(d.get("systems"))],
        "retiring": [names.system(q) for q in _strs(d.get("retiring"))],
        "products": _strs(d.get("products")),
        "annual_cost": d.get("annual_cost"),
        "reasons": _strs(d.get("reasons")),
    } for d in items or []]
    return _section(None if items is None else out, rows_total=total)


def _shared_products(findings, names) -> dict:
    items, total = _screen(_list(findings, "shared_products"))
    out = [{
        "product": str(p.get("product") or ""),
        "product_name": names.product(p.get("product"), p.get("product_name")),
        "vendor_name": names.vendor(p.get("vendor"), p.get("vendor_name")),
        "authorities": [names.authority(a) for a in _strs(p.get("authorities"))],
        "systems": [names.system(q) for q in _strs(p.get("systems"))],
        "spellings": _strs(p.get("spellings")),
        "annual_cost": p.get("annual_cost"),
        "reasons": _strs(p.get("reasons")),
    } for p in items or []]
    return _section(None if items is None else out, rows_total=total)


def _consolidation(findings, names) -> dict:
    items, total = _screen(_list(findings, "consolidation_candidates"))
    out = []
    for c in items or []:
        group = c.get("group") if isinstance(c.get("group"), dict) else {}
        products = []
        for p in c.get("products") or []:
            if isinstance(p, dict):
                products.append({"name": names.product(p.get("product"), p.get("name")),
                                 "authorities": [names.authority(a) for a in _strs(p.get("authorities"))],
                                 "systems": len(_strs(p.get("systems"))), "annual_cost": p.get("annual_cost")})
            else:
                products.append({"name": names.product(p), "authorities": [], "systems": None,
                                 "annual_cost": None})
        out.append({
            "line_of_business": str(c.get("line_of_business") or ""),
            "line_name": names.line(c.get("line_of_business"), c.get("line_name")),
            "group_kind": str(group.get("kind") or ""),
            "group_name": str(group.get("name") or group.get("id") or "a group of councils"),
            "authorities": [names.authority(a) for a in _strs(c.get("authorities"))],
            "systems": [names.system(q) for q in _strs(c.get("systems"))],
            "products": products,
            "recommended_product_name": names.product(c.get("recommended_product"),
                                                      c.get("recommended_product_name")) or None,
            "annual_cost": c.get("annual_cost"),
            "estimated_annual_saving": c.get("estimated_annual_saving"),
            "saving_model": str(c.get("saving_model") or ""),
            "contracts": _strs(c.get("contracts")),
            "earliest_exit": _date_str(c.get("earliest_exit")),
            "blast_radius": [names.system(q) for q in _strs(c.get("blast_radius"))],
            "reasons": _strs(c.get("reasons")),
        })
    return _section(None if items is None else out, rows_total=total)


def _date_str(value) -> Optional[str]:
    """A findings date as an ISO string (templates compare them with ``as_of``)."""
    if value is None or value == "":
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _windows(findings, names) -> dict:
    items = _list(findings, "procurement_windows")
    out = []
    for n, w in enumerate(items or [], 1):
        out.append({
            "number": n, "label": f"W{n}",
            "start": _date_str(w.get("start")), "end": _date_str(w.get("end")),
            "must_start_by": _date_str(w.get("must_start_by")),
            "line_of_business": str(w.get("line_of_business") or ""),
            "line_name": names.line(w.get("line_of_business"), w.get("line_name"))
            if w.get("line_of_business") or w.get("line_name") else "",
            "product_name": names.product(w.get("product"), w.get("product_name"))
            if w.get("product") or w.get("product_name") else "",
            "contracts": _strs(w.get("contracts")),
            "authorities": [names.authority(a) for a in _strs(w.get("authorities"))],
            "suppliers": [names.vendor(s) for s in _strs(w.get("suppliers"))],
            "combined_annual_value": w.get("combined_annual_value"),
            "reasons": _strs(w.get("reasons")),
        })
    return _section(None if items is None else out)


def _supplier_concentration(findings, names) -> dict:
    items = _list(findings, "supplier_concentration")
    out = []
    for s in items or []:
        vendors = [{"name": names.vendor(v.get("vendor"), v.get("name")), "share": v.get("share"),
                    "annual_cost": v.get("annual_cost"), "authorities": len(_strs(v.get("authorities")))}
                   for v in s.get("vendors") or [] if isinstance(v, dict)]
        hhi = _number(s.get("hhi"))
        out.append({
            "line_of_business": str(s.get("line_of_business") or ""),
            "line_name": names.line(s.get("line_of_business"), s.get("line_name")),
            "basis": str(s.get("basis") or ""),
            "hhi": s.get("hhi"),
            "hhi_width": 0 if hhi is None else max(0.0, min(100.0, hhi / 100)),
            "level": str(s.get("level") or ""),
            "leading_vendor_name": names.vendor(s.get("leading_vendor"), s.get("leading_vendor_name")),
            "leading_share": s.get("leading_share"),
            "vendors": vendors,
            "authorities": s.get("authorities") if not isinstance(s.get("authorities"), list)
            else len(s.get("authorities")),
            "reasons": _strs(s.get("reasons")),
        })
    return _section(None if items is None else out)


def _vendor_concentration(findings, names) -> dict:
    raw = findings.get("vendor_concentration")
    if not isinstance(raw, dict):
        return _section(None, top=None, contracts_share=None, spend_share=None, reasons=[])
    vendors = [{"name": names.vendor(v.get("vendor"), v.get("name")), "contracts": v.get("contracts"),
                "contract_share": v.get("contract_share"), "spend": v.get("spend"),
                "spend_share": v.get("spend_share"),
                "authorities": len(_strs(v.get("authorities"))) if isinstance(v.get("authorities"), list)
                else v.get("authorities")}
               for v in raw.get("vendors") or [] if isinstance(v, dict)]
    return _section(vendors, top=raw.get("top"), contracts_share=raw.get("contracts_share"),
                    spend_share=raw.get("spend_share"), reasons=_strs(raw.get("reasons")))


RATINGS = ("red", "amber", "green")


def _risks(findings, names) -> dict:
    items = _list(findings, "legacy_risks")
    out = []
    counts = dict.fromkeys(RATINGS, 0)
    for r in items or []:          # every system of the estate: kept lean
        get = r.get
        ref = names.ref(get("system"))
        rating = str(get("rating") or "").lower()
        if rating in counts:
            counts[rating] += 1
        else:
            rating = ""
        product = get("product")
        out.append({
            "system": ref["id"], "name": str(get("name") or ref["name"]),
            "authority_name": names.authority(get("authority") or ref["authority"]),
            "product_name": names.product(product) if product else "",
            "score": get("score"),
            "rating": rating,
            "disposition": str(get("disposition") or ""),
            "not_judged": _strs(get("not_judged")),
            "reasons": _strs(get("reasons")),
        })
    return _section(None if items is None else out, counts=counts,
                    shown=[r for r in out if r["rating"] != "green"])


def _dependencies(findings, names) -> dict:
    raw = findings.get("dependencies")
    available = isinstance(raw, dict)
    raw = raw if available else {}

    def part(key):
        return [i for i in raw.get(key) or [] if isinstance(i, dict)]

    return {
        "available": available,
        "hubs": [{**names.system(h.get("system")), "name": str(h.get("name") or names.system(h.get("system"))["name"]),
                  "dependents": h.get("dependents"), "direct_dependents": h.get("direct_dependents"),
                  "reasons": _strs(h.get("reasons"))} for h in part("hubs")],
        "cycles": [{"systems": [names.system(q) for q in _strs(c.get("systems"))],
                    "reasons": _strs(c.get("reasons"))} for c in part("cycles")],
        "cross_council": [{"source": names.system(c.get("from")), "target": names.system(c.get("to")),
                           "via": _strs(c.get("via")), "reasons": _strs(c.get("reasons"))}
                          for c in part("cross_council")],
        "single_points_of_failure": [{**names.system(s.get("system")), "dependents": s.get("dependents"),
                                      "reasons": _strs(s.get("reasons"))}
                                     for s in part("single_points_of_failure")],
        "unresolved": [{"system": names.system(u.get("system")), "target": str(u.get("target") or ""),
                        "file": str(u.get("file") or ""), "line": u.get("line"),
                        "reasons": _strs(u.get("reasons"))} for u in part("unresolved")],
    }


def _data_quality(findings) -> dict:
    items = _list(findings, "data_quality")
    files = {str(q.get("file")) for q in items or [] if q.get("file")}
    base = ""
    if files and all(os.path.isabs(f) for f in files):
        try:
            base = os.path.dirname(os.path.commonpath([os.path.dirname(f) for f in files]))
        except ValueError:        # paths on different drives
            base = ""
    shown, total = _screen(items)
    relative: dict = {}           # each file's path relative to base, worked out once

    def file_of(q) -> str:
        file = str(q.get("file") or "")
        if not (base and file):
            return file
        if file not in relative:
            relative[file] = os.path.relpath(file, base)
        return relative[file]

    out = [{
        "severity": str(q.get("severity") or "info"), "code": str(q.get("code") or ""),
        "name": str(q.get("name") or ""), "file": file_of(q),
        "line": q.get("line") or None, "message": str(q.get("message") or ""),
        "hint": str(q.get("hint") or ""),
    } for q in shown or []]
    codes: dict = {}
    severities = {"warning": 0, "info": 0}
    for q in items or []:         # every problem counts, shown or not
        key = (str(q.get("code") or ""), str(q.get("name") or ""), str(q.get("severity") or "info"))
        codes[key] = codes.get(key, 0) + 1
        if key[2] in severities:
            severities[key[2]] += 1
    by_code = [{"code": c, "name": n, "severity": s, "count": k}
               for (c, n, s), k in sorted(codes.items(), key=lambda kv: (-kv[1], kv[0]))]
    return _section(None if items is None else out, by_code=by_code, counts=severities, rows_total=total)


def _settings(findings, settings) -> list:
    raw = findings.get("settings")
    if not isinstance(raw, dict):
        raw = settings.as_dict() if hasattr(settings, "as_dict") else (
            asdict(settings) if is_dataclass(settings) else {})
    return [{"name": str(k), "value": ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v)}
            for k, v in raw.items()]


# --------------------------------------------------------------------------- from the records

def _matrix(estate, names) -> dict:
    """The lines of business x councils matrix of :func:`estate.render.views.landscape`,
    cut to its first :data:`MATRIX_MAX_COUNCILS` councils (rows with nothing in those
    councils are left out; a row's ``councils`` still counts every council)."""
    view = views.landscape(estate, names)
    if view is None:
        return {"available": False, "councils": [], "rows": [], "hidden_councils": 0}
    shown = view["councils"][:MATRIX_MAX_COUNCILS]
    rows = []
    for r in view["rows"]:
        cells = r["cells"][:len(shown)]
        if any(c["state"] != "not-listed" for c in cells):
            rows.append({**r, "cells": cells})
    return {"available": True, "councils": shown, "rows": rows,
            "hidden_councils": len(view["councils"]) - len(shown)}


def _iso(value) -> Optional[dt.date]:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _timeline_range(as_of: dt.date) -> tuple[dt.date, dt.date]:
    return dt.date(as_of.year, 1, 1), dt.date(as_of.year + TIMELINE_YEARS, 1, 1)


def _contracts(estate, windows, as_of, names) -> dict:
    """Contracts that end between the as-of date and the timeline's end, soonest first
    (:func:`estate.render.views.contracts_ending`), dates as ISO text."""
    in_window: dict = {}
    for w in windows["rows"]:
        for qid in w["contracts"]:
            in_window.setdefault(qid, []).append(w["label"])
    _, stop = _timeline_range(as_of)
    view = views.contracts_ending(estate, as_of, stop, names, in_window)
    if view is None:
        return _section(None, before=0, after=0)
    items = [{**r, "end": r["end"].isoformat(), "first_end": r["first_end"].isoformat(),
              "extension_until": _date_str(r["extension_until"]), "notice_by": _date_str(r["notice_by"]),
              "earliest_exit": r["earliest_exit"].isoformat()} for r in view["rows"]]
    return _section(items, before=view["before"], after=view["after"])


#: timeline drawing (SVG user units): label column, plot width, row heights
TL_LABEL, TL_WIDTH, TL_ROW, TL_LANE, TL_TOP = 180, 1000, 34, 26, 60


def _timeline(estate, windows, contracts, as_of, names) -> dict:
    """Positions for the procurement timeline: quarters x councils, windows as bars."""
    start, stop = _timeline_range(as_of)
    quarters = []
    plot = TL_WIDTH - TL_LABEL - 8
    nq = TIMELINE_YEARS * 4
    qw = plot / nq
    for i in range(nq):
        year, q = start.year + i // 4, i % 4 + 1
        quarters.append({"index": i, "year": year, "quarter": q, "label": f"Q{q}",
                         "x": round(TL_LABEL + i * qw, 2), "w": round(qw, 2)})
    years = [{"year": start.year + y, "x": round(TL_LABEL + y * 4 * qw, 2), "w": round(4 * qw, 2)}
             for y in range(TIMELINE_YEARS)]
    span = (stop - start).days

    def x_of(day: dt.date) -> float:
        return round(TL_LABEL + plot * max(0, min(span, (day - start).days)) / span, 2)

    councils = []
    if contracts["available"]:
        by_council: dict = {}
        for c in contracts["rows"]:
            by_council.setdefault(c["authority"], []).append(c)
        order = list(estate.authorities.values())
        for n, a in enumerate(order):
            cells: dict = {}
            for c in by_council.get(a.id, []):
                end = dt.date.fromisoformat(c["end"])
                i = (end.year - start.year) * 4 + (end.month - 1) // 3
                cell = cells.setdefault(i, {"count": 0, "value": 0.0, "in_window": False, "contracts": []})
                cell["count"] += 1
                cell["value"] += c["annual_value"] or 0
                cell["in_window"] = cell["in_window"] or bool(c["windows"])
                cell["contracts"].append(c)
            councils.append({"id": a.id, "name": a.name, "y": TL_TOP + n * TL_ROW,
                             "cells": [{**quarters[i], **cell} for i, cell in sorted(cells.items())]})
    lanes_top = TL_TOP + len(councils) * TL_ROW + (24 if windows["rows"] else 0)
    lanes = []
    for w in windows["rows"]:
        ws, we = _iso(w["start"]), _iso(w["end"])
        if ws is None or we is None or we < start or ws >= stop:
            continue
        if len(lanes) == TIMELINE_WINDOWS:
            break
        x0, x1 = x_of(ws), x_of(we)
        width = max(6.0, round(x1 - x0, 2))
        text = f"{w['label']} {w['line_name'] or w['product_name']}, {money_short(w['combined_annual_value'])}"
        # a label goes right of its bar when it fits (about 6.5 units a character), else left
        right = x0 + width + 6 + 6.5 * len(text) <= TL_WIDTH
        lanes.append({**w, "x": x0, "w": width, "y": lanes_top + len(lanes) * TL_LANE,
                      "text_x": round(x0 + width + 6, 2) if right else round(x0 - 6, 2),
                      "text_anchor": "start" if right else "end",
                      "clipped": ws < start or we >= stop})
    height = (lanes[-1]["y"] + TL_LANE if lanes else lanes_top) + 8
    return {
        "available": contracts["available"] or bool(lanes),
        "start": start.isoformat(), "end": stop.isoformat(),
        "width": TL_WIDTH, "height": height, "label_width": TL_LABEL, "top": TL_TOP,
        "row_height": TL_ROW, "lane_height": TL_LANE, "lanes_top": lanes_top,
        "years": years, "quarters": quarters, "as_of_x": x_of(as_of),
        "councils": councils, "windows": lanes,
        "windows_drawn": len(lanes), "windows_total": len(windows["rows"]),
    }


# --------------------------------------------------------------------------- maps

def _map(m: dict, base: Path, embed: bool = True) -> dict:
    files = m.get("files") if isinstance(m.get("files"), dict) else {}
    title = str(m.get("title") or m.get("id") or "System map")
    description = str(m.get("description") or "")
    out = {"id": str(m.get("id") or ""), "kind": str(m.get("kind") or ""), "title": title,
           "description": description, "svg": None, "note": "",
           "files": [{"format": str(k), "href": str(v)} for k, v in sorted(files.items()) if v]}
    rel = files.get("svg")
    if not rel:
        out["note"] = "No SVG was drawn for this map."
        return out
    if not embed:
        out["note"] = (f"Not embedded, to keep this report a size a browser opens (at most "
                       f"{MAX_EMBEDDED_MAPS} maps or {MAX_EMBEDDED_BYTES // 2**20} MB of them): open "
                       "the file beside the report.")
        return out
    path = (base / str(rel)).resolve()
    if not path.is_relative_to(base.resolve()):
        out["note"] = "The map file lies outside the output folder, so it is not embedded."
        return out
    try:
        size = path.stat().st_size
        if size > MAX_INLINE_SVG:
            out["note"] = f"This map is too large to embed ({size / 1e6:.0f} MB): open the SVG file."
            return out
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("map %s not embedded: %s", rel, exc)
        out["note"] = "The map file could not be read, so it is not embedded."
        return out
    try:
        out["svg"] = sanitise_svg(text, id_prefix=f"map-{safe_name(out['id'] or path.stem)}-",
                                  label=f"{title}. {description}".strip().rstrip("."))
    except ValueError as exc:
        log.warning("map %s not embedded: %s", rel, exc)
        out["note"] = "The map file is not valid SVG, so it is not embedded."
    return out


SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
#: the SVG elements Graphviz writes; anything else (script, foreignObject, style,
#: animate, set, image, iframe...) is removed with its content
SVG_ELEMENTS = frozenset({
    "svg", "g", "title", "desc", "path", "polygon", "polyline", "ellipse", "circle", "rect",
    "line", "text", "tspan", "a", "defs", "lineargradient", "radialgradient", "stop",
})
_SAFE_SCHEMES = ("http", "https", "mailto")
_PROLOG = re.compile(r"<\?xml[^>]*\?>|<!DOCTYPE(?:[^\[>]*\[[^\]]*\])?[^>]*>|<!--.*?-->", re.S | re.I)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.I)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_URL_REF = re.compile(r"url\(\s*#([^)\s]+)\s*\)")


def _local(name: str) -> str:
    return name.rpartition("}")[2] if name.startswith("{") else name.rpartition(":")[2]


def _safe_url(value: str) -> bool:
    compact = _CONTROL.sub("", value)
    scheme = _SCHEME.match(compact)
    return scheme is None or scheme.group(1).lower() in _SAFE_SCHEMES


def sanitise_svg(text: str, *, id_prefix: str = "", label: str = "") -> Markup:
    """SVG text made safe to inline in the report; raises ValueError if it is not SVG.

    Drops the XML prolog, DOCTYPE and comments; keeps only the elements Graphviz
    writes (no ``script``, ``style``, ``foreignObject``, ``image``, animation); drops
    every ``on*`` attribute, ``style`` attributes that call ``url()`` or
    ``expression()``, and links whose scheme is not http(s) or mailto (so no
    ``javascript:`` or ``data:``).  Prefixes ids (two maps on one page must not share
    ``node1``), makes the drawing scale to the page, and labels it (``role="img"``).

    The drawing is parsed with expat and written back as it streams past
    (:class:`_SvgWriter`) in ElementTree's serialisation (the ``svg`` namespace the
    default, attributes in document order, ``" />"`` for an empty element), which this
    used until building and writing the tree took half the report's time.
    """
    body = _PROLOG.sub("", text).strip()
    writer = _SvgWriter(id_prefix)
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.buffer_size = 1 << 16
    parser.ordered_attributes = True
    parser.StartElementHandler = writer.start
    parser.EndElementHandler = writer.end
    parser.CharacterDataHandler = writer.data
    try:
        parser.Parse(body, True)
    except expat.ExpatError as exc:
        raise ValueError(f"not well-formed SVG: {exc}") from exc
    return Markup(writer.finish(label))


#: the prefix each namespace is written with (ElementTree's defaults; svg the default
#: namespace); any other namespace is written ns0, ns1... in order of first use
NS_PREFIXES = {
    SVG_NS: "", XLINK_NS: "xlink", "http://www.w3.org/XML/1998/namespace": "xml",
    "http://www.w3.org/1999/xhtml": "html", "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
    "http://schemas.xmlsoap.org/wsdl/": "wsdl", "http://www.w3.org/2001/XMLSchema": "xs",
    "http://www.w3.org/2001/XMLSchema-instance": "xsi", "http://purl.org/dc/elements/1.1/": "dc",
}
_KEEP, _DROP, _URL, _STYLE, _ID = range(5)
_UNSAFE_STYLE = re.compile(r"url\s*\(|expression\s*\(|@import|javascript:", re.I)
_ATTR_SPECIAL = re.compile('[&<>"\r\n\t]')


def _name(raw: str) -> str:
    """expat's ``uri}local`` as ``{uri}local``."""
    return "{" + raw if "}" in raw else raw


def _element_kept(tag: str) -> bool:
    """Whether an element stays: one Graphviz writes, in the svg namespace."""
    return _local(tag).lower() in SVG_ELEMENTS and (not tag.startswith("{") or tag.startswith(f"{{{SVG_NS}}}"))


def _attribute_kind(name: str) -> int:
    """What :meth:`_SvgWriter.start` does with an attribute."""
    local = _local(name).lower()
    if local.startswith("on") or local in ("formaction", "attributename", "values", "begin"):
        return _DROP
    if local in ("href", "src", "action"):
        return _URL
    return {"style": _STYLE, "id": _ID}.get(local, _KEEP)


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(text: str) -> str:
    if _ATTR_SPECIAL.search(text) is None:
        return text
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#09;"))


def _refers(name: str, value: str) -> bool:
    """Whether :func:`_rewrite_ref` may change this attribute: a link to ``#id`` or a ``url(#id)``."""
    return (_local(name) == "href" and value.startswith("#")) or "url(#" in value.replace(" ", "")


def _rewrite_ref(name: str, value: str, ids: dict) -> str:
    """An attribute's value with the ids it refers to prefixed as their elements' ids were."""
    if _local(name) == "href" and value.startswith("#") and value[1:] in ids:
        return "#" + ids[value[1:]]
    if "url(#" in value.replace(" ", ""):
        return _URL_REF.sub(lambda m: f"url(#{ids.get(m.group(1), m.group(1))})", value)
    return value


class _SvgWriter:
    """Writes back the SVG that expat streams past, without what could run.

    Output goes into :attr:`out` as pieces of text.  An element's start tag is left
    open until its first text or kept child (then ``>``) or its end (then ``" />"``).
    A removed element is skipped with its content and the text after it (its *tail*).
    The root's start tag (which declares the namespaces used anywhere) and any tag
    that refers to an id (which may come later) are written by :meth:`finish`.
    """

    def __init__(self, id_prefix: str):
        self.prefix = id_prefix
        self.out: list = []
        self.stack: list = []          # [name as written, start tag closed?] per open element
        self.skipping = 0              # depth inside a removed element
        self.drop_tail = False         # the text after a removed element goes with it
        self.ids: dict = {}            # id -> prefixed id
        self.tags: dict = {}           # expat's element name -> name as written; None: removed
        self.attributes: dict = {}     # expat's attribute name -> (name, kind)
        self.names: dict = {}          # expat's attribute name -> name as written
        self.namespaces: dict = {}     # uri -> prefix, in order of first use
        self.root = None               # (name as written, [(name as written, name, value)])
        self.later: list = []          # (piece index, name as written, [(name as written, name, value)])

    def written(self, name: str) -> str:
        """``{uri}local`` as written: ``prefix:local``, or ``local`` in the svg namespace."""
        if name[:1] != "{":
            return name
        uri, local = name[1:].rsplit("}", 1)
        prefix = self.namespaces.get(uri)
        if prefix is None:
            prefix = NS_PREFIXES.get(uri)
            if prefix is None:
                prefix = f"ns{len(self.namespaces)}"
            if prefix != "xml":
                self.namespaces[uri] = prefix
        return f"{prefix}:{local}" if prefix else local

    def start(self, raw: str, attributes: list) -> None:
        if self.skipping:
            self.skipping += 1
            return
        self.drop_tail = False
        stack = self.stack
        if not stack:                  # the root: an svg element, of whatever namespace
            name = _name(raw)
            if _local(name).lower() != "svg":
                raise ValueError(f"the root element is <{_local(name)}>, not <svg>")
            tag = self.written(name)
        elif raw in self.tags:
            tag = self.tags[raw]
        else:                          # a removed element's namespace is not declared
            name = _name(raw)
            tag = self.tags[raw] = self.written(name) if _element_kept(name) else None
        if stack:
            if tag is None:
                self.skipping = 1
                return
            if not stack[-1][1]:
                self.out.append(">")
                stack[-1][1] = True
        if stack and not attributes:
            self.out.append("<" + tag)
        else:
            self.write_start(tag, attributes, root=not stack)
        stack.append([tag, False])

    def write_start(self, tag: str, attributes: list, root: bool) -> None:
        """``<tag`` and the attributes kept (a root's, or one referring to an id, later)."""
        known, names, ids, prefix = self.attributes, self.names, self.ids, self.prefix
        pieces = ["<", tag]
        kept = []
        refers = False
        pairs = iter(attributes)
        for raw_key, value in zip(pairs, pairs):
            info = known.get(raw_key)
            if info is None:
                name = _name(raw_key)
                info = known[raw_key] = (name, _attribute_kind(name))
            key, kind = info
            if kind is not _KEEP:
                if kind is _DROP or (kind is _URL and not _safe_url(value)) \
                        or (kind is _STYLE and _UNSAFE_STYLE.search(value)):
                    continue
                if kind is _ID and prefix:
                    ids[value] = value = prefix + value
            written = names.get(raw_key)
            if written is None:        # a namespace counts from its first attribute kept
                written = names[raw_key] = self.written(key)
            kept.append((written, key, value))
            if "#" in value and _refers(key, value):
                refers = True
            if _ATTR_SPECIAL.search(value) is not None:
                value = _escape_attribute(value)
            pieces += (" ", written, '="', value, '"')
        if root:
            self.root = (tag, kept)
            self.out.append(None)
        elif refers:
            self.later.append((len(self.out), tag, kept))
            self.out.append(None)
        else:
            self.out.append("".join(pieces))

    def end(self, raw: str) -> None:
        if self.skipping:
            self.skipping -= 1
            self.drop_tail = not self.skipping
            return
        self.drop_tail = False
        tag, closed = self.stack.pop()
        self.out.append(f"</{tag}>" if closed else " />")

    def data(self, text: str) -> None:
        if self.skipping or self.drop_tail or not self.stack:
            return
        top = self.stack[-1]
        if not top[1]:
            self.out.append(">")
            top[1] = True
        if "&" in text or "<" in text or ">" in text:
            text = _escape_text(text)
        self.out.append(text)

    def finish(self, label: str) -> str:
        """The sanitised text: the root's start tag and the tags that refer to ids filled in."""
        ids = self.ids
        for index, tag, kept in self.later:
            if ids:
                kept = [(written, key, _rewrite_ref(key, value, ids)) for written, key, value in kept]
            self.out[index] = _start_tag(tag, kept)
        tag, kept = self.root
        attributes = {key: [written, value] for written, key, value in kept}
        if ids:
            for key, pair in attributes.items():
                pair[1] = _rewrite_ref(key, pair[1], ids)
        width = attributes.pop("width", [None, None])[1]
        attributes.pop("height", None)
        style = "width:100%;height:auto"
        if width and re.fullmatch(r"[0-9.]+(pt|px)?", width.strip()):
            style += f";max-width:{width.strip()}"
        extra = {"style": style, "role": "img", "focusable": "false"}
        if label:
            extra["aria-label"] = label
        for key, value in extra.items():
            attributes.setdefault(key, [key, None])[1] = value
        declarations = "".join(f' xmlns{":" + prefix if prefix else ""}="{_escape_attribute(uri)}"'
                               for uri, prefix in sorted(self.namespaces.items(), key=lambda up: up[1]))
        self.out[0] = _start_tag(tag + declarations, [(w, k, v) for k, (w, v) in attributes.items()])
        return "".join(self.out)


def _start_tag(tag: str, attributes: list) -> str:
    """``<tag a="1"`` (the ``>`` or ``" />"`` comes later)."""
    return "<" + tag + "".join(f' {written}="{_escape_attribute(value)}"' for written, _, value in attributes)
