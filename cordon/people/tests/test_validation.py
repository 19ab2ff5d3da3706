"""The plain validation functions that the forms, the API and the Excel importer share.

Each refusal is checked by its code (what the importer counts) and, where the wording is the
point, by its English message.
"""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cordon.people import validation
from cordon.people.validation import (
    compact,
    normalize,
    parse_date,
    parse_document,
    parse_id_number,
    parse_name,
    parse_phone,
    parse_phones,
    parse_plate,
)

TODAY = date(2020, 2, 21)  # the seed's time


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def with_check(first17: str) -> str:
    """An 18-character ID number: ISO 7064 MOD 11-2, weights 2^(17-i) mod 11, computed here on its own."""
    total = sum(int(digit) * (2 ** (17 - i) % 11) for i, digit in enumerate(first17))
    value = (12 - total % 11) % 11
    return first17 + ("X" if value == 10 else str(value))


def refusal(function, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        function(*args, **kwargs)
    return caught.value


def wrong_check(number: str) -> str:
    return number[:17] + ("1" if number[17] != "1" else "2")


# A woman born 1985-01-01 in 霸州 (the 17th digit, 2, is even).
BAZHOU_WOMAN = with_check("13108119850101002")


# --- normalize and compact -----------------------------------------------------------------------


def test_normalize_turns_full_width_digits_letters_and_spaces_half_width():
    assert normalize("１３８　ＡＢＣ　ａｂｃ　ｘ") == "138 ABC abc x"


def test_normalize_drops_zero_width_characters_and_a_byte_order_mark():
    assert normalize("\ufeff张\u200b三\u200d") == "张三"


def test_normalize_treats_a_no_break_space_as_a_space_and_collapses_runs_of_whitespace():
    assert normalize("  湖北省\u00a0\u00a0武汉市 \t 江汉区\n") == "湖北省 武汉市 江汉区"


def test_normalize_turns_full_width_symbols_half_width():
    assert normalize("＋８６－１３８．＃／＠") == "+86-138.#/@"


def test_normalize_leaves_chinese_characters_and_punctuation_alone():
    # ，：；！？（） are Chinese text's own punctuation, not full-width ASCII typed by mistake.
    assert (
        normalize("阿卜杜拉·买买提（户主），湖北：武汉；好！？。")
        == "阿卜杜拉·买买提（户主），湖北：武汉；好！？。"
    )


def test_normalize_reads_spreadsheet_cells_that_are_not_text():
    assert normalize(None) == ""
    assert normalize(13812345678.0) == "13812345678"
    assert normalize(43864) == "43864"


def test_compact_removes_every_space_and_separator():
    assert compact(" 1310 8119-8501·0100 16 ") == "131081198501010016"
    assert compact("冀R·12345") == "冀R12345"
    assert compact("（0316）—1234567") == "03161234567"
    assert compact("'131081198501010016") == "131081198501010016"


# --- ID numbers ----------------------------------------------------------------------------------


def test_accepts_a_valid_id_number_and_reads_birth_date_sex_and_province():
    result = parse_id_number(BAZHOU_WOMAN, today=TODAY)

    assert result.number == BAZHOU_WOMAN
    assert result.birth_date == date(1985, 1, 1)
    assert result.sex == "F"
    assert result.province_code == "13"
    assert result.division_code == "131081"


def test_reads_a_man_from_an_odd_17th_digit():
    assert parse_id_number(with_check("13108119850101001"), today=TODAY).sex == "M"


def test_accepts_a_full_width_id_number():
    full_width = BAZHOU_WOMAN.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789X"})

    assert parse_id_number(full_width, today=TODAY).number == BAZHOU_WOMAN


def test_accepts_stray_spaces_and_dashes_inside_an_id_number():
    spaced = f" {BAZHOU_WOMAN[:6]} {BAZHOU_WOMAN[6:14]}-{BAZHOU_WOMAN[14:]}　"

    assert parse_id_number(spaced, today=TODAY).number == BAZHOU_WOMAN


def test_accepts_a_lower_case_x_and_stores_it_upper_case():
    number = next(n for n in (with_check(f"1310811985010100{i}") for i in range(10)) if n.endswith("X"))

    assert parse_id_number(number.lower(), today=TODAY).number == number


@pytest.mark.parametrize("county", ["131027", "132827"])
def test_accepts_a_number_issued_under_the_old_baxian_code(county):
    # 霸县 became 霸州市 (131081) in 1990; people born before keep their numbers.
    number = with_check(f"{county}19850615003")

    result = parse_id_number(number, today=TODAY)

    assert result.number == number
    assert result.birth_date == date(1985, 6, 15)


@pytest.mark.parametrize("county", ["130000", "139999", "420999", "810000", "830000"])
def test_never_refuses_a_number_for_its_county_code(county):
    assert parse_id_number(with_check(f"{county}19900101001"), today=TODAY).province_code == county[:2]


@pytest.mark.parametrize("province", sorted(validation.PROVINCE_CODES))
def test_accepts_every_known_province_prefix(province):
    assert parse_id_number(with_check(f"{province}010119900101001"), today=TODAY).province_code == province


@pytest.mark.parametrize(
    "province", ["00", "10", "16", "20", "24", "30", "38", "40", "47", "55", "60", "66", "72", "84", "91"]
)
def test_refuses_an_unknown_province_prefix(province):
    error = refusal(parse_id_number, with_check(f"{province}010119900101001"), today=TODAY)

    assert error.code == "id_province"
    assert error.messages == [f"The number starts with {province}, which is not a province code."]


def test_refuses_a_wrong_check_character_and_says_which_is_expected():
    error = refusal(parse_id_number, wrong_check(BAZHOU_WOMAN), today=TODAY)

    assert error.code == "id_check_character"
    assert error.params == {"expected": BAZHOU_WOMAN[17], "found": wrong_check(BAZHOU_WOMAN)[17]}
    assert f"should be {BAZHOU_WOMAN[17]}, not" in error.messages[0]


def test_refuses_a_mistyped_digit_through_the_check_character():
    mistyped = BAZHOU_WOMAN[:15] + ("9" if BAZHOU_WOMAN[15] != "9" else "8") + BAZHOU_WOMAN[16:]

    assert refusal(parse_id_number, mistyped, today=TODAY).code == "id_check_character"


def test_refuses_31_february_with_a_message():
    error = refusal(parse_id_number, with_check("13108119850231001"), today=TODAY)

    assert error.code == "id_birth_date"
    assert error.messages == ["The birth date in this number, 1985-02-31, does not exist."]


def test_refuses_29_february_of_a_common_year_but_not_of_a_leap_year():
    assert refusal(parse_id_number, with_check("13108119850229001"), today=TODAY).code == "id_birth_date"
    assert parse_id_number(with_check("13108119840229001"), today=TODAY).birth_date == date(1984, 2, 29)


def test_refuses_a_birth_date_in_the_future():
    error = refusal(parse_id_number, with_check("13108120200222001"), today=TODAY)

    assert error.code == "id_birth_date_future"
    assert "2020-02-22" in error.messages[0]


def test_accepts_a_child_born_today():
    assert parse_id_number(with_check("13108120200221001"), today=TODAY).birth_date == TODAY


def test_refuses_a_birth_date_before_1880():
    error = refusal(parse_id_number, with_check("13108118791231001"), today=TODAY)

    assert error.code == "id_birth_date_early"


@pytest.mark.parametrize("length", [14, 16, 17, 19, 20])
def test_refuses_a_number_of_the_wrong_length_and_says_how_long_it_is(length):
    error = refusal(parse_id_number, (BAZHOU_WOMAN[:17] * 2)[:length], today=TODAY)

    assert error.code == "id_length"
    assert error.params == {"count": length}


def test_refuses_letters_and_names_them():
    error = refusal(parse_id_number, "13108119850I0I0016", today=TODAY)

    assert error.code == "id_characters"
    assert error.params == {"chars": "I"}


def test_refuses_an_x_anywhere_but_the_last_place():
    assert refusal(parse_id_number, "1310811985010100X6", today=TODAY).code == "id_characters"
    assert refusal(parse_id_number, "13108185010100X", today=TODAY).code == "id_characters"


def test_reads_a_number_ending_in_x_but_missing_a_digit_as_too_short():
    assert refusal(parse_id_number, "1310811985010100X", today=TODAY).code == "id_length"


def test_refuses_an_empty_number_as_required():
    assert refusal(parse_id_number, "  ", today=TODAY).code == "required"


def test_upgrades_a_15_digit_first_generation_number_to_18():
    result = parse_id_number("131081850101002", today=TODAY)

    assert result.number == with_check("13108119850101002")
    assert result.birth_date == date(1985, 1, 1)
    assert result.sex == "F"


def test_refuses_an_impossible_birth_date_in_a_15_digit_number():
    assert refusal(parse_id_number, "131081850230002", today=TODAY).code == "id_birth_date"


def test_refuses_an_unknown_province_in_a_15_digit_number():
    assert refusal(parse_id_number, "991081850101002", today=TODAY).code == "id_province"


@pytest.mark.parametrize("cell", [131081198501010016, 1.31081198501010016e17])
def test_refuses_an_18_digit_number_that_a_spreadsheet_stored_as_a_number(cell):
    # Excel keeps 15 significant digits: the last three are already lost.
    error = refusal(parse_id_number, cell, today=TODAY)

    assert error.code == "id_spreadsheet_number"
    assert "format the column as text" in error.messages[0]


def test_accepts_a_15_digit_number_that_a_spreadsheet_stored_as_a_number():
    assert parse_id_number(131081850101002.0, today=TODAY).number == with_check("13108119850101002")


def test_id_check_character_agrees_with_the_standard():
    for first17 in ("11010519491231002", "13108119850101001", "42010319700307251", "65010220001010999"):
        assert validation.id_check_character(first17) == with_check(first17)[17]


# --- Other documents -----------------------------------------------------------------------------


def test_parse_document_checks_a_mainland_id_fully_and_returns_what_it_says():
    document = parse_document("mainland_id", BAZHOU_WOMAN.lower(), today=TODAY)

    assert document.number == BAZHOU_WOMAN
    assert document.id_number.birth_date == date(1985, 1, 1)
    assert (
        refusal(parse_document, "mainland_id", wrong_check(BAZHOU_WOMAN), today=TODAY).code
        == "id_check_character"
    )


@pytest.mark.parametrize(
    ("kind", "raw", "stored"),
    [
        ("passport", "e1234 5678", "E12345678"),
        ("passport", "EA1234567", "EA1234567"),
        ("passport", "５１２３４５６７８", "512345678"),
        ("hk_macau_permit", "h12345678", "H12345678"),
        ("hk_macau_permit", "M 1234567890", "M1234567890"),
        ("taiwan_permit", "0725 7456", "07257456"),
        ("taiwan_permit", "1234567890(B)", "1234567890B"),
        ("other", "军 字第 12345 号", "军字第12345号"),
    ],
)
def test_accepts_other_documents_upper_cased_and_compacted(kind, raw, stored):
    document = parse_document(kind, raw, today=TODAY)

    assert document.number == stored
    assert document.id_number is None


@pytest.mark.parametrize(
    ("kind", "raw", "code"),
    [
        ("passport", "E12", "passport_shape"),
        ("passport", "E1234567@", "passport_shape"),
        ("passport", "ABCDEFGH", "passport_shape"),
        ("hk_macau_permit", "A12345678", "hk_macau_permit_shape"),
        ("hk_macau_permit", "H123456789", "hk_macau_permit_shape"),
        ("taiwan_permit", "1234567", "taiwan_permit_shape"),
        ("other", "1" * 33, "document_length"),
        ("passport", " ", "required"),
    ],
)
def test_refuses_a_document_number_of_the_wrong_shape(kind, raw, code):
    assert refusal(parse_document, kind, raw, today=TODAY).code == code


def test_the_document_result_unpacks_as_number_first():
    number, id_number = parse_document("passport", "E12345678", today=TODAY)

    assert (number, id_number) == ("E12345678", None)


def test_parse_document_rejects_an_unknown_kind_as_a_programming_error():
    with pytest.raises(ValueError, match="unknown document kind"):
        parse_document("library_card", "123", today=TODAY)


# --- Phones --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+86-13812345678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("86-13812345678", "13812345678"),
        ("(86)13812345678", "13812345678"),
        (13812345678.0, "13812345678"),
        (19912345678, "19912345678"),
        ("0316-1234567", "0316-1234567"),
        ("03161234567", "0316-1234567"),
        ("0316 123 4567", "0316-1234567"),
        ("(0316)1234567", "0316-1234567"),
        ("（０３１６）１２３４５６７", "0316-1234567"),
        ("0316—1234567", "0316-1234567"),
        ("0316-12345678", "0316-12345678"),
        ("010-12345678", "010-12345678"),
        ("01012345678", "010-12345678"),
        ("021-1234-5678", "021-12345678"),
        ("027 8765 4321", "027-87654321"),
        ("+86 316 1234567", "0316-1234567"),
        ("+86 10 12345678", "010-12345678"),
        ("0316-1234567-8001", "0316-1234567-8001"),
        ("0316-1234567转8001", "0316-1234567-8001"),
        ("0316-1234567 分机 8001", "0316-1234567-8001"),
        ("0316 1234567 ext. 8001", "0316-1234567-8001"),
        ("400-123-4567", "400-123-4567"),
        ("+852 9123 4567", "+85291234567"),
        ("00853 6612 3456", "+85366123456"),
    ],
)
def test_accepts_phone_numbers_in_the_shapes_people_write_them(raw, stored):
    assert parse_phone(raw) == stored


