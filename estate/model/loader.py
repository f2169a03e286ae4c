"""Find inventory files and parse them fast, keeping the way back to every line.

Parsing uses PyYAML's C parser (libyaml) to compose each document into nodes, and a
small constructor of our own (:func:`_build`) to turn the nodes into plain Python values.
It does what ``yaml.load`` with the C safe loader does for the tags inventories use
(strings, integers, booleans, nulls, dates, mappings and sequences), about twice as fast,
because PyYAML's generic constructor pays for features an inventory never uses (deep
construction through generators, merge keys, per-node tag dispatch) and its resolver
runs a regular expression on every scalar, where ours remembers the answer per distinct
value.  While it builds the values it records, in a compact array, the line and column
of every node in document order (see :class:`Positions`), so that a reported problem
costs a look-up, not a second parse.  Anything out of the ordinary (aliases, merge
keys, explicit tags, duplicate or non-text keys, a syntax error) falls back to PyYAML's
own loader on the whole file, so the results are the same in every case; those files
resolve lines by composing them again, only when something in them is reported.

Records keep their key path (``Source``), and :class:`~estate.model.positions.Positions`
turns a key path into a line and column when something is reported.

Three things PyYAML does not guard against are handled here:

* an impossible date such as ``2026-13-45`` raises a plain ``ValueError`` in the middle
  of construction; the loader turns it into a :class:`BadDate` value for validation;
* aliases that expand exponentially ("billion laughs") are shared objects in memory but
  explode on any traversal; documents that use aliases are measured first, and refused
  (E102) when their expanded size passes :data:`MAX_EXPANDED_NODES` or they refer to
  themselves;
* bytes that are not UTF-8 are reported with their line and column (E100).
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import sys
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

import yaml

from estate.collector import collector_off
from estate.errors import Problem, UsageError
from estate.model.codes import name_of
from estate.model.files import UnreadableFile, read_regular_bytes
from estate.model.positions import NodeIndex, Positions
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

# Positions lived here before estate/model/positions.py: importers keep working
__all__ = ["BadDate", "BadNumber", "InventoryLoader", "NodeIndex", "ParsedFile", "Positions",
           "discover", "decode", "parse_bytes", "parse_file", "parse_text", "unreadable",
           "LOADER_VERSION", "MAX_EXPANDED_NODES", "CONFIG_NAMES"]

try:  # libyaml is in every PyYAML wheel; fall back to pure Python just in case
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _BaseLoader = yaml.SafeLoader

#: a document whose aliases expand to more nodes than this is refused
MAX_EXPANDED_NODES = 1_000_000

#: files with these names beside the inventories are configuration, not inventories
CONFIG_NAMES = {"estate.yaml", "estate.yml"}


class BadDate(str):
    """A scalar that looked like a date but is not a real one (kept as its text)."""

    __slots__ = ("reason",)

    def __new__(cls, text: str, reason: str):
        obj = super().__new__(cls, text)
        obj.reason = reason
        return obj


class BadNumber(str):
    """An integer too long to convert (over :data:`MAX_INT_DIGITS` digits), kept as its
    text for validation to report; Python refuses to convert such text to an int."""

    __slots__ = ()


#: integers with more digits than this are kept as :class:`BadNumber` (Python's own
#: limit on converting text to int is 4,300 digits)
MAX_INT_DIGITS = 4000


class InventoryLoader(_BaseLoader):
    """The C safe loader, with impossible dates kept as :class:`BadDate`, endless
    integers as :class:`BadNumber`, and every key given twice in one mapping recorded
    in ``duplicate_keys`` (the key, where, and where it was first given): YAML would
    silently keep the last."""

    def __init__(self, stream):
        super().__init__(stream)
        self.duplicate_keys: list = []

    def construct_mapping(self, node, deep=False):
        if isinstance(node, MappingNode):
            first: dict = {}
            for key_node, _ in node.value:
                if isinstance(key_node, ScalarNode) and key_node.tag != _MERGE:
                    key = (key_node.tag, key_node.value)
                    if key in first:
                        self.duplicate_keys.append((key_node.value, key_node.start_mark, first[key]))
                    else:
                        first[key] = key_node.start_mark
        return super().construct_mapping(node, deep)


def _construct_timestamp(loader, node):
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        return BadDate(node.value, str(exc))


def _construct_int(loader, node):
    if len(node.value) > MAX_INT_DIGITS:
        return BadNumber(node.value)
    return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)


InventoryLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
InventoryLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


#: bump when what :func:`parse_text` returns changes, so cached parses are not reused
LOADER_VERSION = "6"


@dataclass
class ParsedFile:
    """The documents of one file, or the problems that stopped it being read.

    ``index`` locates the nodes of the documents (:class:`NodeIndex`); it is None when
    the file was read by PyYAML's own loader.
    """

    path: str
    docs: list = field(default_factory=list)      # [(doc_index, data)]
    problems: list = field(default_factory=list)
    digest: str = ""
    index: Optional[NodeIndex] = field(default=None, repr=False, compare=False)


def _is_inventory_name(name: str) -> bool:
    return name.endswith((".yaml", ".yml")) and name not in CONFIG_NAMES \
        and not name.startswith(".")


def discover(paths: Iterable[str]) -> list[str]:
    """Every inventory file named by ``paths`` (files, or folders searched recursively).

    Hidden folders and ``estate.yaml`` configuration files are skipped.  Anything named
    like an inventory that is not a regular file (a FIFO, a device, a link to one, a
    folder named ``*.yaml`` inside a folder searched) is listed too, so that reading
    it reports it (E105) rather than passing over it in silence.  The result is sorted,
    so runs are deterministic whatever order the file system lists.
    """
    found: set[str] = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise UsageError(f"no such file or folder: {raw}")
        if not path.is_dir():
            found.add(os.path.normpath(raw))
            continue
        for root, dirs, files in os.walk(path):
            for name in dirs:
                if _is_inventory_name(name):
                    found.add(os.path.normpath(os.path.join(root, name)))
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not _is_inventory_name(d))
            for name in files:
                if _is_inventory_name(name):
                    found.add(os.path.normpath(os.path.join(root, name)))
    return sorted(found)


def _problem(code, message, path, line=0, column=0, hint=None) -> Problem:
    return Problem(code=code, name=name_of(code), severity="error", message=message,
                   file=path, line=line, column=column, hint=hint)


def decode(raw: bytes, path: str) -> tuple[Optional[str], Optional[Problem]]:
    """UTF-8 text of a file (a BOM is allowed), or an E100 problem locating the bad byte."""
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        before = raw[:exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        hint = "save the file as UTF-8 (in Excel: 'CSV UTF-8'; in an editor: 'Save with encoding UTF-8')"
        try:
            guess = raw[exc.start:exc.start + 1].decode("cp1252")
            hint += f"; byte 0x{raw[exc.start]:02x} looks like Windows-1252 '{guess}'"
        except UnicodeDecodeError:
            pass
        return None, _problem("E100", f"the file is not UTF-8 text: byte 0x{raw[exc.start]:02x} "
                              "cannot be decoded", path, line, column, hint)


def _expanded_size(data, limit: int) -> int:
    """Count the nodes ``data`` would have if every alias were copied out.

    Shared sub-trees are counted once per use but computed once (memoised by identity),
    so a billion-laughs document is measured in microseconds.  A structure that contains
    itself raises ``RecursionError``.
    """
    memo: dict[int, int] = {}
    active: set[int] = set()

    def size(node) -> int:
        if not isinstance(node, (dict, list)):
            return 1
        key = id(node)
        if key in memo:
            return memo[key]
        if key in active:
            raise RecursionError("the document refers to itself through an alias")
        active.add(key)
        children = node.items() if isinstance(node, dict) else enumerate(node)
        total = 1
        for _, child in children:
            total += size(child)
            if total > limit:
                break
        active.discard(key)
        memo[key] = total
        return total

    return size(data)


# --- the fast path ---------------------------------------------------------------------------

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_FLOAT = "tag:yaml.org,2002:float"
_MAP = "tag:yaml.org,2002:map"
_MERGE = "tag:yaml.org,2002:merge"
_SEQ = "tag:yaml.org,2002:seq"


class _Unusual(Exception):
    """The document uses something the fast path leaves to PyYAML's loader."""


