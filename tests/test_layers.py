"""Imports point down: an app imports only the apps below it (docs/ARCHITECTURE.md, "Layers").

    core → organization → customers → complaints → touchpoints | surveys | membership

The three top apps are independent of each other. Reactions that run the other way (a purchase
makes the buyer a club member, every app adds to the customer timeline) go through signals and
registries that the higher app connects in its AppConfig.ready().
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = [
    {"core"},
    {"organization"},
    {"customers"},
    {"complaints"},
    {"touchpoints", "surveys", "membership"},
]
LEVEL = {app: level for level, apps in enumerate(LAYERS) for app in apps}


def project_imports(path: Path) -> list[tuple[int, str]]:
    """(line, top-level package) of every absolute import of one of our apps in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found += [(node.lineno, name.split(".")[0]) for name in names if name.split(".")[0] in LEVEL]
    return found


def upward_imports(app: str) -> list[str]:
    wrong = []
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for line, imported in project_imports(path):
            if imported != app and LEVEL[imported] >= LEVEL[app]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    return wrong


@pytest.mark.parametrize("app", sorted(LEVEL))
def test_an_app_imports_only_the_apps_below_it(app):
    assert upward_imports(app) == []


def test_the_check_finds_an_upward_import(tmp_path, monkeypatch):
    (tmp_path / "customers").mkdir()
    (tmp_path / "customers" / "hook.py").write_text("def f():\n    from membership import services\n")
    (tmp_path / "customers" / "fine.py").write_text("from organization.models import Unit\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert upward_imports("customers") == ["customers/hook.py:2 imports membership"]


def test_every_app_is_in_a_layer():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps == set(LEVEL)