@pytest.mark.parametrize("raw", ["1234567", "2345678", "87654321", "234-5678"])
def test_refuses_a_bare_local_number_asking_for_the_area_code(raw):
    error = refusal(parse_phone, raw)

    assert error.code == "phone_area_code_missing"
    assert "0316" in error.messages[0]


@pytest.mark.parametrize("raw", ["1381234567", "138123456789", "13812345678-1"])
def test_refuses_a_mobile_of_the_wrong_length(raw):
    error = refusal(parse_phone, raw)

    assert error.code == "mobile_length"
    assert error.params == {"count": len(raw.replace("-", ""))}


@pytest.mark.parametrize("raw", ["11012345678", "12345678901"])
def test_refuses_a_mobile_that_does_not_start_with_13_to_19(raw):
    assert refusal(parse_phone, raw).code == "mobile_prefix"


@pytest.mark.parametrize(
    ("raw", "area", "expected"), [("010-1234567", "010", "8"), ("0316-123456", "0316", "7 or 8")]
)
def test_refuses_a_landline_of_the_wrong_length_naming_its_area_code(raw, area, expected):
    error = refusal(parse_phone, raw)

    assert error.code == "landline_length"
    assert f"area code {area}" in error.messages[0]
    assert f"has {expected} digits" in error.messages[0]


