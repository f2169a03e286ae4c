"""The estate as plain records.

Loading turns YAML documents into these dataclasses; analyses read them (usually
through the graph) and never see YAML.  Records use ``slots`` because a national
estate holds a hundred thousand systems.  Every record keeps ``src`` (file, document,
key path) so that a finding or problem can be traced back to its line.

Free-text names are kept exactly as written (``product``, ``vendor``, ``supplier``);
what they resolve to in the catalogue sits beside them (``product_id``, ``vendor_id``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional

AUTHORITY_TYPES = ("county", "district", "unitary", "metropolitan-district",
                   "london-borough", "combined-authority", "other")
DELIVERY = ("in-house", "outsourced", "shared-service", "not-delivered")
HOSTING = ("on-premise", "hosted", "saas", "cloud", "hybrid", "unknown")
STATUS = ("live", "planned", "retiring", "retired")
VIA = ("api", "file-transfer", "database-link", "manual", "sso", "other")
CRITICALITY = ("low", "medium", "high", "critical")
ROUTES = ("open-tender", "framework", "g-cloud", "direct-award", "shared-service", "other")
PARTNERSHIP_KINDS = ("shared-service", "combined-authority", "procurement-group", "other")


@dataclass(slots=True, frozen=True)
class Source:
    """Where a record was written: file, YAML document index, key path inside it."""

    file: str
    doc: int = 0
    where: tuple = ()

    def __init__(self, file: str, doc: int = 0, where: tuple = ()):
        # What the generated __init__ does, through the slots themselves rather than
        # object.__setattr__ (which a frozen dataclass uses): half the time, and there is
        # one Source per record and per dependency, 300,000 at 400 councils.
        _set_file(self, file)
        _set_doc(self, doc)
        _set_where(self, where)


_set_file, _set_doc, _set_where = Source.file.__set__, Source.doc.__set__, Source.where.__set__


@dataclass(slots=True)
class LineOfBusiness:
    """An entry of the shared taxonomy (catalogue)."""

    id: str
    name: str
    function: str = "Other"
    lgsl: list = field(default_factory=list)
    statutory: Optional[bool] = None
    src: Optional[Source] = None
    extra: dict = field(default_factory=dict)


@dataclass(slots=True)
class Vendor:
    id: str
    name: str
    aliases: list = field(default_factory=list)
    sme: Optional[bool] = None
    history: Optional[str] = None
    #: Companies House number ("01234567", "SC123456"): contracts naming it in
    #: ``supplier_company_number`` are matched to this vendor before any name matching
    company_number: Optional[str] = None
    src: Optional[Source] = None
    extra: dict = field(default_factory=dict)


@dataclass(slots=True)
class Product:
    id: str
    name: str
    vendor: Optional[str] = None
    aliases: list = field(default_factory=list)
    lines_of_business: list = field(default_factory=list)
    category: Optional[str] = None
    src: Optional[Source] = None
    extra: dict = field(default_factory=dict)


@dataclass(slots=True)
class Partnership:
    id: str
    name: str
    kind: str = "other"
    members: list = field(default_factory=list)
    src: Optional[Source] = None
    extra: dict = field(default_factory=dict)


@dataclass(slots=True)
class LocalLine:
    """A line of business as one authority lists it."""

    id: str
    name: Optional[str] = None
    maps_to: Optional[str] = None
    statutory: Optional[bool] = None
    delivery: Optional[str] = None
    taxonomy_id: Optional[str] = None     # resolved: the shared id, or None when local only
    implicit: bool = False                # not listed, but supported by a system
    src: Optional[Source] = None
    extra: dict = field(default_factory=dict)


@dataclass(slots=True)
class Dependency:
    target: str                           # as written
    qid: str                              # qualified <authority>/<system>
    via: Optional[str] = None
    resolved: bool = True
    src: Optional[Source] = None


@dataclass(slots=True)
class DataProfile:
    personal_data: Optional[bool] = None
    api: Optional[bool] = None
    export_formats: list = field(default_factory=list)
    open_standards: list = field(default_factory=list)


@dataclass(slots=True)
class System:
    authority: str
    id: str
    name: str
    supports: list = field(default_factory=list)      # ids as written (local or taxonomy)
    product: Optional[str] = None
    vendor: Optional[str] = None
    product_id: Optional[str] = None
    vendor_id: Optional[str] = None
    bespoke: bool = False
    version: Optional[str] = None
    hosting: Optional[str] = None
    status: str = "live"
    introduced: Optional[int] = None
    end_of_support: Optional[dt.date] = None
    depends_on: list = field(default_factory=list)    # [Dependency]
    data: DataProfile = field(default_factory=DataProfile)
    annual_cost: Optional[float] = None
    users: Optional[int] = None
    criticality: Optional[str] = None
    owner: Optional[str] = None
    #: the id of the system (same authority) planned to replace this one
    replaced_by: Optional[str] = None
    #: planned go-live of a planned system, and planned retirement
    go_live: Optional[dt.date] = None
    retire_by: Optional[dt.date] = None
    #: when ``vendor`` names a council or partnership in the inputs: its id.  A council
    #: named as the vendor of its own system makes the system in-house (``bespoke``).
    vendor_body: Optional[str] = None
    src: Optional[Source] = None
    extra: dict = field(default_factory=dict)

    @property
    def qid(self) -> str:
        return f"{self.authority}/{self.id}"


@dataclass(slots=True)
class Contract:
    authority: str
    id: str
    supplier: str
    #: None when unknown or rolling (SPEC 1.1): analyses that need an end do not judge it
    end: Optional[dt.date] = None
    vendor_id: Optional[str] = None
    covers: list = field(default_factory=list)        # system ids of the same authority
    start: Optional[dt.date] = None
    extension_until: Optional[dt.date] = None
    notice_months: Optional[int] = None
    annual_value: Optional[float] = None
    total_value: Optional[float] = None
    route: Optional[str] = None
    framework: Optional[str] = None
    sme: Optional[bool] = None
    procurement_started: Optional[dt.date] = None
    #: when the supplier is another council or a partnership in the inputs: its id
    supplier_body: Optional[str] = None
    #: the supplier's Companies House number, as written (upper case, no spaces)
    supplier_company_number: Optional[str] = None
    src: Optional[Source] = None
    extra: dict = field(default_factory=dict)

    @property
    def qid(self) -> str:
        return f"{self.authority}/{self.id}"

    @property
    def latest_end(self) -> Optional[dt.date]:
        """The latest date the contract can run to: the end, or the last extension; None
        when neither is known."""
        if self.end is None or self.extension_until is None:
            return self.end or self.extension_until
        return max(self.end, self.extension_until)


@dataclass(slots=True)
class Authority:
    id: str
    name: str
    type: Optional[str] = None
    region: Optional[str] = None
    gss_code: Optional[str] = None
    partnerships: list = field(default_factory=list)
    lines: dict = field(default_factory=dict)          # id -> LocalLine
    systems: dict = field(default_factory=dict)        # id -> System
    contracts: dict = field(default_factory=dict)      # id -> Contract
    files: list = field(default_factory=list)
    src: Optional[Source] = None
    extra: dict = field(default_factory=dict)

    def taxonomy_of(self, line_id: str) -> Optional[str]:
        """The shared taxonomy id a line id (as a system writes it) stands for."""
        line = self.lines.get(line_id)
        return line.taxonomy_id if line else None


@dataclass
class Catalogue:
    vendors: dict = field(default_factory=dict)        # id -> Vendor
    products: dict = field(default_factory=dict)       # id -> Product
    lines_of_business: dict = field(default_factory=dict)  # id -> LineOfBusiness
    partnerships: dict = field(default_factory=dict)   # id -> Partnership


@dataclass
class Estate:
    """Everything loaded: the catalogue, the authorities, and the problems found."""

    catalogue: Catalogue
    authorities: dict = field(default_factory=dict)    # id -> Authority, sorted by id
    problems: list = field(default_factory=list)       # [Problem], sorted
    files: list = field(default_factory=list)          # inventory files read

    def systems(self):
        for authority in self.authorities.values():
            yield from authority.systems.values()

    def contracts(self):
        for authority in self.authorities.values():
            yield from authority.contracts.values()

    def system(self, qid: str) -> Optional[System]:
        authority, _, sid = qid.partition("/")
        a = self.authorities.get(authority)
        return a.systems.get(sid) if a else None

    def contract(self, qid: str) -> Optional[Contract]:
        authority, _, cid = qid.partition("/")
        a = self.authorities.get(authority)
        return a.contracts.get(cid) if a else None

    def line_name(self, line_id: str) -> str:
        line = self.catalogue.lines_of_business.get(line_id)
        if line:
            return line.name
        for authority in self.authorities.values():
            local = authority.lines.get(line_id)
            if local and local.name:
                return local.name
        return line_id.replace("-", " ").capitalize()

    @property
    def errors(self) -> list:
        return [p for p in self.problems if p.severity == "error"]
