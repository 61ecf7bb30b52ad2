"""Walk every URL pattern of the project and check each role's status against the matrix.

A new pattern without an entry in some `tests/<app>/matrix.py` fails this test.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

import tests
from tests.matrix import ROLES, Case

# Django's admin has its own staff checks; tested in tests/core/test_admin.py.
EXCLUDED_NAMESPACES = {"admin"}


def _names(patterns: list[Any], namespace: str = "") -> list[str]:
    names: list[str] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            if ns in EXCLUDED_NAMESPACES:
                continue
            prefix = f"{namespace}{ns}:" if ns else namespace
            names.extend(_names(p.url_patterns, prefix))
        elif isinstance(p, URLPattern):
            if p.name is None:
                raise AssertionError(f"URL pattern {p.pattern} has no name")
            names.append(f"{namespace}{p.name}")
    return names


def _matrix() -> dict[str, Case]:
    merged: dict[str, Case] = {}
    for info in pkgutil.iter_modules(tests.__path__):
        if not info.ispkg:
            continue
        try:
            module = importlib.import_module(f"tests.{info.name}.matrix")
        except ModuleNotFoundError:
            continue
        for name, case in module.MATRIX.items():
            assert name not in merged, f"{name} listed twice in the matrix"
            merged[name] = case
    return merged


ALL_NAMES = sorted(set(_names(get_resolver().url_patterns)))
MATRIX = _matrix()


def test_every_url_pattern_has_a_row() -> None:
    missing = [n for n in ALL_NAMES if n not in MATRIX]
    assert not missing, f"URL patterns without an expected status per role: {missing}"
    stale = [n for n in MATRIX if n not in ALL_NAMES]
    assert not stale, f"matrix rows for patterns that no longer exist: {stale}"


@pytest.mark.parametrize("name", ALL_NAMES)
def test_status_per_role(name: str, world: Any, client: Any) -> None:
    case = MATRIX.get(name)
    if case is None:
        pytest.fail(f"{name} has no row in the permission matrix")
    url = case.url(world)
    got: dict[str, int] = {}
    for role in ROLES:
        client.logout()
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        response = getattr(client, case.method)(url, data=case.data(world))
        got[role] = response.status_code
    assert got == case.expect, f"{name} ({url})"