def test_refuses_an_area_code_that_does_not_exist():
    assert refusal(parse_phone, "011-12345678").code == "phone_area_code"


def test_refuses_letters_in_a_phone_number_and_names_them():
    error = refusal(parse_phone, "138l2345678")

    assert error.code == "phone_characters"
    assert error.params == {"chars": "l"}


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678/13987654321",
        "13812345678，0316-1234567",
        "13812345678、13987654321",
        "13812345678\r\n13987654321",
    ],
)
def test_refuses_several_numbers_in_one_phone_field(raw):
    assert refusal(parse_phone, raw).code == "phone_several"


def test_parse_phones_reads_every_number_of_a_cell_that_holds_several():
    assert parse_phones("13812345678/0316-1234567、 139 8765 4321") == [
        "13812345678",
        "0316-1234567",
        "13987654321",
    ]
    assert parse_phones("13812345678\n13987654321") == ["13812345678", "13987654321"]
    assert parse_phones("") == []


def test_refuses_an_extension_on_a_mobile():
    assert refusal(parse_phone, "13812345678转8001").code == "phone_extension"


@pytest.mark.parametrize("raw", ["", "  ", None])
def test_refuses_an_empty_phone_as_required(raw):
    assert refusal(parse_phone, raw).code == "required"


@pytest.mark.parametrize("raw", ["123", "5551234567"])
def test_refuses_digits_that_are_no_phone_number(raw):
    assert refusal(parse_phone, raw).code == "phone_invalid"


