"""The partnership and region maps: member councils side by side, one row per line of
business that 2+ members run systems for."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Optional

from estate.render.maps.dot import clean, Dot, Html, wrap_label
from estate.render.maps.style import (CANDIDATE_HIGHLIGHTS, CONSOLIDATION_COLOUR, CONSOLIDATION_FILL,
                                      EDGE_DEFAULTS, FONT, _function_order, _graph_attrs, _layout, _legend,
                                      Map, NODE_DEFAULTS, _plural, SHARED_COLOUR, _system_attrs, View, _wrap)


# ---- partnership / region map -----------------------------------------------------------

@dataclass(frozen=True)
class Group:
    """A partnership or a region: ``kind`` (``partnership`` / ``region``), its id (the
    map is ``<kind>-<id>``), its name and its member councils' ids."""

    kind: str
    id: str
    name: str
    members: tuple


def _systems_by_line(estate, present: list) -> dict:
    """``{taxonomy line: {member: [systems not retired]}}``."""
    per_line: dict = defaultdict(lambda: defaultdict(list))
    for aid in present:
        authority = estate.authorities[aid]
        for s in authority.systems.values():
            if s.status == "retired":
                continue
            for lid in dict.fromkeys(s.supports):
                tid = authority.taxonomy_of(lid)
                if tid and s not in per_line[tid][aid]:
                    per_line[tid][aid].append(s)
    return per_line


def _function_of(estate, tid: str) -> str:
    lines = estate.catalogue.lines_of_business
    return lines[tid].function if tid in lines else "Other"


def _lines(estate, per_line: dict, need: int) -> list:
    """The lines ``need`` members run systems for, in taxonomy order within functions."""
    order = _function_order(estate)
    taxonomy = {tid: i for i, tid in enumerate(estate.catalogue.lines_of_business)}
    return sorted((tid for tid, by in per_line.items() if len(by) >= need),
                  key=lambda t: (order.get(_function_of(estate, t), len(order)), taxonomy.get(t, len(taxonomy)), t))


def _shared(view: View, member_set: set) -> tuple[dict, list]:
    """(``{system qid: shared_products item}``, legend notes) for the products 2+ members share."""
    shared: dict = {}
    notes = []
    for item in view.shared:
        here = sorted(set(item.get("authorities") or []) & member_set)
        if len(here) >= 2:
            notes.append(f"Shared: {clean(item.get('product_name') or item.get('product'), 50)} "
                         f"({', '.join(here)})")
            for qid in item.get("systems") or []:
                if str(qid).partition("/")[0] in member_set:
                    shared.setdefault(qid, item)
    return shared, notes


def _candidates(view: View, group: Group, member_set: set, per_line: dict) -> tuple[dict, dict]:
    """(``{line: (position, candidate)}``, ``{line: rank from 1}``): the group's own
    consolidation candidates first, then any within its members, one per line."""
    candidates: dict = {}
    for own in (True, False):
        for position, item in enumerate(view.consolidation):
            found = item.get("group") or {}
            councils = set(item.get("authorities") or [])
            if own:
                match = found.get("kind") == group.kind and (found.get("id") in (group.id, group.name)
                                                            or found.get("name") == group.name)
            else:
                match = len(councils) >= 2 and councils <= member_set
            line = item.get("line_of_business")
            if match and line in per_line and line not in candidates:
                candidates[line] = (position, item)
    ranked = {line: i + 1 for i, (line, _) in enumerate(sorted(candidates.items(), key=lambda kv: kv[1][0]))}
    return candidates, ranked


def _rows(estate, lines: list, per_line: dict, present: list) -> list:
    """``[{lines, systems: {member: [systems]}}]``: lines with the same systems at every
    member share a row."""
    rows: list = []
    index: dict = {}
    for tid in lines:
        systems = {a: sorted(per_line[tid].get(a, []), key=lambda s: s.qid) for a in present}
        signature = (_function_of(estate, tid), tuple(tuple(s.qid for s in systems[a]) for a in present))
        if signature in index:
            rows[index[signature]]["lines"].append(tid)
        else:
            index[signature] = len(rows)
            rows.append({"lines": [tid], "systems": systems})
    return rows


