"""`ml/` is a plain library: no module in it may import Django or the Django apps (parsed, not grepped)."""

from __future__ import annotations

import ast
from pathlib import Path

ML_ROOT = Path(__file__).resolve().parents[2] / "ml"
FORBIDDEN = {"django", "rest_framework", "catalog", "recommender"}
DYNAMIC_IMPORTS = {"import_module", "__import__"}


def imported_roots(source: str) -> set[str]:
    """Top-level package names a module imports: import statements anywhere in the file (also inside
    functions), plus importlib.import_module / __import__ calls with a literal name."""
    roots: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            called = (
                node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            )
            if called in DYNAMIC_IMPORTS and isinstance(node.args[0].value, str):
                roots.add(node.args[0].value.split(".")[0])
    return roots


def test_the_detector_sees_every_kind_of_import():
    source = (
        "import os\n"
        "from django.db import models\n"
        "def later():\n"
        "    import catalog.models\n"
        "    importlib.import_module('recommender.settings')\n"
        "    __import__('rest_framework')\n"
        "from . import sibling\n"
    )
    assert imported_roots(source) == {"os", "django", "catalog", "recommender", "rest_framework"}


def test_no_ml_module_imports_django_or_the_apps():
    modules = sorted(ML_ROOT.rglob("*.py"))
    assert len(modules) > 10  # the walk really found the package
    offenders = {
        str(path.relative_to(ML_ROOT.parent)): sorted(imported_roots(path.read_text()) & FORBIDDEN)
        for path in modules
    }
    assert {path: names for path, names in offenders.items() if names} == {}
