"""Numbers from URLs, query strings and forms: ASCII digits only.

Python's int() reads any Unicode decimal digit ("٣" is 3, "３" is 3), so a number that looks
like nothing to a reader could still select a revision or skip a check. URL converters
(`<int:pk>` matches [0-9]+) are ASCII already; these helpers hold every other place to it.
"""

from __future__ import annotations

from typing import Any

from django import forms

MAX_NUMBER = 2**63 - 1  # the largest value a database integer column holds


def ascii_int(text: str | None) -> int | None:
    """The number written in ASCII digits (no sign, no spaces), or None for anything else."""
    if not text or not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    value = int(text)
    return value if value <= MAX_NUMBER else None


class AsciiIntegerField(forms.IntegerField):
    """An IntegerField that refuses numbers written in other digits than 0-9."""

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        number = ascii_int(str(value).strip())
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number
