"""The domain cores stay plain Python: nothing under goldthread.core imports Django."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_never_imports_django_or_the_apps():
    offenders = {}
    for path in CORE.rglob("*.py"):
        bad = {m for m in imported_modules(path)
               if m.split(".")[0] == "django" or m.startswith(("goldthread.councils", "goldthread.extracts"))}
        if bad:
            offenders[str(path.relative_to(CORE))] = sorted(bad)
    assert offenders == {}


def test_the_check_sees_imports():
    # Guard against a check that passes because it reads nothing.
    assert "numpy" in imported_modules(CORE / "workdays.py")
    assert len(list(CORE.rglob("*.py"))) > 8
