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
    {"touchpoints", "surveys", "membership", "repairs"},
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


def imports_inside_functions(path: Path) -> list[str]:
    """Imports of our own modules inside a function body, unless a comment on the line says which
    cycle forces it (``tasks`` and the module it runs usually import each other)."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom):
                ours = node.level > 0 or (node.module or "").split(".")[0] in LEVEL
            elif isinstance(node, ast.Import):
                ours = any(alias.name.split(".")[0] in LEVEL for alias in node.names)
            else:
                continue
            if ours and "imports this module" not in lines[node.lineno - 1]:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


@pytest.mark.parametrize("app", sorted(LEVEL))
def test_imports_sit_at_the_top_unless_a_cycle_forces_them_down(app):
    # AppConfig.ready() is the one place where importing inside a function is the rule.
    paths = [
        path
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts and path.name != "apps.py"
    ]
    assert [place for path in paths for place in imports_inside_functions(path)] == []


def test_the_check_finds_an_import_inside_a_function(tmp_path, monkeypatch):
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "lazy.py").write_text(
        "def f():\n"
        "    from .models import Job\n"
        "\n"
        "def g():\n"
        "    from .tasks import t  # tasks imports this module\n"
    )
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert imports_inside_functions(tmp_path / "core" / "lazy.py") == ["core/lazy.py:2"]
