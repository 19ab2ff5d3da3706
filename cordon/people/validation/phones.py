"""Phone numbers: mobiles, landlines with their area code, extensions."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cordon.people.validation.text import _cell_text, _error, _required, normalize

# --- Phones ------------------------------------------------------------------------------------

# Between several numbers in one cell: "13812345678/13987654321", "…，…", "…、…".
_PHONE_LIST_RE = re.compile(r"[,，、;；/|]")
_NEWLINES_RE = re.compile(r"[\r\n]+")
# An extension spelt out: "转8001", "分机 8001", "ext. 8001", "x8001", "#8001".
_PHONE_EXTENSION_RE = re.compile(r"^(.*?)\s*(?:转|分机|ext\.?|x|#)\s*(\d{1,6})$")
# An extension written as a last group after the number: "0316-1234567-8001".
_PHONE_LAST_GROUP_RE = re.compile(r"^(.*\d)\s*[-\s]\s*(\d{1,6})$")
_PHONE_ALLOWED = frozenset("0123456789+-()（） .—―")
_PHONE_DIGITS_RE = re.compile(r"\d+")


def _phone_text(raw: Any) -> str:
    # Numbers on separate lines of one cell are several numbers, not one with a space inside.
    return normalize(_NEWLINES_RE.sub("/", _cell_text(raw)))


def parse_phones(raw: Any) -> list[str]:
    """Every phone number in a cell that may hold several ("138…/139…"), each checked by ``parse_phone``."""
    text = _phone_text(raw)
    return [_parse_one_phone(part) for part in _PHONE_LIST_RE.split(text) if part.strip()]


# What people write in an optional phone field for "no phone": kept as no phone, never an error.
NO_PHONE_WORDS = frozenset(
    {"无", "无手机", "无电话", "无号码", "无手机号", "没有", "没有手机", "暂无", "不详"}
    | {"/", "-", "—", "——", "－"}
)


def is_no_phone(raw: Any) -> bool:
    """Whether a cell or field says there is no phone ("无", "无手机", "暂无", "—")."""
    return _phone_text(raw).strip(" 。.") in NO_PHONE_WORDS


def parse_optional_phone(raw: Any) -> str:
    """An optional phone: "" when empty or written as "no phone" (``NO_PHONE_WORDS``), otherwise
    ``parse_phone``'s stored form (and its error). The one rule every optional phone field follows."""
    if not _phone_text(raw) or is_no_phone(raw):
        return ""
    return parse_phone(raw)


def parse_phone(raw: Any) -> str:
    """Check one phone number and return it in Cordon's stored form.

    Mobiles are 11 digits starting 13–19 ("13812345678"). Landlines carry their area code, split by
    a dash: 010 and 02x are three digits with an 8-digit number ("010-12345678"), every other area
    code four digits with 7 or 8 ("0316-1234567"); an extension follows ("0316-1234567-8001"). A
    "+86", "0086" or "86" in front is dropped. 400/800 service numbers are kept ("400-123-4567");
    other countries' numbers keep their "+" ("+85291234567"). A bare local number is refused: the
    area code is what tells 廊坊's 1234567 from anyone else's.
    """
    text = _phone_text(raw)
    if not text:
        raise _required()
    if len([part for part in _PHONE_LIST_RE.split(text) if part.strip()]) > 1:
        raise _error(_("Enter one phone number here, not several."), "phone_several")
    return _parse_one_phone(text)


def _parse_one_phone(text: str) -> str:
    text = text.strip().lower()
    if not text:
        raise _required()
    extension = ""
    match = _PHONE_EXTENSION_RE.match(text)
    if match:
        text, extension = match.group(1), match.group(2)
    bad = [c for c in text if c not in _PHONE_ALLOWED]
    if bad:
        raise _error(
            _("A phone number holds only digits; “%(chars)s” is not allowed."),
            "phone_characters",
            chars="".join(dict.fromkeys(bad)),
        )
    try:
        number = _canonical_phone(text)
    except ValidationError:
        # "0316-1234567-8001": the last group may be an extension rather than part of the number.
        match = None if extension else _PHONE_LAST_GROUP_RE.match(text)
        number = _landline_or_none(match.group(1)) if match else None
        if number is None:
            raise
        extension = match.group(2)
    if extension:
        if not number.startswith("0"):
            raise _error(_("Only a landline number can have an extension."), "phone_extension")
        number = f"{number}-{extension}"
    return number


def _landline_or_none(text: str) -> str | None:
    try:
        number = _canonical_phone(text)
    except ValidationError:
        return None
    return number if number.startswith("0") else None


def _canonical_phone(text: str) -> str:
    digits = "".join(_PHONE_DIGITS_RE.findall(text))
    national = None
    if text.startswith("+") or digits.startswith("00"):
        rest = digits[2:] if digits.startswith("00") else digits
        if not rest.startswith("86"):
            if not 7 <= len(rest) <= 15:
                raise _error(
                    _("An international number has 7 to 15 digits after the +; this one has %(count)d."),
                    "phone_international_length",
                    count=len(rest),
                )
            return "+" + rest
        national = rest[2:]
    elif digits.startswith("86") and len(digits) >= 12:
        national = digits[2:]
    if national is not None:
        digits = national
        # After the country code the trunk 0 is left out: "+86 316 1234567", "+86 10 12345678".
        service = len(digits) == 10 and digits[:3] in ("400", "800")
        if (digits[:1] in ("2", "3", "4", "5", "6", "7", "8", "9") and not service) or (
            digits.startswith("10") and len(digits) == 10
        ):
            digits = "0" + digits

    if len(digits) < 5:
        raise _error(
            _("This is not a phone number: enter an 11-digit mobile, or a landline with its area code."),
            "phone_invalid",
        )
    first = digits[0]
    if first == "1" and not (national is None and len(digits) in (7, 8)):
        if len(digits) != 11:
            raise _error(
                _("A mobile number has 11 digits; this one has %(count)d."),
                "mobile_length",
                count=len(digits),
            )
        if digits[1] not in "3456789":
            raise _error(
                _("A mobile number starts with 13 to 19, not %(prefix)s."), "mobile_prefix", prefix=digits[:2]
            )
        return digits
    if first == "0":
        if digits[1:2] == "1" and digits[:3] != "010":
            raise _error(_("%(area)s is not an area code."), "phone_area_code", area=digits[:3])
        area_length = 3 if digits[1:2] in ("1", "2") else 4
        area, local = digits[:area_length], digits[area_length:]
        lengths = (8,) if area_length == 3 else (7, 8)
        if len(local) not in lengths:
            raise _error(
                _(
                    "After the area code %(area)s a landline number has %(expected)s digits; "
                    "this one has %(count)d."
                ),
                "landline_length",
                area=area,
                expected="8" if area_length == 3 else _("7 or 8"),
                count=len(local),
            )
        return f"{area}-{local}"
    if len(digits) == 10 and digits[:3] in ("400", "800"):
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    if len(digits) in (7, 8):
        raise _error(
            _("Add the area code in front of this local number (for example 0316 for Langfang)."),
            "phone_area_code_missing",
        )
    raise _error(
        _("This is not a phone number: enter an 11-digit mobile, or a landline with its area code."),
        "phone_invalid",
    )
