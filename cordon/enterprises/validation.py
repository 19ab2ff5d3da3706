"""The unified social credit code (统一社会信用代码, GB 32100-2015), as a plain function.

Eighteen characters from a 31-character alphabet (the digits and the capitals without I, O, S, V,
Z, which are too easily misread): the registration authority (1), the kind of body (1), the
division code of the registering authority (6 digits), the organisation code (9), and a check
character computed over the first 17 with weights 3^i mod 31. Input is forgiven the way ID numbers
are (cordon.people.validation): full-width characters, spaces and dashes, lower case.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cordon.people.validation import compact

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUES = {char: i for i, char in enumerate(USCC_ALPHABET)}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, …


def uscc_check_character(first17: str) -> str:
    """The check character for the first 17 characters of a code (which must be in the alphabet)."""
    total = sum(_VALUES[char] * weight for char, weight in zip(first17, _WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def parse_uscc(raw: Any) -> str:
    """Check a unified social credit code and return it as stored: 18 characters, upper case.

    The division code (characters 3–8) must be digits but is never looked up: like an ID number's
    county code, it may be historic. Refused with a message naming what is wrong: length, a
    character outside the alphabet (with its position), a wrong check character.
    """
    code = compact(raw).upper()
    if not code:
        raise ValidationError(_("This field is required."), code="required")
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)s."),
            code="uscc_length",
            params={"n": len(code)},
        )
    for position, char in enumerate(code, start=1):
        if char not in _VALUES:
            raise ValidationError(
                _("Character %(position)s (%(char)s) cannot appear in a unified social credit code."),
                code="uscc_character",
                params={"position": position, "char": char},
            )
    if not code[2:8].isdigit():
        raise ValidationError(_("Characters 3 to 8 are the division code: six digits."), code="uscc_division")
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("The check character should be %(expected)s, not %(found)s: check every character."),
            code="uscc_check_character",
            params={"expected": expected, "found": code[17]},
        )
    return code
