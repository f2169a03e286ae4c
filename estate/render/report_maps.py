"""The report's maps: which are embedded inline (sanitised) and which are linked."""

from __future__ import annotations

import logging
from pathlib import Path

from estate.output import safe_name
from estate.render.svg_sanitise import sanitise_svg

log = logging.getLogger(__name__)

#: an SVG map larger than this is linked, not inlined (a browser struggles past it)
MAX_INLINE_SVG = 8 * 1024 * 1024
#: maps embedded inline at most, by count and by total size of their SVG; the rest are
#: linked as files beside the report (in maps/), and each says why it is not embedded
MAX_EMBEDDED_MAPS = 60
MAX_EMBEDDED_BYTES = 24 * 1024 * 1024
#: maps embedded first: the overview maps before the many council maps
MAP_PRIORITY = {"landscape": 0, "partnership": 1, "region": 2, "blast-radius": 3, "council": 4,
                "council-function": 5}


def _maps(maps: list, base: Path) -> list:
    """Each map for the report, the overview maps embedded first, within the size budget."""
    order = sorted(range(len(maps)), key=lambda i: (MAP_PRIORITY.get(str(maps[i].get("kind")), 9), i))
    out: dict = {}
    embedded = used = 0
    for i in order:
        m = maps[i]
        size = _svg_size(m, base)
        if embedded >= MAX_EMBEDDED_MAPS or used + size > MAX_EMBEDDED_BYTES:
            out[i] = _map(m, base, embed=False)
            continue
        out[i] = _map(m, base)
        if out[i]["svg"] is not None:
            embedded += 1
            used += size
    return [out[i] for i in sorted(out, key=lambda i: (MAP_PRIORITY.get(str(maps[i].get("kind")), 9), i))]


def _svg_size(m: dict, base: Path) -> int:
    files = m.get("files") if isinstance(m.get("files"), dict) else {}
    try:
        return (base / str(files.get("svg"))).stat().st_size if files.get("svg") else 0
    except OSError:
        return 0


def _map(m: dict, base: Path, embed: bool = True) -> dict:
    files = m.get("files") if isinstance(m.get("files"), dict) else {}
    title = str(m.get("title") or m.get("id") or "System map")
    description = str(m.get("description") or "")
    out = {"id": str(m.get("id") or ""), "kind": str(m.get("kind") or ""), "title": title,
           "description": description, "svg": None, "note": "", "paper": str(m.get("paper") or ""),
           "files": [{"format": str(k), "href": str(v)} for k, v in sorted(files.items()) if v]}
    rel = files.get("svg")
    if not rel:
        out["note"] = (f"Graphviz could not draw this map ({m['error']}); its .dot file is beside the report."
                       if m.get("error") else "No SVG was drawn for this map.")
        return out
    if not embed:
        out["note"] = (f"Not embedded, to keep this report a size a browser opens (at most "
                       f"{MAX_EMBEDDED_MAPS} maps or {MAX_EMBEDDED_BYTES // 2**20} MB of them): open "
                       "the file beside the report.")
        return out
    path = (base / str(rel)).resolve()
    if not path.is_relative_to(base.resolve()):
        out["note"] = "The map file lies outside the output folder, so it is not embedded."
        return out
    try:
        size = path.stat().st_size
        if size > MAX_INLINE_SVG:
            out["note"] = f"This map is too large to embed ({size / 1e6:.0f} MB): open the SVG file."
            return out
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("map %s not embedded: %s", rel, exc)
        out["note"] = "The map file could not be read, so it is not embedded."
        return out
    try:
        out["svg"] = sanitise_svg(text, id_prefix=f"map-{safe_name(out['id'] or path.stem)}-",
                                  label=f"{title}. {description}".strip().rstrip("."))
    except ValueError as exc:
        log.warning("map %s not embedded: %s", rel, exc)
        out["note"] = "The map file is not valid SVG, so it is not embedded."
    return out
