"""Dependencies flow one way: core (tmverify) <- accounts <- applications <- {console,
simulator}; provider, an outside party, imports only the core, and no app imports it (the
simulator reaches it by the dotted path in TMVERIFY_PROVIDER_DRIVER). No two files of the product import each other in a cycle.

The import graph is read with `ast` from every product module (migrations excluded):
every import counts for the direction, including ones inside functions; module-level
imports count for cycles.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["tmverify", "accounts", "applications", "console", "simulator", "provider"]

# what each package may import (besides itself)
ALLOWED = {
    "tmverify": set(),
    "accounts": {"tmverify"},
    "applications": {"tmverify", "accounts"},
    "console": {"tmverify", "accounts", "applications"},
    "simulator": {"tmverify", "accounts", "applications"},
    "provider": {"tmverify"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def product_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[module_name(path)] = path
    return modules


def imports_of(name: str, path: Path, modules) -> list[tuple[str, int, bool]]:
    """(imported product module, line, at module level) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    top_level = set(map(id, tree.body))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # `from x import y` imports the module x.y when there is one, else x
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        for target in targets:
            # the longest product module the dotted name starts with
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target.split(".")[0] in PACKAGES:
                found.append((target, node.lineno, id(node) in top_level))
    return found


def graph():
    modules = product_modules()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def wrong_way(edges) -> list[str]:
    problems = []
    for name, imported in edges.items():
        source = name.split(".")[0]
        for target, line, _ in imported:
            package = target.split(".")[0]
            if package != source and package not in ALLOWED[source]:
                problems.append(f"{name}:{line} imports {target}")
    return problems


def cycles(edges) -> list[list[str]]:
    """Cycles among module-level imports between files (Tarjan's strongly connected parts)."""
    module_level = {name: {t for t, _, top in imported if top and t != name} for name, imported in edges.items()}
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in module_level.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            part = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                part.append(top)
                if top == node:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for node in sorted(module_level):
        if node not in index:
            visit(node)
    return found


def test_every_app_of_the_project_has_its_place_in_the_layers():
    # a new app (a folder with apps.py beside manage.py) must be given its layer here
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")} - {"bench"}
    assert apps == set(PACKAGES)


def test_every_product_package_is_read():
    edges = graph()
    assert {name.split(".")[0] for name in edges} == set(PACKAGES)
    # the walk sees imports inside functions too (workers.py imports population late)
    assert ("simulator.population", False) in [(target, top) for target, _, top in edges["simulator.workers"]]


def test_imports_point_down_the_layers():
    assert wrong_way(graph()) == []


def test_no_two_files_import_each_other_in_a_cycle():
    assert cycles(graph()) == []


def test_the_rules_catch_a_wrong_import_and_a_cycle():
    # the checks themselves, on a made-up graph: a core module importing an app, the
    # app importing the provider, and two files importing each other
    edges = {
        "tmverify.audit": [("accounts.models", 1, False)],
        "accounts.views": [("provider.issuer", 2, True)],
        "applications.a": [("applications.b", 1, True)],
        "applications.b": [("applications.a", 1, True)],
    }
    assert wrong_way(edges) == ["tmverify.audit:1 imports accounts.models", "accounts.views:2 imports provider.issuer"]
    assert cycles(edges) == [["applications.a", "applications.b"]]
