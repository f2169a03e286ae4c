"""Inline SVG made safe: the report embeds Graphviz maps only after this.

A security boundary of its own: whatever an inventory put into a map's labels, ids or
links, :func:`sanitise_svg` writes back only the elements and attributes Graphviz
draws, so nothing embedded in ``report.html`` can run.  The writer streams expat's
events and escapes as ElementTree serialises (``&``, ``<``, ``>`` in text; those and
quotes, CR, LF, tab in attributes): :func:`markupsafe.escape` also turns quotes in
text into entities, which would change every embedded map's bytes for no safety gain.
"""

from __future__ import annotations

import re
from xml.parsers import expat

from markupsafe import Markup

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
#: the SVG elements Graphviz writes; anything else (script, foreignObject, style,
#: animate, set, image, iframe...) is removed with its content
SVG_ELEMENTS = frozenset({
    "svg", "g", "title", "desc", "path", "polygon", "polyline", "ellipse", "circle", "rect",
    "line", "text", "tspan", "a", "defs", "lineargradient", "radialgradient", "stop",
})
_SAFE_SCHEMES = ("http", "https", "mailto")
_PROLOG = re.compile(r"<\?xml[^>]*\?>|<!DOCTYPE(?:[^\[>]*\[[^\]]*\])?[^>]*>|<!--.*?-->", re.S | re.I)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.I)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_URL_REF = re.compile(r"url\(\s*#([^)\s]+)\s*\)")


def _local(name: str) -> str:
    return name.rpartition("}")[2] if name.startswith("{") else name.rpartition(":")[2]


def _safe_url(value: str) -> bool:
    compact = _CONTROL.sub("", value)
    scheme = _SCHEME.match(compact)
    return scheme is None or scheme.group(1).lower() in _SAFE_SCHEMES


def sanitise_svg(text: str, *, id_prefix: str = "", label: str = "") -> Markup:
    """SVG text made safe to inline in the report; raises ValueError if it is not SVG.

    Drops the XML prolog, DOCTYPE and comments; keeps only the elements Graphviz
    writes (no ``script``, ``style``, ``foreignObject``, ``image``, animation); drops
    every ``on*`` attribute, ``style`` attributes that call ``url()`` or
    ``expression()``, and links whose scheme is not http(s) or mailto (so no
    ``javascript:`` or ``data:``).  Prefixes ids (two maps on one page must not share
    ``node1``), makes the drawing scale to the page, and labels it (``role="img"``).

    The drawing is parsed with expat and written back as it streams past
    (:class:`_SvgWriter`) in ElementTree's serialisation (the ``svg`` namespace the
    default, attributes in document order, ``" />"`` for an empty element), which this
    used until building and writing the tree took half the report's time.
    """
    body = _PROLOG.sub("", text).strip()
    writer = _SvgWriter(id_prefix)
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.buffer_size = 1 << 16
    parser.ordered_attributes = True
    parser.StartElementHandler = writer.start
    parser.EndElementHandler = writer.end
    parser.CharacterDataHandler = writer.data
    try:
        parser.Parse(body, True)
    except expat.ExpatError as exc:
        raise ValueError(f"not well-formed SVG: {exc}") from exc
    return Markup(writer.finish(label))


#: the prefix each namespace is written with (ElementTree's defaults; svg the default
#: namespace); any other namespace is written ns0, ns1... in order of first use
NS_PREFIXES = {
    SVG_NS: "", XLINK_NS: "xlink", "http://www.w3.org/XML/1998/namespace": "xml",
    "http://www.w3.org/1999/xhtml": "html", "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
    "http://schemas.xmlsoap.org/wsdl/": "wsdl", "http://www.w3.org/2001/XMLSchema": "xs",
    "http://www.w3.org/2001/XMLSchema-instance": "xsi", "http://purl.org/dc/elements/1.1/": "dc",
}
_KEEP, _DROP, _URL, _STYLE, _ID = range(5)
_UNSAFE_STYLE = re.compile(r"url\s*\(|expression\s*\(|@import|javascript:", re.I)
_ATTR_SPECIAL = re.compile('[&<>"\r\n\t]')