class _FastLoader(InventoryLoader):
    """The C parser with a resolver that remembers the tag of each distinct plain scalar.

    The answer depends only on the text (there are no path resolvers), so remembering it
    changes nothing but the time.
    """

    def __init__(self, stream):
        super().__init__(stream)
        self._tags: dict = {}
        self.texts: dict = {}      # text -> the one str object for it in this file
        self.values: dict = {}     # (tag, text) -> the one value for any other scalar

    def resolve(self, kind, value, implicit):
        if kind is ScalarNode:
            if not implicit[0]:
                return _STR
            tag = self._tags.get(value)
            if tag is None:
                tag = self._tags[value] = InventoryLoader.resolve(self, kind, value, implicit)
            return tag
        return _MAP if kind is MappingNode else _SEQ

    def descend_resolver(self, current_node, current_index):
        pass

    def ascend_resolver(self):
        pass


_MISSING = object()


def _scalar(loader, node):
    """The value of a scalar node, as PyYAML's safe constructor makes it.

    Equal scalars of one file share one object (``loader.texts``, ``loader.values``):
    the values are immutable, the documents take less memory, and a pickled file writes
    each distinct value once, so it is half the size and reads twice as fast.
    """
    tag, value = node.tag, node.value
    if tag == _STR:
        return loader.texts.setdefault(value, value)
    key = (tag, value)
    made = loader.values.get(key, _MISSING)
    if made is _MISSING:
        made = loader.values[key] = _make_scalar(loader, node, tag, value)
    return made