# --- Plates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("冀R12345", "冀R12345"),
        ("冀R·12345", "冀R12345"),
        ("冀R•12345", "冀R12345"),
        ("冀r 12345", "冀R12345"),
        ("冀R-A1234", "冀RA1234"),
        ("冀R.AB123", "冀RAB123"),
        ("冀ＲＡ１２３４", "冀RA1234"),
        ("冀R1234学", "冀R1234学"),
        ("冀R0001警", "冀R0001警"),
        ("冀R1234挂", "冀R1234挂"),
        ("沪A1234领", "沪A1234领"),
        ("粤Z1234港", "粤Z1234港"),
        ("粤Z1234澳", "粤Z1234澳"),
        ("京AD12345", "京AD12345"),
        ("京AF12345", "京AF12345"),
        ("京ADA1234", "京ADA1234"),
        ("京A12345D", "京A12345D"),
        ("京A12345F", "京A12345F"),
        ("鄂A·D12345", "鄂AD12345"),
    ],
)
def test_accepts_plates_in_the_shapes_people_write_them(raw, stored):
    assert parse_plate(raw) == stored


def test_refuses_a_plate_without_a_province_abbreviation():
    error = refusal(parse_plate, "R12345")

    assert error.code == "plate_province"
    assert error.params == {"found": "R"}


