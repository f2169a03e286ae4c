"""The estate as an ArchiMate 3.1 model: Open Exchange Format XML (and, through
:mod:`estate.interchange.archi_csv`, Archi's CSV files).

Mapping (every pair is allowed by the ArchiMate 3.1 relationship table, Appendix B):

====================================  ===========================================================
estate                                ArchiMate
====================================  ===========================================================
authority                             BusinessActor
partnership (with members present)    BusinessCollaboration, Aggregation -> each member authority
line of business (taxonomy or local)  Capability; a taxonomy ``function`` is a Capability too,
                                      with Composition -> its lines
authority lists a line                Association authority -> Capability ("delivers"; delivery,
                                      statutory as properties)
system                                ApplicationComponent (product, vendor, version, hosting,
                                      status, dates, cost... as properties)
system serves its council             Serving system -> authority
system supports a line                Realization system -> Capability
``depends_on``                        Flow system -> the system it depends on, named
                                      "depends on (via)", with a ``Via`` property.  The direction is
                                      the dependency's, not necessarily the way data moves
vendor / supplier                     BusinessActor with ``Role: vendor``; catalogue vendors by id,
                                      unmatched names by their text; Association vendor -> system
                                      ("supplies")
contract                              Contract (dates, values, route as properties); Association
                                      authority -> contract ("holds"), contract -> system
                                      ("covers"), contract -> supplier ("supplied by")
====================================  ===========================================================

Suppliers are BusinessActors rather than Groupings: Archi draws and relates actors to
application components and contracts naturally, and a Grouping would stand for a set of
elements, not an organisation.

Identifiers are deterministic: ``id-`` + the kind + the estate id with ``/`` written as
``--`` (``id-system-northbrook--nb-academy``), restricted to ``[A-Za-z0-9._-]`` so that
they are XML NCNames and acceptable to Archi's CSV importer.  The same estate gives the
same file, byte for byte.

No views (diagrams) are written: Archi and other tools open the model and let the
architect lay out the views they need.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from estate import __version__
from estate.interchange.targets import check_target
from estate.interchange.values import slugify, strip_control
from estate.output import write_bytes

NS = "http://www.opengroup.org/xsd/archimate/3.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SCHEMA_LOCATION = f"{NS} http://www.opengroup.org/xsd/archimate/3.1/archimate3_Model.xsd"

#: the relationships this export writes, per (source type, target type); all are in the
#: ArchiMate 3.1 relationship table
ALLOWED = {
    ("BusinessCollaboration", "BusinessActor"): {"Aggregation"},
    ("Capability", "Capability"): {"Composition"},
    ("BusinessActor", "Capability"): {"Association"},
    ("ApplicationComponent", "BusinessActor"): {"Serving"},
    ("ApplicationComponent", "Capability"): {"Realization"},
    ("ApplicationComponent", "ApplicationComponent"): {"Flow"},
    ("BusinessActor", "ApplicationComponent"): {"Association"},
    ("BusinessActor", "Contract"): {"Association"},
    ("Contract", "ApplicationComponent"): {"Association"},
    ("Contract", "BusinessActor"): {"Association"},
}

_BAD = re.compile(r"[^A-Za-z0-9._-]")


@dataclass
class Concept:
    id: str
    type: str
    name: str
    documentation: str = ""
    properties: list = field(default_factory=list)     # [(key, value)]
    source: Optional[str] = None                         # relationships only
    target: Optional[str] = None


@dataclass
class Model:
    id: str
    name: str
    documentation: str
    elements: list = field(default_factory=list)
    relationships: list = field(default_factory=list)

    def property_keys(self) -> list:
        keys: dict = {}
        for concept in self.elements + self.relationships:
            for k, v in concept.properties:
                keys.setdefault(k, _kind_of(v))
        return list(keys.items())


def _kind_of(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, dt.date):
        return "date"
    return "string"


def text(value) -> str:
    """A property value or name as XML-safe text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (list, tuple)):
        value = ", ".join(map(str, value))
    if isinstance(value, dt.date):
        value = value.isoformat()
    return strip_control(str(value))


class _Ids:
    """Deterministic, unique NCName identifiers made from estate ids."""

    def __init__(self):
        self.used: dict = {}

    def __call__(self, *parts: str) -> str:
        key = "\x00".join(parts)
        ident = "id-" + "-".join(_BAD.sub("_", str(p).replace("/", "--")) for p in parts)
        owner = self.used.setdefault(ident, key)
        if owner != key:
            ident = f"{ident}-{hashlib.sha1(key.encode()).hexdigest()[:8]}"
            self.used.setdefault(ident, key)
        return ident


def _props(pairs) -> list:
    return [(k, v) for k, v in pairs if v not in (None, "", [])]


