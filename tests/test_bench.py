"""The benchmarks run outside the suite: the pages and code they name must still exist, so that moving or renaming
one cannot break a benchmark unseen."""

import ast
import importlib
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse

BENCH = Path(__file__).resolve().parent.parent / "bench"
PROJECT = ("accounts", "core", "applications", "assessment", "grants", "monitoring", "tests")


def _calls_and_imports():
    for path in sorted(BENCH.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "reverse" and \
                    node.args and isinstance(node.args[0], ast.Constant):
                yield "page", path.name, node.args[0].value
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PROJECT:
                for alias in node.names:
                    yield "code", path.name, f"{node.module}.{alias.name}"


@pytest.mark.parametrize(("kind", "script", "name"), list(_calls_and_imports()))
def test_what_a_benchmark_names_exists(kind, script, name):
    if kind == "page":
        try:
            assert reverse(name, kwargs={"pk": 1})
        except NoReverseMatch:  # a page of its own, such as a list of everything for one person
            assert reverse(name)
    else:
        module, _, attribute = name.rpartition(".")
        assert hasattr(importlib.import_module(module), attribute), f"{script} imports {name}"
