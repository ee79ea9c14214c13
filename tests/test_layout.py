"""The package's layout: no import cycles, small modules, public names."""

import ast
from pathlib import Path

import sklearn_lilaw

PACKAGE = Path(sklearn_lilaw.__file__).parent
MAX_LINES = 400


def _module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path, name):
    """The sklearn_lilaw modules a module imports (at module level or inside)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_import_graph_has_no_cycle():
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {
        name: {m for m in _imports(path, name) if m in modules and m != name}
        for name, path in modules.items()
    }
    # A package's __init__ importing its own submodules is not a cycle of
    # dependencies; a submodule importing its package's __init__ would be.
    for name in graph:
        graph[name] = {m for m in graph[name] if not m.startswith(name + ".")}

    visiting, done = set(), set()

    def visit(name, path):
        if name in done:
            return
        assert name not in visiting, "import cycle: " + " -> ".join(path + [name])
        visiting.add(name)
        for target in sorted(graph[name]):
            visit(target, path + [name])
        visiting.discard(name)
        done.add(name)

    for name in sorted(graph):
        visit(name, [])


def test_no_module_is_longer_than_400_lines():
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert not long


def test_the_estimators_and_subpackages_are_the_public_names():
    assert {"LiLAWClassifier", "LiLAWMultiLabelClassifier", "LiLAWRegressor"} <= set(
        sklearn_lilaw.__all__
    )
    for name in ("data", "datasets", "nets", "synthesizers", "weights"):
        module = getattr(sklearn_lilaw, name)
        for public in module.__all__:
            assert not getattr(module, public).__module__.startswith("sklearn_lilaw._")
