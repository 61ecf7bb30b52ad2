"""`field__in_constants=(…)`: IN with the values written into the SQL, not bound.

With prepared statements and generic plans (config/settings.py, issue #12) PostgreSQL plans
a query once for any parameters, so `status IN ($1, $2)` is planned as if it matched any
status, though the open ones are 3 % of all tasks: it read every task of a council to find
its open ones, and a police contact's thousand old tasks to find their few open. Written
into the SQL, the values are known to the plan. Only for constants of the code (choices),
checked to be plain words: never a value a user sent.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import CharField, Lookup

_WORD = re.compile(r"[A-Za-z0-9_]+")


class InConstants(Lookup):
    lookup_name = "in_constants"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        values = tuple(str(v) for v in self.rhs)
        if not values or not all(_WORD.fullmatch(v) for v in values):
            raise ValueError(f"in_constants takes plain words of the code, not {values!r}")
        return values

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        listed = ", ".join(f"'{value}'" for value in self.rhs)
        return f"{lhs} IN ({listed})", list(params)


def register() -> None:
    CharField.register_lookup(InConstants)
