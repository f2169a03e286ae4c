"""Change inventory files in place: only what changed, keeping everything people wrote.

An import that updates existing inventories (``estate import register``, a survey, a
table of contracts) should leave a diff a reviewer can read: one edited end date is a
one-line diff; comments, blank lines, key order, flow or block style, quoting and the
folder layout stay as they were.  This module does that.

Public functions
================

``changes_between(old, new, complete=False) -> list[Change]``
    The record-level changes from ``old`` to ``new``, both ``{authority id:
    AuthorityDoc}`` (:mod:`estate.interchange.writer`; ``old`` usually from
    ``writer.existing_docs(paths)``).  Only the sections each new document is the whole
    truth for (``AuthorityDoc.sections``) are compared; a record missing from them is
    removed.  With ``complete`` an authority missing from ``new`` is removed too.

``plan_changes(paths, changes, *, new_files_in=None, header=(), layout="whole") -> writer.Plan``
    What the changes do to the files under ``paths`` (files or folders of inventory
    YAML): a :class:`~estate.interchange.writer.Plan` whose ``diff()`` is the unified
    diff and whose files are written by ``writer.apply(plan)``.  Nothing is written.
    An authority found in no file gets a new file in ``new_files_in``, named as
    ``writer.target_path`` names it for ``layout`` (``"whole"``: ``<id>.yaml``;
    ``"section"``: ``<id>-contracts.yaml``), starting with the ``header`` comment lines.

``apply_changes(paths, changes, *, new_files_in=None, header=(), layout="whole", write=True) -> str``
    Plan, write (unless ``write=False``) and return the unified diff ("" when nothing
    changes).  Files are replaced atomically; a symbolic link is never written through.

A :class:`Change` names one record by ``authority`` id, ``section``
(``"authority"`` for the council's header, ``"lines_of_business"``, ``"systems"`` or
``"contracts"``) and ``id``, and says what happens to it:

* ``Change.set_fields(aid, section, rid, {"end": date(2029, 3, 31), "notice_months": None})``
  -- each field gets the value given; ``None`` removes the field.  A dict value for a
  nested mapping (``{"data": {"api": True}}``) sets fields inside it.  Changed scalars
  keep their quoting style; new fields go after the field before them in SPEC order.
* ``Change.add_record(aid, section, record, comment=["from: survey.xlsx row 4"])`` --
  appended to the end of that section in the file where the authority's records of
  that section already are (the folder layout is kept), in the style of the record
  before it (``- {id: ..., ...}`` flow lines stay flow lines).  An authority found in
  no file gets a new ``<id>.yaml`` in ``new_files_in`` (needs ``add_record`` of section
  ``"authority"`` with its header, e.g. ``{"id": "x", "name": "X Council"}``).
* ``Change.remove_record(aid, section, rid)`` -- the record's lines go, with the
  comment lines directly above it (unless the next record follows with no blank line
  or comment between: then the comment heads a group and stays).  Removing the
  ``"authority"`` sets aside the files that hold only that authority (renamed
  ``*.replaced``, as a replacing import does).

How: every file is parsed with PyYAML's composer, whose nodes carry the exact start and
end of each key and value, and each change is spliced into the original text at those
places; the rest of the file is not re-emitted, so it stays byte for byte.  (A
round-trip emitter such as ruamel.yaml re-emits the whole document; on the sample
inventories it dropped a comment and two blank lines of ``wexcombe.yaml``.)  New
values are written by the one YAML emitter, :mod:`estate.interchange.writer`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

import yaml

from estate.errors import UsageError
from estate.interchange import writer
from estate.interchange.writer import (AUTHORITY_ORDER, CONTRACT_ORDER, DATA_ORDER, LINE_ORDER,
                                       SYSTEM_ORDER, AuthorityDoc, FileChange, Plan)
from estate.model.loader import discover

SECTIONS = writer.SECTIONS
ORDER = {"authority": AUTHORITY_ORDER, "lines_of_business": LINE_ORDER,
         "systems": SYSTEM_ORDER, "contracts": CONTRACT_ORDER, "data": DATA_ORDER}


@dataclass
class Change:
    """One record changed, added or removed (see the module docstring)."""

    authority: str
    section: str
    id: Optional[str] = None
    fields: dict = field(default_factory=dict)        # "set": field -> value (None removes)
    record: Optional[dict] = None                     # "add": the whole record
    remove: bool = False
    comment: tuple = ()                               # "add": comment lines above the record

    @classmethod
    def set_fields(cls, authority: str, section: str, rid: Optional[str], fields: dict) -> "Change":
        return cls(authority, section, rid, fields=dict(fields))

    @classmethod
    def add_record(cls, authority: str, section: str, record: dict,
                   comment: Iterable[str] = ()) -> "Change":
        return cls(authority, section, record.get("id"), record=dict(record), comment=tuple(comment))

    @classmethod
    def remove_record(cls, authority: str, section: str, rid: Optional[str]) -> "Change":
        return cls(authority, section, rid, remove=True)

    @property
    def action(self) -> str:
        return "remove" if self.remove else "add" if self.record is not None else "set"


# ------------------------------------------------------------------ finding changes
def _blank(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _field_changes(old: dict, new: dict, section: str) -> dict:
    """Field -> new value for every field that differs (``None``: remove the field)."""
    of, nf = writer._flat(old, section), writer._flat(new, section)
    out: dict = {}
    for key in writer._keys(of, nf, section) if section != "authority" else \
            sorted(set(of) | set(nf)):
        if of.get(key) == nf.get(key):
            continue
        if section == "authority" and key == "partnerships" and nf.get(key) is None:
            continue                          # not every source knows partnerships
        if "." in key:
            top, sub = key.split(".", 1)
            value = (new.get(top) or {}).get(sub)
            out.setdefault(top, {})[sub] = None if _blank(value) else value
        else:
            value = new.get(key)
            if section == "systems" and key == "status" and value is None:
                value = "live"
            out[key] = None if (_blank(value) and key not in ("supports", "covers")) else value
    if isinstance(out.get("data"), dict) and not isinstance(old.get("data"), dict):
        out["data"] = {k: v for k, v in out["data"].items() if v is not None} or None
    return out


def changes_between(old: dict, new: dict, complete: bool = False) -> list:
    """The :class:`Change` list that turns ``old`` documents into ``new`` ones."""
    changes: list = []
    for aid in sorted(set(old) | set(new)):
        o, n = old.get(aid), new.get(aid)
        if n is None:
            if complete:
                changes.append(Change.remove_record(aid, "authority", aid))
            continue
        if o is None:
            changes.append(Change.add_record(aid, "authority", n.authority,
                                             n.origin.get(("authority", aid), ())))
            for section in SECTIONS:
                for rec in getattr(n, section):
                    changes.append(Change.add_record(aid, section, rec,
                                                     n.origin.get((section, rec.get("id")), ())))
            continue
        head = _field_changes(o.authority, n.authority, "authority")
        if head:
            changes.append(Change.set_fields(aid, "authority", aid, head))
        for section in SECTIONS:
            if section not in n.sections:
                continue
            orecs = {r["id"]: r for r in getattr(o, section)}
            nrecs = {r["id"]: r for r in getattr(n, section)}
            for rid, rec in nrecs.items():
                if rid not in orecs:
                    changes.append(Change.add_record(aid, section, rec,
                                                     n.origin.get((section, rid), ())))
                    continue
                fields = _field_changes(orecs[rid], rec, section)
                if fields:
                    changes.append(Change.set_fields(aid, section, rid, fields))
            changes.extend(Change.remove_record(aid, section, rid)
                           for rid in orecs if rid not in nrecs)
    return changes


# ------------------------------------------------------------------ the parsed files
def _scalar(node) -> Optional[str]:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _pairs(node) -> dict:
    return {_scalar(k): (i, k, v) for i, (k, v) in enumerate(node.value) if _scalar(k) is not None}


def _end(node) -> int:
    """Where the text of ``node`` ends (block collections end at their last child)."""
    if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
        return _end(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        return _end(node.value[-1])
    return node.end_mark.index


@dataclass
class _Seq:
    file: "_File"
    key: yaml.Node
    node: yaml.Node


@dataclass
class _File:
    path: str
    text: str
    edits: list = field(default_factory=list)      # (start, end, text, order)
    set_aside: bool = False

    def line_start(self, i: int) -> int:
        return self.text.rfind("\n", 0, i) + 1

    def line_end(self, i: int) -> int:
        """The index just after the newline ending the line that holds ``i``."""
        j = self.text.find("\n", i)
        return len(self.text) if j < 0 else j + 1

    def splice(self, start: int, end: int, text: str) -> None:
        self.edits.append((start, end, text, len(self.edits)))

    def result(self) -> str:
        text = self.text
        if text and not text.endswith("\n") and any(s >= len(text) for s, *_ in self.edits):
            text += "\n"
        last = None
        for start, end, new, _ in sorted(self.edits, key=lambda e: (e[0], e[3]), reverse=True):
            if last is not None and end > last:
                raise UsageError(f"{self.path}: two changes touch the same text (at character "
                                 f"{start}); make them one at a time")
            text = text[:start] + new + text[end:]
            last = start
        return text


class _Index:
    """Where every authority's header, sections and records are in the files."""

    def __init__(self, paths):
        self.files: dict = {}
        self.headers: dict = {}          # aid -> (file, authority mapping node, document node)
        self.docs_of: dict = {}          # aid -> [file]
        self.seqs: dict = {}             # (aid, section) -> _Seq (the last one found)
        self.records: dict = {}          # (aid, section, rid) -> (_Seq, position)
        self.removed: set = set()        # authorities removed whole
        for path in discover([str(p) for p in paths]):
            writer.refuse_link(path)
            text = Path(path).read_text(encoding="utf-8")
            f = self.files[path] = _File(path, text)
            try:
                documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
            except yaml.YAMLError as exc:
                raise UsageError(f"{path} is not valid YAML: {exc}",
                                 hint="run 'estate validate' on it first") from None
            for doc in documents:
                self._document(f, doc)

    def _document(self, f: _File, doc) -> None:
        if not isinstance(doc, yaml.MappingNode):
            return
        top = _pairs(doc)
        if "kind" not in top or _scalar(top["kind"][2]) != "authority" or "authority" not in top:
            return
        head = top["authority"][2]
        if not isinstance(head, yaml.MappingNode) or "id" not in _pairs(head):
            return
        aid = _scalar(_pairs(head)["id"][2])
        self.headers.setdefault(aid, (f, head, doc))
        self.docs_of.setdefault(aid, [])
        if f not in self.docs_of[aid]:
            self.docs_of[aid].append(f)
        for section in SECTIONS:
            if section not in top or not isinstance(top[section][2], yaml.SequenceNode):
                continue
            seq = _Seq(f, top[section][1], top[section][2])
            self.seqs[(aid, section)] = seq
            for pos, item in enumerate(seq.node.value):
                if isinstance(item, yaml.MappingNode) and "id" in _pairs(item):
                    self.records[(aid, section, _scalar(_pairs(item)["id"][2]))] = (seq, pos)


