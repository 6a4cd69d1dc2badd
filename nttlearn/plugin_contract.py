"""What every plugin keeps, checked by machine: ``nttlearn.testing.check_plugin_contract(name)``.

One name everywhere (entry point, Alembic branch label, table prefix, template folder, translation
domain), a row in a route table for every route, and imports of the core only through
:mod:`nttlearn.api`. Each check is a small function returning readable problems, so a plugin's
test shows every broken rule at once, and the core's import test reuses :func:`core_imports`.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from flask import Flask
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from .plugins import ENTRY_POINT_GROUP, api_mismatch

NAME = re.compile(r"^[a-z][a-z0-9_]*$")
ALLOWED = frozenset({"nttlearn.api"})
ALLOWED_IN_TESTS = ALLOWED | {"nttlearn.testing"}
METHODS = ("GET", "POST")


# -- imports -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class CoreImport:
    """An import of a core module other than the API, where a plugin's code makes it."""

    path: Path
    line: int
    statement: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.statement}: import it from nttlearn.api"


def is_test_file(relative: Path) -> bool:
    """Test modules (and their helpers under ``tests/``) may also use :mod:`nttlearn.testing`."""
    return (
        relative.name.startswith("test_")
        or relative.name.endswith("_test.py")
        or relative.name == "conftest.py"
        or "tests" in relative.parts[:-1]
    )


def _core_modules(node: ast.AST) -> Iterator[str]:
    """The ``nttlearn`` modules a statement imports (``from nttlearn import db`` imports
    ``nttlearn.db`` for this purpose: the name is taken from the package, not from the API)."""
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names if alias.name.split(".")[0] == "nttlearn")
    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        if node.module == "nttlearn":
            yield from (f"nttlearn.{alias.name}" for alias in node.names)
        elif node.module.startswith("nttlearn."):
            yield node.module


def _python_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(
        p
        for p in root.rglob("*.py")
        if "__pycache__" not in p.parts and not any(part.endswith(".egg-info") for part in p.parts)
    )


def core_imports(root: Path) -> list[CoreImport]:
    """Every import of the core other than ``nttlearn.api`` (and ``nttlearn.testing`` in tests)
    in the Python files under ``root`` (a package folder or one module). Read, not imported."""
    found = []
    for path in _python_files(root):
        relative = path.relative_to(root) if root.is_dir() else Path(path.name)
        allowed = ALLOWED_IN_TESTS if is_test_file(relative) else ALLOWED
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if any(module not in allowed for module in _core_modules(node)):
                found.append(CoreImport(path, node.lineno, ast.unparse(node)))
    return found


# -- where a plugin lives ----------------------------------------------------------------------
def entry_point(name: str) -> metadata.EntryPoint | None:
    return next(
        (ep for ep in metadata.entry_points(group=ENTRY_POINT_GROUP) if ep.name == name), None
    )


def package_root(ep: metadata.EntryPoint) -> Path:
    """The folder of the package the entry point's module is in (found without importing it)."""
    spec = importlib.util.find_spec(ep.module.split(".")[0])
    if spec is None or spec.origin is None and not spec.submodule_search_locations:
        raise ModuleNotFoundError(ep.module)
    if spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(spec.origin)  # type: ignore[arg-type]


def installed_plugin_roots() -> dict[str, Path]:
    """Every installed plugin's name and package folder."""
    return {ep.name: package_root(ep) for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}


# -- the checks --------------------------------------------------------------------------------
def api_range_problems(ep: metadata.EntryPoint) -> list[str]:
    """The distribution names the range of the API it was written for, and this site is in it."""
    dist = ep.dist
    ranges = [
        requirement.specifier
        for requirement in _requirements(dist)
        if canonicalize_name(requirement.name) == "nttlearn" and str(requirement.specifier)
    ]
    if not ranges:
        return [
            "the distribution names no nttlearn API range: install_requires = nttlearn>=1.0,<2 in setup.cfg"
        ]
    mismatch = api_mismatch(dist)
    return [mismatch] if mismatch else []


