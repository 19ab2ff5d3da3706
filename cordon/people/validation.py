"""Plain validation functions for people's fields: one set for the forms, the API and the importer.

Each ``parse_*`` function takes what a person typed or a spreadsheet cell held, returns the value
Cordon stores, or raises ``ValidationError`` with a short message and a ``code`` the importer can
count by. They are plain functions, not Django form fields, because the importer runs them on
100,000 rows: a Form per row is 67 times slower (CONVENTIONS, "Speed facts").

Input is forgiven where the intent is plain — full-width digits, stray spaces, a lower-case x, a
"+86" in front of a phone, "冀R·12345" — and refused with a concrete message where it is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# --- Text ---------------------------------------------------------------------------------------

# Full-width ASCII (０-９, Ａ-Ｚ, ａ-ｚ, ＋－．／ and the rest) to half-width, except the marks that are
# Chinese text's own punctuation — ，：；！？（） — which stay as they are in addresses and notes.
_CHINESE_PUNCTUATION = "，：；！？（）"
_NORMALIZE_TABLE: dict[int, int | str | None] = {
    0xFF01 + i: 0x21 + i for i in range(94) if chr(0xFF01 + i) not in _CHINESE_PUNCTUATION
}
_NORMALIZE_TABLE.update(
    {
        0x3000: " ",  # ideographic (full-width) space
        0x00A0: " ",  # no-break space: Excel and web pages put it between words
        0x200B: None,  # zero-width space
        0x200C: None,  # zero-width non-joiner
        0x200D: None,  # zero-width joiner
        0x2060: None,  # word joiner
        0xFEFF: None,  # byte-order mark, left at the start of a CSV cell
        0x00AD: None,  # soft hyphen
        0x2010: "-",  # hyphen
        0x2011: "-",  # non-breaking hyphen
        0x2012: "-",  # figure dash
        0x2013: "-",  # en dash
        0x2212: "-",  # minus sign
    }
)

# Separators people put inside ID numbers, phones and plates: "1310 8119…", "0316-1234567",
# "冀R·12345", "（0316）1234567", a leading ' that forces Excel to keep a number as text, the em dash
# a Chinese input method types for "-".
_COMPACT_TABLE = str.maketrans("", "", "-_.·•・‧∙/\\()（）[]{}【】〔〕—―'\"`‘’“”")


def _cell_text(value: Any) -> str:
    """A cell's value as text; integral floats lose their ".0" (Excel stores 13812345678 as a float)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def normalize(text: Any) -> str:
    """Full-width ASCII to half-width, invisible characters dropped, whitespace trimmed and collapsed.

    Chinese characters are untouched. No-break and full-width spaces count as spaces; zero-width
    characters and a byte-order mark are removed.
    """
    text = _cell_text(text)
    if not text.isascii():
        text = text.translate(_NORMALIZE_TABLE)
    return " ".join(text.split())


def compact(text: Any) -> str:
    """``normalize`` and then remove every space and separator (for ID numbers, phones, plates)."""
    return "".join(normalize(text).translate(_COMPACT_TABLE).split())


def _error(message, code: str, **params) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


