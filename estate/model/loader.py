"""Find inventory files and parse them fast, keeping the way back to every line.

Parsing uses PyYAML's C loader (libyaml), which does not keep positions.  Records keep
their key path instead (``Source``), and :class:`Positions` turns a key path into a line
and column only when something is reported, by composing that one file again.  Valid
inventories therefore pay nothing for line numbers.

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

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

import yaml

from estate.errors import Problem, UsageError
from estate.model.codes import name_of

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


class InventoryLoader(_BaseLoader):
    """The C safe loader, with impossible dates kept as :class:`BadDate`."""


def _construct_timestamp(loader, node):
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        return BadDate(node.value, str(exc))


InventoryLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


@dataclass
class ParsedFile:
    """The documents of one file, or the problems that stopped it being read."""

    path: str
    docs: list = field(default_factory=list)      # [(doc_index, data)]
    problems: list = field(default_factory=list)
    digest: str = ""


def discover(paths: Iterable[str]) -> list[str]:
    """Every inventory file named by ``paths`` (files, or folders searched recursively).

    Hidden folders and ``estate.yaml`` configuration files are skipped.  The result is
    sorted, so runs are deterministic whatever order the file system lists.
    """
    found: set[str] = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise UsageError(f"no such file or folder: {raw}")
        if path.is_file():
            found.add(os.path.normpath(raw))
            continue
        for root, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in files:
                if name.endswith((".yaml", ".yml")) and name not in CONFIG_NAMES \
                        and not name.startswith("."):
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


def parse_text(text: str, path: str) -> ParsedFile:
    """Parse the YAML documents of one file's text."""
    parsed = ParsedFile(path)
    try:
        docs = list(yaml.load_all(text, Loader=InventoryLoader))
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


def parse_file(path: str) -> ParsedFile:
    """Read and parse one file.  Pure and picklable, so it can run in a worker process."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        parsed = ParsedFile(path)
        parsed.problems.append(_problem("E101", f"cannot read the file: {exc.strerror}", path))
        return parsed
    text, problem = decode(raw, path)
    if problem:
        parsed = ParsedFile(path)
        parsed.problems.append(problem)
        return parsed
    return parse_text(text, path)


class Positions:
    """Resolve (file, document, key path) to a line and column, on demand.

    Each file is composed at most once (with the C parser), only when something in it is
    reported.  Missing keys resolve to the mapping that should have held them.
    """

    def __init__(self, texts: Optional[dict] = None):
        self._nodes: dict[str, list] = {}
        self._texts = texts or {}

    def _documents(self, path: str) -> list:
        if path not in self._nodes:
            try:
                text = self._texts.get(path)
                if text is None:
                    text = Path(path).read_bytes().decode("utf-8-sig")
                self._nodes[path] = list(yaml.compose_all(text, Loader=_BaseLoader))
            except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
                self._nodes[path] = []
        return self._nodes[path]

    def locate(self, path: str, doc: int, where: tuple, key: bool = False) -> tuple[int, int]:
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
