"""`surveys` and `analysis` stay free of the web and the database (DESIGN.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {"evalsys", "pyramid", "sqlalchemy", "zope", "transaction", "webob", "alembic"}


def imported_top_level_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(
    "package, also_forbidden", [("surveys", {"analysis"}), ("analysis", {"surveys"})]
)
def test_pure_packages_never_import_the_web_or_the_database(package, also_forbidden):
    sources = sorted((ROOT / package).rglob("*.py"))
    assert sources, f"{package} has no Python files"
    forbidden = FORBIDDEN | also_forbidden
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_top_level_names(path) & forbidden)
        for path in sources
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_check_itself_finds_a_forbidden_import(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text("import os\nfrom sqlalchemy.orm import Session\nimport pyramid.config\n")
    assert imported_top_level_names(module) >= {"sqlalchemy", "pyramid"}
