"""DOT text: escaping and a small writer (clusters, nodes, edges), every value quoted.

Written by hand rather than with the ``graphviz`` package's ``quoting.quote``: that
leaves backslash escapes live (``\\N`` in a quoted string becomes the node's name,
``\\G`` the graph's), so text from an inventory could change what a map says; here every
backslash and quote of a value is escaped, and a name is always quoted.
"""

from __future__ import annotations

import contextlib
import functools
import html
import re
import textwrap
from typing import Optional


# ---- escaping ------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACE = re.compile(r"\s+")


def clean(text, limit: Optional[int] = None) -> str:
    """One line of plain text: control characters dropped, whitespace collapsed."""
    if not (type(text) is str and text.isprintable() and "  " not in text
            and text[:1] != " " and text[-1:] != " "):
        # (the fast path above: printable text has no control characters and no white
        # space but the ASCII space, so there is nothing to drop or collapse)
        text = _SPACE.sub(" ", _CONTROL.sub("", "" if text is None else str(text))).strip()
    if limit and len(text) > limit:
        text = text[: limit - 1].rstrip() + "\u2026"
    return text


def esc(text, limit: Optional[int] = None) -> str:
    """Text for inside an HTML-like label: ``& < > " '`` become entities."""
    return html.escape(clean(text, limit), quote=True)


@functools.lru_cache(maxsize=1 << 17, typed=True)     # names, colours and shapes recur on every map
def quote(text) -> str:
    """A DOT quoted string whose content stays literal (backslashes and quotes escaped)."""
    return '"' + clean(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


class Html(str):
    """An HTML-like label, already escaped; written between ``<`` and ``>``."""


def _value(value) -> str:
    if isinstance(value, Html):
        return f"<{value}>"
    if isinstance(value, float):
        return quote(f"{value:g}")
    return quote(value)


def _attrs(attrs: dict) -> str:
    items = [f"{key}={_value(value)}" for key, value in attrs.items() if value is not None]
    return f" [{', '.join(items)}]" if items else ""


class Dot:
    """A small DOT writer: clusters, nodes and edges, every value quoted."""

    def __init__(self, name: str, graph: dict, node: Optional[dict] = None,
                 edge: Optional[dict] = None):
        self.out = [f"digraph {quote(name)} {{"]
        self.depth = 1
        self.nodes = self.edges = self.clusters = 0
        self.invisible: set = set()     # (a, b) of every invisible layout edge
        self.line(f"graph{_attrs(graph)}")
        self.line(f"node{_attrs(node or {})}")
        self.line(f"edge{_attrs(edge or {})}")

    def line(self, text: str) -> None:
        self.out.append("  " * self.depth + text)

    def node(self, name: str, **attrs) -> None:
        self.nodes += 1
        self.line(f"{quote(name)}{_attrs(attrs)}")

    def edge(self, a: str, b: str, **attrs) -> None:
        self.edges += 1
        if attrs.get("style") == "invis":
            self.invisible.add((a, b))
        self.line(f"{quote(a)} -> {quote(b)}{_attrs(attrs)}")

    @contextlib.contextmanager
    def cluster(self, name: str, **attrs):
        self.clusters += 1
        self.line(f"subgraph {quote('cluster_' + name)} {{")
        self.depth += 1
        self.line(f"graph{_attrs(attrs)}")
        try:
            yield self
        finally:
            self.depth -= 1
            self.line("}")

    def text(self) -> str:
        return "\n".join(self.out + ["}"]) + "\n"


def wrap_label(text, width: int = 24) -> str:
    """Text for an HTML-like label, escaped and wrapped onto lines of about ``width``
    characters (``<BR/>`` between them): a long name is never cut short."""
    lines = textwrap.wrap(clean(text), width, break_long_words=False, break_on_hyphens=False)
    return "<BR/>".join(html.escape(line, quote=True) for line in lines) or " "
