"""Personvern guard (Veileder §4.1.5): minutes, agenda items and tasks are about measures,
not persons, so a text that holds a Norwegian national identity number (fødselsnummer) or
D number is refused, with a message next to the field that says why.

A number counts only when it is one: eleven digits whose date part is a date (a D number
adds 4 to the first digit of the day) and whose two mod-11 check digits are right. Other
eleven-digit numbers — an account number, an organisation number with a suffix — pass.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Eleven digits on their own, optionally written as date + space + personal number.
_CANDIDATE = re.compile(r"(?<!\d)(\d{6})[ \u00a0]?(\d{5})(?!\d)")
_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def _check_digit(digits: list[int], weights: tuple[int, ...]) -> int | None:
    rest = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
    check = 0 if rest == 0 else 11 - rest
    return None if check == 10 else check


def is_identity_number(value: str) -> bool:
    """A valid fødselsnummer or D number (both check digits, a plausible date)."""
    if len(value) != 11 or not value.isdigit():
        return False
    digits = [int(c) for c in value]
    day = digits[0] * 10 + digits[1]
    month = digits[2] * 10 + digits[3]
    if day > 40:  # D number: the first digit of the day is increased by 4
        day -= 40
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return False
    k1 = _check_digit(digits[:9], _W1)
    if k1 is None or k1 != digits[9]:
        return False
    k2 = _check_digit(digits[:10], _W2)
    return k2 is not None and k2 == digits[10]


def identity_numbers_in(text: str | None) -> list[str]:
    """The identity numbers found in a text (digits only, in order)."""
    found = []
    for match in _CANDIDATE.finditer(text or ""):
        number = match.group(1) + match.group(2)
        if is_identity_number(number):
            found.append(number)
    return found


def identity_number_error(text: str | None) -> str | None:
    """The message for a field whose text holds an identity number, or None. The number is
    shown masked: the error page must not repeat it in full."""
    numbers = identity_numbers_in(text)
    if not numbers:
        return None
    return str(_("This text contains a national identity number or D number (%(masked)s). "
                 "Minutes, agenda items and tasks are about measures, not persons (guide "
                 "§4.1.5): remove the number, or describe the matter without identifying "
                 "anyone.") % {"masked": numbers[0][:6] + "*****"})


def validate_no_identity_number(value: str) -> None:
    """A form or model field validator."""
    message = identity_number_error(value)
    if message:
        raise ValidationError(message, code="identity_number")


def refuse_identity_numbers(fields: Mapping[str, str | None]) -> None:
    """Raise one ValidationError with an error on each field that holds an identity number."""
    errors = {name: message for name, text in fields.items()
              if (message := identity_number_error(text))}
    if errors:
        raise ValidationError(errors)
