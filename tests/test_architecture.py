"""The package's layers (docs/architecture.md): imports point one way, no cycle, no private reach-ins.

Read from the source with ``ast``, so an import inside a function counts as much as one
at the top of a module.
"""

import ast
import importlib
import subprocess
import sys
import types
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "ecosystem"

# Bottom to top. A module may import its own layer and lower ones; neo4j and output are
# side by side and do not import each other. The package's __init__ is the facade on top.
LAYERS = {
    "ecosystem.errors": 0,
    "ecosystem.files": 0,
    "ecosystem.text": 0,
    "ecosystem.evidence": 1,
    "ecosystem.geo": 2,
    "ecosystem.graph": 3,
    "ecosystem.ingest": 4,
    "ecosystem.analysis": 5,
    "ecosystem.neo4j": 6,
    "ecosystem.output": 6,
    "ecosystem.cli": 7,
    "ecosystem.__main__": 8,
    "ecosystem": 8,
}
MAX_LINES = 500


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> tuple[str, int]:
    """The layer a module belongs to: the longest LAYERS key it starts with."""
    for key in sorted(LAYERS, key=len, reverse=True):
        if module == key or module.startswith(key + "."):
            return key, LAYERS[key]
    raise AssertionError(f"{module} is in no layer: add it to LAYERS and docs/architecture.md")


def imports_of(module: str, path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, imported module, names) for every import of the package in a file, wherever it is."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name, []) for a in node.names if a.name.split(".")[0] == "ecosystem"]
        elif isinstance(node, ast.ImportFrom):
            target = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            if target.split(".")[0] == "ecosystem":
                names = [a.name for a in node.names]
                # "from ecosystem.graph import lookup" imports a module, not a name
                submodules = [n for n in names if f"{target}.{n}" in MODULES]
                out += [(node.lineno, f"{target}.{n}", []) for n in submodules]
                if len(submodules) < len(names):
                    out.append((node.lineno, target, [n for n in names if n not in submodules]))
    return out


def resolve(target: str) -> str:
    """The module an import refers to (a name imported from a module resolves to that module)."""
    while target not in MODULES and "." in target:
        target = target.rpartition(".")[0]
    return target


def test_every_module_is_in_a_layer_and_every_subpackage_says_what_it_may_import():
    for module, path in MODULES.items():
        layer_of(module)
        if path.name == "__init__.py" and module.count(".") == 1:
            doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
            assert doc and "Imports:" in doc.splitlines()[0], f"{path}: the first docstring line says what the layer is for and 'Imports: ...'"


def test_no_layer_imports_a_higher_one():
    wrong = []
    for module, path in MODULES.items():
        key, level = layer_of(module)
        for line, target, _ in imports_of(module, path):
            other, other_level = layer_of(resolve(target))
            if other_level > level or (other_level == level and other != key):
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {key} (layer {level}) imports {target} ({other}, layer {other_level})")
    assert not wrong, "\n".join(wrong)


def test_the_import_graph_has_no_cycle():
    D = nx.DiGraph()
    for module, path in MODULES.items():
        D.add_node(module)
        for _, target, _ in imports_of(module, path):
            if resolve(target) != module:
                D.add_edge(module, resolve(target))
    cycles = sorted(sorted(c) for c in nx.simple_cycles(D))
    assert not cycles, f"import cycles: {cycles}"


def private_imports(path: Path, module: str) -> list[str]:
    out = []
    for line, target, names in imports_of(module, path):
        target_module = resolve(target)
        out += [f"{path.relative_to(ROOT)}:{line}: imports {n} from {target_module}" for n in names if n.startswith("_") and not n.startswith("__")]
    return out


@pytest.mark.parametrize("folder", ["ecosystem", "tests", "tools", "benchmarks"])
def test_no_module_imports_another_modules_private_names(folder):
    wrong = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        if ".venv" in path.parts:
            continue
        wrong += private_imports(path, module_name(path) if folder == "ecosystem" else "tests")
    assert not wrong, "\n".join(wrong)


