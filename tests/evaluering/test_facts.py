"""Evaluations read the council's and SLT's facts through the core's registry
(samarbeid.facts), and the report app knows no feature app (issue #15)."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from samarbeid import facts

ROOT = Path(__file__).resolve().parents[2]
FEATURE_APPS = {"avtaler", "politirad", "politikontakt", "slt", "evaluering"}


def test_council_and_slt_register_their_facts_with_the_core() -> None:
    assert {"politirad.council", "slt.measures"} <= {p.key for p in facts.providers()}


@pytest.mark.django_db
def test_a_failing_provider_shows_its_facts_as_not_available(world: Any) -> None:
    def broken(period: facts.Period) -> list[facts.Fact]:
        raise RuntimeError("the other app is down")

    saved = dict(facts._providers)
    facts._providers.clear()
    facts.register(facts.Provider("test.broken", "the test module", broken,
                                  (("one", "First fact"), ("two", "Second fact"))))
    try:
        found = facts.collect(facts.Period(world.stavanger.pk, dt.date(2025, 1, 1),
                                           dt.date(2025, 12, 31)))
    finally:
        facts._providers.clear()
        facts._providers.update(saved)
    assert [(f.key, f.available) for f in found] == [("one", False), ("two", False)]
    assert "the test module" in found[0].value


def _imports(path: Path) -> list[str]:
    """Every absolute import of a file."""
    out: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append(node.module)
        elif isinstance(node, ast.Import):
            out.extend(a.name for a in node.names)
    return out


def test_reports_import_no_feature_app_and_evaluations_import_nothing_inside_functions() -> None:
    for path in (ROOT / "rapporter").rglob("*.py"):
        assert not [m for m in _imports(path) if m.split(".")[0] in FEATURE_APPS], path
    for path in (ROOT / "evaluering").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "except ImportError" not in text, path
        feature_local = [n for n in ast.walk(ast.parse(text))
                         if isinstance(n, ast.FunctionDef)
                         for i in ast.walk(n) if isinstance(i, ast.ImportFrom) and i.module
                         and i.module.split(".")[0] in FEATURE_APPS - {"evaluering"}]
        assert feature_local == [], path