def _make_scalar(loader, node, tag: str, value: str):
    if tag == _INT:
        if len(value) > MAX_INT_DIGITS:
            return BadNumber(value)
        if value.isdigit() and value.isascii() and (value[0] != "0" or len(value) == 1):
            return int(value)
        return loader.construct_yaml_int(node)
    if tag == _BOOL:
        return loader.bool_values[value.lower()]
    if tag == _NULL:
        return None
    if tag == _TIMESTAMP:
        if len(value) == 10 and value[4] == "-" and value[7] == "-":
            try:
                return _dt.date(int(value[:4]), int(value[5:7]), int(value[8:]))
            except ValueError as exc:
                return BadDate(value, str(exc))
        return _construct_timestamp(loader, node)
    if tag == _FLOAT:
        return loader.construct_yaml_float(node)
    raise _Unusual(tag)


def _build(loader, node, out: array, index: NodeIndex, seen: set):
    """The value of ``node``, as ``yaml.load`` with :class:`InventoryLoader` makes it.

    Appends the node and each node below it to ``out`` (see :class:`NodeIndex`).  Scalar
    text, most of any inventory, is handled in the loops without a call.
    """
    cls = type(node)
    mark = node.start_mark
    if cls is ScalarNode:
        out.extend((mark.line, mark.column, 1, -1))
        return _scalar(loader, node)
    key = id(node)
    if key in seen:
        raise _Unusual("alias")
    seen.add(key)
    at = len(out)
    if cls is MappingNode:
        if node.tag != _MAP:
            raise _Unusual(node.tag)
        out.extend((mark.line, mark.column, 1, -2))
        key_ids, keys, texts = index.key_ids, index.keys, loader.texts
        data = {}
        for key_node, value_node in node.value:
            if type(key_node) is not ScalarNode or key_node.tag != _STR:
                raise _Unusual("key")
            name = key_node.value
            kid = key_ids.get(name)
            if kid is None:
                name = sys.intern(name)     # one object per key, the same as in the code
                kid = key_ids[name] = len(keys)
                keys.append(name)
            else:
                name = keys[kid]
            if name in data:
                raise _Unusual("duplicate key")
            mark = key_node.start_mark
            out.extend((mark.line, mark.column, 1, kid))
            if type(value_node) is ScalarNode:
                mark = value_node.start_mark
                out.extend((mark.line, mark.column, 1, -1))
                if value_node.tag == _STR:
                    value = value_node.value
                    data[name] = texts.setdefault(value, value)
                else:
                    data[name] = _scalar(loader, value_node)
            else:
                data[name] = _build(loader, value_node, out, index, seen)
    elif cls is SequenceNode:
        if node.tag != _SEQ:
            raise _Unusual(node.tag)
        out.extend((mark.line, mark.column, 1, -3))
        texts = loader.texts
        data = []
        for child in node.value:
            if type(child) is ScalarNode:
                mark = child.start_mark
                out.extend((mark.line, mark.column, 1, -1))
                if child.tag == _STR:
                    value = child.value
                    data.append(texts.setdefault(value, value))
                else:
                    data.append(_scalar(loader, child))
            else:
                data.append(_build(loader, child, out, index, seen))
    else:
        raise _Unusual("node")
    out[at + 2] = (len(out) - at) >> 2
    return data


