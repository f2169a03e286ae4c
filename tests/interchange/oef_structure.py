"""A structural check of ArchiMate 3.1 Open Exchange Format files, for the tests.

The Open Group's XSDs (archimate3_Model.xsd and friends) are not shipped by any package
this project can install, and their licence ("All Rights Reserved") does not let us copy
them in.  This checker tests what those schemas require of the parts our export writes,
written from the published schema structure and the ArchiMate 3.1 specification:

* root ``model`` in namespace ``http://www.opengroup.org/xsd/archimate/3.0/`` with an
  ``identifier``; children in the schema's order (name, documentation, properties,
  metadata, elements, relationships, organizations, propertyDefinitions, views), at
  least one ``name``;
* every ``element`` and ``relationship`` has an ``identifier`` and an ``xsi:type`` from the
  ArchiMate 3.1 lists; elements have a ``name``; children in order (name, documentation,
  properties);
* identifiers are NCNames (xs:ID) and unique across the document; ``source``, ``target``
  (xs:IDREF) and ``propertyDefinitionRef`` point at existing identifiers of the right kind;
* every relationship is allowed between its source and target types by the ArchiMate
  3.1 relationship table (Appendix B), for the type pairs listed in :data:`RULES`; a pair
  not listed there fails, so a new kind of relationship needs its rule added here;
* property definitions have a ``name`` and a ``type`` from the schema's DataType list.
"""

from __future__ import annotations

import re

from lxml import etree

NS = "http://www.opengroup.org/xsd/archimate/3.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")

ELEMENT_TYPES = {
    # business
    "BusinessActor", "BusinessRole", "BusinessCollaboration", "BusinessInterface",
    "BusinessProcess", "BusinessFunction", "BusinessInteraction", "BusinessEvent",
    "BusinessService", "BusinessObject", "Contract", "Representation", "Product",
    # application
    "ApplicationComponent", "ApplicationCollaboration", "ApplicationInterface",
    "ApplicationFunction", "ApplicationInteraction", "ApplicationProcess", "ApplicationEvent",
    "ApplicationService", "DataObject",
    # technology and physical
    "Node", "Device", "SystemSoftware", "TechnologyCollaboration", "TechnologyInterface", "Path",
    "CommunicationNetwork", "TechnologyFunction", "TechnologyProcess", "TechnologyInteraction",
    "TechnologyEvent", "TechnologyService", "Artifact", "Equipment", "Facility",
    "DistributionNetwork", "Material",
    # motivation, strategy, implementation and migration, other
    "Stakeholder", "Driver", "Assessment", "Goal", "Outcome", "Principle", "Requirement",
    "Constraint", "Meaning", "Value", "Resource", "Capability", "ValueStream", "CourseOfAction",
    "WorkPackage", "Deliverable", "ImplementationEvent", "Plateau", "Gap", "Grouping", "Location",
    "AndJunction", "OrJunction",
}
RELATIONSHIP_TYPES = {"Composition", "Aggregation", "Assignment", "Realization", "Serving",
                      "Access", "Influence", "Triggering", "Flow", "Specialization", "Association"}
DATA_TYPES = {"string", "boolean", "currency", "date", "time", "number"}
LETTERS = {"a": "Access", "c": "Composition", "f": "Flow", "g": "Aggregation", "i": "Assignment",
           "n": "Influence", "o": "Association", "r": "Realization", "s": "Specialization",
           "t": "Triggering", "v": "Serving"}
#: ArchiMate 3.1 Appendix B: relationships allowed from a source type to a target type
RULES = {
    ("ApplicationComponent", "ApplicationComponent"): "cfgorstv",
    ("ApplicationComponent", "Capability"): "or",
    ("ApplicationComponent", "BusinessActor"): "fotv",
    ("BusinessActor", "ApplicationComponent"): "fotv",
    ("BusinessActor", "BusinessActor"): "cfgostv",
    ("BusinessActor", "Capability"): "or",
    ("BusinessActor", "Contract"): "ao",
    ("BusinessCollaboration", "BusinessActor"): "fgotv",
    ("Capability", "Capability"): "cfgostv",
    ("Contract", "ApplicationComponent"): "o",
    ("Contract", "BusinessActor"): "o",
}
MODEL_ORDER = ["name", "documentation", "properties", "metadata", "elements", "relationships",
               "organizations", "propertyDefinitions", "views"]
