"""Vehicle plates (GA 36-2018)."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _

from cordon.people.validation.text import _error, _required, compact

# --- Plates (GA 36-2018) -----------------------------------------------------------------------

PLATE_PROVINCES = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新"
_PLATE_PROVINCES = frozenset(PLATE_PROVINCES)
# The issuing authority's letter (冀R is 廊坊). I is never used; O is, for police vehicles in some
# provinces, so it is accepted here.
_PLATE_AUTHORITIES = frozenset("ABCDEFGHJKLMNOPQRSTUVWXYZ")
# Serial letters exclude I and O, which read as 1 and 0.
_PLATE_SERIAL = "[A-HJ-NP-Z0-9]"
_PLATE_ORDINARY_RE = re.compile(_PLATE_SERIAL + "{5}")
# The 7th character may name a kind of vehicle: coach (学), police (警), trailer (挂), consulate (领),
# Hong Kong and Macau cross-border (港, 澳).
_PLATE_SPECIAL_RE = re.compile(_PLATE_SERIAL + "{4}[学警挂领港澳]")
# New-energy plates (8 characters). GA 36-2018 uses D (pure electric) and F (other); the letters
# were later widened to D A B C E and F G H J K as the series filled up.
# Small vehicles: the letter first, then a letter or digit, then 4 digits ("京AD12345").
# Large vehicles: 5 digits, then the letter ("京A12345D").
_PLATE_NEW_ENERGY_RE = re.compile(r"[DABCEFGHJK][A-HJ-NP-Z0-9]\d{4}|\d{5}[DABCEFGHJK]")


def parse_plate(raw: Any) -> str:
    """Check a vehicle plate (GA 36-2018) and return it without separators: "冀R·12345" → "冀R12345".

    7 characters: province, issuing authority's letter, 5 letters or digits (or 4 and a 学 警 挂 领 港 澳
    suffix); 8 for new-energy plates. Military, armed-police and embassy plates have other shapes and
    are not accepted here.
    """
    plate = compact(raw).upper()
    if not plate:
        raise _required()
    if plate[0] not in _PLATE_PROVINCES:
        raise _error(
            _("A plate starts with a province's short name, such as 冀; “%(found)s” is not one."),
            "plate_province",
            found=plate[0],
        )
    if len(plate) not in (7, 8):
        raise _error(
            _("A plate has 7 characters, or 8 for a new-energy vehicle; this one has %(count)d."),
            "plate_length",
            count=len(plate),
        )
    if plate[1] not in _PLATE_AUTHORITIES:
        raise _error(
            _("The second character of a plate is a letter from A to Z other than I, not “%(found)s”."),
            "plate_authority",
            found=plate[1],
        )
    serial = plate[2:]
    if len(plate) == 7:
        if not (_PLATE_ORDINARY_RE.fullmatch(serial) or _PLATE_SPECIAL_RE.fullmatch(serial)):
            raise _error(
                _("After %(prefix)s a plate has 5 digits and letters other than I and O, not “%(serial)s”."),
                "plate_serial",
                prefix=plate[:2],
                serial=serial,
            )
    elif not _PLATE_NEW_ENERGY_RE.fullmatch(serial):
        raise _error(
            _(
                "An 8-character new-energy plate has D or F before 5 characters, "
                "or 5 digits and then D or F; "
                "“%(serial)s” is neither."
            ),
            "plate_new_energy",
            serial=serial,
        )
    return plate
