"""Checks across files: references between records, made once every file is read.

Each rule is one function, listed in :data:`AUTHORITY_RULES` (run for each authority, in
order) or :data:`ESTATE_RULES` (run once, after them).  A rule reports problems and
fills in what the reference resolves to (``LocalLine.taxonomy_id``, implicit lines,
``Dependency.resolved``, partnership members); it never removes a record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from estate.model import records as R
from estate.model.checks import Doc, did_you_mean
from estate.model.entities import Builder


@lru_cache(maxsize=1)
def _gss_codes() -> frozenset:
    """Current and former GSS codes of UK local authorities (package data)."""
    import csv
    from importlib import resources
    path = resources.files("estate") / "data" / "uk_local_authorities.csv"
    with path.open(encoding="utf-8") as f:
        return frozenset(row["gss_code"] for row in csv.DictReader(f) if row.get("gss_code"))


def doc_of(b: Builder, src: R.Source) -> Doc:
    """A :class:`Doc` that reports against the document ``src`` is in."""
    return Doc(b, src.file, src.doc)


@dataclass
class Context:
    """What every rule reads: the builder, its catalogue, and hints worked out once."""

    b: Builder
    unmapped: dict = field(default_factory=dict)     # local line id -> the hint of its W205

    @property
    def catalogue(self) -> R.Catalogue:
        return self.b.catalogue

    def systems(self, authority: R.Authority) -> list:
        """The authority's systems, and those checked but unlisted (duplicate or bad id)."""
        return [*authority.systems.values(),
                *(r for r in self.b.unlisted.get(authority.id, ()) if type(r) is R.System)]

    def contracts(self, authority: R.Authority) -> list:
        """The authority's contracts, and those checked but unlisted."""
        return [*authority.contracts.values(),
                *(r for r in self.b.unlisted.get(authority.id, ()) if type(r) is R.Contract)]


def check_catalogue(b: Builder) -> None:
    """Products name vendors and lines of business the catalogue defines."""
    cat = b.catalogue
    for p in cat.products.values():
        d = doc_of(b, p.src)
        if p.vendor and p.vendor not in cat.vendors:
            d.report("E143", f"product '{p.id}' names vendor '{p.vendor}', which is not in the "
                     "catalogue", p.src.where + ("vendor",), did_you_mean(p.vendor, cat.vendors))
        for j, lid in enumerate(p.lines_of_business):
            if lid not in cat.lines_of_business:
                d.report("E141", f"product '{p.id}' supports '{lid}', which is not in the "
                         "line-of-business taxonomy", p.src.where + ("lines_of_business", j),
                         did_you_mean(lid, cat.lines_of_business))


# --- rules for each authority -------------------------------------------------------------

def _authority_has_a_name(ctx: Context, authority: R.Authority) -> None:
    if not authority.name:
        doc_of(ctx.b, authority.src).report(
            "E120", f"authority '{authority.id}' is missing required field 'name'",
            authority.src.where, "give 'name' in at least one of its files")
        authority.name = authority.id


def _gss_code_is_known(ctx: Context, authority: R.Authority) -> None:
    if authority.gss_code and authority.gss_code not in _gss_codes():
        doc_of(ctx.b, authority.src).report(
            "W208", f"GSS code '{authority.gss_code}' of authority '{authority.id}' is not in the "
            "list of UK local authorities", ("authority", "gss_code"),
            "check the code (ONS GSS codes look like E09000007); the list is mySociety's "
            "uk_local_authority_names_and_codes, shipped in estate/data")


def _partnerships_exist(ctx: Context, authority: R.Authority) -> None:
    partnerships = ctx.catalogue.partnerships
    for j, pid in enumerate(authority.partnerships):
        if pid not in partnerships:
            doc_of(ctx.b, authority.src).report(
                "E142", f"authority '{authority.id}' belongs to partnership '{pid}', which no "
                "catalogue defines", ("authority", "partnerships", j),
                did_you_mean(pid, partnerships) or "define it under 'partnerships:' in a "
                "kind: catalogue document")


def _lines_map_to_taxonomy(ctx: Context, authority: R.Authority) -> None:
    """Local line ids map to the taxonomy (``taxonomy_id``), or are reported unmapped."""
    taxonomy = ctx.catalogue.lines_of_business
    for line in authority.lines.values():
        if line.maps_to:
            if line.maps_to in taxonomy:
                line.taxonomy_id = line.maps_to
            else:
                doc_of(ctx.b, line.src).report(
                    "E141", f"line of business '{line.id}' of '{authority.id}' maps to "
                    f"'{line.maps_to}', which is not in the taxonomy",
                    line.src.where + ("maps_to",), did_you_mean(line.maps_to, taxonomy))
        elif line.id in taxonomy:
            line.taxonomy_id = line.id
        else:
            d = doc_of(ctx.b, line.src)
            if not line.name:
                d.report("E120", f"line of business '{line.id}' of '{authority.id}' is not in "
                         "the taxonomy, so it needs a 'name'", line.src.where,
                         did_you_mean(line.id, taxonomy))
            hint = ctx.unmapped.get(line.id)
            if hint is None:      # once per distinct id: the taxonomy is the same for all
                hint = ctx.unmapped[line.id] = (
                    did_you_mean(line.id, taxonomy, "if it is the same, add maps_to:")
                    or "add maps_to: <taxonomy id> if one fits")
            d.report("W205", f"local line of business '{line.id}' of '{authority.id}' is not "
                     "mapped to the shared taxonomy, so it cannot be compared across councils",
                     line.src.where + ("id",), hint)