def _name(raw: str) -> str:
    """expat's ``uri}local`` as ``{uri}local``."""
    return "{" + raw if "}" in raw else raw


def _element_kept(tag: str) -> bool:
    """Whether an element stays: one Graphviz writes, in the svg namespace."""
    return _local(tag).lower() in SVG_ELEMENTS and (not tag.startswith("{") or tag.startswith(f"{{{SVG_NS}}}"))


def _attribute_kind(name: str) -> int:
    """What :meth:`_SvgWriter.start` does with an attribute."""
    local = _local(name).lower()
    if local.startswith("on") or local in ("formaction", "attributename", "values", "begin"):
        return _DROP
    if local in ("href", "src", "action"):
        return _URL
    return {"style": _STYLE, "id": _ID}.get(local, _KEEP)


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(text: str) -> str:
    if _ATTR_SPECIAL.search(text) is None:
        return text
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#09;"))


def _refers(name: str, value: str) -> bool:
    """Whether :func:`_rewrite_ref` may change this attribute: a link to ``#id`` or a ``url(#id)``."""
    return (_local(name) == "href" and value.startswith("#")) or "url(#" in value.replace(" ", "")


def _rewrite_ref(name: str, value: str, ids: dict) -> str:
    """An attribute's value with the ids it refers to prefixed as their elements' ids were."""
    if _local(name) == "href" and value.startswith("#") and value[1:] in ids:
        return "#" + ids[value[1:]]
    if "url(#" in value.replace(" ", ""):
        return _URL_REF.sub(lambda m: f"url(#{ids.get(m.group(1), m.group(1))})", value)
    return value