def _required() -> ValidationError:
    # Django's own msgid, so its catalogue already translates it.
    return ValidationError(_("This field is required."), code="required")


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
    total = sum((ord(c) - 48) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
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


# --- Dates -------------------------------------------------------------------------------------

_EXCEL_EPOCH = date(1899, 12, 30)  # serial 0 in the 1900 date system, counting its phantom 29 Feb 1900
_EARLIEST_SERIAL = 61  # 1900-03-01: before it, serials are off by Lotus 1-2-3's leap-year bug
_LATEST_DATE = date(2099, 12, 31)
_LATEST_SERIAL = (_LATEST_DATE - _EXCEL_EPOCH).days
_EARLIEST_DATE = date(1880, 1, 1)
# A year-less date is read in the context year unless that puts it this far ahead of today; then it
# is last year's (a ledger sent on 25 January 2020 that lists "12月28日").
MONTH_DAY_LOOKAHEAD = timedelta(days=61)

_TIME = r"(?:\s*T?\s*\d{1,2}\s*[:：时点]\s*\d{1,2}(?:\s*[:：分]\s*\d{1,2}(?:\.\d+)?)?\s*[分秒]?)?"
_SEP = r"\s*[-/.。—]\s*"
_YMD_RE = re.compile(
    rf"(\d{{4}})(?:{_SEP}|\s*年\s*)(\d{{1,2}})(?:{_SEP}|\s*月\s*)(\d{{1,2}})\s*[日号]?{_TIME}"
)
_YMD_COMPACT_RE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MD_RE = re.compile(rf"(\d{{1,2}})(?:{_SEP}|\s*月\s*)(\d{{1,2}})\s*[日号]?")


def parse_date(
    value: Any, *, today: date, context_year: int | None = None, allow_future: bool = True
) -> date:
    """Read a date from a ledger cell.

    Accepts date and datetime objects, Excel serial numbers (1900 date system, 1900-03-01 to 2099),
    and text: "2020-02-03", "2020/2/3", "2020.2.3", "2020年2月3日", "20200203", "2020-02-03 14:30".
    A month and day alone ("2月3日", "2.3", "2/3") take ``context_year`` (else today's year) unless
    that lands more than two months after today, when the year before is meant. Excel turns a typed
    "2.3" into the number 2.3; such a number is read as month.day when only one date fits it.
    """
    if isinstance(value, datetime):
        return _checked_future(
            timezone.localtime(value).date() if timezone.is_aware(value) else value.date(),
            today,
            allow_future,
        )
    if isinstance(value, date):
        return _checked_future(value, today, allow_future)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _checked_future(_date_from_number(value, today, context_year), today, allow_future)
    text = normalize(value)
    if not text:
        raise _required()
    return _checked_future(_date_from_text(text, today, context_year), today, allow_future)


def _checked_future(value: date, today: date, allow_future: bool) -> date:
    if not allow_future and value > today:
        raise _error(_("%(date)s is in the future."), "future_date", date=value.isoformat())
    return value


def _date_from_text(text: str, today: date, context_year: int | None) -> date:
    match = _YMD_RE.fullmatch(text) or _YMD_COMPACT_RE.fullmatch(text)
    if match:
        return _make_date(int(match.group(1)), int(match.group(2)), int(match.group(3)), text)
    match = _MD_RE.fullmatch(text)
    if match:
        return _month_day(int(match.group(1)), int(match.group(2)), text, today, context_year)
    try:
        # ISO 8601 with a time zone or seconds' fractions: "2020-02-03T14:30:00+08:00".
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise _error(
            _("“%(value)s” is not a date that can be read; write it like 2020-02-03."),
            "date_unreadable",
            value=text,
        ) from None
    if timezone.is_aware(parsed):
        parsed = timezone.localtime(parsed)
    return _make_date(parsed.year, parsed.month, parsed.day, text)


def _make_date(year: int, month: int, day: int, shown: str) -> date:
    try:
        result = date(year, month, day)
    except ValueError:
        raise _error(_("%(value)s is not a real date."), "date_invalid", value=shown) from None
    if not _EARLIEST_DATE <= result <= _LATEST_DATE:
        raise _error(
            _("%(value)s is outside the years a ledger can hold (1880 to 2099)."),
            "date_out_of_range",
            value=shown,
        )
    return result


def _month_day(month: int, day: int, shown: str, today: date, context_year: int | None) -> date:
    year = context_year or today.year
    result = _make_date(year, month, day, shown)
    if result > today + MONTH_DAY_LOOKAHEAD:
        result = _make_date(year - 1, month, day, shown)
    return result


def _date_from_number(value: int | float, today: date, context_year: int | None) -> date:
    if 19000101 <= value <= 20991231 and float(value).is_integer():
        # A date typed as 20200203 into a numeric cell.
        return _date_from_text(str(int(value)), today, context_year)
    if isinstance(value, float) and 1 <= value < 13 and not value.is_integer():
        return _month_dot_day(value, today, context_year)
    serial = int(value)  # a fraction is the time of day
    if not _EARLIEST_SERIAL <= serial <= _LATEST_SERIAL:
        raise _error(
            _("%(value)s is not a date: as a spreadsheet date number it falls outside 1900 to 2099."),
            "date_out_of_range",
            value=_cell_text(value),
        )
    return _EXCEL_EPOCH + timedelta(days=serial)


def _month_dot_day(value: float, today: date, context_year: int | None) -> date:
    # Excel keeps "2.3" as the number 2.3 and "2.10" as 2.1: a single decimal digit d can be day d
    # or day 10·d. Read it only when one of the two is a real date.
    shown = repr(value)
    month_text, day_text = shown.split(".")
    if len(day_text) > 2:
        raise _error(
            _("“%(value)s” is not a date that can be read; write it like 2020-02-03."),
            "date_unreadable",
            value=shown,
        )
    month = int(month_text)
    readings = []
    for day in {int(day_text), int(day_text.ljust(2, "0"))}:
        try:
            readings.append(_month_day(month, day, shown, today, context_year))
        except ValidationError:
            continue
    if len(readings) == 1:
        return readings[0]
    if not readings:
        raise _error(_("%(value)s is not a real date."), "date_invalid", value=shown)
    first, second = sorted(readings)
    raise _error(
        _("%(value)s could be %(first)s or %(second)s: write the date in full, like 2020-02-03."),
        "date_ambiguous",
        value=shown,
        first=first.isoformat(),
        second=second.isoformat(),
    )


# --- Names -------------------------------------------------------------------------------------

NAME_MAX_LENGTH = 40
# Dots people type between the parts of a name written in Chinese characters (阿卜杜拉·买买提).
_NAME_DOTS = str.maketrans(dict.fromkeys(".•・‧∙･", "·"))
_NAME_DOT_SPACES_RE = re.compile(r"\s*·\s*")
# Spaces between two Chinese characters are padding ("张　三" keeps two-character names aligned).
_CJK = r"\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CJK_SPACE_RE = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_CJK_RE = re.compile(rf"[{_CJK}]")
_NAME_PUNCTUATION = frozenset("·' -.")


def parse_name(raw: Any) -> str:
    """Check a person's name: 1–40 characters, letters only (any script), no digits.

    Chinese names may hold '·' between parts; '.', '•' and '・' typed there become '·'. Padding spaces
    inside a Chinese name are removed; a Latin name keeps single spaces and its dots.
    """
    name = normalize(raw)
    if _CJK_RE.search(name):
        name = _NAME_DOT_SPACES_RE.sub("·", name.translate(_NAME_DOTS))
        name = _CJK_SPACE_RE.sub("", name)
    name = name.strip("·")
    if any(c.isdecimal() for c in name):
        raise _error(_("A name has no digits: “%(value)s”."), "name_digits", value=name)
    if not any(_is_letter(c) for c in name):
        raise _required()  # nothing, or only a placeholder such as "-"
    bad = [c for c in name if not (_is_letter(c) or c in _NAME_PUNCTUATION)]
    if bad:
        raise _error(
            _("A name cannot contain “%(chars)s”."), "name_characters", chars="".join(dict.fromkeys(bad))
        )
    if len(name) > NAME_MAX_LENGTH:
        raise _error(
            _("A name has at most %(max)d characters; this one has %(count)d."),
            "name_length",
            max=NAME_MAX_LENGTH,
            count=len(name),
        )
    return name


def _is_letter(char: str) -> bool:
    # 〇 is a number to Unicode but a character in names; rare characters are still typed with
    # private-use code points in systems of the GBK era.
    return char.isalpha() or char == "\u3007" or "\ue000" <= char <= "\uf8ff"
