"""The HTML report: one self-contained page for shared-service boards.

:func:`write_report` renders ``report.html`` from ONE context object, built by
:func:`report_context` from the findings (``analysis.json``), the estate records (for
names, the lines x councils matrix and the contract dates of the timeline) and the
maps drawn by ``estate.render.maps``.  The report never recomputes an analysis: a
findings key that is missing (an analysis that did not run) becomes a section that
says "no findings", and an item missing an optional key shows "not known".

The report is built by these modules, each with one concern: :mod:`estate.render.views`
(views the register shares: the landscape matrix, contract dates, names),
:mod:`estate.render.report_sections` (sections from the findings),
:mod:`estate.render.report_records` (the matrix, contracts and timeline from the records),
:mod:`estate.render.report_maps` (which maps are embedded),
:mod:`estate.render.svg_sanitise` (inline SVG made safe) and :mod:`estate.render.filters`
(the templates' filters).  This module builds the context from them and renders it.

One Jinja environment renders the board pack and every detail page, so each template
is compiled once per report.  Given a :class:`~estate.reuse.PageReuse` (the pipeline
passes one when the output folder has a run record), a detail page whose key
(:class:`PageKeys`: the template sources, estate's version and code, and the values of
the context variables its templates name) is what the folder's last run rendered it
from is linked from that run instead of being rendered again.

The page is self-contained: CSS and script are inlined, maps are inlined as SVG after
:func:`sanitise_svg` has removed anything that could run (scripts, event handlers,
``javascript:`` links, foreign objects), and nothing is fetched from the network, so it
works offline and from a ``file://`` URL.

Templates load from ``choices.templates`` (a folder of the user's, to brand the
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
    ``[{id, title}]`` of the board pack in page order, for the contents list.
``decisions``
    what the board decides on (:func:`estate.render.report_board.decisions`):
    ``windows``, ``late``, ``candidates``, ``red_risks``, ``duplicates``.
``groups``
    one entry per partnership or region (then the councils in neither): members,
    figures, windows, candidates, red risks, duplicates, map.
``pages``
    ``[{id, href, title, template, summary, council}]``: the detail pages written
    beside ``report.html`` (``report/<page>.html``), councils last.
``progress``
    the "Progress since ..." page (:func:`estate.render.progress.progress_context`),
    ``None`` when the run had no ``--baseline`` or ``--since``.
``page``, ``root``
    the detail page being rendered (``None`` for the board pack) and the way back
    to the output folder (``""`` or ``"../"``).
``by_council``
    ``{council id: {contracts, risks, windows}}``: each council's own rows, uncut.
``system_names``
    ``{authority/system id: name}``, for the ``words`` filter.
``council_lines``
    ``{council id: [{name, function, state, systems}]}`` from the landscape view.
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
    ``[{id, kind, title, description, svg, files, note, paper}]`` (``paper``: why the map
    does not print on A3 at 7 pt, or ""); ``svg`` is sanitised Markup
    or ``None`` (then ``note`` says why).
``data_quality``
    section of the problems that did not stop the run, with counts.
``roadmap``
    ``{available, as_of, rows, clashes, timelines}``: each council's and partnership's
    timeline (:func:`estate.render.roadmap.roadmap_context`).
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
``contract_ends`` (``; C-1 Civica ends 31 Mar 2027 (W1)`` for each of a list of contracts),
``long_date`` (``30 June 2027``), ``money_round`` (``£1.2m``, ``£52,000``), ``plural``
(``3|plural("council")`` -> ``3 councils``), ``words`` (a reason with its ISO dates
written ``30 June 2027`` and, given ``system_names``, its system ids as names).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import logging
import re
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Iterator, Optional

import jinja2
from jinja2 import meta
from markupsafe import Markup

from estate import __version__
from estate.choices import OutputChoices
from estate.collector import collector_off
from estate.errors import OutputError, UsageError
from estate.output import atomic_path, orjson
from estate.reuse import PageReuse, code_fingerprint
from estate.render.filters import (contract_ends, date_text, long_date, money, money_round, money_short, num,
                                   pct, plural, words)
from estate.render import report_sections, views
from estate.render.progress import progress_context, progress_page
from estate.render.report_board import (board_sections, by_council, council_index, council_lines, council_page,
                                        decisions, detail_pages, groups)
from estate.render.report_maps import MAX_EMBEDDED_BYTES, MAX_EMBEDDED_MAPS, MAX_INLINE_SVG, _maps
from estate.render.report_records import (MATRIX_MAX_COUNCILS, TIMELINE_WINDOWS, TIMELINE_YEARS, _contracts,
                                          _matrix, _timeline)
from estate.render.report_sections import (SCREEN_ROWS, _capped, _consolidation, _councils, _data_quality,
                                           _dependencies, _duplicates, _head, _risks, _settings,
                                           _shared_products, _subtitle, _summary, _supplier_concentration,
                                           _total, _vendor_concentration, _windows)
from estate.render.roadmap import roadmap_context
from estate.render.svg_sanitise import sanitise_svg
from estate.render.views import Names

#: what other modules import from here (the report's public names live in the modules
#: named above; this module puts them together)
__all__ = ["write_report", "render_report", "report_chunks", "report_context", "environment",
           "template_loader", "sanitise_svg", "money", "money_short", "pct", "num", "date_text",
           "contract_ends", "long_date", "money_round", "plural", "words", "MAX_INLINE_SVG", "MAX_EMBEDDED_MAPS", "MAX_EMBEDDED_BYTES",
           "MATRIX_MAX_COUNCILS", "TIMELINE_YEARS", "TIMELINE_WINDOWS", "SCREEN_ROWS"]

log = logging.getLogger(__name__)

#: the repository's templates/ folder: the last fallback, for a checkout not installed
REPO_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
TEMPLATE = "report.html"
#: the template of every detail page (report/<page>.html)
DETAIL_TEMPLATE = "detail.html"
#: how many items of each kind the executive summary shows
TOP = 3
TOP_RISKS = 5
#: how many consolidation candidates get a full write-up above the table
FEATURED = 5
#: on paper a long table prints its first (most important) rows only
PRINT_ROWS = 25

# --------------------------------------------------------------------------- entry points

def write_report(estate, findings: dict, maps: list, path: Path, settings,
                 choices: Optional[OutputChoices] = None, reuse: Optional[PageReuse] = None) -> Path:
    """Render the report and write it atomically to ``path``; maps are read from beside it.

    ``settings`` are the run's analysis settings; ``choices`` the output choices (the
    ``templates`` folder); ``reuse`` hands over the detail pages an earlier run rendered
    from the same context (:class:`~estate.reuse.PageReuse`; None: render every page)."""
    path = Path(path)
    choices = choices or OutputChoices()
    # one environment for the board pack and every detail page: each template is read
    # and compiled once per report, not once per page
    env = environment(choices)
    with collector_off():
        context = report_context(estate, findings, maps, settings, base=path.parent)
        # streamed to the file as rendered: the page of a national estate with its maps
        # (tens of MB) is never held whole, nor encoded whole (about 0.2 GB less at 100
        # councils); a template error leaves no file, as every output
        with atomic_path(path) as tmp:
            with open(tmp, "w", encoding="utf-8") as out:
                out.writelines(report_chunks(context, choices, env=env))
        index = council_index(context)
        keys = PageKeys(env, context) if reuse is not None else None
        for page in context["pages"]:
            detail = detail_context(context, page, index)
            target = path.parent / page["href"]
            key = keys.key(detail) if keys is not None else None
            if reuse is not None and reuse.lookup(page["href"], key, target):
                continue
            with atomic_path(target) as tmp:
                with open(tmp, "w", encoding="utf-8") as out:
                    out.writelines(report_chunks(detail, choices, DETAIL_TEMPLATE, env=env))
            if reuse is not None:
                reuse.remember(page["href"], key)
    return path


class PageKeys:
    """The key of each detail page: a SHA-256 over what its templates can read.

    That is the sources of ``detail.html`` and of every template it includes, imports or
    extends (``page.template`` too), estate's version and code (the filters), Jinja's
    version, and the value of each context variable the templates name (found by
    Jinja's own analysis of the templates, so a template that starts to read another
    variable changes the key with it).  Values are digested as JSON; each shared value
    of the report's context once per report.  A value that cannot be written as JSON
    gives no key: the page is always rendered.
    """

    def __init__(self, env: jinja2.Environment, context: dict):
        self.env, self.context = env, context
        self.templates: dict = {}       # page.template -> (digest of the sources, variable names)
        self.values: dict = {}          # shared variable -> digest of its value
        self.parsed: dict = {}          # template -> its syntax tree
        self.seed = json.dumps([__version__, code_fingerprint(), jinja2.__version__]).encode("utf-8")

    def _read(self, template: str) -> tuple:
        if template not in self.templates:
            sources: dict = {}
            todo = [DETAIL_TEMPLATE, template]
            while todo:
                name = todo.pop()
                if name in sources:
                    continue
                sources[name] = self.env.loader.get_source(self.env, name)[0]
                if name not in self.parsed:
                    self.parsed[name] = self.env.parse(sources[name])
                todo += [n for n in meta.find_referenced_templates(self.parsed[name]) if n]
            variables = set()
            for name in sources:
                variables |= meta.find_undeclared_variables(self.parsed[name])
            self.templates[template] = (_digest(sorted(sources.items())), sorted(variables))
        return self.templates[template]

    def key(self, detail: dict) -> Optional[str]:
        """The key of the page of ``detail`` (:func:`detail_context`); None: no key."""
        try:
            sources, variables = self._read(detail["page"]["template"])
        except jinja2.TemplateError:
            return None             # rendering says what is wrong
        h = hashlib.sha256(self.seed)
        h.update(sources.encode())
        for name in variables:
            if name not in detail:
                continue            # a Jinja global (range, dict...), or an error rendering names
            value = detail[name]
            if name in self.context and value is self.context[name]:
                if name not in self.values:
                    self.values[name] = _digest(value)
                digest = self.values[name]
            else:
                digest = _digest(value)
            if digest is None:
                return None
            h.update(f"{name}\0{digest}\0".encode())
        return h.hexdigest()


def _digest(value) -> Optional[str]:
    """A SHA-256 of ``value`` as JSON, dicts in their own order (a template may loop over
    one), dates as ISO text; None when it is not JSON.  orjson writes it when installed
    (ten times as fast as ``json``, which writes it otherwise)."""
    try:
        if orjson is not None:
            data = orjson.dumps(value)
        else:
            data = json.dumps(value, default=_plain, ensure_ascii=False,
                              separators=(",", ":")).encode("utf-8", "surrogatepass")
    except (TypeError, ValueError):
        return None
    return hashlib.sha256(data).hexdigest()


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not part of a page's key")


def detail_context(context: dict, page: dict, index: Optional[dict] = None) -> dict:
    """The context a detail page renders from: the report's, with ``page`` (the page's
    entry of ``pages``, and for a council page ``council``: :func:`council_page`) and
    ``root`` (``../``: the way back to the output folder).  ``index``: the context's
    :func:`council_index`, made once for all the pages."""
    if page.get("council"):
        page = {**page, "data": council_page(context, page["council"], index)}
    return {**context, "page": page, "root": "../"}


def render_report(context: dict, choices: OutputChoices, template: str = TEMPLATE) -> str:
    """The report's HTML for a context made by :func:`report_context` (a detail page's
    with ``template=DETAIL_TEMPLATE`` and a context from :func:`detail_context`)."""
    return "".join(report_chunks(context, choices, template))


def report_chunks(context: dict, choices: OutputChoices, template: str = TEMPLATE, *,
                  env: Optional[jinja2.Environment] = None) -> Iterator[str]:
    """The report's HTML (or a detail page's: ``template``) in pieces, as Jinja renders
    them; template errors as :class:`~estate.errors.OutputError` naming the template's
    file and line.  ``env``: the :func:`environment` of ``choices`` to render with (one
    shared by every page of a report; default: a new one)."""
    env = env if env is not None else environment(choices)
    try:
        yield from env.get_template(template).generate(context)
    except jinja2.TemplateSyntaxError as exc:
        raise OutputError(f"{exc.filename or exc.name}:{exc.lineno}: template syntax error: "
                          f"{exc.message}", hint=_TEMPLATE_HINT) from exc
    except jinja2.TemplateError as exc:
        raise OutputError(f"{_template_place(exc.__traceback__)}: {exc.message or exc}",
                          hint=_TEMPLATE_HINT) from exc


_TEMPLATE_HINT = "check the template; docs/report.md lists every variable the report's templates can use"


def environment(choices: OutputChoices) -> jinja2.Environment:
    """The Jinja environment: autoescape, StrictUndefined, the report's filters; templates
    from ``choices.templates`` first."""
    env = jinja2.Environment(loader=template_loader(choices.templates),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             finalize=printable)
    env.filters.update(money=money, money_short=money_short, pct=pct, num=num, date=date_text,
                       contract_ends=contract_ends, long_date=long_date, money_round=money_round,
                       plural=plural, words=words)
    return env


#: control characters (C0 but tab, new line and carriage return; DEL; C1): never text
#: a reader should see, and a way to hide or forge text in a browser or a terminal
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def printable(value):
    """What every ``{{ ... }}`` of the report prints: text without control characters
    (the one rule for report pages; markup already made safe stays markup)."""
    if type(value) is str and value.isprintable():
        return value        # no control character in it (the most of what a page prints)
    if isinstance(value, Markup):
        return Markup(_CONTROL.sub("", str(value)))
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    return value


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
    as_of = settings.as_of          # the run's "today", never the clock
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
    landscape = views.landscape(estate, names)
    base = Path(base) if base is not None else Path.cwd()
    council_list = ([{"id": a.id, "name": a.name} for a in estate.authorities.values()] if estate is not None
                    else [{"id": c["id"], "name": c["name"]} for c in councils["rows"]])
    pages = detail_pages(council_list)
    progress = progress_context(findings, names)    # None without --baseline or --since
    if progress:
        pages.insert(0, progress_page(progress))
    context = {
        "title": "IT estate report",
        "subtitle": _subtitle(council_names, summary),
        "as_of": as_of.isoformat(),
        "as_of_text": f"{as_of.day} {calendar.month_name[as_of.month]} {as_of.year}",
        "estate_version": str(findings.get("estate_version") or __version__),
        "sections": [],                 # set below, once the groups are known
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
        "matrix": _matrix(landscape),
        "council_lines": council_lines(landscape),
        "system_names": {s.qid: s.name for s in estate.systems()} if estate is not None else {},
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
        "maps": _maps(maps or [], base),
        "data_quality": _data_quality(findings),
        "roadmap": roadmap_context(findings),
        "settings": _settings(findings, settings),
        "print_rows": PRINT_ROWS,
        "screen_rows": report_sections.SCREEN_ROWS,
        "pages": pages,
        "progress": progress,
        "page": None,
        "root": "",
    }
    context["decisions"] = decisions(context, as_of)
    context["groups"] = groups(context, estate, pages, context["maps"], as_of)
    context["sections"] = board_sections(context["groups"])
    context["by_council"] = by_council(context)
    return _capped(context)