def build_model(estate, name: Optional[str] = None) -> Model:
    """The ArchiMate concepts of an estate (library call; see :func:`to_xml`)."""
    ids = _Ids()
    names = sorted(a.name for a in estate.authorities.values())
    model = Model(id=ids("model", "estate"),
                  name=name or ("IT estate: " + ", ".join(names[:4]) + (" ..." if len(names) > 4 else "")),
                  documentation=f"Exported by estate {__version__} from {len(estate.authorities)} "
                                "authority inventories (SPEC.md format).")
    elements: dict = {}
    rels: dict = {}

    def element(eid, etype, ename, doc="", props=()):
        if eid not in elements:
            elements[eid] = Concept(eid, etype, ename, doc, _props(props))
        return eid

    def relate(rtype, source, target, rname="", props=(), label=None):
        stype, ttype = elements[source].type, elements[target].type
        if rtype not in ALLOWED.get((stype, ttype), ()):
            raise ValueError(f"{rtype} from {stype} to {ttype} is not in the mapping")
        rid = ids("rel", label or rtype.lower(), source[3:], target[3:])
        if rid not in rels:
            rels[rid] = Concept(rid, rtype, rname, "", _props(props), source, target)
        return rid

    cat = estate.catalogue
    functions: dict = {}

    def capability(authority, line_id):
        local = authority.lines.get(line_id)
        tax_id = local.taxonomy_id if local else (line_id if line_id in cat.lines_of_business else None)
        if tax_id:
            line = cat.lines_of_business[tax_id]
            cid = element(ids("line", tax_id), "Capability", line.name,
                          f"Line of business from the shared taxonomy ({line.function}).",
                          [("estate id", tax_id), ("Function", line.function),
                           ("LGSL", ", ".join(map(str, line.lgsl)) or None),
                           ("Statutory", line.statutory)])
            if line.function:
                fid = functions.get(line.function)
                if fid is None:
                    fid = functions[line.function] = element(
                        ids("function", slugify(line.function)), "Capability", line.function,
                        "A council function: the lines of business it groups.",
                        [("estate id", slugify(line.function))])
                relate("Composition", fid, cid)
            return cid
        return element(ids("line", authority.id, line_id), "Capability",
                       (local.name if local and local.name else estate.line_name(line_id)),
                       f"Local line of business of {authority.name}, not mapped to the taxonomy.",
                       [("estate id", f"{authority.id}/{line_id}")])

    suppliers: dict = {}

    def supplier(vendor_id, text_name):
        if vendor_id and vendor_id in cat.vendors:
            v = cat.vendors[vendor_id]
            return element(ids("vendor", vendor_id), "BusinessActor", v.name,
                           "Vendor or supplier (catalogue).",
                           [("Role", "vendor"), ("estate id", vendor_id), ("SME", v.sme),
                            ("Aliases", ", ".join(v.aliases) or None)])
        if not text_name:
            return None
        key = slugify(text_name)
        if key not in suppliers:
            suppliers[key] = element(ids("supplier", key), "BusinessActor", text_name,
                                     "Vendor or supplier named in the inventories (not in the catalogue).",
                                     [("Role", "vendor")])
        return suppliers[key]

    for a in estate.authorities.values():
        aid = element(ids("authority", a.id), "BusinessActor", a.name,
                      "UK local authority.",
                      [("estate id", a.id), ("Type", a.type), ("Region", a.region),
                       ("GSS code", a.gss_code)])
        for line in a.lines.values():
            cap = capability(a, line.id)
            relate("Association", aid, cap, "delivers",
                   [("Delivery", line.delivery), ("Statutory", line.statutory),
                    ("Listed", "no (implied by a system)" if line.implicit else None)],
                   label="delivers")
    for p in cat.partnerships.values():
        members = [m for m in p.members if m in estate.authorities]
        if not members:
            continue
        pid = element(ids("partnership", p.id), "BusinessCollaboration", p.name,
                      f"Partnership ({p.kind}).", [("estate id", p.id), ("Kind", p.kind)])
        for m in members:
            relate("Aggregation", pid, ids("authority", m))

    for a in estate.authorities.values():
        aid = ids("authority", a.id)
        for s in a.systems.values():
            product = cat.products.get(s.product_id) if s.product_id else None
            doc = " ".join(filter(None, [
                f"{s.product}" + (f" by {s.vendor}" if s.vendor else "") + "." if s.product else None,
                "Bespoke or built in house." if s.bespoke else None]))
            sid = element(ids("system", s.qid), "ApplicationComponent", s.name, doc, [
                ("estate id", s.qid), ("Product", s.product), ("Vendor", s.vendor),
                ("Catalogue product", product.name if product else None),
                ("Version", s.version), ("Hosting", s.hosting), ("Status", s.status),
                ("Introduced", s.introduced), ("End of support", s.end_of_support),
                ("Annual cost", s.annual_cost), ("Users", s.users),
                ("Criticality", s.criticality), ("Owner", s.owner),
                ("Personal data", s.data.personal_data), ("API", s.data.api),
                ("Export formats", ", ".join(s.data.export_formats) or None),
                ("Open standards", ", ".join(s.data.open_standards) or None)])
            relate("Serving", sid, aid, "serves")
            for line_id in s.supports:
                relate("Realization", sid, capability(a, line_id), "supports")
            if not s.bespoke:
                vid = supplier(s.vendor_id, s.vendor)
                if vid:
                    relate("Association", vid, sid, "supplies", label="supplies")
    for a in estate.authorities.values():
        for s in a.systems.values():
            for d in s.depends_on:
                target = estate.system(d.qid)
                if target is None:
                    continue
                relate("Flow", ids("system", s.qid), ids("system", target.qid),
                       f"depends on ({d.via})" if d.via else "depends on", [("Via", d.via)])
        aid = ids("authority", a.id)
        for c in a.contracts.values():
            cid = element(ids("contract", c.qid), "Contract", f"{c.id} {c.supplier}".strip(),
                          f"Contract of {a.name} with {c.supplier}.", [
                              ("estate id", c.qid), ("Supplier", c.supplier), ("Start", c.start),
                              ("End", c.end), ("Extension until", c.extension_until),
                              ("Notice months", c.notice_months), ("Annual value", c.annual_value),
                              ("Total value", c.total_value), ("Route", c.route),
                              ("Framework", c.framework), ("SME", c.sme),
                              ("Procurement started", c.procurement_started)])
            relate("Association", aid, cid, "holds", label="holds")
            for sys_id in c.covers:
                target = estate.system(sys_id if "/" in sys_id else f"{a.id}/{sys_id}")
                if target is not None:
                    relate("Association", cid, ids("system", target.qid), "covers", label="covers")
            vid = supplier(c.vendor_id, c.supplier)
            if vid:
                relate("Association", cid, vid, "supplied by", label="supplied-by")
    order = {"BusinessActor": 0, "BusinessCollaboration": 1, "Capability": 2, "Contract": 3,
             "ApplicationComponent": 4}
    model.elements = sorted(elements.values(), key=lambda e: (order.get(e.type, 9), e.id))
    model.relationships = sorted(rels.values(), key=lambda r: r.id)
    return model


