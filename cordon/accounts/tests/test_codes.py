import pytest

from cordon.core import codes


@pytest.mark.parametrize(
    ("code", "level", "prefix", "parent"),
    [
        ("130000000000", "province", "13", None),
        ("131000000000", "city", "1310", "130000000000"),
        ("131081000000", "county", "131081", "131000000000"),
        ("131081103000", "town", "131081103", "131081000000"),
        ("131081103215", "village", "131081103215", "131081103000"),
        ("131081103215001", "grid", "131081103215001", "131081103215"),
        # 东莞's towns sit directly under the city: the county part is 00.
        ("441900003000", "town", "441900003", "441900000000"),
    ],
)
def test_reads_level_prefix_and_parent_from_the_code(code, level, prefix, parent):
    assert codes.is_valid_code(code)
    assert codes.level_of(code) == level
    assert codes.prefix_of(code) == prefix
    assert codes.parent_of(code) == parent


@pytest.mark.parametrize(
    "code",
    [
        "",
        "13108110300",
        "1310811030000",
        "13108110300a",
        "000000000000",
        "131081103215000",
        None,
        131081103000,
    ],
)
def test_rejects_codes_of_the_wrong_shape(code):
    assert not codes.is_valid_code(code)


def test_prefix_range_is_the_set_of_codes_starting_with_the_prefix():
    low, high = codes.prefix_range("131081103")
    assert (low, high) == ("131081103", "131081104")
    inside = ["131081103000", "131081103215", "131081103215001", "131081103999"]
    outside = ["131081104000", "131081102999", "131081000000", "13108110"]
    assert all(low <= code < high for code in inside)
    assert not any(low <= code < high for code in outside)


def test_prefix_range_carries_over_nines_and_has_no_end_for_all_nines():
    assert codes.prefix_range("131081109") == ("131081109", "131081110")
    assert codes.prefix_range("99") == ("99", None)
    assert codes.prefix_range("") == ("", None)
