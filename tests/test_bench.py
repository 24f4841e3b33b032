"""The benchmarks run outside the suite: the pages and code they name must still exist, so that moving or renaming
one cannot break a benchmark unseen."""

import ast
import importlib
from pathlib import Path

import pytest
from django.urls import reverse

BENCH = Path(__file__).resolve().parent.parent / "bench"
PROJECT = ("accounts", "core", "applications", "assessment", "grants", "monitoring", "tests")


def _keywords(call: ast.Call) -> tuple[str, ...]:
    """The names of the address's parts the benchmark passes to `reverse`: none without `kwargs`, those its dict
    names, or `pk` when it passes a variable."""
    for keyword in call.keywords:
        if keyword.arg == "kwargs":
            if isinstance(keyword.value, ast.Dict):
                return tuple(key.value for key in keyword.value.keys if isinstance(key, ast.Constant))
            return ("pk",)
    return ()


def _calls_and_imports():
    for path in sorted(BENCH.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "reverse" and \
                    node.args and isinstance(node.args[0], ast.Constant):
                yield "page", path.name, node.args[0].value, _keywords(node)
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PROJECT:
                for alias in node.names:
                    yield "code", path.name, f"{node.module}.{alias.name}", ()


@pytest.mark.parametrize(("kind", "script", "name", "keywords"), [
    pytest.param(*named, id="-".join(named[:3])) for named in _calls_and_imports()
])
def test_what_a_benchmark_names_exists(kind, script, name, keywords):
    if kind == "page":
        assert reverse(name, kwargs=dict.fromkeys(keywords, 1))
    else:
        module, _, attribute = name.rpartition(".")
        assert hasattr(importlib.import_module(module), attribute), f"{script} imports {name}"
