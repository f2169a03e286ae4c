"""Maps on paper: does a drawn map print on A3 with its smallest text at 7 pt or more?

A map is scaled down to fit an A3 sheet (297 x 420 mm: 842 x 1191 pt, either way round)
and never up; its smallest text then prints at ``smallest font size x scale``.  A map
whose text would fall below :data:`MIN_TEXT_PT` says so in the report (``paper``), with
the size it prints at, rather than pretending it reads.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

#: an A3 sheet in points
A3 = (842.0, 1191.0)
#: the smallest text a board member can read on paper
MIN_TEXT_PT = 7.0

_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')
_FONT = re.compile(r'font-size="([\d.]+)"')


def a3_text_pt(svg_text: str) -> Optional[float]:
    """The size in points the map's smallest text prints at on A3 (None: not a Graphviz SVG)."""
    size = _SIZE.search(svg_text[:2000])
    if size is None:
        return None
    width, height = float(size.group(1)), float(size.group(2))
    fonts = [float(f) for f in _FONT.findall(svg_text)] or [14.0]
    scale = min(1.0, max(min(A3[0] / width, A3[1] / height), min(A3[1] / width, A3[0] / height)))
    return round(min(fonts) * scale, 1)


def paper_note(svg_path: Path) -> Optional[str]:
    """What the report says of a map too large for A3 at :data:`MIN_TEXT_PT` (None: it fits)."""
    try:
        text = svg_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    pt = a3_text_pt(text)
    if pt is None or pt >= MIN_TEXT_PT:
        return None
    return (f"Too large for one A3 sheet: printed on A3 its smallest text would be {pt:g} pt "
            f"(under {MIN_TEXT_PT:g} pt), so print it across two sheets or read it on screen.")