def test_refuses_the_letter_i_as_the_issuing_authority():
    assert refusal(parse_plate, "冀I12345").code == "plate_authority"


def test_refuses_a_digit_as_the_issuing_authority():
    assert refusal(parse_plate, "冀112345").code == "plate_authority"


@pytest.mark.parametrize("raw", ["冀RI2345", "冀R1O345", "冀R1234#", "冀R1234省"])
def test_refuses_i_o_and_symbols_in_the_serial(raw):
    error = refusal(parse_plate, raw)

    assert error.code == "plate_serial"
    assert error.params["prefix"] == "冀R"


@pytest.mark.parametrize("raw", ["冀R1234", "冀R123456789", "冀R"])
def test_refuses_a_plate_of_the_wrong_length(raw):
    assert refusal(parse_plate, raw).code == "plate_length"


@pytest.mark.parametrize("raw", ["冀R123456", "冀RD1234A", "冀RX12345", "冀R1234DD"])
def test_refuses_an_eight_character_plate_that_is_not_a_new_energy_plate(raw):
    assert refusal(parse_plate, raw).code == "plate_new_energy"


def test_refuses_an_empty_plate_as_required():
    assert refusal(parse_plate, " · ").code == "required"


# --- Dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "2020-02-03",
        "2020-2-3",
        "2020/2/3",
        "2020/02/03",
        "2020.2.3",
        "2020年2月3日",
        "2020年02月03号",
        "2020 年 2 月 3 日",
        "２０２０年２月３日",
        "20200203",
        "2020-02-03 14:30",
        "2020/2/3 8:05:09",
        "2020-02-03T14:30:00",
        "2020-02-03T06:30:00+08:00",
        " 2020-02-03 ",
    ],
)
def test_reads_the_date_formats_ledgers_use(raw):
    assert parse_date(raw, today=TODAY) == date(2020, 2, 3)


def test_reads_date_and_datetime_objects():
    assert parse_date(date(2020, 2, 3), today=TODAY) == date(2020, 2, 3)
    assert parse_date(datetime(2020, 2, 3, 23, 59), today=TODAY) == date(2020, 2, 3)


def test_reads_an_aware_datetime_on_the_local_calendar():
    # 17:00 UTC on 2 February is already 3 February in China.
    assert parse_date(datetime(2020, 2, 2, 17, 0, tzinfo=UTC), today=TODAY) == date(2020, 2, 3)


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (43864, date(2020, 2, 3)),
        (43864.75, date(2020, 2, 3)),
        (61, date(1900, 3, 1)),
        (31048, date(1985, 1, 1)),
    ],
)
def test_reads_excel_serial_numbers_in_the_1900_date_system(serial, expected):
    assert parse_date(serial, today=TODAY) == expected


@pytest.mark.parametrize("serial", [0, 60, -5, 2958466])
def test_refuses_excel_serials_outside_the_sensible_range(serial):
    assert refusal(parse_date, serial, today=TODAY).code == "date_out_of_range"


def test_reads_a_date_typed_as_the_number_20200203():
    assert parse_date(20200203, today=TODAY) == date(2020, 2, 3)


@pytest.mark.parametrize("raw", ["2月3日", "2月3号", "2.3", "2/3", "02-03", "２月３日"])
def test_reads_a_month_and_day_in_the_context_year(raw):
    assert parse_date(raw, today=date(2023, 6, 1), context_year=2020) == date(2020, 2, 3)


def test_reads_a_month_and_day_in_this_year_without_a_context_year():
    assert parse_date("2月3日", today=TODAY) == date(2020, 2, 3)


def test_reads_a_month_and_day_far_ahead_of_today_as_last_year():
    # A ledger sent on 25 January 2020 that lists people who came home on 28 December.
    assert parse_date("12月28日", today=date(2020, 1, 25)) == date(2019, 12, 28)
    assert parse_date("12月28日", today=date(2020, 1, 25), context_year=2020) == date(2019, 12, 28)