def _titles(estate, group: Group, present: list, lines: list, rows: list, n_shared: int,
            candidates: dict) -> tuple[str, str, str]:
    """(title, subtitle, description) of a group's map."""
    need = min(2, len(present))
    noun = "partnership" if group.kind == "partnership" else "region"
    title = (f"{group.name}: systems by line of business" if group.kind == "partnership"
             else f"{group.name} region: systems by line of business")
    subtitle = (f"{_plural(len(present), 'council')}; {_plural(len(lines), 'line')} of business that "
                f"{'2+ members' if need == 2 else 'the member'} run systems for, in "
                f"{_plural(len(rows), 'row')}; {_plural(n_shared, 'shared product')}, "
                f"{_plural(len(candidates), 'consolidation candidate')} "
                f"(top {min(CANDIDATE_HIGHLIGHTS, len(candidates))} in purple); retired systems not shown")
    description = (f"The {noun} {clean(group.name)}: "
                   f"{', '.join(clean(estate.authorities[a].name) for a in present) or 'no councils'} "
                   f"side by side for {_plural(len(lines), 'line')} of business, highlighting "
                   f"{_plural(n_shared, 'shared product')} and "
                   f"{_plural(len(candidates), 'consolidation candidate')}.")
    return title, subtitle, description


#: rows of a partnership or region map on one sheet: the samples' rows average about
#: 90 pt, so 12 rows with the legend print on A3 with 9 pt text at 7 pt or more
ROWS_PER_PAGE = 6


def _pages(rows: list) -> list:
    """``rows`` cut into pages of at most :data:`ROWS_PER_PAGE`."""
    return [rows[i:i + ROWS_PER_PAGE] for i in range(0, len(rows), ROWS_PER_PAGE)] or [[]]


def group_maps(estate, view: View, group: Group) -> list:
    """The group's map, in pages of at most :data:`ROWS_PER_PAGE` rows: ``<kind>-<id>``
    is the first page, ``<kind>-<id>--2``... the others (one sheet of paper each)."""
    present = [m for m in dict.fromkeys(group.members) if m in estate.authorities]
    per_line = _systems_by_line(estate, present)
    rows = _rows(estate, _lines(estate, per_line, min(2, len(present))), per_line, present)
    pages = _pages(rows)
    return [group_map(estate, view, group, page=(n, len(pages), chunk)) for n, chunk in enumerate(pages, 1)]


def group_map(estate, view: View, group: Group, page: Optional[tuple] = None) -> Map:
    """Member councils side by side; one row per line of business 2+ members run systems for.

    Lines whose systems are the same at every member (a revenues system serving council
    tax and business rates, say) share one row, so a system appears once per row.
    ``page``: ``(number, of, rows)``, to draw only those rows (:func:`group_maps`).
    """
    present = [m for m in dict.fromkeys(group.members) if m in estate.authorities]
    member_set = set(present)
    per_line = _systems_by_line(estate, present)
    lines = _lines(estate, per_line, min(2, len(present)))
    shared, shared_notes = _shared(view, member_set)
    candidates, ranked = _candidates(view, group, member_set, per_line)
    rows = _rows(estate, lines, per_line, present) if page is None else page[2]
    nodes = sum(max(1, len(row["systems"][a])) for row in rows for a in present)
    engine, layout, _ = _layout(nodes, nodes + len(rows), 0)
    n_shared = len({i.get("product") for i in shared.values()})
    title, subtitle, description = _titles(estate, group, present, lines, rows, n_shared, candidates)
    map_id = f"{group.kind}-{group.id}"
    if page is not None and page[1] > 1:
        title += f" (sheet {page[0]} of {page[1]})"
        description += f" Sheet {page[0]} of {page[1]}."
        if page[0] > 1:
            map_id += f"--{page[0]}"
    dot = Dot(map_id, _graph_attrs(title, subtitle, rankdir="TB", **layout), NODE_DEFAULTS, EDGE_DEFAULTS)
    dot.line('edge [style="invis"]')
    recommended_by_row, last_row = _line_column(dot, estate, rows, candidates, ranked)
    _member_columns(dot, estate, view, present, rows, recommended_by_row, shared)
    if page is not None and page[0] > 1:
        shared_notes = []            # listed once, on the first sheet
    _legend(dot, edges=False, highlight=True, notes=[
        "Lines whose systems are the same at every member share a row; a system that "
        "supports several rows appears in each.",
        *shared_notes[:12], *(["... and more shared products"] if len(shared_notes) > 12 else [])])
    if last_row:
        dot.edge(last_row, "legend")
    dot.line('edge [style="solid"]')
    return Map(id=map_id, kind=group.kind, title=title, description=description, source=dot.text(),
               engine=engine, stats={"nodes": dot.nodes, "edges": dot.edges, "clusters": dot.clusters,
                                     "rows": len(rows), "lines": len(lines), "members": present})


