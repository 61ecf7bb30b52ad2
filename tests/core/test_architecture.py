"""The house (issue #15): dependencies point one way. Feature apps import the core; the core
(`samarbeid/`) imports no feature app and names none of their URLs, and no app pretends that
another is optional with `try: import … except ImportError`. The project package `config/`
is the one place that names every app (settings, root URLs)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
CORE = "samarbeid"
SKIP_DIRS = {"migrations", ".venv", "node_modules", "__pycache__", "var", "staticfiles"}
# Calls whose first argument (or `url_name=`) is a URL name.
URL_CALLS = {"reverse", "reverse_lazy", "redirect", "resolve_url", "NavLink"}
IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


def _project_apps() -> set[str]:
    """Every installed app that lives in this repository, plus rapporter (issue #15), so the
    rule holds for it before and after it is installed."""
    # A virtualenv inside the checkout (make venv puts it at .venv) holds Django's own apps.
    return {a.name.split(".")[0] for a in apps.get_app_configs()
            if Path(a.path).resolve().is_relative_to(ROOT)
            and "site-packages" not in Path(a.path).parts} | {"rapporter"}


def feature_apps() -> set[str]:
    return _project_apps() - {CORE}


def _python_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*.py")):
        if not SKIP_DIRS & set(path.relative_to(ROOT).parts):
            yield path


def _imported_modules(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module]
    if (isinstance(node, ast.Call) and _call_name(node) == "import_module" and node.args
            and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
        return [node.args[0].value]
    return []


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _url_names(node: ast.AST) -> list[str]:
    if not isinstance(node, ast.Call) or _call_name(node) not in URL_CALLS:
        return []
    candidates = list(node.args[:3]) + [k.value for k in node.keywords if k.arg == "url_name"]
    return [c.value for c in candidates if isinstance(c, ast.Constant) and isinstance(c.value, str)]


def core_violations(source: str, filename: str, features: set[str]) -> list[str]:
    """What in one core module depends on a feature app: an import, or a URL name in a
    feature app's namespace ("politirad:calendar_feed")."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        line = getattr(node, "lineno", 0)
        for module in _imported_modules(node):
            if module.split(".")[0] in features:
                found.append(f"{filename}:{line} imports {module}")
        for name in _url_names(node):
            if name.split(":")[0] in features and ":" in name:
                found.append(f"{filename}:{line} names the URL {name}")
    return found


def guarded_imports(source: str, filename: str, project: set[str]) -> list[str]:
    """Imports of a project app inside `try: … except ImportError` (or broader): the apps
    are not optional, so such a guard only hides a broken dependency."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Try):
            continue
        caught: set[str] = set()
        for handler in node.handlers:
            types = handler.type
            if types is None:
                caught.add("BaseException")
            for t in (types.elts if isinstance(types, ast.Tuple) else [types] if types else []):
                if isinstance(t, ast.Name):
                    caught.add(t.id)
        if not caught & IMPORT_ERRORS:
            continue
        for statement in node.body:
            for inner in ast.walk(statement):
                for module in _imported_modules(inner):
                    if module.split(".")[0] in project:
                        line = getattr(inner, "lineno", 0)
                        found.append(f"{filename}:{line} imports {module} under try/except")
    return found


def test_the_core_imports_no_feature_app_and_names_none_of_their_urls() -> None:
    features = feature_apps()
    found = []
    for path in _python_files(ROOT / CORE):
        found += core_violations(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)), features)
    assert not found, "the core depends on a feature app:\n" + "\n".join(found)


def test_the_core_templates_name_no_feature_apps_url() -> None:
    features = "|".join(sorted(feature_apps()))
    pattern = re.compile(r"""{%\s*url\s+["'](?:""" + features + "):")
    found = [str(p.relative_to(ROOT)) for folder in ("templates/samarbeid", "templates/includes")
             for p in sorted((ROOT / folder).rglob("*.html")) if pattern.search(p.read_text())]
    assert not found, found


def test_no_app_is_imported_as_if_it_were_optional() -> None:
    project = _project_apps() | {"config"}
    found = []
    for folder in sorted(project):
        if (ROOT / folder).is_dir():
            for path in _python_files(ROOT / folder):
                found += guarded_imports(path.read_text(encoding="utf-8"),
                                         str(path.relative_to(ROOT)), project)
    assert not found, "\n".join(found)


def test_config_is_the_project_package() -> None:
    from django.conf import settings

    assert settings.ROOT_URLCONF == "config.urls"
    assert settings.WSGI_APPLICATION == "config.wsgi.application"
    assert not (ROOT / CORE / "settings.py").exists()
    assert not (ROOT / CORE / "urls.py").exists()


# The checks above must be able to fail: each rule, fed a module that breaks it.
@pytest.mark.parametrize("source", [
    "from politirad.models import Task",
    "import slt.selectors",
    "from avtaler import services as s",
    "importlib.import_module('evaluering.reports')",
    "def f():\n    from rapporter import exporters",
    "reverse('politirad:calendar_feed', args=[t])",
    "redirect('avtaler:agreement_detail', pk=1)",
    "NavLink(key='x', label='y', url_name='slt:dashboard')",
])
def test_the_core_rule_catches(source: str) -> None:
    assert core_violations(source, "x.py", feature_apps() | {"rapporter"})


@pytest.mark.parametrize("source", [
    "from . import sections",
    "from samarbeid import audit",
    "reverse('municipality_detail', args=[1])",
    "x = 'politirad:calendar_feed'  # a plain string, not a URL lookup",
])
def test_the_core_rule_lets_the_core_be(source: str) -> None:
    assert not core_violations(source, "x.py", feature_apps())


@pytest.mark.parametrize(("source", "caught"), [
    ("try:\n    from politirad import services\nexcept ImportError:\n    services = None", True),
    ("try:\n    import slt.models\nexcept (ModuleNotFoundError, KeyError):\n    pass", True),
    ("try:\n    from samarbeid import x\nexcept Exception:\n    pass", True),
    ("try:\n    import yaml\nexcept ImportError:\n    yaml = None", False),
    ("try:\n    from politirad import services\nexcept KeyError:\n    pass", False),
])
def test_the_optional_import_rule_catches(source: str, caught: bool) -> None:
    assert bool(guarded_imports(source, "x.py", _project_apps())) is caught