CONCEPT_ORDER = ["name", "documentation", "properties"]


def _local(node) -> str:
    return etree.QName(node).localname


def _in_order(children: list, order: list) -> bool:
    ranks = [order.index(c) if c in order else -1 for c in children]
    return -1 not in ranks and ranks == sorted(ranks)


def check(xml: bytes) -> list[str]:
    """Every way ``xml`` breaks the structure the exchange schema requires ([] if none)."""
    errors: list[str] = []
    root = etree.fromstring(xml)
    if root.tag != f"{{{NS}}}model":
        return [f"root is {root.tag}, not {{{NS}}}model"]
    kids = [_local(c) for c in root if isinstance(c.tag, str)]
    if any(etree.QName(c).namespace != NS for c in root if isinstance(c.tag, str)):
        errors.append("a child of model is outside the archimate namespace")
    if not _in_order(kids, MODEL_ORDER):
        errors.append(f"model children out of schema order: {kids}")
    if "name" not in kids:
        errors.append("model has no name")
    ids: dict[str, str] = {}

    def identify(node, kind):
        ident = node.get("identifier")
        if not ident:
            errors.append(f"a {kind} has no identifier")
            return None
        if not NCNAME.match(ident):
            errors.append(f"identifier {ident!r} is not an NCName")
        if ident in ids:
            errors.append(f"identifier {ident!r} is used twice")
        ids[ident] = kind
        return ident

    identify(root, "model")
    defs = root.find(f"{{{NS}}}propertyDefinitions")
    for d in [] if defs is None else defs:
        identify(d, "propertyDefinition")
        if d.get("type") not in DATA_TYPES:
            errors.append(f"property definition {d.get('identifier')} has type {d.get('type')!r}")
        if d.find(f"{{{NS}}}name") is None or not (d.find(f"{{{NS}}}name").text or "").strip():
            errors.append(f"property definition {d.get('identifier')} has no name")
    types: dict[str, str] = {}
    elements = root.find(f"{{{NS}}}elements")
    for e in [] if elements is None else elements:
        if _local(e) != "element":
            errors.append(f"elements holds a {_local(e)}")
            continue
        ident = identify(e, "element")
        etype = e.get(f"{{{XSI}}}type")
        if etype not in ELEMENT_TYPES:
            errors.append(f"element {ident} has xsi:type {etype!r}, not an ArchiMate 3.1 element")
        types[ident] = etype
        children = [_local(c) for c in e]
        if not _in_order(children, CONCEPT_ORDER) or "name" not in children:
            errors.append(f"element {ident} children {children} are not name+, documentation*, properties?")
    relationships = root.find(f"{{{NS}}}relationships")
    for r in [] if relationships is None else relationships:
        ident = identify(r, "relationship")
        rtype = r.get(f"{{{XSI}}}type")
        if rtype not in RELATIONSHIP_TYPES:
            errors.append(f"relationship {ident} has xsi:type {rtype!r}")
        children = [_local(c) for c in r]
        if not _in_order(children, CONCEPT_ORDER):
            errors.append(f"relationship {ident} children {children} out of order")
        source, target = r.get("source"), r.get("target")
        if source not in types or target not in types:
            errors.append(f"relationship {ident} joins {source} -> {target}, not both elements")
            continue
        allowed = {LETTERS[c] for c in RULES.get((types[source], types[target]), "")}
        if rtype not in allowed:
            errors.append(f"relationship {ident}: {rtype} from {types[source]} to {types[target]} "
                          "is not allowed by ArchiMate 3.1")
    for prop in root.iter(f"{{{NS}}}property"):
        ref = prop.get("propertyDefinitionRef")
        if ids.get(ref) != "propertyDefinition":
            errors.append(f"property refers to {ref!r}, which is not a property definition")
        if prop.find(f"{{{NS}}}value") is None:
            errors.append(f"property {ref} has no value")
    return errors
