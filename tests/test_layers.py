"""Every import points down: the layers a newcomer reads from the tree are the ones the code
keeps, including imports written inside functions, and no module imports itself in a circle."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "make_report"

LAYERS = (
    ("make_report.core", "make_report"),
    ("make_report.formats", "make_report.rules"),
    ("make_report.checks", "make_report.core.interchange"),
    ("make_report.narrative",),
    ("make_report.readers", "make_report.writers"),
    ("make_report.importer",),
    ("make_report.app",),
    ("make_report.api",),
    ("make_report.cli", "make_report.desk", "make_report.__main__"),
)
"""Lowest first. ``core.interchange`` is pure but turns JSON into a report of a *format*
with findings of the *catalogue*, so it sits above both (beside the checks). The command
line and the web desk are the two front ends over the API."""

KNOWN: set[str] = set()
"""Upward imports still to be undone, each named so the list can only shrink (none left:
the summary model the summary workbook writer lays out is ``checks/summary.py``)."""
KNOWN_SIDEWAYS: set[str] = set()
"""Sideways imports still to be undone (none left: the verdict sentence both front ends
show is ``checks.verdict.verdict_sentence``)."""


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> int:
    """The layer of the longest prefix that names ``module`` or a package holding it."""
    best, level = "", -1
    for i, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and len(name) > len(best):
                best, level = name, i
    assert level >= 0, module
    return level


def imports(module: str) -> set[str]:
    """Every make_report module ``module`` imports, anywhere in it (functions too)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("make_report")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            if not base.startswith("make_report"):
                continue
            for alias in node.names:  # from make_report.importer import tables: a module
                sub = f"{base}.{alias.name}"
                out.add(sub if sub in MODULES else base)
    return {m for m in out if m in MODULES} - {module}


GRAPH = {m: imports(m) for m in MODULES}


def test_every_module_has_a_layer():
    assert all(layer(m) >= 0 for m in MODULES)
    assert layer("make_report.core.interchange") > layer("make_report.formats")


def test_every_import_points_down_or_stays_in_its_layer():
    upward = {f"{m} -> {t}" for m, targets in GRAPH.items() for t in targets
              if layer(t) > layer(m)}
    assert upward == KNOWN


def test_layers_meet_only_downward_between_packages_of_one_layer():
    """readers and writers share a layer but never import each other; of the front ends,
    the CLI starts the desk (make-report serve), never the other way round."""
    sideways = {f"{m} -> {t}" for m, targets in GRAPH.items() for t in targets
                if layer(t) == layer(m) and _package(t) != _package(m)
                and "make_report" not in (_package(t), _package(m))
                and "make_report.core.interchange" not in (m, t)
                and not (_package(m) == "make_report.cli" and _package(t) == "make_report.desk")}
    assert sideways == KNOWN_SIDEWAYS


def _package(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else module


def test_no_import_circles():
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(m: str, stack: list[str]) -> None:
        state[m] = 1
        for t in sorted(GRAPH[m]):
            if state.get(t) == 1:
                cycles.append([*stack[stack.index(t):], t])
            elif t not in state:
                visit(t, [*stack, t])
        state[m] = 2

    for m in sorted(GRAPH):
        if m not in state:
            visit(m, [m])
    # a package's __init__ re-exporting its own modules is the one circle allowed
    real = [c for c in cycles if not any(a == b.rpartition(".")[0] or b == a.rpartition(".")[0]
                                         for a, b in itertools.pairwise(c))]
    known = [c for c in real if any(f"{a} -> {b}" in KNOWN for a, b in itertools.pairwise(c))]
    assert real == known


def test_the_scan_sees_function_local_imports():
    assert "make_report.writers.docx_base" in GRAPH["make_report.api"]  # imported inside build()


def test_every_library_imported_is_declared_in_pyproject():
    import sys
    import tomllib
    from importlib.metadata import packages_distributions

    project = tomllib.loads((SRC.parent / "pyproject.toml").read_text(encoding="utf-8"))
    declared = project["project"]["dependencies"] + [
        d for extra in project["project"].get("optional-dependencies", {}).values() for d in extra]
    names = {_requirement_name(d) for d in declared}
    top = set()
    for path in MODULES.values():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                top |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                top.add(node.module.split(".")[0])
    third = {m for m in top if m not in sys.stdlib_module_names and m != "make_report"}
    dists = packages_distributions()
    undeclared = sorted(m for m in third
                        if not {_requirement_name(d) for d in dists.get(m, [m])} & names)
    assert "lxml" in third and undeclared == []


def _requirement_name(text: str) -> str:
    import re

    return re.split(r"[<>=!~\[; ]", text, maxsplit=1)[0].strip().lower().replace("_", "-")