# ------------------------------------------------------------------- writing values
def _quoted_like(node, value, key: str, flow: bool) -> str:
    """``value`` as YAML text, quoted the way ``node`` was when that still reads back."""
    text = writer.scalar(value, key, flow)
    if isinstance(value, str) and isinstance(node, yaml.ScalarNode) and node.style:
        if node.style == "'" and all(ord(c) >= 32 for c in value):
            return "'" + value.replace("'", "''") + "'"
        if node.style == '"' and not text.startswith('"'):
            return writer._quote(value)
    return text


def _flow(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return writer.scalar(value, flow=True)


def _pair_text(key: str, value, indent: int, flow: bool) -> str:
    """``key: value`` as it goes at column ``indent`` (first line without the indent)."""
    if flow:
        return f"{key}: {_flow(value) if isinstance(value, (dict, list)) else writer.scalar(value, key, True)}"
    lines: list = []
    writer._emit(key, value, indent, lines)
    return "\n".join(lines)[indent:]


def _set(f: _File, mapping, fields: dict, order: tuple) -> None:
    """Set, add or remove ``fields`` of one mapping node, touching only their text."""
    flow = bool(mapping.flow_style)
    rank = {k: i for i, k in enumerate(order)}
    removed: set = set()
    for key, value in fields.items():
        pairs = _pairs(mapping)
        if key in pairs:
            i, k, v = pairs[key]
            if value is None:
                _delete_pair(f, mapping, i, flow)
                removed.add(key)
            elif isinstance(value, dict) and isinstance(v, yaml.MappingNode) and v.value:
                _set(f, v, value, ORDER.get(key, ()))
            elif isinstance(v, yaml.ScalarNode) and not isinstance(value, (dict, list)) \
                    and v.value != "":
                f.splice(v.start_mark.index, v.end_mark.index, _quoted_like(v, value, key, flow))
            else:
                if isinstance(value, dict):
                    value = {k2: v2 for k2, v2 in value.items() if v2 is not None}
                keep_flow = flow or (isinstance(v, yaml.SequenceNode) and bool(v.flow_style))
                if isinstance(v, yaml.SequenceNode) and not v.flow_style and v.value and \
                        all(not isinstance(x, (dict, list)) for x in value):
                    text = _block_list(key, value, k.start_mark.column, v)
                else:
                    text = _pair_text(key, value, k.start_mark.column, keep_flow and not any(
                        isinstance(x, dict) for x in (value if isinstance(value, list) else [])))
                f.splice(k.start_mark.index, _end(v), text)
        elif value is not None:
            if isinstance(value, dict):
                value = {k2: v2 for k2, v2 in value.items() if v2 is not None}
                if not value:
                    continue
            _insert_pair(f, mapping, key, value, rank, flow, removed)


def _block_list(key: str, value: list, column: int, old) -> str:
    dash = old.value[0].start_mark.column - 2
    pad = " " * max(dash, column)
    items = [f"{pad}- {writer.scalar(x, flow=False)}" for x in value]
    return f"{key}:\n" + "\n".join(items)


def _delete_pair(f: _File, mapping, i: int, flow: bool) -> None:
    pairs = mapping.value
    k, v = pairs[i]
    if len(pairs) == 1:
        f.splice(k.start_mark.index, _end(v), "{}" if not flow else "")
    elif i == 0:
        f.splice(k.start_mark.index, pairs[1][0].start_mark.index, "")
    elif flow:
        f.splice(_end(pairs[i - 1][1]), _end(v), "")
    else:
        f.splice(f.line_start(k.start_mark.index), f.line_end(_end(v)), "")


def _insert_pair(f: _File, mapping, key: str, value, rank: dict, flow: bool, removed: set) -> None:
    pairs = [(k, v) for k, v in mapping.value if _scalar(k) not in removed]
    if not pairs:
        pairs = mapping.value
    mine = rank.get(key, len(rank))
    before = [p for p in pairs if rank.get(_scalar(p[0]), len(rank)) <= mine]
    column = pairs[0][0].start_mark.column if pairs else mapping.start_mark.column
    text = _pair_text(key, value, column, flow)
    if not pairs:
        f.splice(mapping.start_mark.index, mapping.end_mark.index,
                 "{" + text + "}" if flow else text)
    elif not before:
        first = pairs[0][0].start_mark.index
        f.splice(first, first, text + (", " if flow else "\n" + " " * column))
    elif flow:
        at = _end(before[-1][1])
        f.splice(at, at, ", " + text)
    else:
        at = f.line_end(_end(before[-1][1]))
        f.splice(at, at, " " * column + text + "\n")


# -------------------------------------------------------------- adding and removing
def _clean(section: str, record: dict) -> dict:
    if section == "systems":
        return writer.clean_system(record)
    if section == "contracts":
        return writer.clean_contract(record)
    return writer._ordered(record, ORDER.get(section, ()))


def _item_text(record: dict, dash: int, comment: Iterable[str], flow: bool) -> str:
    pad = " " * dash
    lines = [f"{pad}# {c}" for c in comment]
    if flow:
        lines.append(f"{pad}- {_flow(record)}")
    else:
        writer._emit_item(record, dash, lines)
    return "\n".join(lines) + "\n"


def _dash_column(f: _File, item) -> int:
    start = item.start_mark.index
    dash = f.text.rfind("-", f.line_start(start), start)
    return dash - f.line_start(start) if dash >= 0 else max(item.start_mark.column - 2, 0)


def _spaced(f: _File, seq) -> bool:
    """True when the items of ``seq`` are separated by blank lines."""
    if len(seq.value) < 2:
        return False
    between = f.text[f.line_end(_end(seq.value[-2])):f.line_start(seq.value[-1].start_mark.index)]
    return any(not line.strip() for line in between.split("\n")[:-1])


def _append(index: _Index, aid: str, section: str, adds: list) -> None:
    seq = index.seqs.get((aid, section))
    if seq is not None and seq.node.value:
        f, last = seq.file, seq.node.value[-1]
        dash = _dash_column(f, last)
        flow = isinstance(last, yaml.MappingNode) and bool(last.flow_style)
        if seq.node.flow_style:
            at = seq.node.end_mark.index - 1
            f.splice(at, at, "".join(", " + _flow(_clean(section, c.record)) for c in adds))
            return
        gap = "\n" if _spaced(f, seq.node) else ""
        at = f.line_end(_end(last))
        f.splice(at, at, "".join(gap + _item_text(_clean(section, c.record), dash, c.comment, flow)
                                 for c in adds))
        return
    items = "".join(_item_text(_clean(section, c.record), 2, c.comment, False) for c in adds)
    if seq is not None:                    # an empty flow list: "systems: []"
        f = seq.file
        f.splice(seq.key.end_mark.index, f.line_end(_end(seq.node)), ":\n" + items)
        return
    if aid not in index.headers:
        raise UsageError(f"no file holds authority '{aid}', so its {section} cannot be added "
                         "in place", hint="add the authority's header first")
    f, _, doc = index.headers[aid]
    at = f.line_end(_end(doc))
    f.splice(at, at, f"\n{section}:\n" + items)


def _remove(index: _Index, aid: str, section: str, rids: set, keep_list: bool) -> None:
    seq = index.seqs[(aid, section)]
    f, node = seq.file, seq.node
    positions = sorted(pos for (a, s, r), (q, pos) in index.records.items()
                       if a == aid and s == section and r in rids and q is seq)
    if node.flow_style:
        keep = [x for i, x in enumerate(node.value) if i not in positions]
        text = "[" + ", ".join(f.text[x.start_mark.index:_end(x)] for x in keep) + "]"
        f.splice(node.start_mark.index, node.end_mark.index, text)
        return
    if len(positions) == len(node.value) and not keep_list:
        f.splice(seq.key.end_mark.index, f.line_end(_end(node)), ": []\n")
        return
    lines = f.text.split("\n")
    for pos in positions:
        item = node.value[pos]
        first = f.line_start(item.start_mark.index)
        stop = f.line_end(_end(item))
        nxt = node.value[pos + 1] if pos + 1 < len(node.value) else None
        grouped = nxt is not None and f.line_start(nxt.start_mark.index) == stop
        start = first
        if not grouped:
            line_no = item.start_mark.line - 1
            while line_no >= 0 and lines[line_no].lstrip().startswith("#"):
                start = f.line_start(start - 1)
                line_no -= 1
        blank_before = start > 0 and not f.text[f.line_start(start - 1):start].strip()
        blank_after = stop < len(f.text) and not f.text[stop:f.line_end(stop)].strip()
        if blank_before and (blank_after or nxt is None):
            if blank_after:
                stop = f.line_end(stop)
            else:
                start = f.line_start(start - 1)
        f.splice(start, stop, "")


def _new_file(changes: list, new_files_in, header: Iterable[str], layout: str) -> tuple:
    heads = [c for c in changes if c.section == "authority" and c.action == "add"]
    if not heads:
        c = changes[0]
        raise UsageError(f"no file holds authority '{c.authority}' and no header was given for it")
    if new_files_in is None:
        raise UsageError(f"authority '{heads[0].authority}' is new: give a folder for its file")
    sections = tuple(s for s in SECTIONS if any(c.section == s for c in changes))
    doc = AuthorityDoc(authority=dict(heads[0].record), sections=sections or SECTIONS)
    doc.origin[("authority", doc.id)] = list(heads[0].comment)
    for c in changes:
        if c.section in SECTIONS and c.action == "add":
            getattr(doc, c.section).append(dict(c.record))
            doc.origin[(c.section, c.record.get("id"))] = list(c.comment)
    path = writer.target_path(Path(new_files_in), doc, layout)
    return path, writer.render(doc, header)


# ---------------------------------------------------------------------------- entry
def plan_changes(paths, changes: Iterable[Change], *, new_files_in=None,
                 header: Iterable[str] = (), layout: str = "whole") -> Plan:
    """The file changes that ``changes`` make under ``paths``, as a writer ``Plan``."""
    index = _Index(paths)
    changes = list(changes)
    missing = []
    by_new: dict = {}
    adds: dict = {}
    removes: dict = {}
    for c in changes:
        if c.authority not in index.headers:
            if c.action == "add":
                by_new.setdefault(c.authority, []).append(c)
                continue
            missing.append(f"authority '{c.authority}' is in no file under the inventories")
            continue
        if c.section == "authority":
            f, head, _ = index.headers[c.authority]
            if c.action == "set":
                _set(f, head, c.fields, ORDER["authority"])
            elif c.action == "remove":
                index.removed.add(c.authority)
                for f in index.docs_of[c.authority]:
                    f.set_aside = True
            continue
        if c.action == "add":
            adds.setdefault((c.authority, c.section), []).append(c)
            continue
        where = index.records.get((c.authority, c.section, c.id))
        if where is None:
            missing.append(f"{c.authority}/{c.id} ({c.section}) is in no file under the inventories")
            continue
        if c.action == "remove":
            removes.setdefault((c.authority, c.section), set()).add(c.id)
        else:
            seq, pos = where
            _set(seq.file, seq.node.value[pos], c.fields, ORDER.get(c.section, ()))
    if missing:
        raise UsageError("; ".join(missing), hint="compare with the inventories the changes came from")
    for (aid, section), rids in removes.items():
        _remove(index, aid, section, rids, keep_list=(aid, section) in adds)
    for (aid, section), group in adds.items():
        _append(index, aid, section, group)
    plan = Plan()
    for f in index.files.values():
        if f.set_aside:
            others = _others(f, index)
            if others:
                raise UsageError(f"{f.path} holds authority '{others[0]}' as well as one that is "
                                 "removed; remove that one's documents from it by hand")
            plan.files.append(FileChange(Path(f.path), f.text, None))
        elif f.edits:
            plan.files.append(FileChange(Path(f.path), f.text, f.result()))
    for aid in sorted(by_new):
        plan.files.append(writer.change_to(*_new_file(by_new[aid], new_files_in, header, layout)))
    return plan


def _others(f: _File, index: _Index) -> list:
    return sorted(aid for aid, files in index.docs_of.items()
                  if f in files and aid not in index.removed)


def apply_changes(paths, changes: Iterable[Change], *, new_files_in=None,
                  header: Iterable[str] = (), layout: str = "whole", write: bool = True) -> str:
    """Apply ``changes`` to the inventory files under ``paths``; return the unified diff."""
    plan = plan_changes(paths, changes, new_files_in=new_files_in, header=header, layout=layout)
    if write:
        writer.apply(plan)
    return plan.diff()
