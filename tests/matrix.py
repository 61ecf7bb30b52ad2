"""The permission matrix: for every URL pattern of the project, the expected status for
each role. Each app lists its own patterns in `tests/<app>/matrix.py` as `MATRIX`.

Roles (see tests/conftest.py `World`): anonymous; outsider (a user of another
municipality); member (a seat on Stavanger's council and no role: sees that council only,
changes nothing); leader (the municipality's mayor, who works on and signs for it); admin
(national administrator).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLES = ("anonymous", "outsider", "member", "leader", "admin")
LOGIN = 302  # anonymous users are sent to the login page


@dataclass
class Case:
    url: Callable[[Any], str]
    expect: dict[str, int]
    method: str = "get"
    data: Callable[[Any], dict[str, Any]] = field(default=lambda world: {})

    def __post_init__(self) -> None:
        missing = set(ROLES) - set(self.expect)
        if missing:
            raise ValueError(f"no expected status for {sorted(missing)}")


def scoped(view: int = 200, change: int | None = None) -> dict[str, int]:
    """Typical expectations for a page of one municipality (Stavanger). A council seat gives
    nothing of the municipality, so the member gets 404 like any outsider."""
    status = view if change is None else change
    return {"anonymous": LOGIN, "outsider": 404, "member": 404, "leader": status,
            "admin": status}


def in_council(view: int = 200, change: int | None = None, admin: int | None = None
               ) -> dict[str, int]:
    """A page of the Stavanger council: the member (a seat) reads it, may not change it; the
    national administrator reads open content and changes nothing."""
    status = view if change is None else change
    return {"anonymous": LOGIN, "outsider": 404, "member": 403 if change else status,
            "leader": status, "admin": admin if admin is not None else (403 if change else status)}


def everyone(status: int = 200, anonymous: int = LOGIN) -> dict[str, int]:
    return {"anonymous": anonymous, "outsider": status, "member": status, "leader": status,
            "admin": status}
