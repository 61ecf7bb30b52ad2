"""The method matrix (tests/test_method_matrix.py) turns red when one refusal is removed.

Issue #16: removing the reader refusal from `task_detail`'s POST left the old matrix green
(it only sent GET, and only to five made-up roles). Here the refusal is taken away with a
monkeypatch and the very check the matrix runs must report the roles that must be refused.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from samarbeid import access
from tests import test_content_matrix as content
from tests.test_method_matrix import Pattern, all_patterns, check, demo

pytestmark = pytest.mark.django_db

__all__ = ["demo"]  # the module-scoped demo fixture, built once for this module too

Demo = tuple[content.Ctx, dict[str, Client]]


def pattern(name: str) -> list[Pattern]:
    found = [p for p in all_patterns() if p.name == name]
    assert len(found) == 1, name
    return found


def roles_in(mismatches: list[str]) -> set[str]:
    return {line.split(" as ", 1)[1].split(":", 1)[0] for line in mismatches}


def test_matrix_is_green_for_task_detail_as_written(demo: Demo) -> None:
    ctx, by_role = demo
    mismatches, n = check(ctx, by_role, pattern("politirad:task_detail"))
    assert n == 2 * 2 * 13  # GET and POST × the exempt and the internal task × 13 roles
    assert not mismatches, mismatches


def test_removing_the_reader_refusal_of_task_detail_post_turns_it_red(
        demo: Demo, monkeypatch: pytest.MonkeyPatch) -> None:
    # Patched where both the page and the service look it up.
    from politirad.services import tasks as task_services

    ctx, by_role = demo
    monkeypatch.setattr(task_services, "task_may_update", lambda user, task: True)
    mismatches, _ = check(ctx, by_role, pattern("politirad:task_detail"))
    assert mismatches, "the matrix did not notice the missing refusal"
    assert all(" POST " in line for line in mismatches), mismatches
    # Those who read the internal task and may not change it: the SLT coordinator, the
    # business member (a seat) and the national administrators.
    assert roles_in(mismatches) == {"slt.stavanger", "radsmedlem.stavanger",
                                    "admin.pod", "admin.ks"}, mismatches


def test_letting_an_outsider_into_a_municipality_turns_it_red(
        demo: Demo, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx, by_role = demo
    real_can = access.can

    def leaky_can(user: Any, *args: Any, **kwargs: Any) -> bool:
        if getattr(user, "username", None) == "ordforer.bergen":
            return True
        return real_can(user, *args, **kwargs)

    patterns = pattern("municipality_detail")
    before, _ = check(ctx, by_role, patterns)
    assert not before, before
    monkeypatch.setattr(access, "can", leaky_can)
    mismatches, _ = check(ctx, by_role, patterns)
    assert roles_in(mismatches) == {"ordforer.bergen"}, mismatches
    assert "GET" in {line.split(" ", 2)[1] for line in mismatches}, mismatches
