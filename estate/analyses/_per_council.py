"""Per-council findings kept between runs, so that after an edit only what depends on it
is worked out again.

Which analyses
--------------
Five findings are made council by council (:data:`PER_COUNCIL`): ``authorities``
(indicators), ``duplicates`` and ``complementary``, ``legacy_risks`` and the data-quality
checks (``_quality``).  Each of their modules has ``context`` (what is found once per
run), ``council`` (one council's part) and ``assemble`` (the parts in the finding's
order, exactly as one pass over the estate sorts them).  :func:`run` makes every
council's part, or takes it from a :class:`CouncilCache` when nothing it reads has
changed, and assembles the five findings.  The other analyses (consolidation, shared
products, procurement windows, supplier concentration, dependencies, the roadmap, the
summary) compare councils with one another and are worked out from the whole estate on
every run.

The key of a council's part
---------------------------
A part is reused only when the SHA-256 of everything it reads is unchanged:

- the analysis code: the sources of ``estate/analyses`` and ``estate/model``,
  ``estate/config.py`` and the packaged catalogue (``estate/data``), and the version;
- the settings (``Settings.as_dict``, ``as_of`` included);
- the path and digest of every shared file: files holding no council, and files holding
  catalogue entries (vendors, products, lines of business, partnerships);
- the path and digest of the council's own files (the paths are in the data-quality
  items);
- what it reads of other councils (:func:`reads`), value by value:

  * for each ``delivery: shared-service`` line, the partner councils' systems in service
    that support it (indicators, Q506);
  * the name of each of its lines not in the taxonomy (another council's line may name
    it) and the label of each taxonomy line it maps to (the first council to use a line
    missing from the taxonomy labels it);
  * the number of transitive dependents of each of its systems in service, which counts
    systems of any council (legacy risk);
  * the contracts of other councils that cover its systems, whole (legacy risk, Q501);
  * the systems of other councils its systems depend on (resolved or not, and their
    status: Q507) and its contracts cover (their status: Q504).

Cache entries
-------------
Under the cache folder, in ``findings/<estate version>-format<FORMAT>/``, one entry per
key: MessagePack (msgspec) of the key and the part, data only (text, numbers, booleans,
null, lists, mappings), so that reading one cannot run anything.  Each entry starts with
:data:`MAGIC` and the SHA-256 of the rest, checked before decoding; the decoded entry must
name the key it was asked for.  An entry that fails any check is ignored, counted in
``CouncilStats.corrupt``, deleted and made again.  Entries are written atomically, as
parse-cache entries are (:func:`estate.model.parse_cache.write_entry`); a part that
cannot be encoded is simply not kept.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import msgspec

from estate import __version__
from estate.analyses import duplicates, indicators, legacy_risk, quality
from estate.analyses._contracts import contracts_covering
from estate.analyses._graph import IN_SERVICE, partner_systems
from estate.analyses.dependencies import transitive_dependents
from estate.model.parse_cache import checked_blob, check_folder, default_cache_dir, write_entry
from estate.reuse import tree_digest

#: the findings made council by council, keyed as in ``analysis.json``
PER_COUNCIL = ("authorities", "duplicates", "complementary", "legacy_risks", "_quality")
FORMAT = 1
MAGIC = b"estate-findings-msgpack-1\n"
#: what the code fingerprint covers, under the ``estate`` package
CODE = ("analyses", "model", "config.py", "data")

_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder()


@dataclass
class CouncilStats:
    """What the cache did in one run, council by council."""

    reused: int = 0
    writes: int = 0
    corrupt: int = 0
    worked_out: list = field(default_factory=list)   # ids of the councils worked out, in order

    @property
    def recomputed(self) -> int:
        return len(self.worked_out)


class CouncilCache:
    """Per-council findings under ``root`` (the cache folder); see the module docstring."""

    def __init__(self, root=None):
        self.root = Path(root) if root is not None else default_cache_dir()
        self.folder = self.root / "findings" / f"{__version__}-format{FORMAT}"
        self.stats = CouncilStats()
        for folder in (self.root, self.root / "findings", self.folder):
            check_folder(folder)

    @property
    def recomputed(self) -> list:
        """The ids of the councils worked out in this run, in order."""
        return self.stats.worked_out

    def entry(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.msgpack"

    def get(self, key: str) -> Optional[dict]:
        """The part stored under ``key``, or None (not there, or failing a check)."""
        entry = self.entry(key)
        try:
            raw = entry.read_bytes()
        except OSError:
            return None
        try:
            stored, part = _decoder.decode(checked_blob(raw, MAGIC))
            if stored != key or not isinstance(part, dict) or set(part) != set(PER_COUNCIL):
                raise ValueError("entry for another key")
        except Exception:  # noqa: BLE001 - any unreadable entry is made again, never fatal
            self.stats.corrupt += 1
            with contextlib.suppress(OSError):
                entry.unlink()
            return None
        return part

    def put(self, key: str, part: dict) -> None:
        """Keep ``part`` under ``key``; failures to encode or write are not errors."""
        try:
            blob = _encoder.encode([key, part])
        except (TypeError, ValueError, OverflowError):
            return
        if write_entry(self.root, self.entry(key), blob, MAGIC):
            self.stats.writes += 1


def run(estate, graph, settings, cache: Optional[CouncilCache] = None) -> dict:
    """The five per-council findings (:data:`PER_COUNCIL`), each council's part taken from
    ``cache`` when its key matches, else worked out (and kept there)."""
    contexts: tuple = ()        # found when the first council is worked out, not before
    keys = council_keys(estate, graph, settings) if cache is not None else {}
    parts = []
    for a in estate.authorities.values():
        part = cache.get(keys[a.id]) if cache is not None else None
        if part is None:
            contexts = contexts or (indicators.context(estate, graph, settings),
                                    legacy_risk.context(estate, graph, settings),
                                    quality.context(estate, graph, settings))
            part = council(estate, contexts, a)
            if cache is not None:
                cache.stats.worked_out.append(a.id)
                cache.put(keys[a.id], part)
        elif cache is not None:
            cache.stats.reused += 1
        parts.append(part)
    return {
        "authorities": indicators.assemble([p["authorities"] for p in parts]),
        "duplicates": duplicates.assemble([f for p in parts for f in p["duplicates"]]),
        "complementary": duplicates.assemble([f for p in parts for f in p["complementary"]]),
        "legacy_risks": legacy_risk.assemble([r for p in parts for r in p["legacy_risks"]]),
        "_quality": quality.assemble([q for p in parts for q in p["_quality"]]),
    }


def council(estate, contexts: tuple, a) -> dict:
    """One council's part of every per-council finding."""
    of_indicators, of_legacy, of_quality = contexts
    found, complementary = duplicates.council(estate, a)
    return {"authorities": indicators.council(of_indicators, a), "duplicates": found,
            "complementary": complementary, "legacy_risks": legacy_risk.council(of_legacy, a),
            "_quality": quality.council(of_quality, a)}