def _row_node(estate, row: dict, candidates: dict, ranked: dict) -> dict:
    """A row's label node: its lines, and for a consolidation candidate its rank, product
    and saving (purple when in the top :data:`CANDIDATE_HIGHLIGHTS`)."""
    found = [candidates[t] for t in row["lines"] if t in candidates]
    shown = row["lines"][:4]
    label = "<BR/>".join(f"<B>{wrap_label(estate.line_name(t), 36)}</B>" for t in shown)
    if len(row["lines"]) > len(shown):
        label += f'<BR/><FONT POINT-SIZE="9">and {len(row["lines"]) - len(shown)} more lines</FONT>'
    attrs = {"shape": "box", "style": "rounded,filled", "fillcolor": "#ffffff", "color": "#dadce0",
             "width": 2.4, "tooltip": ", ".join(estate.line_name(t) for t in row["lines"])}
    if found:
        best = min(ranked[t] for t in row["lines"] if t in ranked)
        savings = [i.get("estimated_annual_saving") for _, i in found]
        saving = sum(v for v in savings if isinstance(v, (int, float)) and not isinstance(v, bool))
        names = sorted({clean(i.get("recommended_product_name") or i.get("recommended_product"))
                        for _, i in found if i.get("recommended_product")})
        note = f"consolidation candidate #{best}"
        if names:
            note += f": converge on {', '.join(names[:2])}"
        if saving:
            note += f"; save about \u00a3{saving:,.0f} a year"
        label += f'<BR/><FONT POINT-SIZE="9">{_wrap(note, 44)}</FONT>'
        attrs["tooltip"] = clean(" ".join(found[0][1].get("reasons") or []), 1000) or attrs["tooltip"]
        if best <= CANDIDATE_HIGHLIGHTS:
            attrs.update(fillcolor=CONSOLIDATION_FILL, color=CONSOLIDATION_COLOUR, penwidth=2.0)
        else:
            attrs.update(color=CONSOLIDATION_COLOUR)
    attrs["label"] = Html(label)
    return attrs


def _line_column(dot: Dot, estate, rows: list, candidates: dict, ranked: dict) -> tuple[list, Optional[str]]:
    """The left column of row labels, chained top to bottom; returns (the recommended
    products of each row, the last row's node)."""
    recommended_by_row = []
    with dot.cluster("lines", label=Html("<B>Line of business</B>"), fontname=FONT, fontsize=11,
                     color="#ffffff"):
        previous = None
        for row in rows:
            found = [candidates[t] for t in row["lines"] if t in candidates]
            recommended_by_row.append({item.get("recommended_product") for _, item in found} - {None})
            name = f"row:{row['lines'][0]}"
            dot.node(name, **_row_node(estate, row, candidates, ranked))
            if previous:
                dot.edge(previous, name)
            previous = name
    return recommended_by_row, previous


def _member_columns(dot: Dot, estate, view: View, present: list, rows: list, recommended_by_row: list,
                    shared: dict) -> None:
    """One column (cluster) per member: its systems on each row, "no system" where none."""
    for ai, aid in enumerate(present):
        authority = estate.authorities[aid]
        with dot.cluster(f"a{ai}", label=Html(f"<B>{wrap_label(authority.name, 40)}</B>"), fontname=FONT,
                         fontsize=12, style="rounded", color="#5f6368", margin=8):
            previous = None
            for row, recommended in zip(rows, recommended_by_row):
                key = row["lines"][0]
                names = []
                for s in row["systems"][aid]:
                    n = f"{key}|{s.qid}"
                    dot.node(n, **_system_attrs(
                        estate, view, s, highlight=SHARED_COLOUR if s.qid in shared else None,
                        star=s.product_id in recommended if s.product_id else False))
                    names.append(n)
                if not names:
                    n = f"{key}|{aid}|none"
                    dot.node(n, label="no system", shape="plaintext", fontcolor="#9aa0a6", fontsize=9)
                    names.append(n)
                if previous:
                    for n in names:
                        dot.edge(previous, n)
                previous = names[0]