def _requirements(dist: metadata.Distribution | None) -> list[Requirement]:
    found = []
    for line in (dist.requires or []) if dist is not None else []:
        try:
            found.append(Requirement(line))
        except InvalidRequirement:
            continue
    return found


def table_prefix_problems(name: str, package: str, migration_files: Iterable[Path]) -> list[str]:
    """Tables of the plugin's models and of its migrations' ``op.create_table`` not named ``<name>_…``."""
    from .extensions import db

    tables = {
        mapper.local_table.name
        for mapper in db.Model.registry.mappers
        if mapper.class_.__module__.split(".")[0] == package and mapper.local_table is not None
    }
    for path in migration_files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "create_table"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                tables.add(node.args[0].value)
    return [
        f"table {table!r} is not named {name}_…"
        for table in sorted(tables)
        if not table.startswith(f"{name}_")
    ]


def _revision_fields(path: Path) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        target = (
            node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        )
        if isinstance(target, ast.Name) and target.id in (
            "revision",
            "down_revision",
            "branch_labels",
            "depends_on",
        ):
            try:
                fields[target.id] = ast.literal_eval(node.value)
            except ValueError:
                fields[target.id] = None
    return fields


def branch_label_problems(name: str, migration_files: list[Path]) -> list[str]:
    """The plugin's revisions form one Alembic branch labelled with its name, starting from a
    root (``down_revision = None``) that depends on a core revision."""
    revisions = {path: _revision_fields(path) for path in migration_files}
    revisions = {path: fields for path, fields in revisions.items() if "revision" in fields}
    if not revisions:
        return []
    problems = []
    ids = {fields["revision"] for fields in revisions.values()}
    roots = [
        (path, fields) for path, fields in revisions.items() if fields.get("down_revision") is None
    ]
    if len(roots) != 1:
        problems.append(
            f"{len(roots)} revisions without down_revision: the branch needs exactly one root"
        )
    for path, fields in roots:
        labels = fields.get("branch_labels") or ()
        labels = (labels,) if isinstance(labels, str) else tuple(labels)
        if name not in labels:
            problems.append(
                f"{path.name}: branch_labels = ({name!r},) is missing (found {labels!r})"
            )
        if not fields.get("depends_on"):
            problems.append(
                f"{path.name}: depends_on names no core revision (depends_on = '0001_core')"
            )
    for path, fields in revisions.items():
        down = fields.get("down_revision")
        downs = (down,) if isinstance(down, str) else tuple(down or ())
        outside = [d for d in downs if d not in ids]
        if outside:
            problems.append(
                f"{path.name}: down_revision {outside} is not a revision of the plugin's branch"
            )
    return problems


def template_namespace_problems(name: str, folders: Iterable[Path]) -> list[str]:
    """Every template file is under ``templates/<name>/`` (a bare ``index.html`` would shadow
    the core's or another plugin's)."""
    problems = []
    for folder in sorted({folder.resolve() for folder in folders}):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            relative = path.relative_to(folder)
            if relative.parts[0] != name:
                problems.append(
                    f"{folder.name}/{relative.as_posix()} is not under {folder.name}/{name}/"
                )
    return problems


def translation_domain_problems(name: str, folders: Iterable[Path]) -> list[str]:
    """Catalogues are named after the plugin: ``<name>.pot``, ``<locale>/LC_MESSAGES/<name>.po``."""
    problems = []
    for folder in folders:
        for path in sorted(folder.glob("*.pot")) + sorted(folder.glob("*/LC_MESSAGES/*.[pm]o")):
            if path.stem != name:
                problems.append(
                    f"{path.relative_to(folder).as_posix()} is not in the domain {name!r}"
                )
    return problems


def _rows_of(route_rows: Iterable[Any]) -> dict[tuple[str, str], str | None]:
    """(endpoint, method) -> the row's plugin, from ``Route`` rows or ``(endpoint, method, …)`` tuples."""
    rows = {}
    for row in route_rows:
        if isinstance(row, tuple):
            rows[(row[0], row[1])] = None
        else:
            rows[(row.endpoint, row.method)] = getattr(row, "plugin", None)
    return rows


