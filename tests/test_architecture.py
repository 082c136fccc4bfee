"""The layers point one way: interfaces -> capabilities -> the reader (docs/architecture.md).

Every import inside the package, at module level or inside a function, is checked: a module may import
from its own package and from lower layers only, never from the public facade `agentkit` (which sits
above the capabilities). Late imports count too: they are how cycles hide.

Between modules (not only packages) there is no import cycle at all: every import counts, at module level,
inside a function and under `if TYPE_CHECKING:` (a cycle a type checker follows is still two modules that
each need the other). Importing a package runs its `__init__`, so `from agentkit.live import X` inside
`agentkit/live/` is an edge to `agentkit.live`'s `__init__`. No class is over 400 lines, and the interfaces
(`cli/`, `widgets/`) import only what a user can: public modules and public names.
"""

from __future__ import annotations

import ast
import importlib.metadata
import tomllib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "agentkit"

# Lower numbers are lower layers. Packages on the same layer may not import each other unless listed in
# ALLOWED (a capability built on another).
LAYERS = {
    "_errors": 0,
    "_version": 0,
    "_progress": 0,
    "_stats": 0,
    "_cache": 0,
    "_reader": 1,
    "reader": 1,
    "_edit": 2,
    "writer": 2,
    "_overlap": 2,
    "scores": 2,
    "_oracle": 2,
    "_lint": 3,
    "rules": 3,
    "live": 3,
    "evals": 4,
    "_usage": 4,
    "transcripts": 4,
    "widgets": 5,
    "cli": 5,
    "__main__": 6,
}
# A public module (`agentkit.reader`, ...) re-exports the private package of its layer: the steps that tools
# built on agentkit (the command line and the widgets among them) need.
ALLOWED: set[tuple[str, str]] = {
    ("reader", "_reader"),
    ("writer", "_edit"),
    ("scores", "_overlap"),
    ("rules", "_lint"),
    ("transcripts", "_usage"),
}


def _unit(module: Path) -> str:
    relative = module.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py")


