"""The import graph read from the code: core imports no app, and nothing imports up the chain
conversations -> variations -> monitoring -> grants -> assessment -> applications -> accounts -> core."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Each app may import those after it in this list, never those before it.
CHAIN = ["conversations", "variations", "monitoring", "grants", "assessment", "applications", "accounts", "core"]


def imported_apps(path: Path) -> set[str]:
    """Every app a module imports, at module level or inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(name.split(".")[0] for name in names if name.split(".")[0] in CHAIN)
    return found


def modules_of(app: str) -> list[Path]:
    return [path for path in sorted((ROOT / app).rglob("*.py")) if "migrations" not in path.parts]


def arrows_up_the_chain(imports_of) -> list[str]:
    return [
        f"{module.relative_to(ROOT)} imports {imported}"
        for app in CHAIN
        for module in modules_of(app)
        for imported in sorted(imports_of(module))
        if CHAIN.index(imported) < CHAIN.index(app)
    ]


def test_every_app_in_the_chain_has_code_to_read():
    assert all(modules_of(app) for app in CHAIN)


def test_no_module_imports_an_app_earlier_in_the_chain():
    assert arrows_up_the_chain(imported_apps) == []


def test_core_imports_no_app():
    assert [str(path) for path in modules_of("core") if imported_apps(path) - {"core"}] == []


@pytest.mark.parametrize(
    "source, expected",
    [
        ("from assessment.models import Allocation", {"assessment"}),
        ("import grants.services", {"grants"}),
        ("def later():\n    from monitoring import services", {"monitoring"}),
        ("from . import models\nfrom django.db import models\nimport rules", set()),
    ],
)
def test_the_reader_finds_imports_wherever_they_are_written(tmp_path, source, expected):
    module = tmp_path / "module.py"
    module.write_text(source)
    assert imported_apps(module) == expected


def test_an_import_up_the_chain_is_reported():
    modules = {ROOT / "applications" / "selectors.py": {"assessment"}}
    assert arrows_up_the_chain(lambda module: modules.get(module, set())) == [
        "applications/selectors.py imports assessment"
    ]
