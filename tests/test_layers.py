"""The package's layers hold: no import cycle, no upward import, the docs' table is the code's."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[1] / "tools" / "layers.py"
_SPEC = importlib.util.spec_from_file_location("layers_tool", _PATH)
layers = importlib.util.module_from_spec(_SPEC)
sys.modules["layers_tool"] = layers
_SPEC.loader.exec_module(layers)


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return layers.import_graph()


def test_prints_the_layer_table(graph, capsys):
    table = layers.layer_table(graph)
    with capsys.disabled():
        print("\n" + table)
    assert table.count("\n") == len(layers.LAYERS) + 1


def test_no_import_cycle(graph):
    assert layers.cycles(graph) == []


def test_no_upward_import(graph):
    assert layers.upward_imports(graph) == []


def test_every_module_has_a_layer(graph):
    assert layers.unplaced(graph) == []


def test_the_docs_table_is_generated_from_the_code(graph):
    text = layers.DOCS.read_text(encoding="utf-8")
    assert layers.BEGIN in text and layers.END in text
    assert layers.docs_with_table(text, layers.layer_table(graph)) == text, "run python tools/layers.py --write"


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_the_checks_see_imports_inside_functions_and_type_checking(tmp_path, monkeypatch):
    _write(tmp_path, {
        "files.py": "def f():\n    from momentumlab.render import x\n",
        "render/__init__.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from momentumlab import files\n",
        "problems.py": "from .files import y\n",
    })
    monkeypatch.setattr(layers, "PACKAGE", tmp_path)
    graph = layers.import_graph()
    assert graph == {"files": {"render"}, "render": {"files"}, "problems": {"files"}}
    assert layers.cycles(graph) == [["files", "render"]]
    assert layers.upward_imports(graph) == [("files", "render")]


def test_a_module_outside_every_layer_is_named(tmp_path, monkeypatch):
    _write(tmp_path, {"stray.py": "", "files.py": ""})
    monkeypatch.setattr(layers, "PACKAGE", tmp_path)
    assert layers.unplaced(layers.import_graph()) == ["stray"]


def _external_imports(path: Path) -> set[str]:
    import ast

    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_no_drawing_or_document_library_below_the_outputs_layer():
    outputs = [name for name, _, _ in layers.LAYERS].index("outputs")
    offenders = {
        module: sorted(_external_imports(path) & {"matplotlib", "jinja2", "pptx"})
        for module, path in layers.module_files().items()
        if layers.layer_of(module) is not None and layers.layer_of(module) < outputs
    }
    assert {module: names for module, names in offenders.items() if names} == {}
