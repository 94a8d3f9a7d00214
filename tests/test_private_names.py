"""The product code stays on the public API of Django and of every library: a private
name of theirs breaks on an upgrade without warning (issue 17: Django 6.1 failed 295
tests through one such name).

Two checks over every module of the product's app packages (each package with an
`apps.py`, so new apps are covered as they come; not tests/, bench/ or migrations):
names known to be private, as text; and, through `ast`, any `x._name` where `x` is not
the code's own (`self`, `cls`, a module-level name of the file, or a module of ours).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOT_PRODUCT = {"tests", "bench"}

# private parts of Django and django-fsm-2 this project once reached into
PRIVATE_NAMES = [
    "_result_cache",
    "_prefetch_done",
    "_prefetched_objects_cache",
    "get_related_populators",
    "SQLInsertCompiler",
    "InsertQuery",
    "_do_update",
    "_update_initial_state",
    "query.objs",
    "klass_info",
    "returning_fields",
    "_prepare_related_fields_for_save",
    "assemble_as_sql",
    "get_converters",
    "annotation_col_map",
]

# underscore names Django documents as public: the Model _meta API, and Model._state
# (ref/models/instances, "Other attributes": its `adding` and `db`)
DOCUMENTED = {"_meta", "_state"}

# "x._name" the rule flags that is no library's private name, with why. Should be empty.
EXCEPTIONS: dict[str, str] = {}


def product_packages() -> list[Path]:
    return sorted(
        path.parent
        for path in ROOT.glob("*/apps.py")
        if path.parent.name not in NOT_PRODUCT and (path.parent / "__init__.py").exists()
    )


def product_modules() -> list[Path]:
    return sorted(
        module
        for package in product_packages()
        for module in package.rglob("*.py")
        if "migrations" not in module.relative_to(package).parts
    )


def _own_names(tree: ast.Module, packages: set[str]) -> set[str]:
    """The names a module binds at its top level, and the modules of ours it imports."""
    names = {"self", "cls"}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(n.id for target in targets for n in ast.walk(target) if isinstance(n, ast.Name))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            ours = node.level > 0 or (node.module or "").split(".")[0] in packages
            if ours:
                names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(
                (alias.asname or alias.name).split(".")[0]
                for alias in node.names
                if alias.name.split(".")[0] in packages
            )
    return names


def private_accesses(source: str, packages: set[str]) -> list[str]:
    """Each `x._name` in `source` on something not of the module's own: "line: x._name"."""
    tree = ast.parse(source)
    own = _own_names(tree, packages)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        attribute = node.attr
        if not attribute.startswith("_") or attribute.startswith("__") or attribute in DOCUMENTED:
            continue
        if isinstance(node.value, ast.Name) and node.value.id in own:
            continue
        found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def test_the_product_packages_are_found():
    names = {package.name for package in product_packages()}
    assert {"accounts", "applications", "tmverify"} <= names
    assert not names & NOT_PRODUCT
    assert len(product_modules()) > 20


@pytest.mark.parametrize("name", PRIVATE_NAMES)
def test_no_known_private_name_is_used(name):
    using = [str(m.relative_to(ROOT)) for m in product_modules() if name in m.read_text(encoding="utf-8")]
    assert using == [], f"{name} is private to Django or a library; use the public API"


def test_no_private_attribute_of_another_library_is_read():
    packages = {package.name for package in product_packages()}
    flagged = []
    for module in product_modules():
        path = str(module.relative_to(ROOT))
        for access in private_accesses(module.read_text(encoding="utf-8"), packages):
            if access.split(": ", 1)[1] not in EXCEPTIONS:
                flagged.append(f"{path}:{access}")
    assert flagged == [], "private attributes of Django or a library:\n" + "\n".join(flagged)


def test_the_rule_flags_a_library_object_and_spares_our_own():
    source = (
        "from django.db import connection\n"
        "from tmverify import audit\n"
        "from .models import Filing\n"
        "_cache = {}\n"
        "class Thing:\n"
        "    def run(self, user, queryset):\n"
        "        self._mine, cls._too, _cache._x, audit._pending, Filing._private\n"
        "        user._meta, user._state.adding, user.__dict__\n"
        "        queryset._result_cache, connection._cursor(), super()._do_update, user.groups._hidden\n"
    )
    assert sorted(private_accesses(source, {"tmverify", "accounts"})) == [
        "9: connection._cursor",
        "9: queryset._result_cache",
        "9: super()._do_update",
        "9: user.groups._hidden",
    ]
