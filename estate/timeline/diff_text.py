"""The comparison of two snapshots (:func:`estate.timeline.diff.diff`) written for people.

A short summary comes first (how many councils, systems and contracts were added,
removed and changed; systems and annual cost before and after), then one section per
council with each record change field by field, then what the change did to the
findings.  Values are shown as the comparison holds them (catalogue ids after
normalisation).
"""

from __future__ import annotations

from estate.timeline.diff import councils_touched

KINDS = ("authorities", "systems", "contracts")


def inert(text: str) -> str:
    """Text safe to print on a terminal: control characters shown as escapes (\\x1b)."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)


def _show(value) -> str:
    if value is None:
        return "(blank)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return inert(str(value))


def _count(value) -> str:
    return "(none)" if value is None else str(value)


def _money(value) -> str:
    return "(none)" if value is None else f"£{value:,.0f}"


def _counts(part: dict) -> str:
    return f"{len(part['added'])} added, {len(part['removed'])} removed, {len(part['changed'])} changed"


def summary_lines(result: dict) -> list[str]:
    s = result["findings"]["summary"]
    lines = [f"estate diff: {inert(result['before'])} -> {inert(result['after'])} "
             f"(as of {result['as_of']})"]
    for kind in KINDS:
        lines.append(f"  {kind}: {_counts(result[kind])}")
    lines.append(f"  systems {s['systems']['before']} -> {s['systems']['after']}; "
                 f"lines of business {s['lines_of_business']['before']} -> "
                 f"{s['lines_of_business']['after']}; annual cost "
                 f"{_money(s['annual_cost']['before'])} -> {_money(s['annual_cost']['after'])}")
    return lines


def _council_lines(result: dict, aid: str) -> list[str]:
    out = []
    if aid in result["authorities"]["added"]:
        out.append("  council added")
    if aid in result["authorities"]["removed"]:
        out.append("  council removed")
    for change in result["authorities"]["changed"]:
        if change["id"] == aid:
            for name, v in change["fields"].items():
                out.append(f"  {name}: {_show(v['before'])} -> {_show(v['after'])}")
    for kind, label in (("systems", "system"), ("contracts", "contract")):
        part = result[kind]
        for qid in part["added"]:
            if qid.split("/")[0] == aid:
                out.append(f"  {label} added: {qid}")
        for qid in part["removed"]:
            if qid.split("/")[0] == aid:
                out.append(f"  {label} removed: {qid}")
        for change in part["changed"]:
            if change["id"].split("/")[0] == aid:
                out.append(f"  {label} changed: {change['id']}")
                for name, v in change["fields"].items():
                    out.append(f"    {name}: {_show(v['before'])} -> {_show(v['after'])}")
    council = result["findings"]["councils"].get(aid, {})
    for name, v in council.items():
        value = _money if name == "annual_cost" else _count
        out.append(f"  {name.replace('_', ' ')}: {value(v['before'])} -> {value(v['after'])}")
    return out


def _findings_lines(f: dict) -> list[str]:
    out = []
    shared = f["shared_products"]
    for p in shared["gained"]:
        out.append(f"  shared product gained: {p['product']} ({', '.join(p['authorities'])})")
    for p in shared["lost"]:
        out.append(f"  shared product lost: {p['product']} ({', '.join(p['authorities'])})")
    for p in shared["changed"]:
        moves = [f"joined by {', '.join(p['joined'])}"] if p["joined"] else []
        moves += [f"left by {', '.join(p['left'])}"] if p["left"] else []
        out.append(f"  shared product {p['product']}: {'; '.join(moves)}")
    for d in f["duplicates"]["resolved"]:
        out.append(f"  duplicate resolved: {d['authority']} {d['line_of_business']} "
                   f"({', '.join(d['systems'])})")
    for d in f["duplicates"]["new"]:
        out.append(f"  new duplicate: {d['authority']} {d['line_of_business']} "
                   f"({', '.join(d['systems'])})")
    c = f["consolidation_candidates"]
    for item in c["realised"]:
        out.append(f"  consolidation realised: {item['line_of_business']} in "
                   f"{(item.get('group') or {}).get('id')}, now on {item['product']} "
                   f"(estimated saving then {_money(item['estimated_annual_saving'])} a year)")
    for item in c["no_longer_candidates"]:
        out.append(f"  no longer a consolidation candidate: {item['line_of_business']} in "
                   f"{(item.get('group') or {}).get('id')}")
    for item in c["new"]:
        out.append(f"  new consolidation candidate: {item['line_of_business']} in "
                   f"{(item.get('group') or {}).get('id')} (estimated saving "
                   f"{_money(item['estimated_annual_saving'])} a year)")
    for r in f["legacy_risks"]["moved"]:
        out.append(f"  risk moved: {r['system']} {r['before']} -> {r['after']}")
    for line in f["supplier_concentration"]:
        lead = line["leading_vendor"]
        text = (f"  concentration {line['line_of_business']}: HHI {_show(line['hhi']['before'])} "
                f"-> {_show(line['hhi']['after'])}")
        if lead["before"] != lead["after"]:
            text += f", leading vendor {_show(lead['before'])} -> {_show(lead['after'])}"
        out.append(text)
    return out


def format_text(result: dict) -> str:
    """The comparison as text: summary, per council, then the findings."""
    lines = summary_lines(result)
    touched = councils_touched(result)
    if not touched:
        lines.append("")
        lines.append("No authority, system or contract changed.")
    for aid in touched:
        lines.append("")
        lines.append(f"{aid}:")
        lines.extend(_council_lines(result, aid))
    findings = _findings_lines(result["findings"])
    lines.append("")
    lines.append("findings:" if findings else "findings: no change")
    lines.extend(findings)
    return "\n".join(lines) + "\n"
