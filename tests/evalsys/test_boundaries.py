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


# evalsys's rooms from the ground up: a room imports only rooms on lower floors (and itself).
FLOORS = (
    ("settings", "i18n", "i18n_catalogs", "json_text", "principals", "serving"),
    ("security_headers", "db"),
    ("audit", "programme"),
    ("accounts",),
    ("jobs",),
    ("mail",),
    # webhooks tell of collection's and results' events (they call down with plain values),
    # and send their switch-off notice through mail's outbox: between the two.
    ("webhooks",),
    ("collection",),
    ("imports", "results", "followup", "odk"),
    ("setup", "admin", "privacy"),
    ("demo", "web", "api"),
    ("cli", "models", "migrations", "routes", "job_tasks", "__init__"),
)
FLOOR = {room: level for level, rooms in enumerate(FLOORS) for room in rooms}


def room_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def evalsys_imports(path: Path) -> set[str]:
    """The evalsys modules a file imports, with relative imports resolved."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    package = (
        module.rsplit(".", 1)[0] if path.name != "__init__.py" else module[: -len(".__init__")]
    )
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "evalsys"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            if name.split(".")[0] == "evalsys":
                found |= {f"{name}.{a.name}" if name == "evalsys" else name for a in node.names}
    return found


def test_evalsys_rooms_import_only_downwards():
    offenders = []
    for path in sorted((ROOT / "evalsys").rglob("*.py")):
        if "versions" in path.parts:
            continue
        here = room_of(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for imported in evalsys_imports(path):
            there = room_of(imported)
            if there == here or there not in FLOOR:
                continue
            top = len(FLOORS) - 1  # the application's entry points may use each other
            if FLOOR[there] > FLOOR[here] or FLOOR[there] == FLOOR[here] < top:
                offenders.append(f"{path.relative_to(ROOT)} -> {imported}")
    assert offenders == []
    assert set(FLOOR) >= {
        room_of(f"evalsys.{p.name}")
        for p in (ROOT / "evalsys").iterdir()
        if p.is_dir() and (p / "__init__.py").exists()
    }