def _parse_fast(text: str, path: str) -> Optional[ParsedFile]:
    """Parse with the fast path, or None when the file needs PyYAML's loader."""
    parsed = ParsedFile(path, index=NodeIndex())
    loader = _FastLoader(text)
    try:
        doc = 0
        while loader.check_node():
            node = loader.get_node()
            out = array("i")
            data = _build(loader, node, out, parsed.index, set())
            parsed.index.docs[doc] = out
            if data is not None:
                parsed.docs.append((doc, data))
            doc += 1
    except (_Unusual, yaml.YAMLError, RecursionError, ValueError, TypeError, OverflowError):
        return None
    finally:
        loader.dispose()
    if not parsed.docs:
        return None     # let the loader below say why
    return parsed


#: flow collections (``[``, ``{``) nested deeper than this are refused: libyaml's composer
#: recurses in C, and a file of 200,000 nested brackets crashes the interpreter outright
MAX_FLOW_NESTING = 500

_BRACKETS = re.compile(r"[^\[\]{}]+")
_FLOW_TOKENS = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\n]|\'\')*\'|#[^\n]*|[\[\]{}]')


def _flow_nesting(text: str, limit: int) -> tuple[int, int]:
    """How deep flow collections nest (0 when there are too few brackets to pass ``limit``),
    and the offset where the limit is passed (0 when it is not).  Parsing from the cache
    never pays for this.  Brackets are counted fast, ignoring quotes; only
    when that count passes the limit are quoted text and comments skipped to confirm."""
    if text.count("[") + text.count("{") <= limit:      # the usual case: nothing to count
        return 0, 0
    depth = deepest = 0
    for c in _BRACKETS.sub("", text):
        if c in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
        else:
            depth -= 1
    if deepest <= limit:
        return deepest, 0
    depth = 0
    for token in _FLOW_TOKENS.finditer(text):
        c = token.group()
        if c in "[{":
            depth += 1
            if depth > limit:
                return depth, token.start()
        elif c in "]}":
            depth -= 1
    return depth, 0


def parse_text(text: str, path: str) -> ParsedFile:
    """Parse the YAML documents of one file's text."""
    _, at = _flow_nesting(text, MAX_FLOW_NESTING)
    if at:
        before = text[:at]
        parsed = ParsedFile(path)
        parsed.problems.append(_problem(
            "E102", f"the YAML nests lists or mappings more than {MAX_FLOW_NESTING} deep; "
            "refused", path, before.count("\n") + 1, at - (before.rfind("\n") + 1) + 1,
            "an inventory needs a few levels: check the brackets"))
        return parsed
    with collector_off(settle=True):
        parsed = _parse_fast(text, path)
        if parsed is not None:
            return parsed
        return _parse_with_pyyaml(text, path)


