"""The notebooks are committed thin and without outputs, and match their generator."""

import ast
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_all_notebooks_exist():
    assert {p.stem for p in NOTEBOOKS} == {"indicator_report", "overview", "growth_feasibility", "explorer",
                                           "task_register"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_outputs_and_literal_parameters(path):
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") and not c.get("execution_count") for c in nb.cells if c.cell_type == "code")
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    for node in ast.parse(params[0].source).body:
        assert isinstance(node, (ast.Assign, ast.AnnAssign))
        ast.literal_eval(node.value)  # literal defaults only
    code = [c for c in nb.cells if c.cell_type == "code" and c is not params[0]]
    assert sum(len(c.source.splitlines()) for c in code) <= 6  # thin: calls into the package


def test_generator_matches_committed_notebooks():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_notebooks", ROOT / "tools" / "make_notebooks.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    for name, nb in mod.NOTEBOOKS:
        committed = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
        assert [c.source for c in committed.cells] == [c.source for c in nb.cells], name
