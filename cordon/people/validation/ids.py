"""ID numbers (GB 11643-1999) and other identity documents."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from operator import mul
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cordon.people.validation.text import _error, _required, compact

# --- ID numbers (GB 11643-1999) ----------------------------------------------------------------

MALE, FEMALE = "M", "F"

# Mainland provinces (11–15 北京…内蒙古, 21–23 辽吉黑, 31–37 华东, 41–46 中南, 50–54 西南, 61–65 西北),
# 71 台湾, and the residence permits of people from Hong Kong (81), Macau (82) and Taiwan (83).
PROVINCE_CODES = frozenset(
    str(n)
    for n in (*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55), *range(61, 66))
) | {"71", "81", "82", "83"}

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# Summing the ASCII codes counts 48 ("0") once per weight; this takes it back off.
_ID_DIGIT_OFFSET = 48 * sum(_ID_WEIGHTS)
_ID18_RE = re.compile(r"\d{17}[\dX]")
_ID15_RE = re.compile(r"\d{15}")
_EARLIEST_BIRTH = date(1880, 1, 1)


@dataclass(frozen=True, slots=True)
class IdNumber:
    """A checked mainland ID number and what it says about its holder."""

    number: str  # 18 characters, a final 'x' stored as 'X'
    birth_date: date
    sex: str  # MALE or FEMALE, from the parity of the 17th digit
    province_code: str  # 2 digits

    @property
    def division_code(self) -> str:
        """The 6-digit division where the number was issued, current or historic (never checked)."""
        return self.number[:6]


def id_check_character(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits of an ID number."""
    # map/mul/bytes keep the loop in C: this runs on every row of a 100,000-row import.
    total = sum(map(mul, first17.encode("ascii"), _ID_WEIGHTS)) - _ID_DIGIT_OFFSET
    return _ID_CHECK[total % 11]


def parse_id_number(raw: Any, *, today: date) -> IdNumber:
    """Check a mainland ID number and return it with its birth date, sex and province.

    GB 11643-1999: 18 characters with an ISO 7064 MOD 11-2 check character, a real birth date not in
    the future nor before 1880, a known province prefix. The county code is never checked: codes are
    historic as often as current (霸县 131027 became 霸州 131081 in 1990, and its people kept their
    numbers). A 15-digit first-generation number (birth year 19YY) is upgraded to 18 characters.
    """
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raw = _id_from_spreadsheet_number(raw)
    number = compact(raw).upper()
    if _ID18_RE.fullmatch(number):
        birth_digits = number[6:14]
    elif _ID15_RE.fullmatch(number):
        birth_digits = "19" + number[6:12]
    else:
        raise _id_shape_error(number)

    province = number[:2]
    if province not in PROVINCE_CODES:
        raise _error(
            _("The number starts with %(prefix)s, which is not a province code."),
            "id_province",
            prefix=province,
        )
    birth_date = _id_birth_date(birth_digits, today)

    if len(number) == 15:
        first17 = number[:6] + "19" + number[6:]
        number = first17 + id_check_character(first17)
    else:
        expected = id_check_character(number[:17])
        if number[17] != expected:
            # Usually another digit was mistyped, so the message asks for all of them to be checked.
            raise _error(
                _("The check character should be %(expected)s, not %(found)s: check every digit."),
                "id_check_character",
                expected=expected,
                found=number[17],
            )
    sex = MALE if (ord(number[16]) - 48) % 2 else FEMALE
    return IdNumber(number=number, birth_date=birth_date, sex=sex, province_code=province)


def _id_from_spreadsheet_number(value: int | float) -> str:
    # Excel keeps 15 significant digits: an 18-digit number typed into a numeric cell has already
    # lost its last three digits, so no check can save it.
    if isinstance(value, float):
        if not value.is_integer():
            raise _id_shape_error(repr(value))
        value = int(value)
    if len(str(abs(value))) > 15:
        raise _error(
            _(
                "The spreadsheet stored this ID number as a number and lost its last digits: "
                "format the column as text and type the number again."
            ),
            "id_spreadsheet_number",
        )
    return str(value)


