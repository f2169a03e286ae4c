"""Write imported records as inventory YAML, and say exactly what changed.

Importers build :class:`AuthorityDoc` objects: one council's header, lines of business,
systems and contracts as plain dicts in the shape SPEC.md gives, with where each record
came from.  This module

* renders them as YAML that people read and review (:func:`render`): block style, keys
  in SPEC order, dates unquoted ISO, versions quoted, short lists in ``[a, b]`` flow
  style, and a ``# from: contracts.xlsx row 12`` comment above every record.  Comments
  keep the provenance without adding keys the validator would warn about (W200);
* turns loaded records back into the same dicts (:func:`docs_from_estate`), so that an
  import can be compared with the inventories it replaces;
* lists the changes per record and field (:func:`compare`):
  ``northbrook/nb-academy: end_of_support 2026-03-31 -> 2027-03-31``;
* plans the files to write (:func:`plan`): nothing existing is overwritten unless the
  caller forces it, and the plan carries a unified diff of every file it would change.
  Files are written atomically (:mod:`estate.output`).

Output layout: ``DIR/<authority>.yaml`` for a whole council (register import), or
``DIR/<authority>-systems.yaml`` / ``DIR/<authority>-contracts.yaml`` when an import
brings one section only (a council's own spreadsheet, OCDS notices).
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

import yaml

from estate.errors import OutputError, UsageError
from estate.model.loader import discover, parse_file
from estate.output import safe_name, write_text

AUTHORITY_ORDER = ("id", "name", "type", "region", "gss_code", "partnerships")
LINE_ORDER = ("id", "name", "maps_to", "statutory", "delivery")
SYSTEM_ORDER = ("id", "name", "product", "vendor", "version", "hosting", "status", "introduced",
                "end_of_support", "supports", "depends_on", "data", "annual_cost", "users",
                "criticality", "owner")
DATA_ORDER = ("personal_data", "api", "export_formats", "open_standards")
CONTRACT_ORDER = ("id", "supplier", "supplier_company_number", "covers", "start", "end", "extension_until", "notice_months",
                  "annual_value", "total_value", "route", "framework", "sme", "procurement_started")
SECTIONS = ("lines_of_business", "systems", "contracts")
ALWAYS_QUOTED = {"version"}


@dataclass
class AuthorityDoc:
    """One council's records as SPEC dicts, with where each came from."""

    authority: dict
    lines_of_business: list = field(default_factory=list)
    systems: list = field(default_factory=list)
    contracts: list = field(default_factory=list)
    #: (section, id) -> comment lines; ("authority", id) for the header
    origin: dict = field(default_factory=dict)
    #: the sections this import is the whole truth for (others are written as [] or left out)
    sections: tuple = SECTIONS

    @property
    def id(self) -> str:
        return self.authority["id"]


@dataclass
class ImportResult:
    """What an importer read: the documents, and what the user should know."""

    docs: dict = field(default_factory=dict)           # authority id -> AuthorityDoc
    source: str = ""                                   # e.g. "register.xlsx"
    command: str = ""                                  # e.g. "estate import register"
    notes: list = field(default_factory=list)          # warnings and counts, plain English
    skipped: dict = field(default_factory=dict)        # reason -> count
    complete: bool = False                             # covers every authority (register)
    layout: str = "whole"                              # whole | section

    def skip(self, reason: str, n: int = 1) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + n

    def summary(self) -> list[str]:
        systems = sum(len(d.systems) for d in self.docs.values())
        contracts = sum(len(d.contracts) for d in self.docs.values())
        lines = [f"read {len(self.docs)} authorit{'y' if len(self.docs) == 1 else 'ies'}, "
                 f"{systems} system(s), {contracts} contract(s) from {self.source}"]
        for reason, n in sorted(self.skipped.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"skipped {n}: {reason}")
        return lines


