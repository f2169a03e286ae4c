"""Graphviz system maps, drawn from the graph and the findings (never recomputed).

:func:`render_maps` writes, into one folder, each map as ``.dot`` and ``.svg`` (and
``png`` / ``pdf`` when ``Settings.map_formats`` asks), and returns one dictionary per
map for the HTML report.  Which maps (``Settings.maps``):

==============  ==========================================================  =====================
map             what it shows                                               drawn when maps is
==============  ==========================================================  =====================
council         every system of one council, clustered by function and     all, councils,
                line of business, with its dependencies                     auto (<= 20 councils)
blast-radius    one top dependency hub and everything that depends on it   the same
partnership     member councils side by side, one row per line of          auto, all, partnerships
                business that 2+ members run systems for
region          the same for a region with 2+ councils (above 20 councils:  auto, all
                councils as nodes, shared products as ties)
landscape       one table: lines of business x councils, cell = product    auto, all, partnerships
==============  ==========================================================  =====================

Encoding, the same on every map (and in the legend drawn on every map):

* fill: the legacy risk rating from ``findings["legacy_risks"]`` (red / amber / green),
  grey when the system was not rated;
* shape: hosting: square box on-premise, double border hosted, rounded box SaaS/cloud,
  rounded double border hybrid, ellipse unknown;
* border: solid live, bold planned (label says "planned"), dashed retiring, dotted with
  grey text retired;
* edges (A -> B: A depends on B): style by ``via``: api solid, file-transfer dashed,
  database-link bold, manual dotted, sso blue, other grey;
* partnership maps: a thick blue border marks a product shared by 2+ members
  (``findings["shared_products"]``); a purple row label marks a consolidation candidate
  (``findings["consolidation_candidates"]``) and a star its recommended product.

Size thresholds, so that no single map takes more than a few seconds (measurements in
``docs/maps.md``).  dot is fast on clustered, shallow graphs and very slow on long chains
(a clustered but random 350-system estate was 144 ranks deep and took minutes).  So
systems are always clustered by function and line of business; above :data:`LABEL_EDGES`
edges the ``via`` labels go (the style stays); a map deeper than :data:`MAX_DEPTH` or
bigger than :data:`BIG_MAP` systems uses the grid layout, and above :data:`BIG_MAP` the
``osage`` engine packs the clusters instead of ranking them with dot, (each line a compact grid, the
functions on shelves, dependencies drawn over the top with ``constraint=false``) and
capped dot effort (``nslimit``, ``mclimit``, ``searchsize``); above :data:`BIG_MAP` the
dependencies between functions are bundled per (function, target) and only the
:data:`BUNDLE_EDGES` biggest bundles drawn; above :data:`COLLAPSE_MAP` systems those
without a dependency on the map fold into one count node per line of business; above
:data:`SFDP_MAP` drawn nodes or :data:`SFDP_EDGES` drawn edges ``sfdp`` lays the map out.
``splines=ortho`` is never used.  Every Graphviz run has a timeout that follows the size
of the map (:func:`~estate.render.maps.engine.map_timeout`); a map that runs out of time
(or crashes dot) is retried with ``osage`` (clusters packed, no ranking), then ``sfdp``,
and a map that still fails keeps its ``.dot`` file and reports an ``error``, which the
run's summary names (:func:`failed_maps_note`).

``auto`` (the default) draws every map for an estate of at most :data:`AUTO_COUNCILS`
councils; a bigger one gets the landscape, the partnership maps and the region
overviews only.  ``council:ID[,ID...]`` draws what ``auto`` does plus the named
councils' maps (overview and drill-downs), so one council's map is drawn when asked.  Above :data:`AUTO_COUNCILS` councils a region map is the overview of
:mod:`.region_overview` (councils as nodes, shared products as ties).

The package, one concern a module: :mod:`.dot` (escaping and the DOT writer),
:mod:`.style` (the encodings, the legend and the pieces every map shares),
:mod:`.layout` (grids and bundles for big maps), one module per kind of map
(:mod:`.council`, :mod:`.group`, :mod:`.landscape`, :mod:`.blast_radius`) and
:mod:`.engine` (running Graphviz).  This module chooses the maps and draws them.

Every label is written as an HTML-like label escaped with :func:`html.escape`, and every
quoted string escapes backslashes and quotes, so nothing in an inventory can change the
structure of the DOT text.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator, Optional

from estate.render.maps.blast_radius import blast_radius_map
from estate.render.maps.council import council_map
from estate.render.maps.council_overview import council_maps
from estate.render.maps.dot import Dot, Html, clean, esc, quote
from estate.render.maps.engine import (FORMATS, MAX_WORKERS, _formats, _render_one, _stem,
                                       dot_available, map_timeout, run_graphviz)
from estate.render.maps.group import Group, group_map, group_maps
from estate.render.maps.landscape import landscape_map, landscape_maps
from estate.render.maps.region_overview import region_overview
from estate.render.maps.style import (BIG_MAP, BUNDLE_EDGES, COLLAPSE_MAP, CONSOLIDATION_FILL, NOT_RATED_FILL,
                                      OTHER_PRODUCT_FILL, PRODUCT_PALETTE, RATING_FILL, SFDP_EDGES, SFDP_MAP,
                                      SHARED_COLOUR, STATUS_STYLE, VIA_STYLE, Map, View)

#: the package's public names (the modules above hold them)
__all__ = ["render_maps", "build_maps", "iter_maps", "region_slug", "dot_available", "run_graphviz",
           "council_map", "group_map", "landscape_map", "blast_radius_map", "Map", "View", "Dot", "Html",
           "clean", "esc", "quote", "FORMATS", "BIG_MAP", "BUNDLE_EDGES", "COLLAPSE_MAP", "SFDP_MAP",
           "SFDP_EDGES", "CONSOLIDATION_FILL", "NOT_RATED_FILL", "OTHER_PRODUCT_FILL", "PRODUCT_PALETTE",
           "RATING_FILL", "SHARED_COLOUR", "STATUS_STYLE", "VIA_STYLE", "MAP_CHOICES", "KIND_ORDER", "AUTO_COUNCILS", "failed_maps_note",
           "region_overview", "map_timeout"]

log = logging.getLogger(__name__)

#: councils an estate may have for ``auto`` to draw every map; beyond it, ``auto`` draws
#: the landscape, the region overviews (:mod:`.region_overview`) and the partnership maps
AUTO_COUNCILS = 20

#: which map kinds each value of Settings.maps draws (``auto``: for an estate of at most
#: :data:`AUTO_COUNCILS` councils; a bigger one draws :data:`AUTO_NATIONAL`)
MAP_CHOICES = {
    "auto": {"council", "blast-radius", "partnership", "region", "landscape"},
    "all": {"council", "blast-radius", "partnership", "region", "landscape"},
    "councils": {"council", "blast-radius"},
    "partnerships": {"partnership", "landscape"},
    "none": set(),
}
AUTO_NATIONAL = {"partnership", "region", "landscape"}
KIND_ORDER = {"landscape": 0, "partnership": 1, "region": 2, "council": 3, "council-function": 3,
              "blast-radius": 4}


# ---- which maps ----------------------------------------------------------------------

def region_slug(region: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", clean(region).lower()).strip("-") or "unnamed"


def build_maps(estate, graph, findings: Optional[dict], choices) -> list[Map]:
    """Every map ``choices.maps`` (an :class:`~estate.choices.OutputChoices`) asks for, as
    DOT text (no files written)."""
    return list(iter_maps(estate, graph, findings, choices))


def iter_maps(estate, graph, findings: Optional[dict], choices) -> Iterator[Map]:
    """The maps of :func:`build_maps`, each built only when asked for, in their order:
    by kind (:data:`KIND_ORDER`), then rank, then id.

    The renderer draws each as it comes and lets its DOT text go, so a national estate's
    maps (150 million characters for 400 councils) are never all in memory at once.
    """
    choice = choices.map_choice
    national = len(estate.authorities) > AUTO_COUNCILS
    kinds = AUTO_NATIONAL if choice == "auto" and national else MAP_CHOICES[choice]
    view = View.of(findings)
    if "landscape" in kinds and estate.authorities:
        yield from landscape_maps(estate, graph, view)
    # a region whose councils are exactly a partnership's would draw the same map twice
    partnerships: set = set()
    if "partnership" in kinds:
        planned = []
        for pid, p in estate.catalogue.partnerships.items():
            members = [m for m in dict.fromkeys(p.members or [])]
            members += [a.id for a in estate.authorities.values() if pid in a.partnerships and a.id not in members]
            if any(m in estate.authorities for m in members):
                planned.append((f"partnership-{pid}", pid, p.name, members))
        for _, pid, name, members in sorted(planned, key=lambda plan: plan[0]):
            drawn = group_maps(estate, view, Group("partnership", pid, name, tuple(members)))
            partnerships.add(frozenset(drawn[0].stats.get("members", ())))
            yield from drawn
    if "region" in kinds:
        regions: dict = defaultdict(list)
        for a in estate.authorities.values():
            if a.region and clean(a.region):
                regions[clean(a.region)].append(a.id)
        planned, used = [], set()
        for region, members in sorted(regions.items()):
            if len(members) >= 2 and frozenset(members) not in partnerships:
                slug, i = region_slug(region), 2
                while slug in used:            # "North West" and "north-west" stay apart
                    slug, i = f"{region_slug(region)}-{i}", i + 1
                used.add(slug)
                planned.append((f"region-{slug}", slug, region, members))
        for _, slug, region, members in sorted(planned, key=lambda plan: plan[0]):
            group = Group("region", slug, region, tuple(members))
            if national:
                yield region_overview(estate, view, group)
            else:
                yield from group_maps(estate, view, group)
    # council:ID[,ID...] adds the named councils' maps (overview and drill-downs) to auto's
    named = estate.authorities if "council" in kinds else \
        [aid for aid in choices.map_councils if aid in estate.authorities]
    for aid in sorted(named, key=lambda aid: f"council-{aid}"):
        yield from council_maps(estate, graph, view, aid)
    if "blast-radius" in kinds:
        # the findings list settings.top_hubs hubs, in order: rank i
        for i, hub in enumerate(view.hubs):
            m = blast_radius_map(estate, graph, view, hub, rank=i)
            if m is not None:
                yield m


def render_maps(estate, graph, findings, outdir: Path, choices, *, workers: Optional[int] = None,
                timeout: Optional[float] = None, reuse=None) -> list[dict]:
    """Draw every map into ``outdir``; one dict per map (paths relative to ``outdir``'s parent).

    Each dict: ``id``, ``kind``, ``title``, ``description`` (one sentence of alt text),
    ``files`` (``{"dot": ..., "svg": ..., "png": ...}``), ``engine``, and ``error`` when
    Graphviz could not draw the map (its ``.dot`` file is still written).  ``reuse`` (an
    :class:`estate.reuse.MapReuse`) hands back maps an earlier run drew from the same DOT
    text, whose files are untouched, instead of drawing them again.  ``timeout``: the
    seconds each Graphviz run may take; by default each map's own, from its size
    (:func:`~estate.render.maps.engine.map_timeout`).
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    formats = _formats(choices)
    workers = max(1, workers or min(MAX_WORKERS, os.cpu_count() or 1))
    # each map is built as a worker comes free and let go once drawn: at most this many
    # maps' DOT text is held at a time
    slots = threading.BoundedSemaphore(2 * workers)
    seen: set = set()
    futures = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for m in iter_maps(estate, graph, findings, choices):
            slots.acquire()
            future = pool.submit(_render_one, m, _stem(m, seen), outdir, formats, timeout, reuse)
            future.add_done_callback(lambda _: slots.release())
            futures.append(future)
            del m, future
    return [f.result() for f in futures]


def failed_maps_note(results: list) -> Optional[str]:
    """One line for the run's summary naming every map of ``results`` (what
    :func:`render_maps` returned) that Graphviz could not draw, or ``None``."""
    failed = [r for r in results if r.get("error")]
    if not failed:
        return None
    shown = "; ".join(f"{r['id']} ({clean(r['error'], 120)})" for r in failed[:10])
    more = f"; and {len(failed) - 10} more" if len(failed) > 10 else ""
    return (f"{len(failed)} map{'s' if len(failed) != 1 else ''} could not be drawn: {shown}{more}; "
            f"each keeps its .dot file in maps/ and the report marks it")
