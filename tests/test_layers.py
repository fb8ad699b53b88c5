"""The package's layers: no module imports a layer above its own, and sub-packages form no cycle.

The layers, lowest first, are written down in each sub-package's ``__init__`` docstring and in
docs/architecture.md; ``LAYERS`` below is the same order. A module may import its own
sub-package and any lower layer. Lazy imports inside functions count too: a cycle hidden in a
function body is still a cycle.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "server" / "citypact"

# What each part may import besides itself: the lower layers named in its docstring. The parts
# are listed lowest first; nothing may import a part listed after it.
CORE = {"", "settings", "namespaces", "resources", "rdf_io", "vocabulary"}
MAY_IMPORT: dict[str, set[str]] = {
    "core": set(),
    "store": {"core"},
    "validation": {"core", "store"},
    "http": {"core", "store"},
    "curation": {"core", "store", "validation"},
    "network": {"core", "store"},
    "publishing": {"core", "store", "network"},
    "generator": {"core"},
    "extraction": {"core", "store", "validation", "curation"},
    "web": {"core", "store", "publishing", "network"},
    "routers": {
        "core",
        "store",
        "validation",
        "http",
        "curation",
        "network",
        "publishing",
        "extraction",
        "web",
    },
    "app": {"core", "store", "validation", "http", "curation", "routers"},
    "cli": {
        "core",
        "store",
        "validation",
        "http",
        "curation",
        "network",
        "publishing",
        "generator",
        "extraction",
        "app",
    },
}
LAYERS = list(MAY_IMPORT)


def part_of(module: str) -> str:
    """The layer part a dotted module name (``citypact.x.y``) belongs to."""
    parts = module.split(".")
    if parts[0] != "citypact":
        raise ValueError(module)
    part = parts[1] if len(parts) > 1 else ""
    return "core" if part in CORE else part


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) of every citypact import in a file, lazy ones included."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("citypact")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("citypact"):
                continue
            # `from citypact import store` imports the sub-package store
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                sub = PACKAGE.parent / Path(*candidate.split("."))
                is_module = sub.is_dir() or sub.with_suffix(".py").is_file()
                found.append((node.lineno, candidate if is_module else target))
    return found


def all_imports() -> list[tuple[str, int, str, str]]:
    """(file, line, importing part, imported part) for every import inside the package."""
    edges = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = part_of(module_name(path))
        for line, target in imports_of(path):
            edges.append((str(path.relative_to(PACKAGE)), line, source, part_of(target)))
    return edges


def upward_imports(edges: list[tuple[str, int, str, str]]) -> list[str]:
    """Imports of a part that the importing part may not use (a higher or a sideways layer)."""
    bad = []
    for file, line, source, target in edges:
        if source == target:
            continue
        if source not in MAY_IMPORT or target not in MAY_IMPORT:
            bad.append(f"{file}:{line}: {source} -> {target}: part has no layer")
        elif target not in MAY_IMPORT[source]:
            bad.append(f"{file}:{line}: {source} imports {target}, which it may not")
    return bad


def cycles(edges: list[tuple[str, int, str, str]]) -> list[list[str]]:
    """Cycles in the graph of sub-packages (one representative path per cycle found)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for _file, _line, source, target in edges:
        if source != target:
            graph[source].add(target)
    found: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                found.append(path[path.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def test_may_import_lists_only_lower_layers() -> None:
    for index, part in enumerate(LAYERS):
        assert MAY_IMPORT[part] <= set(LAYERS[:index]), part


def test_every_part_of_the_package_has_a_layer() -> None:
    parts = {part_of(module_name(p)) for p in PACKAGE.rglob("*.py")}
    assert parts - set(LAYERS) == set(), "add the new part to LAYERS and to its docstring"


def test_no_module_imports_a_layer_above_its_own() -> None:
    assert upward_imports(all_imports()) == []


def test_no_import_cycles_between_sub_packages() -> None:
    assert cycles(all_imports()) == []


def test_every_sub_package_says_what_it_offers_and_may_import() -> None:
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert len(doc.splitlines()) >= 3, f"{init.parent.name}: docstring of a few lines"
        assert "Layer:" in doc, f"{init.parent.name}: docstring must say what it may import"


def test_top_level_holds_few_modules() -> None:
    modules = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert len(modules) <= 9, modules


@pytest.mark.parametrize(
    ("source", "target", "upward"),
    [("store", "validation", True), ("web", "curation", True), ("routers", "store", False)],
)
def test_the_layer_check_catches_an_upward_import(source: str, target: str, upward: bool) -> None:
    """The checker itself: a made-up import edge is reported exactly when it goes upward."""
    edge = [("made_up.py", 1, source, target)]
    assert bool(upward_imports(edge)) is upward


def test_the_cycle_check_catches_a_cycle() -> None:
    edges = [("a.py", 1, "store", "publishing"), ("b.py", 1, "publishing", "store")]
    assert cycles(edges) != []
