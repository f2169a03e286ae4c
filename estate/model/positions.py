"""Where things are: a key path inside a parsed file, resolved to a line and column.

:class:`NodeIndex` is the compact record of every node's position that the fast loader
keeps while it parses (:mod:`estate.model.loader`); :class:`Positions` resolves the key
path of a reported problem (``Source.where``) to a line and column, through that index,
or by composing the file again (once) when it was parsed without one.
"""

from __future__ import annotations

from typing import Optional

import yaml

from estate.model.files import UnreadableFile, read_regular_bytes

try:  # the C composer, as the loader uses
    _Composer = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Composer = yaml.SafeLoader


class NodeIndex:
    """Where every node of a file's documents starts, without the nodes (see :class:`Positions`).

    For each document, ``docs[doc]`` is an ``array('i')`` with four numbers per node, in
    document order (a mapping's key before its value): 0-based line, 0-based column, the
    size of its sub-tree (the node and everything below it), and its kind: the position
    of the key's text in ``keys`` for a mapping key, else :data:`SCALAR`, :data:`MAPPING`
    or :data:`SEQUENCE`.  16 bytes a node, and enough to resolve any key path with no
    YAML and no data.
    """

    SCALAR, MAPPING, SEQUENCE = -1, -2, -3
    __slots__ = ("keys", "docs", "key_ids", "items")

    def __init__(self):
        self.keys: list = []
        self.docs: dict = {}            # doc index -> array('i'), 4 numbers a node
        self.key_ids: dict = {}
        self.items: dict = {}           # (doc, node) -> where each item of a sequence starts

    def __getstate__(self):
        return (self.keys, self.docs)

    def __setstate__(self, state):
        self.keys, self.docs = state
        self.key_ids = {}
        self.items = {}

    def __eq__(self, other):
        return isinstance(other, NodeIndex) and (self.keys, self.docs) == (other.keys, other.docs)

    def __bool__(self):
        return bool(self.docs)



class Positions:
    """Resolve (file, document, key path) to a line and column, on demand.

    A file parsed by the fast path carries the positions of its nodes (``ParsedFile.index``,
    a :class:`NodeIndex`): pass the parsed files as ``parsed`` and a look-up steps
    through that index, with exactly the result composing the file would give, and
    without keeping the documents.  Any other file is composed at most once (with the C
    parser), only when something in it is reported.  Missing keys resolve to the
    mapping that should have held them.
    """

    def __init__(self, texts: Optional[dict] = None, parsed: Optional[dict] = None):
        self._nodes: dict[str, list] = {}
        self._texts = texts or {}
        self._indexed: dict[str, NodeIndex] = {
            path: p.index for path, p in (parsed or {}).items() if p.index}

    def remember(self, parsed) -> None:
        """Locate ``parsed.path`` from now on with the node index it was parsed with
        (``parsed`` is a :class:`~estate.model.loader.ParsedFile`)."""
        if parsed.index:
            self._indexed[parsed.path] = parsed.index
        else:
            self._indexed.pop(parsed.path, None)

    def _documents(self, path: str) -> list:
        if path not in self._nodes:
            try:
                text = self._texts.get(path)
                if text is None:
                    text = read_regular_bytes(path).decode("utf-8-sig")
                self._nodes[path] = list(yaml.compose_all(text, Loader=_Composer))
            except (UnreadableFile, UnicodeDecodeError, yaml.YAMLError, RecursionError):
                self._nodes[path] = []
        return self._nodes[path]

    def locate(self, path: str, doc: int, where: tuple, key: bool = False) -> tuple[int, int]:
        index = self._indexed.get(path)
        if index is not None:
            if doc not in index.docs:
                return (0, 0)
            return _locate_indexed(index, doc, where, key)
        docs = self._documents(path)
        if doc >= len(docs) or docs[doc] is None:
            return (0, 0)
        node = docs[doc]
        mark = node.start_mark
        for step in where:
            child = None
            if isinstance(node, yaml.MappingNode):
                for k, v in node.value:
                    if k.value == step or (isinstance(step, int) and k.value == str(step)):
                        child = (k, v)
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) \
                    and step < len(node.value):
                child = (None, node.value[step])
            if child is None:
                break
            keynode, node = child
            mark = keynode.start_mark if (key and keynode is not None and step == where[-1]) \
                else node.start_mark
        return (mark.line + 1, mark.column + 1)

    def resolve(self, problems: list) -> list:
        """Fill in line and column of every problem that has a key path but no line."""
        for problem in problems:
            if not problem.line and problem.file and problem.where is not None:
                problem.line, problem.column = self.locate(problem.file, problem.doc,
                                                           problem.where, problem.key)
            other = problem.other
            if other is not None and "{other}" in problem.message:
                line, _ = self.locate(other.file, other.doc, other.where)
                problem.message = problem.message.replace("{other}", f"{other.file}:{line}")
        return problems


def _locate_indexed(index: NodeIndex, doc: int, where: tuple, key: bool) -> tuple[int, int]:
    """:meth:`Positions.locate` over a :class:`NodeIndex`, not the composed nodes."""
    nodes = index.docs[doc]          # line, column, size, kind for each node
    keys = index.keys
    at = mark = 0
    for step in where:
        child = None
        kind = nodes[at * 4 + 3]
        if kind == NodeIndex.MAPPING:
            j, end = at + 1, at + nodes[at * 4 + 2]
            while j < end:               # key at j, its value at j + 1
                name = keys[nodes[j * 4 + 3]]
                if name == step or (isinstance(step, int) and name == str(step)):
                    child = (j, j + 1)
                    break
                j += 1 + nodes[(j + 1) * 4 + 2]
        elif kind == NodeIndex.SEQUENCE and isinstance(step, int):
            items = index.items.get((doc, at))
            if items is None:       # once per sequence: many problems point into one list
                items, j, end = [], at + 1, at + nodes[at * 4 + 2]
                while j < end:
                    items.append(j)
                    j += nodes[j * 4 + 2]
                index.items[doc, at] = items
            if step < len(items):
                child = (None, items[step])
        if child is None:
            break
        key_at, at = child
        mark = key_at if (key and key_at is not None and step == where[-1]) else at
    return (nodes[mark * 4] + 1, nodes[mark * 4 + 1] + 1)
