"""The shape of the code (docs/architecture.md): no import cycles, no oversized modules.

Imports are read from the source with ``ast``, those inside functions included: a lazy
import that keeps two modules from noticing they depend on each other is still a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

from estate_testing import REPO

PACKAGE = REPO / "estate"
#: no module in estate/ is longer than this many lines
MAX_LINES = 650


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported(name: str, path: Path, known: set) -> set:
    """The modules of estate that ``name`` imports anywhere in its source."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # "from estate.model import load": estate.model; "from estate import cli": estate.cli
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                       for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:       # a.b.c names an object in a.b
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph() -> nx.DiGraph:
    """Module -> the modules it needs.  Importing ``a.b.c`` runs ``a/b/__init__`` first,
    so a module needs its packages too; a package's ``__init__`` importing modules of
    its own is how it is assembled, not a dependency between layers, and is left out.
    (So ``cache`` importing ``model.loader`` while ``model/__init__`` imports ``cache`` is
    a cycle: ``cache -> model.loader -> model -> cache``.)"""
    found = modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(found)
    for name, path in found.items():
        for target in imported(name, path, set(found)):
            if not target.startswith(name + "."):
                graph.add_edge(name, target)
        package = name.rpartition(".")[0]
        while package:
            graph.add_edge(name, package)
            package = package.rpartition(".")[0]
    return graph


def test_imports_are_read_including_those_inside_functions(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("import estate.errors\nfrom estate.model import load\n"
                      "def f():\n    from estate.render import maps\n    from . import output\n")
    known = {"estate", "estate.errors", "estate.model", "estate.render", "estate.render.maps",
             "estate.output", "estate.m"}
    assert imported("estate.m", source, known) == {"estate.errors", "estate.model",
                                                   "estate.render.maps", "estate.output"}


def test_no_import_cycle_between_modules():
    cycles = sorted(sorted(c) for c in nx.simple_cycles(import_graph()))
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles[:10])


def test_no_module_is_over_the_size_limit():
    long = {name: n for name, path in modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"