# --------------------------------------------------------------------------- rendering
_RESOLVER = yaml.resolver.Resolver()
#: text that YAML's syntax reads plain in block and flow context alike (no indicator
#: characters); whether it reads as a string is still asked of the resolver
_SIMPLE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._()/&+'-]*[A-Za-z0-9._()'-]|[A-Za-z0-9]")


@functools.lru_cache(maxsize=65536)
def _plain_ok(text: str, flow: bool) -> bool:
    """True when ``text`` reads back as the same string written without quotes.

    Simple text is decided by the resolver alone (``yes``, ``1e3``, ``2026-03-31`` are not
    strings); anything else is written and read back.  Cached: registers repeat the same
    suppliers and values thousands of times.
    """
    if _SIMPLE.fullmatch(text) and "  " not in text:
        return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str"
    if not text or text != text.strip() or "\n" in text or text.startswith(("'", '"', "`")):
        return False
    if flow and any(c in text for c in ",[]{}"):
        return False
    probe = f"k: [{text}]" if flow else f"k: {text}"
    try:
        loaded = yaml.safe_load(probe)     # pure PyYAML: stricter than libyaml (tabs)
    except yaml.YAMLError:
        return False
    value = loaded.get("k") if isinstance(loaded, dict) else None
    if flow:
        return isinstance(value, list) and len(value) == 1 and value[0] == text and isinstance(value[0], str)
    return value == text and isinstance(value, str)


def _printable(ch: str) -> bool:
    """True for the characters YAML lets a file hold as they are (YAML 1.1/1.2 c-printable)."""
    o = ord(ch)
    return (o in (9, 10, 13) or 0x20 <= o <= 0x7E or o == 0x85 or 0xA0 <= o <= 0xD7FF
            or 0xE000 <= o <= 0xFFFD or o >= 0x10000)


