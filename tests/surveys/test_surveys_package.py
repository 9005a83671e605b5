"""Package boundaries: surveys stays pure (no web, database or analysis), has no import cycles,
and its examples run."""

from __future__ import annotations

import ast
import doctest
import importlib
import importlib.util
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import surveys

FORBIDDEN = ("evalsys", "pyramid", "sqlalchemy", "analysis")


def test_importing_surveys_pulls_in_no_web_database_or_analysis_code():
    code = (
        "import sys, surveys, surveys.xlsform, surveys.frame;"
        "surveys.load_instrument('brs');"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "module", ["surveys", "surveys.instrument", "surveys.validation", "surveys.scoring"]
)
def test_docstring_examples_run(module):
    failures, tried = doctest.testmod(importlib.import_module(module), verbose=False)
    assert failures == 0
    if module in ("surveys", "surveys.instrument", "surveys.validation"):
        assert tried > 0


def test_empty_frames_give_empty_results(toolkit):
    empty = pd.DataFrame({"a1": pd.Series([], dtype="float64")})
    assert surveys.validate_frame(toolkit, empty).empty
    assert len(surveys.score_frame(toolkit, empty)) == 0
    assert len(surveys.quality_frame(toolkit, empty)) == 0


def test_the_worked_examples_in_the_docs_are_valid():
    """docs/instruments.md: its YAML examples parse and score as the text says."""
    import re
    from pathlib import Path

    docs = Path(__file__).resolve().parents[2] / "docs" / "instruments.md"
    blocks = re.findall(r"```yaml\n(.*?)```", docs.read_text(encoding="utf-8"), re.S)
    conditional = [b for b in blocks if "missing_codes:" in b]
    example, matrix = (surveys.parse_instrument(b, source="docs") for b in blocks[:2])
    result = example.score({"bb_1": 4, "bb_2": 2, "bb_3": 5})["binding"]
    assert result.value == pytest.approx(13 / 3) and result.band == "high"
    codes = [
        (e.field, e.code) for e in example.validate({"bb_1": 4, "bb_2": 7, "bb_3": "4", "bb_9": 1})
    ]
    assert codes == [
        ("bb_9", "unknown_item"),
        ("bb_2", "invalid_option"),
        ("bb_3", "wrong_type"),
        ("bb_4", "required"),
    ]
    flags = example.quality_flags({"bb_1": 5, "bb_2": 5, "bb_3": 5, "bb_4": 5}, 4)
    assert flags == ["reverse_inconsistent", "too_fast"]
    assert matrix.kind == "matrix"
    # "Conditions and missing-data codes": the group hides per_day when smokes is 0; a -1
    # for per_day is a code, so sleep (per_day > 10 or smokes = 0) is hidden and refused.
    (lifestyle,) = (surveys.parse_instrument(b, source="docs") for b in conditional)
    assert lifestyle.not_applicable({"smokes": 0}) == {"per_day"}
    answers = {"smokes": 1, "per_day": -1, "sleep": 10}
    assert lifestyle.statuses(answers)["per_day"] == "missing_code"
    assert [(e.field, e.code) for e in lifestyle.validate(answers)] == [("sleep", "not_applicable")]
    (error,) = lifestyle.validate({"smokes": 1, "per_day": 20, "sleep": 10})
    assert (error.code, error.message) == ("constraint", "Not 9 to 11 hours")


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module -> the modules of ``package`` it imports anywhere (in a function's body too)."""
    files = {}
    for path in package.rglob("*.py"):
        dotted = ".".join(path.relative_to(package.parent).with_suffix("").parts)
        files[dotted.removesuffix(".__init__")] = path
    graph = {}
    for name, path in files.items():
        home = name if path.name == "__init__.py" else name.rpartition(".")[0]
        imported = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = importlib.util.resolve_name("." * node.level + (node.module or ""), home)
                # ``from pkg import module`` imports that module; ``from pkg import name``, pkg
                imported |= {
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in files else base
                    for alias in node.names
                }
        graph[name] = (imported & files.keys()) - {name}
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other in a circle, each sorted."""

    def reachable(start: str) -> set[str]:
        seen: set[str] = set()
        todo = list(graph[start])
        while todo:
            module = todo.pop()
            if module not in seen:
                seen.add(module)
                todo.extend(graph[module])
        return seen

    reach = {module: reachable(module) for module in graph}
    circles = {frozenset(m for m in reach[start] if start in reach[m]) for start in graph}
    return sorted(sorted(circle) for circle in circles if circle)


def test_the_surveys_package_has_no_import_cycles():
    graph = import_graph(Path(surveys.__file__).parent)
    assert "surveys.validation" in graph["surveys.scoring"]  # the graph sees the imports
    assert import_cycles(graph) == []


def test_the_cycle_check_finds_a_circle_through_a_function_body(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("from pkg.c import thing\n")
    (package / "a.py").write_text("from pkg.b import thing\n")
    (package / "b.py").write_text("def thing():\n    from pkg import a\n")
    (package / "c.py").write_text("from . import b\nthing = b.thing\n")
    graph = import_graph(package)
    assert graph == {"pkg": {"pkg.c"}, "pkg.a": {"pkg.b"}, "pkg.b": {"pkg.a"}, "pkg.c": {"pkg.b"}}
    assert import_cycles(graph) == [["pkg.a", "pkg.b"]]
