"""The layers point one way: interfaces -> capabilities -> the reader (docs/architecture.md).

Every import inside the package, at module level or inside a function, is checked: a module may import
from its own package and from lower layers only, never from the public facade `agentkit` (which sits
above the capabilities). Late imports count too: they are how cycles hide.
"""

from __future__ import annotations

import ast
from pathlib import Path

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
    "_edit": 2,
    "_overlap": 2,
    "_oracle": 2,
    "_lint": 3,
    "live": 3,
    "evals": 4,
    "_usage": 4,
    "widgets": 5,
    "cli": 5,
    "__main__": 6,
}
ALLOWED: set[tuple[str, str]] = set()


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
