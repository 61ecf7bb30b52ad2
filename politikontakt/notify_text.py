"""E-mail subjects that are translated where the send path renders them (in the recipient's
language, `notify.send_once`), not in the language of whoever triggered the send."""

from __future__ import annotations

from typing import Any

from django.utils.functional import lazy


def _format(message: Any, params: dict[str, Any]) -> str:
    return str(message) % params


_lazy_format = lazy(_format, str)


def lazy_format(message: Any, **params: Any) -> Any:
    """`gettext_lazy(msgid) % params`, kept lazy: `%` on a lazy string translates at once."""
    return _lazy_format(message, params)
