"""Filters for the agreement PDF (avtaler/document.html)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.filter
def css_string(value: object) -> SafeString:
    """Escape text for a double-quoted CSS string (the PDF's running footer, @page content).

    `escapejs` is the wrong tool there: CSS reads `\\u002D` as the letter "u" followed by
    digits, so a name such as "Nord-Fron" printed as "Nordu002DFron". Here every character
    that is not a letter, digit or space becomes a CSS hex escape (`\\2d `), so a party's
    name can neither end the string nor the <style> element, and prints as written.
    """
    out = []
    for char in str(value):
        if char.isalnum() or char == " ":
            out.append(char)
        else:
            out.append(f"\\{ord(char):x} ")
    return mark_safe("".join(out))  # noqa: S308 — every special character is hex-escaped above