class _SvgWriter:
    """Writes back the SVG that expat streams past, without what could run.

    Output goes into :attr:`out` as pieces of text.  An element's start tag is left
    open until its first text or kept child (then ``>``) or its end (then ``" />"``).
    A removed element is skipped with its content and the text after it (its *tail*).
    The root's start tag (which declares the namespaces used anywhere) and any tag
    that refers to an id (which may come later) are written by :meth:`finish`.
    """

    def __init__(self, id_prefix: str):
        self.prefix = id_prefix
        self.out: list = []
        self.stack: list = []          # [name as written, start tag closed?] per open element
        self.skipping = 0              # depth inside a removed element
        self.drop_tail = False         # the text after a removed element goes with it
        self.ids: dict = {}            # id -> prefixed id
        self.tags: dict = {}           # expat's element name -> name as written; None: removed
        self.attributes: dict = {}     # expat's attribute name -> (name, kind)
        self.names: dict = {}          # expat's attribute name -> name as written
        self.namespaces: dict = {}     # uri -> prefix, in order of first use
        self.root = None               # (name as written, [(name as written, name, value)])
        self.later: list = []          # (piece index, name as written, [(name as written, name, value)])

    def written(self, name: str) -> str:
        """``{uri}local`` as written: ``prefix:local``, or ``local`` in the svg namespace."""
        if name[:1] != "{":
            return name
        uri, local = name[1:].rsplit("}", 1)
        prefix = self.namespaces.get(uri)
        if prefix is None:
            prefix = NS_PREFIXES.get(uri)
            if prefix is None:
                prefix = f"ns{len(self.namespaces)}"
            if prefix != "xml":
                self.namespaces[uri] = prefix
        return f"{prefix}:{local}" if prefix else local

    def start(self, raw: str, attributes: list) -> None:
        if self.skipping:
            self.skipping += 1
            return
        self.drop_tail = False
        stack = self.stack
        if not stack:                  # the root: an svg element, of whatever namespace
            name = _name(raw)
            if _local(name).lower() != "svg":
                raise ValueError(f"the root element is <{_local(name)}>, not <svg>")
            tag = self.written(name)
        elif raw in self.tags:
            tag = self.tags[raw]
        else:                          # a removed element's namespace is not declared
            name = _name(raw)
            tag = self.tags[raw] = self.written(name) if _element_kept(name) else None
        if stack:
            if tag is None:
                self.skipping = 1
                return
            if not stack[-1][1]:
                self.out.append(">")
                stack[-1][1] = True
        if stack and not attributes:
            self.out.append("<" + tag)
        else:
            self.write_start(tag, attributes, root=not stack)
        stack.append([tag, False])

    def write_start(self, tag: str, attributes: list, root: bool) -> None:
        """``<tag`` and the attributes kept (a root's, or one referring to an id, later)."""
        known, names, ids, prefix = self.attributes, self.names, self.ids, self.prefix
        pieces = ["<", tag]
        kept = []
        refers = False
        pairs = iter(attributes)
        for raw_key, value in zip(pairs, pairs):
            info = known.get(raw_key)
            if info is None:
                name = _name(raw_key)
                info = known[raw_key] = (name, _attribute_kind(name))
            key, kind = info
            if kind is not _KEEP:
                if kind is _DROP or (kind is _URL and not _safe_url(value)) \
                        or (kind is _STYLE and _UNSAFE_STYLE.search(value)):
                    continue
                if kind is _ID and prefix:
                    ids[value] = value = prefix + value
            written = names.get(raw_key)
            if written is None:        # a namespace counts from its first attribute kept
                written = names[raw_key] = self.written(key)
            kept.append((written, key, value))
            if "#" in value and _refers(key, value):
                refers = True
            if _ATTR_SPECIAL.search(value) is not None:
                value = _escape_attribute(value)
            pieces += (" ", written, '="', value, '"')
        if root:
            self.root = (tag, kept)
            self.out.append(None)
        elif refers:
            self.later.append((len(self.out), tag, kept))
            self.out.append(None)
        else:
            self.out.append("".join(pieces))

    def end(self, raw: str) -> None:
        if self.skipping:
            self.skipping -= 1
            self.drop_tail = not self.skipping
            return
        self.drop_tail = False
        tag, closed = self.stack.pop()
        self.out.append(f"</{tag}>" if closed else " />")

    def data(self, text: str) -> None:
        if self.skipping or self.drop_tail or not self.stack:
            return
        top = self.stack[-1]
        if not top[1]:
            self.out.append(">")
            top[1] = True
        if "&" in text or "<" in text or ">" in text:
            text = _escape_text(text)
        self.out.append(text)

    def finish(self, label: str) -> str:
        """The sanitised text: the root's start tag and the tags that refer to ids filled in."""
        ids = self.ids
        for index, tag, kept in self.later:
            if ids:
                kept = [(written, key, _rewrite_ref(key, value, ids)) for written, key, value in kept]
            self.out[index] = _start_tag(tag, kept)
        tag, kept = self.root
        attributes = {key: [written, value] for written, key, value in kept}
        if ids:
            for key, pair in attributes.items():
                pair[1] = _rewrite_ref(key, pair[1], ids)
        width = attributes.pop("width", [None, None])[1]
        attributes.pop("height", None)
        style = "width:100%;height:auto"
        if width and re.fullmatch(r"[0-9.]+(pt|px)?", width.strip()):
            style += f";max-width:{width.strip()}"
        extra = {"style": style, "role": "img", "focusable": "false"}
        if label:
            extra["aria-label"] = label
        for key, value in extra.items():
            attributes.setdefault(key, [key, None])[1] = value
        declarations = "".join(f' xmlns{":" + prefix if prefix else ""}="{_escape_attribute(uri)}"'
                               for uri, prefix in sorted(self.namespaces.items(), key=lambda up: up[1]))
        self.out[0] = _start_tag(tag + declarations, [(w, k, v) for k, (w, v) in attributes.items()])
        return "".join(self.out)


def _start_tag(tag: str, attributes: list) -> str:
    """``<tag a="1"`` (the ``>`` or ``" />"`` comes later)."""
    return "<" + tag + "".join(f' {written}="{_escape_attribute(value)}"' for written, _, value in attributes)