# keys ---------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """SHA-256 of the version and of every file the per-council findings are made by
    (:data:`CODE`; narrower than the whole package's :func:`estate.reuse.code_fingerprint`,
    so that a change to a renderer keeps these findings)."""
    package = Path(__file__).resolve().parent.parent
    tops = [package / part for part in CODE]
    return tree_digest(package, seed=__version__.encode(), keep=lambda p: "__pycache__" not in p.parts
                       and any(p == top or top in p.parents for top in tops))


def _digest_of(estate, path: str) -> Optional[str]:
    known = getattr(estate, "digests", {}).get(path)
    if known:
        return known
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None


def own_files(a) -> list:
    """The files a council's records come from, in the order first met."""
    files = dict.fromkeys(a.files)
    for records in (a.lines.values(), a.systems.values(), a.contracts.values()):
        for r in records:
            if r.src is not None and r.src.file not in files:
                files[r.src.file] = None
    return list(files)


def shared_files(estate, owned: set) -> list:
    """Files every council reads: those of no council, and those holding catalogue entries."""
    cat = estate.catalogue
    read = set(estate.files)
    files = dict.fromkeys(f for f in estate.files if f not in owned)
    for entries in (cat.vendors, cat.products, cat.lines_of_business, cat.partnerships):
        for e in entries.values():
            src = getattr(e, "src", None)
            if src is not None and src.file:
                files[src.file] = None
    return [f for f in files if f in read]


def reads(estate, graph, a, dependents=None, covering=None) -> list:
    """What council ``a``'s part reads of other councils, as plain values (the list in the
    module docstring)."""
    dependents = transitive_dependents(graph) if dependents is None else dependents
    covering = contracts_covering(estate, graph) if covering is None else covering
    taxonomy = estate.catalogue.lines_of_business
    nodes = graph.nodes
    out: list = []
    for line in a.lines.values():
        if line.delivery == "shared-service" and line.taxonomy_id:
            out.append(("partners", line.id,
                        partner_systems(estate, graph, a.id, f"line:{line.taxonomy_id}")))
        for lid in (line.taxonomy_id, line.id):
            if lid and lid not in taxonomy:
                out.append(("name", lid, estate.line_name(lid)))
        if line.taxonomy_id:
            node = f"line:{line.taxonomy_id}"
            out.append(("label", node, nodes[node].get("label") if node in nodes else None))
    for s in a.systems.values():
        if s.status in IN_SERVICE:
            out.append(("dependents", s.id, dependents.count(s.qid)))
        for c in covering.get(s.qid, ()):
            if c.authority != a.id:
                out.append(("covered", s.id, repr(c)))
        for d in s.depends_on:
            if d.qid.partition("/")[0] != a.id:
                target = estate.system(d.qid)
                out.append(("depends", s.id, d.qid, d.resolved,
                            target.status if target is not None else None))
    for c in a.contracts.values():
        for sid in c.covers:
            if "/" in sid and sid.partition("/")[0] != a.id:
                target = estate.system(sid)
                out.append(("covers", c.id, sid, target.status if target is not None else None))
    return out


def council_keys(estate, graph, settings) -> dict:
    """``{council id: key}``: the SHA-256 of everything its part reads."""
    owned_by = {a.id: own_files(a) for a in estate.authorities.values()}
    owned = {f for files in owned_by.values() for f in files}
    base = hashlib.sha256()
    base.update(code_fingerprint().encode())
    base.update(json.dumps(settings.as_dict(), sort_keys=True, default=str).encode())
    for path in shared_files(estate, owned):
        base.update(repr((path, _digest_of(estate, path))).encode())
    dependents, covering = transitive_dependents(graph), contracts_covering(estate, graph)
    keys = {}
    for a in estate.authorities.values():
        h = base.copy()
        h.update(repr([(a.id, [(f, _digest_of(estate, f)) for f in owned_by[a.id]])]).encode())
        h.update(repr(reads(estate, graph, a, dependents, covering)).encode())
        keys[a.id] = h.hexdigest()
    return keys