def test_keeps_a_month_and_day_shortly_ahead_of_today_in_this_year():
    assert parse_date("3月1日", today=date(2020, 2, 21)) == date(2020, 3, 1)


def test_reads_a_number_that_excel_made_of_a_typed_month_dot_day():
    assert parse_date(2.3, today=TODAY) == date(2020, 2, 3)  # "2.30" cannot be: no 30 February
    assert parse_date(1.25, today=TODAY) == date(2020, 1, 25)


def test_refuses_a_month_dot_day_number_that_fits_two_dates():
    # Excel stores "2.10" as 2.1: it could be 1 or 10 February.
    error = refusal(parse_date, 2.1, today=TODAY)

    assert error.code == "date_ambiguous"
    assert "2020-02-01" in error.messages[0]
    assert "2020-02-10" in error.messages[0]


@pytest.mark.parametrize("raw", ["2020-02-30", "2020年2月30日", "20200230", "2019-02-29", "2020-13-01"])
def test_refuses_an_impossible_date_naming_the_value(raw):
    error = refusal(parse_date, raw, today=TODAY)

    assert error.code == "date_invalid"
    assert raw in error.messages[0]


def test_refuses_29_february_in_a_common_context_year():
    assert refusal(parse_date, "2月29日", today=date(2021, 3, 1)).code == "date_invalid"


@pytest.mark.parametrize("raw", ["昨天", "2020", "二月三日", "2020-02", "n/a", True])
def test_refuses_unreadable_text_naming_the_value(raw):
    error = refusal(parse_date, raw, today=TODAY)

    assert error.code == "date_unreadable"
    assert str(raw) in error.messages[0]


def test_refuses_a_date_before_1880():
    assert refusal(parse_date, "1850-01-01", today=TODAY).code == "date_out_of_range"


def test_refuses_a_future_date_only_when_asked():
    assert parse_date("2020-03-01", today=TODAY) == date(2020, 3, 1)

    error = refusal(parse_date, "2020-03-01", today=TODAY, allow_future=False)

    assert error.code == "future_date"
    assert parse_date("2020-02-21", today=TODAY, allow_future=False) == TODAY


def test_refuses_an_empty_date_as_required():
    assert refusal(parse_date, "", today=TODAY).code == "required"
    assert refusal(parse_date, None, today=TODAY).code == "required"


# --- Names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("张三", "张三"),
        (" 张三 ", "张三"),
        ("张　三", "张三"),
        ("欧阳 娜娜", "欧阳娜娜"),
        ("王二", "王二"),
        ("阿卜杜拉·买买提", "阿卜杜拉·买买提"),
        ("阿卜杜拉.买买提", "阿卜杜拉·买买提"),
        ("阿卜杜拉•买买提", "阿卜杜拉·买买提"),
        ("阿卜杜拉・买买提", "阿卜杜拉·买买提"),
        ("阿卜杜拉 · 买买提", "阿卜杜拉·买买提"),
        ("阿卜杜拉．买买提", "阿卜杜拉·买买提"),
        ("·买买提", "买买提"),
        ("John A. Smith", "John A. Smith"),
        ("Ｊｏｈｎ  Smith", "John Smith"),
        ("O'Brien", "O'Brien"),
        ("𠮷野", "𠮷野"),
    ],
)
def test_accepts_names_normalised(raw, stored):
    assert parse_name(raw) == stored


@pytest.mark.parametrize("raw", ["张3", "张三1", "李四２"])
def test_refuses_a_name_with_digits(raw):
    assert refusal(parse_name, raw).code == "name_digits"


def test_refuses_notes_written_into_the_name_and_names_the_characters():
    error = refusal(parse_name, "张三(户主)")

    assert error.code == "name_characters"
    assert error.params == {"chars": "()"}


def test_refuses_a_name_longer_than_40_characters():
    assert parse_name("买" * 40) == "买" * 40

    error = refusal(parse_name, "买" * 41)

    assert error.code == "name_length"
    assert error.params == {"max": 40, "count": 41}


@pytest.mark.parametrize("raw", ["", "   ", "·", "-", None])
def test_refuses_an_empty_name_as_required(raw):
    assert refusal(parse_name, raw).code == "required"