def _id_shape_error(number: str) -> ValidationError:
    if not number:
        return _required()
    bad = [c for c in number if not ("0" <= c <= "9" or c == "X")]
    if "X" in number[:-1] or (number.endswith("X") and len(number) == 15):
        bad.append("X")  # only the 18th character may be X (a missing digit reads as a length error)
    if bad:
        return _error(
            _(
                "An ID number holds only digits, with X allowed as the last character; "
                "“%(chars)s” is not allowed."
            ),
            "id_characters",
            chars="".join(dict.fromkeys(bad)),
        )
    return _error(
        _("An ID number has 18 characters (15 on an old card); this one has %(count)d."),
        "id_length",
        count=len(number),
    )


def _id_birth_date(digits: str, today: date) -> date:
    shown = f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise _error(
            _("The birth date in this number, %(date)s, does not exist."), "id_birth_date", date=shown
        ) from None
    if born < _EARLIEST_BIRTH:
        raise _error(
            _("The birth date in this number, %(date)s, is before 1880."), "id_birth_date_early", date=shown
        )
    if born > today:
        raise _error(
            _("The birth date in this number, %(date)s, is in the future."),
            "id_birth_date_future",
            date=shown,
        )
    return born


# --- Other documents ---------------------------------------------------------------------------

MAINLAND_ID = "mainland_id"
PASSPORT = "passport"
HK_MACAU_PERMIT = "hk_macau_permit"  # 港澳居民来往内地通行证
TAIWAN_PERMIT = "taiwan_permit"  # 台湾居民来往大陆通行证
OTHER_DOCUMENT = "other"
DOCUMENT_KINDS = (MAINLAND_ID, PASSPORT, HK_MACAU_PERMIT, TAIWAN_PERMIT, OTHER_DOCUMENT)
OTHER_DOCUMENT_MAX_LENGTH = 32

_PASSPORT_RE = re.compile(r"(?=.*\d)[A-Z0-9]{5,20}")
# H (Hong Kong) or M (Macau) + 8 digits on the card; the older booklet adds 2 digits for reissues.
_HK_MACAU_RE = re.compile(r"[HM]\d{8}(?:\d{2})?")
# 8 digits on the card since 2015; older booklets had 10 digits and an issue letter, one-time
# short-stay permits 10–12 letters and digits.
_TAIWAN_RE = re.compile(r"\d{8}|(?=.*\d)[A-Z0-9]{10,12}")


class Document(NamedTuple):
    """A checked document number; for a mainland ID card also what the number says."""

    number: str
    id_number: IdNumber | None = None


def parse_document(kind: str, raw: Any, *, today: date) -> Document:
    """Check a document number of the given kind; return it upper-cased and without separators.

    Mainland ID numbers get the full GB 11643 check (``parse_id_number``); the other kinds are checked
    for shape only, since their numbers carry no check digit Cordon can verify.
    """
    if kind == MAINLAND_ID:
        id_number = parse_id_number(raw, today=today)
        return Document(id_number.number, id_number)
    if kind not in DOCUMENT_KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    number = compact(raw).upper()
    if not number:
        raise _required()
    if kind == PASSPORT and not _PASSPORT_RE.fullmatch(number):
        raise _error(_("A passport number has 5 to 20 letters and digits."), "passport_shape")
    if kind == HK_MACAU_PERMIT and not _HK_MACAU_RE.fullmatch(number):
        raise _error(
            _("A Hong Kong or Macau permit number is H or M followed by 8 or 10 digits."),
            "hk_macau_permit_shape",
        )
    if kind == TAIWAN_PERMIT and not _TAIWAN_RE.fullmatch(number):
        raise _error(
            _(
                "A Taiwan permit number has 8 digits "
                "(10 to 12 letters and digits on older or one-time permits)."
            ),
            "taiwan_permit_shape",
        )
    if kind == OTHER_DOCUMENT and len(number) > OTHER_DOCUMENT_MAX_LENGTH:
        raise _error(
            _("A document number has at most %(max)d characters; this one has %(count)d."),
            "document_length",
            max=OTHER_DOCUMENT_MAX_LENGTH,
            count=len(number),
        )
    return Document(number)
