from __future__ import annotations

from typing import Any

import pytest

# The police-contact fixtures (Sør-Vest, an eligible officer, administrators).
from tests.politikontakt.conftest import (  # noqa: F401
    district_admin,
    national_admin,
    officer,
    places,
    sorvest,
)


@pytest.fixture
def reader(world: Any) -> Any:
    """Someone who sees Stavanger's cooperation and wrote none of it: its SLT coordinator.
    (The world's `member` holds a council seat only, which gives nothing of the municipality.)"""
    from samarbeid.models import Role
    from tests.factories import user_with_role

    return user_with_role(Role.SLT_COORDINATOR, username="siri", title="SLT-koordinator",
                          municipality=world.stavanger)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


PAYLOADS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><b>')
ESCAPED = ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;",
           "&quot;&gt;&lt;b&gt;")
HOSTILE = " ".join(PAYLOADS)


def assert_escaped(body: str, *, at_least: int = 1) -> None:
    """Every payload shows as text, none as markup."""
    for raw in PAYLOADS:
        assert raw not in body, f"unescaped: {raw}"
    for escaped in ESCAPED:
        assert body.count(escaped) >= at_least, f"missing as text: {escaped}"