def test_tests_use_no_private_attribute_of_the_package():
    wrong = []
    for path in sorted((ROOT / "tests").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules = {}  # local name -> package module it is bound to
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ecosystem"):
                for a in node.names:
                    obj = getattr(importlib.import_module(node.module), a.name, None)
                    if isinstance(obj, types.ModuleType):
                        modules[a.asname or a.name] = obj.__name__
            elif isinstance(node, ast.Import):
                modules.update({a.asname: a.name for a in node.names if a.name.startswith("ecosystem") and a.asname})
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules:
                if node.attr.startswith("_") and not node.attr.startswith("__"):
                    wrong.append(f"{path.name}:{node.lineno}: {node.value.id}.{node.attr}")
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "setattr" and node.args:
                first, *rest = node.args
                if isinstance(first, ast.Name) and first.id in modules and rest and isinstance(rest[0], ast.Constant):
                    if str(rest[0].value).startswith("_"):
                        wrong.append(f"{path.name}:{node.lineno}: setattr({first.id}, {rest[0].value!r})")
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "importorskip":
                if node.args and isinstance(node.args[0], ast.Constant) and str(node.args[0].value).startswith("ecosystem"):
                    wrong.append(f"{path.name}:{node.lineno}: importorskip of the package's own {node.args[0].value} hides a broken import")
    assert not wrong, "\n".join(wrong)


def test_every_module_is_under_the_size_limit():
    big = {str(p.relative_to(ROOT)): n for p in MODULES.values() if (n := len(p.read_text(encoding="utf-8").splitlines())) >= MAX_LINES}
    assert not big, f"modules of {MAX_LINES} lines or more (split them by job): {big}"


def test_one_module_imports_the_neo4j_driver_and_only_outputs_draw():
    driver, drawing = [], []
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            for name in names:
                if name.split(".")[0] == "neo4j":
                    driver.append(module)
                if name.split(".")[0] == "matplotlib":
                    drawing.append(module)
    assert len(set(driver)) == 1, f"the neo4j driver is imported by {sorted(set(driver))}"
    assert all(layer_of(m)[0] in ("ecosystem.output", "ecosystem.cli") for m in drawing), f"matplotlib outside the outputs: {sorted(set(drawing))}"


def test_the_check_finds_a_planted_upward_import_a_cycle_and_a_private_import(tmp_path):
    """The checks above would fail on a violation (not only pass on a clean tree)."""
    fake = tmp_path / "ecosystem"
    for sub in ("graph", "analysis"):
        (fake / sub).mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "graph" / "__init__.py").write_text('"""Graph. Imports: evidence."""\n')
    (fake / "graph" / "build.py").write_text("def f():\n    from ecosystem.analysis.overlap import _score\n")
    (fake / "analysis" / "__init__.py").write_text('"""Analysis. Imports: graph."""\n')
    (fake / "analysis" / "overlap.py").write_text("from ecosystem.graph.build import f\n_score = 1\n")
    global MODULES, ROOT
    saved = MODULES, ROOT
    try:
        ROOT = tmp_path
        MODULES = {module_name(p): p for p in sorted(fake.rglob("*.py"))}
        with pytest.raises(AssertionError, match="ecosystem.graph \\(layer 3\\) imports ecosystem.analysis.overlap"):
            test_no_layer_imports_a_higher_one()
        with pytest.raises(AssertionError, match="import cycles"):
            test_the_import_graph_has_no_cycle()
        assert private_imports(fake / "graph" / "build.py", "ecosystem.graph.build") == ["ecosystem/graph/build.py:2: imports _score from ecosystem.analysis.overlap"]
    finally:
        MODULES, ROOT = saved


def test_notebooks_use_only_the_public_api():
    """Notebooks import from ``ecosystem`` (its ``__all__``) or ``ecosystem.neo4j`` (its ``__all__``) only."""
    import json

    import ecosystem

    public = {"ecosystem": set(ecosystem.__all__), "ecosystem.neo4j": set(importlib.import_module("ecosystem.neo4j").__all__)}
    wrong = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            for node in ast.walk(ast.parse("".join(cell["source"]))):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ecosystem"):
                    names = {a.name for a in node.names}
                    if node.module not in public or not names <= public[node.module]:
                        wrong.append(f"{path.name}: from {node.module} import {', '.join(sorted(names))}")
                elif isinstance(node, ast.Import):
                    wrong += [f"{path.name}: import {a.name}" for a in node.names if a.name.startswith("ecosystem.")]
    assert not wrong, "\n".join(wrong)


def test_the_public_api_loads_on_first_use_and_says_what_each_name_is():
    """``import ecosystem`` loads no layer; each name of ``__all__`` loads its own, and the
    TYPE_CHECKING imports (what editors read) name exactly ``__all__``."""
    code = "import sys, ecosystem; print(sorted(m for m in sys.modules if m.startswith('ecosystem.')))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert loaded.strip() == "[]"
    import ecosystem

    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    block = next(n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING")
    typed = {a.asname or a.name for n in block.body for a in n.names}
    assert typed == set(ecosystem.__all__)
    for name in ecosystem.__all__:
        assert getattr(ecosystem, name) is not None, name
    assert set(ecosystem.__all__) <= set(dir(ecosystem))


def test_the_command_line_starts_without_the_library():
    """``ecosystem --help`` loads click and the command modules, not networkx, scipy, matplotlib or the driver."""
    code = (
        "import sys; from ecosystem.cli import cli\n"
        "try:\n    cli.main(['--help'], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'networkx', 'scipy', 'numpy', 'matplotlib', 'neo4j', 'igraph'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out.strip().splitlines()[-1] == "[]"
