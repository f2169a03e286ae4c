"""The landscape map: lines of business x councils, each cell naming the products."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Optional

from estate.render.maps.dot import clean, Dot, esc, Html, wrap_label
from estate.render.maps.style import (EDGE_DEFAULTS, FONT, _function_order, _graph_attrs, Map, NODE_DEFAULTS,
                                      OTHER_PRODUCT_FILL, _plural, _product_name, PRODUCT_PALETTE,
                                      TOP_PRODUCTS, View)


# ---- landscape -----------------------------------------------------------------------

#: lines of business on one sheet of the landscape (the samples' rows average about 35 pt:
#: 18 of them and the legend print on A3 with the 9 pt text at 7 pt or more)
LANDSCAPE_ROWS = 18


def landscape_maps(estate, graph, view: View) -> list:
    """The landscape in sheets of at most :data:`LANDSCAPE_ROWS` lines: ``landscape``,
    then ``landscape--2``..."""
    whole = _landscape_rows(estate, view)
    rows = whole[3]
    sheets = [rows[i:i + LANDSCAPE_ROWS] for i in range(0, len(rows), LANDSCAPE_ROWS)] or [[]]
    return [landscape_map(estate, graph, view, sheet=(n, len(sheets), chunk), parts=whole)
            for n, chunk in enumerate(sheets, 1)]


def _landscape_rows(estate, view: View) -> tuple:
    """(councils, cells, top products, rows): what every sheet of the landscape reads."""
    authorities = list(estate.authorities.values())
    cells: dict = defaultdict(lambda: defaultdict(dict))   # line -> authority -> {product key: name}
    for a in authorities:
        for s in a.systems.values():
            if s.status == "retired":
                continue
            key = s.product_id or f"~{clean(s.product or s.name).lower()}"
            label = _product_name(estate, s) if (s.product_id or s.product) else f"{clean(s.name)} (no product)"
            if s.status in ("retiring", "planned"):
                label += f" ({s.status})"
            for lid in dict.fromkeys(s.supports):
                tid = a.taxonomy_of(lid)
                if tid:
                    cells[tid][a.id].setdefault((key, label), None)
    # the dominant products: shared ones, ranked by the cells they fill, then by councils
    filled = Counter(key for by in cells.values() for products in by.values() for key, _ in products)
    shared = {}
    for i, item in enumerate(view.shared):
        product = item.get("product")
        if product and product not in shared:
            shared[product] = (-filled[product], -len(item.get("authorities") or []), i, item)
    ranked = sorted(shared.items(), key=lambda kv: kv[1][:3])[:TOP_PRODUCTS]
    top = {product: (PRODUCT_PALETTE[i], rank[3]) for i, (product, rank) in enumerate(ranked)}
    cat_lines = estate.catalogue.lines_of_business
    order = _function_order(estate)
    taxonomy = list(cat_lines)
    rows = sorted(cells, key=lambda t: (order.get(cat_lines[t].function, 99) if t in cat_lines else 99,
                                        taxonomy.index(t) if t in cat_lines else 0, t))
    return authorities, cells, top, rows


def landscape_map(estate, graph, view: View, sheet: Optional[tuple] = None, parts: Optional[tuple] = None) -> Map:
    """Lines of business x councils; each cell names the products, the top products coloured.
    ``sheet``: ``(number, of, rows)`` to draw only those rows (:func:`landscape_maps`)."""
    authorities, cells, top, rows = parts or _landscape_rows(estate, view)
    all_rows = len(rows)
    if sheet is not None:
        rows = sheet[2]
    cat_lines = estate.catalogue.lines_of_business
    head = "".join(f'<TD BGCOLOR="#f1f3f4"><B>{wrap_label(a.name, 20)}</B></TD>' for a in authorities)
    body = []
    current = None
    for tid in rows:
        function = cat_lines[tid].function if tid in cat_lines else "Other"
        if function != current:
            current = function
            body.append(f'<TR><TD ALIGN="LEFT" COLSPAN="{len(authorities) + 1}" BGCOLOR="#dadce0">'
                        f"<B>{esc(function)}</B></TD></TR>")
        row = [f'<TD ALIGN="LEFT">{wrap_label(estate.line_name(tid), 36)}</TD>']
        for a in authorities:
            products = sorted(cells[tid].get(a.id, {}), key=lambda kl: (kl[0] not in top, kl[1].lower()))
            if not products:
                row.append('<TD><FONT COLOR="#9aa0a6">\u2014</FONT></TD>')
                continue
            inner = "".join(
                f'<TR><TD BGCOLOR="{top[key][0] if key in top else OTHER_PRODUCT_FILL}">{wrap_label(label, 28)}</TD></TR>'
                for key, label in products)
            row.append(f'<TD CELLPADDING="0"><TABLE BORDER="0" CELLSPACING="1" CELLPADDING="2">{inner}</TABLE></TD>')
        body.append(f"<TR>{''.join(row)}</TR>")
    table = ('<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3">'
             f'<TR><TD BGCOLOR="#f1f3f4"><B>Line of business</B></TD>{head}</TR>{"".join(body)}</TABLE>')
    key_rows = "".join(
        f'<TR><TD BGCOLOR="{colour}" WIDTH="14"> </TD><TD ALIGN="LEFT">'
        f'{wrap_label(item.get("product_name") or product, 40)} ({len(item.get("authorities") or [])} councils)</TD></TR>'
        for product, (colour, item) in top.items())
    key_rows += (f'<TR><TD BGCOLOR="{OTHER_PRODUCT_FILL}" WIDTH="14"> </TD>'
                 '<TD ALIGN="LEFT">any other product</TD></TR>'
                 '<TR><TD><FONT COLOR="#9aa0a6">\u2014</FONT></TD><TD ALIGN="LEFT">no system recorded</TD></TR>')
    title = "Landscape: which product each council runs for each line of business"
    subtitle = (f"{_plural(len(authorities), 'council')}, {_plural(all_rows, 'line')} of business; "
                f"the {len(top)} most widely shared products coloured, other products grey; "
                "retired systems and local-only lines not shown")
    description = (f"Table of {_plural(all_rows, 'line')} of business by {_plural(len(authorities), 'council')} "
                   f"naming the product each council runs, with the {len(top)} most widely shared products "
                   "in colour.")
    map_id = "landscape"
    if sheet is not None and sheet[1] > 1:
        title += f" (sheet {sheet[0]} of {sheet[1]})"
        description += f" Sheet {sheet[0]} of {sheet[1]}."
        map_id += f"--{sheet[0]}" if sheet[0] > 1 else ""
    dot = Dot(map_id, _graph_attrs(title, subtitle, rankdir="TB"), NODE_DEFAULTS, EDGE_DEFAULTS)
    dot.node("landscape", shape="plaintext", fontsize=9, label=Html(table))
    with dot.cluster("legend", label="Legend", fontname=FONT, fontsize=11, style="rounded", color="#9aa0a6"):
        dot.node("legend", shape="plaintext", fontsize=9, label=Html(
            '<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="2" CELLPADDING="2">'
            '<TR><TD COLSPAN="2" ALIGN="LEFT"><B>Cell colour: product</B></TD></TR>'
            f"{key_rows}</TABLE>"))
    dot.edge("legend", "landscape", style="invis")
    return Map(id=map_id, kind="landscape", title=title, description=description,
               source=dot.text(), stats={"rows": len(rows), "councils": len(authorities), "top": len(top)})