def _imports(tree: ast.AST, module: Path) -> list[tuple[int, str]]:
    found = []
    package_parts = module.relative_to(PACKAGE.parent).with_suffix("").parts
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                base = package_parts[: len(package_parts) - node.level]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            if name == "agentkit":  # `from agentkit import x`: x may be a subpackage
                found += [(node.lineno, f"agentkit.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, name))
    return [(line, name) for line, name in found if name == "agentkit" or name.startswith("agentkit.")]


def violations() -> list[str]:
    problems = []
    for module in sorted(PACKAGE.rglob("*.py")):
        if module == PACKAGE / "__init__.py":
            continue  # the facade: it re-exports the layers below it
        unit = _unit(module)
        assert unit in LAYERS, f"{module}: a new top-level module or package needs a layer in LAYERS"
        for line, name in _imports(ast.parse(module.read_text("utf-8")), module):
            parts = name.split(".")
            if len(parts) == 1 or parts[1] not in LAYERS:
                target = "agentkit"  # the facade, or a public name re-exported by it
            else:
                target = parts[1]
            where = f"{module.relative_to(PACKAGE.parent)}:{line} imports {name}"
            if target == unit:
                continue
            if target == "agentkit":
                if LAYERS[unit] < LAYERS["widgets"]:
                    problems.append(f"{where}: below the interfaces, import the module, not the facade")
                continue
            if LAYERS[target] > LAYERS[unit] or (
                LAYERS[target] == LAYERS[unit] and (unit, target) not in ALLOWED
            ):
                problems.append(
                    f"{where}: layer {unit} ({LAYERS[unit]}) may not import {target} ({LAYERS[target]})"
                )
    return problems


def test_layers_point_one_way() -> None:
    assert violations() == []


def test_the_check_sees_late_imports(tmp_path: Path) -> None:
    tree = ast.parse("def f():\n    from agentkit.widgets import Editor\n    import agentkit.cli\n")
    fake = PACKAGE / "_reader" / "fake.py"
    assert [name for _, name in _imports(tree, fake)] == ["agentkit.widgets", "agentkit.cli"]


def test_every_public_name_resolves_and_private_modules_stay_out() -> None:
    import agentkit

    for name in agentkit.__all__:
        assert getattr(agentkit, name) is not None, name
    assert sorted(agentkit.__all__) == sorted(set(agentkit.__all__))
    assert not [n for n in dir(agentkit) if n.startswith("_") and not n.startswith("__")]


# -- import cycles between modules -------------------------------------------------------------------------


def module_name(path: Path) -> str:
    """agentkit/live/_run.py -> agentkit.live._run; agentkit/live/__init__.py -> agentkit.live."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_imports(tree: ast.AST, name: str, is_package: bool, known: set[str]) -> dict[str, int]:
    """The agentkit modules that `name` imports (anywhere in `tree`), each with the first line.

    `from P import x` is an import of the module P.x when there is one, else of P (a package's `__init__`).
    Importing P.Q.m runs the `__init__` of P and P.Q first: each of those that is not already running (an
    ancestor of `name`) is an import too."""
    package = name if is_package else name.rpartition(".")[0]
    ancestors = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
    found: dict[str, int] = {}
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(
                    [*parts[: len(parts) - node.level + 1], *([node.module] if node.module else [])]
                )
            else:
                base = node.module or ""
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        for target in targets:
            parts = target.split(".")
            for i in range(1, len(parts) + 1):
                prefix = ".".join(parts[:i])
                if prefix in known and prefix != name and (prefix == target or prefix not in ancestors):
                    found.setdefault(prefix, node.lineno)
    return found


def import_graph(root: Path = PACKAGE) -> dict[str, dict[str, int]]:
    paths = {module_name(p): p for p in sorted(root.rglob("*.py"))}
    known = set(paths)
    return {
        name: module_imports(ast.parse(path.read_text("utf-8")), name, path.name == "__init__.py", known)
        for name, path in paths.items()
    }


def strongly_connected(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Tarjan's strongly connected components of more than one module (iterative: no recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(graph[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(graph[successor])))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(sorted(component))
    return components


def cycles(graph: dict[str, dict[str, int]]) -> list[str]:
    """One line per cycle: its modules and the imports that close it (module:line -> module)."""
    said = []
    for component in strongly_connected(graph):
        members = set(component)
        edges = [f"{a}:{line} -> {b}" for a in component for b, line in graph[a].items() if b in members]
        said.append(f"cycle of {len(component)} modules {component}: " + "; ".join(edges))
    return said


def test_no_import_cycle_between_modules() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_check_sees_a_planted_cycle() -> None:
    """A late import and a TYPE_CHECKING import close one cycle; a submodule importing a name from its own
    package's `__init__` (which imports the submodule) closes another."""
    sources = {
        "agentkit.p": ("from agentkit.p.a import A\nfrom .c import C\n", True),
        "agentkit.p.a": ("def f():\n    from agentkit.p import b\n", False),
        "agentkit.p.b": (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import A\n",
            False,
        ),
        "agentkit.p.c": ("import json\n\nfrom agentkit.p import A\n", False),
        "agentkit.q": ("from agentkit.p import B\n", False),
    }
    known = set(sources)
    graph = {
        name: module_imports(ast.parse(text), name, package, known)
        for name, (text, package) in sources.items()
    }
    assert graph["agentkit.p.a"] == {"agentkit.p.b": 2}  # a submodule, not the package's __init__
    assert graph["agentkit.p.b"] == {"agentkit.p.a": 3}  # relative, under TYPE_CHECKING
    assert graph["agentkit.p.c"] == {"agentkit.p": 3}  # a name re-exported by its own package's __init__
    assert graph["agentkit.q"] == {"agentkit.p": 1}
    assert strongly_connected(graph) == [["agentkit.p.a", "agentkit.p.b"], ["agentkit.p", "agentkit.p.c"]]
    found = cycles(graph)
    assert "agentkit.p.a:2 -> agentkit.p.b" in found[0] and "agentkit.p.b:3 -> agentkit.p.a" in found[0]
    assert "agentkit.p.c:3 -> agentkit.p" in found[1]
    del graph["agentkit.p.c"]["agentkit.p"], graph["agentkit.p.b"]["agentkit.p.a"]
    assert cycles(graph) == []


# -- the size of classes -----------------------------------------------------------------------------------

MAX_CLASS_LINES = 400


def long_classes(root: Path = PACKAGE) -> list[str]:
    found = []
    for module in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(module.read_text("utf-8"))):
            if isinstance(node, ast.ClassDef) and node.end_lineno is not None:
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_CLASS_LINES:
                    found.append(
                        f"{module.relative_to(PACKAGE.parent)}:{node.lineno} {node.name}: {lines} lines"
                    )
    return found


def test_no_class_over_400_lines() -> None:
    assert long_classes() == []


# -- the interfaces use the public API ---------------------------------------------------------------------

INTERFACES = ("cli", "widgets")


def private_imports(tree: ast.AST, interface: str) -> list[tuple[int, str]]:
    """The imports in a module of `agentkit.<interface>` of a private module or a private name of another
    package (its own private modules are fine). Dunder names (`__version__`) are public."""
    own = f"agentkit.{interface}"
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: within the interface when it does not climb out of it
                if node.level == 1 or (node.level == 2 and (node.module or "").split(".")[0] == interface):
                    continue
                module = "agentkit." + (node.module or "")
            else:
                module = node.module or ""
            names = [(module, alias.name) for alias in node.names]
        else:
            continue
        for module, name in names:
            if module != "agentkit" and not module.startswith("agentkit."):
                continue
            if module == own or module.startswith(own + "."):
                continue
            private_module = any(part.startswith("_") for part in module.split(".")[1:])
            private_name = name is not None and name.startswith("_") and not name.startswith("__")
            if private_module or private_name:
                found.append((node.lineno, f"{module}{'' if name is None else ' import ' + name}"))
    return found


def test_the_interfaces_import_only_public_modules_and_names() -> None:
    problems = [
        f"{module.relative_to(PACKAGE.parent)}:{line} imports {what}"
        for interface in INTERFACES
        for module in sorted((PACKAGE / interface).rglob("*.py"))
        for line, what in private_imports(ast.parse(module.read_text("utf-8")), interface)
    ]
    assert problems == []


def test_the_interface_check_sees_private_imports() -> None:
    tree = ast.parse(
        "from agentkit._reader.scan import Survey\n"
        "from agentkit.live import _api\n"
        "def f():\n    import agentkit._lint.engine\n"
        "from agentkit.cli._common import echo\n"
        "from agentkit import Agent, __version__\n"
        "from agentkit.evals import run\n"
    )
    assert private_imports(tree, "cli") == [
        (1, "agentkit._reader.scan import Survey"),
        (2, "agentkit.live import _api"),
        (4, "agentkit._lint.engine"),
    ]


# -- the version -------------------------------------------------------------------------------------------


def test_the_version_is_the_installed_distributions() -> None:
    import agentkit

    name = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text("utf-8"))["project"]["name"]
    assert agentkit.__version__ == importlib.metadata.version(name)


def test_a_source_tree_without_metadata_has_its_pyproject_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    import agentkit._version

    def no_metadata(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", no_metadata)
    try:
        reloaded = importlib.reload(agentkit._version)
        project = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text("utf-8"))["project"]
        assert reloaded.__version__ == f"{project['version']}+source"
        assert reloaded.source_version(tmp_path / "pyproject.toml") == "0+unknown"  # none at all
        (tmp_path / "pyproject.toml").write_text('[project]\nname = "other"\nversion = "9"\n')
        assert reloaded.source_version(tmp_path / "pyproject.toml") == "0+unknown"  # another project's
    finally:
        monkeypatch.undo()
        importlib.reload(agentkit._version)
    assert agentkit._version.__version__ == importlib.metadata.version("claude-agentkit")


# -- one name per idea -------------------------------------------------------------------------------------

PUBLIC_MODULES = ("agentkit", "agentkit.live", "agentkit.evals", "agentkit.widgets", "agentkit.reader")
PUBLIC_MODULES += ("agentkit.writer", "agentkit.rules", "agentkit.scores", "agentkit.transcripts")


def test_a_public_class_name_means_one_class() -> None:
    """`agentkit.Comparison` (live results) and `agentkit.evals.Comparison` (a statistical comparison) were
    two ideas under one name: a public class name, wherever it is exported, is one class."""
    import importlib

    seen: dict[str, tuple[str, type]] = {}
    clashes = []
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            value = getattr(module, name)
            if not isinstance(value, type):
                continue
            first = seen.setdefault(name, (module_name, value))
            if first[1] is not value:
                clashes.append(f"{module_name}.{name} is not {first[0]}.{name}")
    assert clashes == []
    assert not hasattr(importlib.import_module("agentkit.live"), "Comparison")


# Routing is one package (live/_routing). Outside it, only the interfaces show it, the public facade of
# evals wraps it, and the stand-in replays recorded routing answers (it serves every offline run).
ROUTING_OUTSIDE_ITS_PACKAGE = {
    "cli/_route.py",
    "widgets/_route.py",
    "evals/__init__.py",
    "_oracle/standin.py",
}


def test_routing_lives_in_one_package() -> None:
    """No function or class about routing is defined outside `live/_routing/`, and the layout drawn in
    docs/architecture.md lists exactly the package's modules."""
    home = PACKAGE / "live" / "_routing"
    strays = []
    for module in sorted(PACKAGE.rglob("*.py")):
        relative = module.relative_to(PACKAGE).as_posix()
        if module.is_relative_to(home) or relative in ROUTING_OUTSIDE_ITS_PACKAGE:
            continue
        for node in ast.parse(module.read_text("utf-8")).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                if "rout" in node.name.lower():
                    strays.append(f"{relative}:{node.lineno} {node.name}")
    assert not strays, "routing outside live/_routing/: " + ", ".join(strays)
    docs = (PACKAGE.parent / "docs" / "architecture.md").read_text("utf-8")
    drawn = docs.split("## Routing, in one place", 1)[1].split("```")[1]
    listed = {
        line.split()[0]
        for line in drawn.splitlines()
        if line.startswith("    ") and line.split()[0].endswith(".py")
    }
    modules = {p.name for p in home.glob("*.py") if p.name != "__init__.py"}
    assert listed == modules, f"docs list {sorted(listed ^ modules)} differently from live/_routing/"