def _quote(text: str) -> str:
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif not _printable(ch) or ch in "\u2028\u2029\ufeff":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def scalar(value, key: str = "", flow: bool = False) -> str:
    """One value as YAML text."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    text = str(value)
    if key in ALWAYS_QUOTED:
        return _quote(text)
    return text if _plain_ok(text, flow) else _quote(text)


def text_scalar(text: str) -> str:
    """``text`` as a YAML scalar that reads back as the same string in block and in flow
    context alike (``key: TEXT`` and ``[TEXT, ...]``): plain when both allow, else quoted.
    ``estate synth`` writes its inventories with this and :func:`flow_list`."""
    return text if _plain_ok(text, False) and _plain_ok(text, True) else _quote(text)


def flow_list(items) -> str:
    """A list of scalars in flow style: ``[a, "b, c"]``."""
    return "[" + ", ".join(scalar(i, flow=True) for i in items) + "]"


def _is_simple(value) -> bool:
    return not isinstance(value, (dict, list))


def _emit(key: str, value, indent: int, out: list) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            out.append(f"{pad}{key}: {{}}")
            return
        out.append(f"{pad}{key}:")
        for k, v in value.items():
            _emit(k, v, indent + 2, out)
    elif isinstance(value, list):
        if all(_is_simple(v) for v in value):
            out.append(f"{pad}{key}: {flow_list(value)}")
            return
        out.append(f"{pad}{key}:")
        for item in value:
            _emit_item(item, indent + 2, out)
    else:
        out.append(f"{pad}{key}: {scalar(value, key)}")


def _emit_item(item, indent: int, out: list, comments: Iterable[str] = ()) -> None:
    pad = " " * indent
    for line in comments:
        out.append(f"{pad}# {line}")
    if not isinstance(item, dict):
        out.append(f"{pad}- {scalar(item)}")
        return
    first = True
    for k, v in item.items():
        sub: list = []
        _emit(k, v, indent + 2, sub)
        if first:
            sub[0] = f"{pad}- {sub[0][indent + 2:]}"
            first = False
        out.extend(sub)
    if first:
        out.append(f"{pad}- {{}}")


def _ordered(record: dict, order: tuple) -> dict:
    out = {k: record[k] for k in order if k in record and record[k] is not None}
    for k, v in record.items():                      # extension keys kept, after the known ones
        if k not in order and v is not None:
            out[k] = v
    return out


def clean_system(s: dict) -> dict:
    s = dict(s)
    s.setdefault("supports", [])
    data = s.get("data")
    if isinstance(data, dict):
        data = {k: v for k, v in _ordered(data, DATA_ORDER).items() if v not in (None, [])}
        s["data"] = data or None
    if not s.get("depends_on"):
        s.pop("depends_on", None)
    if s.get("version") is not None:
        s["version"] = str(s["version"])
    out = _ordered(s, SYSTEM_ORDER)
    out["supports"] = list(s.get("supports") or [])
    return _ordered(out, SYSTEM_ORDER)


def clean_contract(c: dict) -> dict:
    c = dict(c)
    if not c.get("covers"):
        c["covers"] = []
    return _ordered(c, CONTRACT_ORDER)


def render(doc: AuthorityDoc, header: Iterable[str] = ()) -> str:
    """The YAML text of one authority document, deterministic for the same input."""
    out: list[str] = [f"# {line}" if line else "#" for line in header]
    out.append("kind: authority")
    for line in doc.origin.get(("authority", doc.id), ()):
        out.append(f"# {line}")
    _emit("authority", _ordered(doc.authority, AUTHORITY_ORDER), 0, out)
    sections = [("lines_of_business", doc.lines_of_business, lambda r: _ordered(r, LINE_ORDER)),
                ("systems", doc.systems, clean_system),
                ("contracts", doc.contracts, clean_contract)]
    for name, records, clean in sections:
        if not records:
            if name in doc.sections or name in ("lines_of_business", "systems"):
                out.append(f"{name}: []")
            continue
        out.append("")
        out.append(f"{name}:")
        for record in records:
            _emit_item(clean(record), 2, out, doc.origin.get((name, record.get("id")), ()))
    return "\n".join(out) + "\n"


# ------------------------------------------------------------- records back into dicts
def _money(value):
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def docs_from_estate(estate) -> dict:
    """Every authority of a loaded estate as an :class:`AuthorityDoc` (records as written)."""
    docs = {}
    for a in estate.authorities.values():
        head = {"id": a.id, "name": a.name, "type": a.type, "region": a.region,
                "gss_code": a.gss_code, "partnerships": list(a.partnerships) or None}
        head.update({k: v for k, v in a.extra.items()})
        doc = AuthorityDoc(authority={k: v for k, v in head.items() if v is not None})
        for line in a.lines.values():
            if line.implicit:
                continue
            rec = {"id": line.id, "name": line.name, "maps_to": line.maps_to,
                   "statutory": line.statutory, "delivery": line.delivery, **line.extra}
            doc.lines_of_business.append({k: v for k, v in rec.items() if v is not None})
            _where(doc, "lines_of_business", line)
        for s in a.systems.values():
            data = {"personal_data": s.data.personal_data, "api": s.data.api,
                    "export_formats": list(s.data.export_formats),
                    "open_standards": list(s.data.open_standards)}
            rec = {"id": s.id, "name": s.name, "product": s.product, "vendor": s.vendor,
                   "version": s.version, "hosting": s.hosting, "status": s.status,
                   "introduced": s.introduced, "end_of_support": s.end_of_support,
                   "supports": list(s.supports),
                   "depends_on": [{k: v for k, v in (("system", d.target), ("via", d.via)) if v}
                                  for d in s.depends_on],
                   "data": data, "annual_cost": _money(s.annual_cost), "users": s.users,
                   "criticality": s.criticality, "owner": s.owner, **s.extra}
            doc.systems.append(clean_system(rec))
            _where(doc, "systems", s)
        for c in a.contracts.values():
            rec = {"id": c.id, "supplier": c.supplier, "covers": list(c.covers), "start": c.start,
                   "end": c.end, "extension_until": c.extension_until,
                   "notice_months": c.notice_months, "annual_value": _money(c.annual_value),
                   "total_value": _money(c.total_value), "route": c.route,
                   "framework": c.framework, "sme": c.sme,
                   "procurement_started": c.procurement_started, **c.extra}
            doc.contracts.append(clean_contract(rec))
            _where(doc, "contracts", c)
        docs[a.id] = doc
    return docs


def _where(doc: AuthorityDoc, section: str, record) -> None:
    if record.src is not None:
        doc.origin[(section, record.id)] = [f"from: {record.src.file}"]


# ------------------------------------------------------------------------- comparing
def _flat(record: dict, section: str) -> dict:
    """Field -> comparable value; blank, [] and absent are the same."""
    out = {}
    for k, v in record.items():
        if k == "data" and isinstance(v, dict):
            for dk, dv in v.items():
                out[f"data.{dk}"] = dv
        elif k == "depends_on" and isinstance(v, list):
            out[k] = [f"{d.get('system')} ({d['via']})" if d.get("via") else str(d.get("system"))
                      for d in v if isinstance(d, dict)] or None
        else:
            out[k] = v
    for k in list(out):
        if out[k] in (None, "", []):
            out[k] = None
        elif isinstance(out[k], float) and out[k].is_integer():
            out[k] = int(out[k])
    if section == "systems" and out.get("status") is None:
        out["status"] = "live"
    return out


def show(value) -> str:
    if value is None:
        return "(blank)"
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_LABEL = {"lines_of_business": "line of business", "systems": "system", "contracts": "contract"}


def compare(old: dict, new: dict, complete: bool = False) -> list[str]:
    """Per-record, per-field changes from ``old`` docs to ``new`` docs.

    Only the authorities (and sections) the new docs cover are compared, unless
    ``complete``: then an authority missing from ``new`` is reported as removed.
    """
    changes: list[str] = []
    for aid in sorted(set(old) | set(new)):
        o, n = old.get(aid), new.get(aid)
        if n is None:
            if complete:
                changes.append(f"{aid}: authority removed ({len(o.systems)} system(s), "
                               f"{len(o.contracts)} contract(s))")
            continue
        if o is None:
            changes.append(f"{aid}: authority added ({len(n.systems)} system(s), "
                           f"{len(n.contracts)} contract(s))")
            continue
        oh, nh = _flat(o.authority, "authority"), _flat(n.authority, "authority")
        for k in [k for k in AUTHORITY_ORDER if k in oh or k in nh] + \
                sorted(k for k in set(oh) | set(nh) if k not in AUTHORITY_ORDER):
            if k == "partnerships" and nh.get(k) is None:
                continue                      # not every source knows partnerships
            if oh.get(k) != nh.get(k):
                changes.append(f"{aid}: {k} {show(oh.get(k))} -> {show(nh.get(k))}")
        for section in SECTIONS:
            if section not in n.sections:
                continue
            orecs = {r["id"]: r for r in getattr(o, section)}
            nrecs = {r["id"]: r for r in getattr(n, section)}
            label = _LABEL[section]
            for rid in nrecs:
                if rid not in orecs:
                    changes.append(f"{aid}/{rid}: {label} added")
                    continue
                of, nf = _flat(orecs[rid], section), _flat(nrecs[rid], section)
                for k in _keys(of, nf, section):
                    if of.get(k) != nf.get(k):
                        prefix = f"{aid}/{rid}" if section != "lines_of_business" else \
                            f"{aid}: line of business {rid}"
                        changes.append(f"{prefix}: {k} {show(of.get(k))} -> {show(nf.get(k))}")
            for rid in orecs:
                if rid not in nrecs:
                    changes.append(f"{aid}/{rid}: {label} removed")
    return changes


def _keys(a: dict, b: dict, section: str) -> list:
    order = {"systems": SYSTEM_ORDER, "contracts": CONTRACT_ORDER,
             "lines_of_business": LINE_ORDER}[section]
    rank = {k: i for i, k in enumerate(order)}
    keys = set(a) | set(b)
    return sorted(keys, key=lambda k: (rank.get(k.split(".")[0], len(order)), k))


def keep_extensions(new: dict, old: dict) -> int:
    """Copy extension keys (unknown to SPEC, e.g. ``notes``) that the import cannot carry
    from the old records into the new ones with the same id.  Returns how many."""
    known = {"systems": set(SYSTEM_ORDER), "contracts": set(CONTRACT_ORDER),
             "lines_of_business": set(LINE_ORDER)}
    kept = 0
    for aid, n in new.items():
        o = old.get(aid)
        if o is None:
            continue
        for k, v in o.authority.items():
            if k not in AUTHORITY_ORDER and k not in n.authority:
                n.authority[k] = v
                kept += 1
        for section in SECTIONS:
            orecs = {r["id"]: r for r in getattr(o, section)}
            for rec in getattr(n, section):
                old_rec = orecs.get(rec["id"])
                if not old_rec:
                    continue
                for k, v in old_rec.items():
                    if k not in known[section] and k not in rec:
                        rec[k] = v
                        kept += 1
    return kept


# --------------------------------------------------------------------- writing files
@dataclass
class FileChange:
    path: Path
    old: Optional[str]          # None: a new file
    new: Optional[str]          # None: set aside (renamed to path + ".replaced")

    @property
    def status(self) -> str:
        if self.new is None:
            return "replaced"
        if self.old is None:
            return "new"
        return "unchanged" if self.old == self.new else "changed"

    def diff(self) -> str:
        if self.new is None:
            return (f"--- {self.path}\n+++ {self.path}.replaced\n"
                    f"@@ set aside: its records are now in the imported files @@\n")
        lines = difflib.unified_diff((self.old or "").splitlines(keepends=True),
                                     self.new.splitlines(keepends=True),
                                     fromfile=str(self.path) if self.old is not None else "/dev/null",
                                     tofile=str(self.path))
        return "".join(lines)


@dataclass
class Plan:
    files: list = field(default_factory=list)     # [FileChange]

    @property
    def overwrites(self) -> list:
        return [f for f in self.files if f.status in ("changed", "replaced")]

    @property
    def pending(self) -> list:
        return [f for f in self.files if f.status != "unchanged"]

    def diff(self) -> str:
        return "".join(f.diff() for f in self.files if f.status in ("changed", "replaced", "new"))


def target_path(outdir: Path, doc: AuthorityDoc, layout: str) -> Path:
    if layout == "whole":
        return outdir / f"{safe_name(doc.id)}.yaml"
    suffix = doc.sections[0].replace("lines_of_business", "lines") if doc.sections else "inventory"
    return outdir / f"{safe_name(doc.id)}-{suffix}.yaml"


def header_lines(result: ImportResult) -> list[str]:
    return [f"Written by `{result.command}` from {result.source}.",
            "Each record says where it came from (# from: ...); check it, then keep this file "
            "under version control."]


def existing_docs(paths) -> dict:
    """The authority documents of existing inventories, as dicts (for comparing)."""
    from estate.model import load
    estate = load([str(p) for p in paths])
    return docs_from_estate(estate)


def refuse_link(path) -> None:
    """Refuse to read (for the diff) or write through a symbolic link in the output folder."""
    if os.path.islink(path):
        raise OutputError(f"{path} is a symbolic link; an import neither shows nor writes the file "
                          "it points to", hint="remove the link, or import into another folder")


def change_to(path: Path, text: str) -> FileChange:
    """The change that writes ``text`` to ``path``, with what is there now (never read
    through a link)."""
    refuse_link(path)
    return FileChange(path, path.read_text(encoding="utf-8") if path.exists() else None, text)


def plan(result: ImportResult, outdir, force: bool = False) -> Plan:
    """The files an import writes into ``outdir``, and what happens to existing ones."""
    outdir = Path(outdir)
    header = header_lines(result)
    out = Plan()
    targets = {}
    for aid in sorted(result.docs):
        doc = result.docs[aid]
        path = target_path(outdir, doc, result.layout)
        targets[os.path.normpath(path)] = change_to(path, render(doc, header))
    # other files in outdir that define records of the imported sections of these authorities
    if outdir.exists():
        for file in discover([str(outdir)]):
            if os.path.normpath(file) in targets:
                continue
            parsed = parse_file(file)
            hit, other = False, False
            for _, data in parsed.docs:
                if not isinstance(data, dict):
                    other = True
                    continue
                aid = (data.get("authority") or {}).get("id") if isinstance(data.get("authority"), dict) else None
                doc = result.docs.get(aid) if data.get("kind") == "authority" else None
                if doc is None:
                    other = True
                    continue
                holds = [s for s in SECTIONS if data.get(s)]
                if any(s in doc.sections for s in holds):
                    hit = True
                    if any(s not in doc.sections for s in holds):
                        other = True
            if hit and other:
                raise UsageError(
                    f"{file} holds records this import replaces together with records it does "
                    "not (another authority, a catalogue, or another section)",
                    hint="import into a new, empty folder and compare with --against "
                         f"{outdir}, or split {file} so that each file holds one authority")
            if hit:
                out.files.append(FileChange(Path(file), Path(file).read_text(encoding="utf-8"), None))
    out.files.extend(targets[k] for k in sorted(targets))
    return out


def apply(p: Plan) -> list[Path]:
    """Write the plan: new and changed files atomically, replaced files set aside."""
    written = []
    for f in p.files:
        refuse_link(f.path)
        if f.status == "replaced":
            os.replace(f.path, str(f.path) + ".replaced")
            written.append(Path(str(f.path) + ".replaced"))
        elif f.status in ("new", "changed"):
            write_text(f.path, f.new)
            written.append(f.path)
    return written


# ------------------------------------------------------------------- checking output
def check(result: ImportResult, outdir, extra_paths: Iterable = ()) -> list:
    """Validate the documents an import would write, as ``estate validate`` would.

    The documents are rendered and validated in memory together with the shipped
    catalogue and the ``kind: catalogue`` documents found under ``extra_paths`` (the
    user's own catalogue: partnerships, local vendors).  Returns the problems (errors
    and warnings), each message prefixed with where the record came from.
    """
    from estate.model.catalogue import default_catalogue_files
    from estate.model.loader import ParsedFile, parse_text
    from estate.model.validate import build_estate

    outdir = Path(outdir)
    header = header_lines(result)
    parsed, where = [], {}
    for aid in sorted(result.docs):
        doc = result.docs[aid]
        path = str(target_path(outdir, doc, result.layout))
        parsed.append(parse_text(render(doc, header), path))
        where[path] = doc
    catalogues = []
    for file in discover([str(p) for p in extra_paths if Path(p).exists()]) if extra_paths else []:
        p = parse_file(file)
        docs = [(i, d) for i, d in p.docs if isinstance(d, dict) and d.get("kind") == "catalogue"]
        if docs:
            catalogues.append(ParsedFile(file, docs))
    defaults = [parse_file(f) for f in default_catalogue_files()]
    estate = build_estate(catalogues + parsed, defaults)
    problems = []
    for p in estate.problems:
        if p.severity == "info" or p.file not in where:
            continue
        doc = where[p.file]
        origin = []
        if p.where and len(p.where) >= 2 and p.where[0] in SECTIONS and isinstance(p.where[1], int):
            records = getattr(doc, p.where[0])
            if p.where[1] < len(records):
                origin = doc.origin.get((p.where[0], records[p.where[1]].get("id")), [])
        elif p.where and p.where[0] == "authority":
            origin = doc.origin.get(("authority", doc.id), [])
        p.message = (f"{origin[0][len('from: '):]}: " if origin else "") + p.message
        problems.append(p)
    return problems