def _parse_with_pyyaml(text: str, path: str) -> ParsedFile:
    parsed = ParsedFile(path)
    loader = None
    try:
        loader = InventoryLoader(text)
        docs = []
        while loader.check_data():
            docs.append(loader.get_data())
    except yaml.reader.ReaderError as exc:
        # a NUL or other control character: PyYAML gives its offset in the text only
        before = text[:exc.position]
        line, column = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        parsed.problems.append(_problem(
            "E101", f"YAML syntax error: character {_char_name(exc.character)} is not allowed "
            "in YAML text", path, line, column,
            "remove the character (control characters such as NUL are often left by a "
            "broken export)"))
        return parsed
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(filter(None, [exc.context, exc.problem]))
        hint = _syntax_hint(text, mark)
        parsed.problems.append(_problem("E101", f"YAML syntax error: {message}", path,
                                        mark.line + 1 if mark else 0,
                                        mark.column + 1 if mark else 0, hint))
        return parsed
    except yaml.YAMLError as exc:
        parsed.problems.append(_problem("E101", f"YAML syntax error: {exc}", path))
        return parsed
    except RecursionError:
        parsed.problems.append(_problem("E102", "the YAML nests too deeply to read", path))
        return parsed
    finally:
        if loader is not None:
            loader.dispose()
    for key, mark, first in loader.duplicate_keys:
        parsed.problems.append(_problem(
            "E132", f"key '{key}' is given twice in one mapping (first on line {first.line + 1}); "
            "YAML would keep only the last", path, mark.line + 1, mark.column + 1,
            "remove one of them, or rename it if both are meant"))
    uses_aliases = "*" in text and "&" in text
    anchor_line = _first_anchor_line(text) if uses_aliases else 1
    for index, data in enumerate(docs):
        if data is None:
            continue  # an empty document, e.g. after a trailing '---'
        if uses_aliases:
            try:
                if _expanded_size(data, MAX_EXPANDED_NODES) > MAX_EXPANDED_NODES:
                    parsed.problems.append(_problem(
                        "E102", f"document {index + 1} expands through YAML aliases to more "
                        f"than {MAX_EXPANDED_NODES:,} values; refused as an alias bomb", path, anchor_line, 1,
                        "write the values out, or use fewer nested aliases"))
                    continue
            except RecursionError:
                parsed.problems.append(_problem(
                    "E102", f"document {index + 1} refers to itself through a YAML alias", path, anchor_line, 1,
                    "remove the alias that points back to its own anchor"))
                continue
        parsed.docs.append((index, data))
    if not parsed.docs and not parsed.problems:
        parsed.problems.append(_problem("E103", "the file holds no YAML document", path, 1, 1,
                                        "add inventory content (see SPEC.md), or remove the file"))
    return parsed


def _char_name(character) -> str:
    code = ord(character) if isinstance(character, str) else int(character)
    return f"U+{code:04X}" + (" (NUL)" if code == 0 else "")


def _first_anchor_line(text: str) -> int:
    """Line of the first YAML anchor (``&name``), where alias trouble starts."""
    import re
    m = re.search(r"(^|[\s\[{,:-])&[^\s]", text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else 1


def _syntax_hint(text: str, mark) -> Optional[str]:
    if mark is None:
        return None
    lines = text.splitlines()
    if mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
        return "YAML does not allow tabs for indentation; use spaces"
    return "check the indentation and that every ':' in a value is inside quotes"


def unreadable(path: str, exc: UnreadableFile) -> ParsedFile:
    """The parse of a file that could not be read: its one problem (E105 or E106)."""
    parsed = ParsedFile(path)
    parsed.problems.append(_problem(exc.code, f"cannot read the file: {exc.reason}", path,
                                    hint=exc.hint))
    return parsed


def parse_file(path: str, limit: Optional[int] = None) -> ParsedFile:
    """Read and parse one file (a regular file of at most ``limit`` bytes: see
    :mod:`estate.model.files`).  Pure and picklable, so it can run in a worker process."""
    try:
        raw = read_regular_bytes(path, limit)
    except UnreadableFile as exc:
        return unreadable(path, exc)
    return parse_bytes(raw, path)


def parse_bytes(raw: bytes, path: str) -> ParsedFile:
    """Parse one file's bytes (``path`` labels the problems)."""
    text, problem = decode(raw, path)
    if problem:
        parsed = ParsedFile(path)
        parsed.problems.append(problem)
        return parsed
    return parse_text(text, path)