def _supported_lines_exist(ctx: Context, authority: R.Authority) -> None:
    """Each line a system supports is the authority's, or a taxonomy line (made implicit)."""
    taxonomy = ctx.catalogue.lines_of_business
    for system in ctx.systems(authority):
        for j, lid in enumerate(system.supports):
            if lid in authority.lines:
                continue
            if lid in taxonomy:
                authority.lines[lid] = R.LocalLine(id=lid, taxonomy_id=lid, implicit=True,
                                                   src=R.Source(system.src.file, system.src.doc,
                                                                system.src.where + ("supports", j)))
                doc_of(ctx.b, system.src).report(
                    "I301", f"system '{system.id}' of '{authority.id}' supports '{lid}', "
                    "which the authority does not list under lines_of_business",
                    system.src.where + ("supports", j),
                    "add it to lines_of_business to record how it is delivered")
                continue
            doc_of(ctx.b, system.src).report(
                "E141", f"system '{system.id}' of '{authority.id}' supports '{lid}', "
                "which is neither in the taxonomy nor in the authority's lines_of_business",
                system.src.where + ("supports", j),
                did_you_mean(lid, set(taxonomy) | set(authority.lines)) or
                "declare it under lines_of_business with a name")


def _dependencies_exist(ctx: Context, authority: R.Authority) -> None:
    authorities = ctx.b.authorities
    for system in ctx.systems(authority):
        for dep in system.depends_on:
            target_authority, _, target_system = dep.qid.partition("/")
            other = authorities.get(target_authority)
            if other is None:
                dep.resolved = False
                doc_of(ctx.b, system.src).report(
                    "W204", f"system '{system.id}' of '{authority.id}' depends on "
                    f"'{dep.target}', in authority '{target_authority}', which is not in "
                    "the inputs", dep.src.where + ("system",),
                    did_you_mean(target_authority, authorities,
                                 "if the authority is a typo, did you mean") or
                    "add that authority's inventory to the paths analysed")
            elif target_system not in other.systems:
                dep.resolved = False
                doc_of(ctx.b, system.src).report(
                    "E140", f"system '{system.id}' of '{authority.id}' depends on "
                    f"'{dep.target}', which does not exist", dep.src.where + ("system",),
                    did_you_mean(target_system, other.systems))


def _replacements_exist(ctx: Context, authority: R.Authority) -> None:
    """``replaced_by`` names another system of the same authority."""
    for system in ctx.systems(authority):
        target = system.replaced_by
        if target is None:
            continue
        if target == system.id:
            doc_of(ctx.b, system.src).report(
                "E140", f"system '{system.id}' of '{authority.id}' is replaced by itself",
                system.src.where + ("replaced_by",), "name the system that will replace it")
        elif target not in authority.systems:
            doc_of(ctx.b, system.src).report(
                "E140", f"system '{system.id}' of '{authority.id}' is replaced by '{target}', "
                "which is not a system of the same authority", system.src.where + ("replaced_by",),
                did_you_mean(target, authority.systems) or
                "add the replacement (status: planned) to the authority's systems")


def _covered_systems_exist(ctx: Context, authority: R.Authority) -> None:
    authorities = ctx.b.authorities
    for contract in ctx.contracts(authority):
        for j, sid in enumerate(contract.covers):
            if "/" in sid:
                owner, _, system = sid.partition("/")
                ok = owner in authorities and system in authorities[owner].systems
            else:
                ok = sid in authority.systems
            if not ok:
                doc_of(ctx.b, contract.src).report(
                    "E140", f"contract '{contract.id}' of '{authority.id}' covers system "
                    f"'{sid}', which does not exist", contract.src.where + ("covers", j),
                    did_you_mean(sid, authority.systems))


# --- rules over the whole estate ----------------------------------------------------------

def _partnership_membership_agrees(ctx: Context) -> None:
    """Partnership membership, both ways: listed members and authorities that say they belong."""
    authorities = ctx.b.authorities
    for partnership in ctx.catalogue.partnerships.values():
        for j, member in enumerate(partnership.members):
            if member not in authorities:
                if authorities:
                    doc_of(ctx.b, partnership.src).report(
                        "I302", f"partnership '{partnership.id}' lists '{member}', which is not in "
                        "the inputs; its findings cover only the members analysed",
                        partnership.src.where + ("members", j))
                continue
            if partnership.id not in authorities[member].partnerships:
                authorities[member].partnerships.append(partnership.id)
        for aid, authority in authorities.items():
            if partnership.id in authority.partnerships and aid not in partnership.members:
                partnership.members.append(aid)
                doc_of(ctx.b, authority.src).report(
                    "W207", f"authority '{aid}' says it belongs to partnership '{partnership.id}', "
                    "which does not list it as a member; it is treated as a member",
                    ("authority", "partnerships"), f"add {aid} to the members of '{partnership.id}'")


#: run for each authority, in this order (later rules see the lines earlier ones made)
AUTHORITY_RULES = (
    _authority_has_a_name,
    _gss_code_is_known,
    _partnerships_exist,
    _lines_map_to_taxonomy,
    _supported_lines_exist,
    _dependencies_exist,
    _replacements_exist,
    _covered_systems_exist,
)

#: run once, after the rules for each authority
ESTATE_RULES = (
    _partnership_membership_agrees,
)


def check_references(b: Builder) -> None:
    """Run every rule: :data:`AUTHORITY_RULES` per authority, then :data:`ESTATE_RULES`."""
    ctx = Context(b)
    for authority in b.authorities.values():
        for rule in AUTHORITY_RULES:
            rule(ctx, authority)
    for rule in ESTATE_RULES:
        rule(ctx)
