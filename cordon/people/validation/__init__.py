"""Plain validation functions for people's fields: one set for the forms, the API and the importer.

Each ``parse_*`` function takes what a person typed or a spreadsheet cell held, returns the value
Cordon stores, or raises ``ValidationError`` with a short message and a ``code`` the importer can
count by. They are plain functions, not Django form fields, because the importer runs them on
100,000 rows: a Form per row is 67 times slower (CONVENTIONS, "Speed facts").

Input is forgiven where the intent is plain — full-width digits, stray spaces, a lower-case x, a
"+86" in front of a phone, "冀R·12345" — and refused with a concrete message where it is not.
"""

from cordon.people.validation.dates import parse_date
from cordon.people.validation.ids import (
    DOCUMENT_KINDS,
    FEMALE,
    HK_MACAU_PERMIT,
    MAINLAND_ID,
    MALE,
    OTHER_DOCUMENT,
    PASSPORT,
    PROVINCE_CODES,
    TAIWAN_PERMIT,
    Document,
    IdNumber,
    id_check_character,
    parse_document,
    parse_id_number,
)
from cordon.people.validation.names import parse_name
from cordon.people.validation.phones import is_no_phone, parse_optional_phone, parse_phone, parse_phones
from cordon.people.validation.plates import PLATE_PROVINCES, parse_plate
from cordon.people.validation.text import clean_text, compact, normalize

__all__ = [
    "DOCUMENT_KINDS",
    "FEMALE",
    "HK_MACAU_PERMIT",
    "MAINLAND_ID",
    "MALE",
    "OTHER_DOCUMENT",
    "PASSPORT",
    "PLATE_PROVINCES",
    "PROVINCE_CODES",
    "TAIWAN_PERMIT",
    "Document",
    "IdNumber",
    "clean_text",
    "compact",
    "id_check_character",
    "is_no_phone",
    "normalize",
    "parse_date",
    "parse_document",
    "parse_id_number",
    "parse_name",
    "parse_optional_phone",
    "parse_phone",
    "parse_phones",
    "parse_plate",
]