def route_row_problems(name: str, app: Flask, route_rows: Iterable[Any] | None) -> list[str]:
    """Each GET and POST route the plugin registered has a row saying what each visitor gets."""
    host = app.extensions["nttlearn"]
    routes = sorted(
        {
            (rule.endpoint, method)
            for rule in app.url_map.iter_rules()
            if host.endpoint_owner(rule.endpoint) == name
            for method in rule.methods & set(METHODS)
        }
    )
    if not routes:
        return []
    if route_rows is None:
        from .route_walk import ROUTE_ROWS_FILE, plugin_route_rows

        found = plugin_route_rows(name)
        if found is None:
            return [
                f"{len(routes)} routes and no {ROUTE_ROWS_FILE.as_posix()} beside the package "
                "(a list ROUTES of nttlearn.testing.Route rows), nor route_rows=[(endpoint, method, …), …]"
            ]
        rows_source = found
    else:
        rows_source = list(route_rows)
    rows = _rows_of(rows_source)
    problems = [
        f"{method} {endpoint} has no row"
        for endpoint, method in routes
        if (endpoint, method) not in rows
    ]
    problems += [
        f"the row of {method} {endpoint} says plugin={rows[(endpoint, method)]!r}, not {name!r}"
        for endpoint, method in routes
        if route_rows is None and (endpoint, method) in rows and rows[(endpoint, method)] != name
    ]
    return problems


def _hook_answers(app: Flask, hook: str, name: str) -> list[Path]:
    host = app.extensions["nttlearn"]
    return [
        Path(d)
        for impl in getattr(host.pm.hook, hook).get_hookimpls()
        if impl.plugin_name == name
        for d in impl.function() or []
    ]


def _blueprint_template_folders(app: Flask, name: str) -> list[Path]:
    host = app.extensions["nttlearn"]
    owned = {
        endpoint.rsplit(".", 1)[0]
        for endpoint in app.view_functions
        if host.endpoint_owner(endpoint) == name
    }
    folders = []
    for blueprint_name, blueprint in app.blueprints.items():
        if blueprint_name in owned and blueprint.template_folder:
            folder = Path(blueprint.root_path) / blueprint.template_folder
            if folder.is_dir():
                folders.append(folder)
    return folders


def contract_problems(name: str, app: Flask, route_rows: Iterable[Any] | None = None) -> list[str]:
    """Every rule of the plugin contract that plugin ``name`` breaks, as ``"check: problem"``
    lines; ``[]`` when it keeps them all. ``app`` must have loaded the plugin."""
    problems: list[str] = []

    def add(check: str, found: Iterable[object]) -> None:
        problems.extend(f"{check}: {problem}" for problem in found)

    ep = entry_point(name)
    if not NAME.match(name):
        add("name", [f"{name!r} is not lowercase letters, digits and _"])
    if ep is None:
        add(
            "entry point",
            [f"no {ENTRY_POINT_GROUP!r} entry point named {name!r}: is the plugin installed?"],
        )
        return problems
    info = app.extensions["nttlearn"].plugins.get(name)
    if info is None:
        add(
            "entry point",
            [f"{name!r} is installed but not loaded by this app (app_factory(plugins=[{name!r}]))"],
        )
        return problems
    if info.failed:
        add("entry point", [f"{name!r} failed to load: {info.error}"])
        return problems
    add("API version", api_range_problems(ep))
    root = package_root(ep)
    add("imports", core_imports(root))
    migration_dirs = _hook_answers(app, "nttlearn_migration_dirs", name)
    migration_files = sorted(p for d in migration_dirs for p in d.glob("*.py"))
    add("table prefix", table_prefix_problems(name, ep.module.split(".")[0], migration_files))
    add("branch label", branch_label_problems(name, migration_files))
    template_folders = _blueprint_template_folders(app, name)
    if root.is_dir() and (root / "templates").is_dir():
        template_folders.append(root / "templates")
    add("template namespace", template_namespace_problems(name, template_folders))
    add(
        "translation domain",
        translation_domain_problems(name, _hook_answers(app, "nttlearn_translation_dirs", name)),
    )
    add("route rows", route_row_problems(name, app, route_rows))
    return problems
