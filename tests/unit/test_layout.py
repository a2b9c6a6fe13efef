"""The layout holds: small modules and functions, imports that flow one way, and tests that
use the product's public names only (docs/ARCHITECTURE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("crawler", "indexer", "lokalarkiv", "search_cli", "web", "samplesite")
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60

# room -> the rooms it must never import (the data flows one way: crawl -> store -> search
# -> application -> interfaces; nothing upstream knows what is downstream of it)
FORBIDDEN = {
    "indexer": ("crawler", "lokalarkiv", "search_cli", "web", "scrapy", "trafilatura"),
    "lokalarkiv": ("search_cli", "web", "click", "scrapy", "trafilatura"),
    "web": ("search_cli", "click", "scrapy"),
    "crawler": ("lokalarkiv", "search_cli", "web"),
}


def _modules(*packages: str) -> list[Path]:
    return sorted(
        path for package in packages if (ROOT / package).is_dir()
        for path in (ROOT / package).rglob("*.py")
    )  # fmt: skip


def _is_data_table(node: ast.AST) -> bool:
    """An assignment of a literal (a word list, a table): long by nature, not by logic."""
    value = getattr(node, "value", None)
    return isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(
        value, ast.Dict | ast.List | ast.Tuple | ast.Set | ast.Constant
    )


def _logic_lines(path: Path) -> int:
    """The module's lines, less those of top-level data tables."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    tables = sum(
        node.end_lineno - node.lineno + 1  # type: ignore[operator]
        for node in tree.body
        if _is_data_table(node) and node.end_lineno is not None
    )
    return len(source.splitlines()) - tables


def test_no_module_over_the_limit() -> None:
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in _modules(*PRODUCT)
        if (lines := _logic_lines(path)) > MAX_MODULE_LINES
    }
    assert too_long == {}


def test_no_function_over_the_limit() -> None:
    too_long = {}
    for path in _modules(*PRODUCT):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    too_long[f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"] = lines
    assert too_long == {}


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


@pytest.mark.parametrize("room", sorted(FORBIDDEN))
def test_imports_flow_one_way(room: str) -> None:
    wrong = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _modules(room)
        for name in _imports(path)
        if name.split(".")[0] in FORBIDDEN[room]
    }
    assert wrong == set()


def test_tests_use_public_names_only() -> None:
    """A test imports no leading-underscore name of the product, nor reaches into one as
    ``module._name``: what it checks stays true when the inside is rearranged."""
    private = set()
    for path in _modules("tests"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        product_modules = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module.split(".")[0] not in PRODUCT:
                    continue
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        private.add(f"{path.relative_to(ROOT)}: {node.module}.{alias.name}")
                    product_modules.add(alias.asname or alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] in PRODUCT:
                        product_modules.add(alias.asname or alias.name.split(".")[0])
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and isinstance(node.value, ast.Name)
                and node.value.id in product_modules
            ):
                private.add(f"{path.relative_to(ROOT)}: {node.value.id}.{node.attr}")
    assert private == set()


def test_tests_take_helpers_from_the_helper_module() -> None:
    """conftest holds fixtures; shared helpers live in tests/helpers.py (and the web tests'
    server in tests/web_server.py): no test module imports conftest or another test module."""
    importers = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _modules("tests")
        for name in _imports(path)
        if name == "tests.conftest" or name.startswith(("tests.unit", "tests.integration",
                                                          "tests.browser"))
    }  # fmt: skip
    assert importers == set()
