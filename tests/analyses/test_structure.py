"""The analyses package stays easy to change: no import cycles (imports inside functions
counted), the graph's memo reached through one accessor, no module over 600 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import estate.analyses

PACKAGE = Path(estate.analyses.__file__).parent
NAME = "estate.analyses"


def _imports() -> dict:
    """``{module: {analyses modules it imports, anywhere in its body}}``."""
    modules = {p.stem: p for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    out = {}
    for name, path in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module == NAME:
                    found.update(a.name for a in node.names if a.name in modules)
                elif node.module.startswith(NAME + "."):
                    found.add(node.module.split(".")[2])
            elif isinstance(node, ast.Import):
                found.update(a.name.split(".")[2] for a in node.names if a.name.startswith(NAME + "."))
        out[name] = found - {name}
    return out


def test_no_import_cycles_among_the_analyses():
    imports = _imports()
    done, stack = set(), []

    def visit(name):
        if name in stack:
            raise AssertionError("import cycle: " + " -> ".join(stack[stack.index(name):] + [name]))
        if name in done:
            return
        stack.append(name)
        for other in sorted(imports.get(name, ())):
            visit(other)
        stack.pop()
        done.add(name)
    for name in sorted(imports):
        visit(name)


def test_the_graph_memo_has_one_accessor():
    users = sorted(p.name for p in PACKAGE.glob("*.py")
                   if '"_memo"' in p.read_text(encoding="utf-8") and p.name != "_graph.py")
    assert users == []


def test_no_module_over_600_lines():
    long = {p.name: n for p in PACKAGE.glob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600}
    assert long == {}