def to_xml(model: Model) -> bytes:
    """The model as Open Exchange Format XML (UTF-8), deterministic."""
    ET.register_namespace("", NS)
    ET.register_namespace("xsi", XSI)
    q = lambda tag: f"{{{NS}}}{tag}"  # noqa: E731
    root = ET.Element(q("model"), {"identifier": model.id,
                                   f"{{{XSI}}}schemaLocation": SCHEMA_LOCATION})
    ET.SubElement(root, q("name"), {XML_LANG: "en"}).text = text(model.name)
    ET.SubElement(root, q("documentation"), {XML_LANG: "en"}).text = text(model.documentation)
    keys = model.property_keys()
    prop_ids = {k: f"propid-{i}" for i, (k, _) in enumerate(keys, start=1)}

    def properties(parent, concept):
        if not concept.properties:
            return
        block = ET.SubElement(parent, q("properties"))
        for k, v in concept.properties:
            prop = ET.SubElement(block, q("property"), {"propertyDefinitionRef": prop_ids[k]})
            ET.SubElement(prop, q("value"), {XML_LANG: "en"}).text = text(v)

    elements = ET.SubElement(root, q("elements"))
    for e in model.elements:
        node = ET.SubElement(elements, q("element"), {"identifier": e.id, f"{{{XSI}}}type": e.type})
        ET.SubElement(node, q("name"), {XML_LANG: "en"}).text = text(e.name)
        if e.documentation:
            ET.SubElement(node, q("documentation"), {XML_LANG: "en"}).text = text(e.documentation)
        properties(node, e)
    if model.relationships:
        relationships = ET.SubElement(root, q("relationships"))
        for r in model.relationships:
            node = ET.SubElement(relationships, q("relationship"), {
                "identifier": r.id, "source": r.source, "target": r.target,
                f"{{{XSI}}}type": r.type})
            if r.name:
                ET.SubElement(node, q("name"), {XML_LANG: "en"}).text = text(r.name)
            properties(node, r)
    if keys:
        defs = ET.SubElement(root, q("propertyDefinitions"))
        for k, kind in keys:
            d = ET.SubElement(defs, q("propertyDefinition"), {"identifier": prop_ids[k], "type": kind})
            ET.SubElement(d, q("name"), {XML_LANG: "en"}).text = k
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def write_archimate(estate, dest, name: Optional[str] = None) -> Model:
    """Write the estate as an Open Exchange Format file (atomically); the folder must exist."""
    check_target(Path(dest), ".xml file")
    model = build_model(estate, name)
    write_bytes(dest, to_xml(model))
    return model
