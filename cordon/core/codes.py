"""Statistical division codes (统计用区划代码) and what their shape says.

A code is 12 digits: province (2) + city (2) + county (2) + town (3) + village (3); a level's own code
pads the lower parts with zeros (廊坊市 131000000000, 堂二里镇 131081103000). Cordon adds grids below a
village by appending 3 digits to the village's code (15 digits), since the national code stops at the
village.

The *prefix* of a code is its significant part: the digits that every area below it starts with. Scoping
is a range match on that prefix, which any B-tree index answers, on SQLite and PostgreSQL alike.
"""

import re

PROVINCE, CITY, COUNTY, TOWN, VILLAGE, GRID = "province", "city", "county", "town", "village", "grid"

PREFIX_LENGTH = {PROVINCE: 2, CITY: 4, COUNTY: 6, TOWN: 9, VILLAGE: 12, GRID: 15}
LEVELS = tuple(PREFIX_LENGTH)

_CODE_RE = re.compile(r"^(\d{12}|\d{15})$")


def is_valid_code(code: str) -> bool:
    """True for a 12-digit division code, or a 15-digit grid code below a village.

    Middle parts may be zero (东莞's towns sit directly under the city: 441900003000), so only the
    shape is checked; whether the code exists is the area tree's business.
    """
    if not isinstance(code, str) or not _CODE_RE.match(code) or code[:2] == "00":
        return False
    # A grid extends a village's code: its own 3 digits and the village's are not zero.
    return not (len(code) == 15 and (code[12:] == "000" or code[9:12] == "000"))


def level_of(code: str) -> str:
    """The level a code names, read from its trailing zeros."""
    if len(code) == 15:
        return GRID
    if code[2:] == "0" * 10:
        return PROVINCE
    if code[4:] == "0" * 8:
        return CITY
    if code[6:] == "0" * 6:
        return COUNTY
    if code[9:] == "000":
        return TOWN
    return VILLAGE


def prefix_of(code: str) -> str:
    """The significant digits of a code: every code below it starts with them."""
    return code[: PREFIX_LENGTH[level_of(code)]]


def parent_of(code: str) -> str | None:
    """The code of the level above, or None for a province."""
    level = level_of(code)
    index = LEVELS.index(level)
    if index == 0:
        return None
    parent_level = LEVELS[index - 1]
    kept = code[: PREFIX_LENGTH[parent_level]]
    return kept.ljust(12, "0")


def prefix_range(prefix: str) -> tuple[str, str | None]:
    """The half-open range [low, high) of codes that start with ``prefix``.

    Codes are digit strings, so "starts with 131081103" is "≥ 131081103 and < 131081104": a plain
    index range scan, where LIKE 'x%' would need a pattern index on PostgreSQL and a case-sensitive
    LIKE on SQLite. An empty prefix (everything) or an all-nines prefix has no upper bound.
    """
    if not prefix or set(prefix) == {"9"}:
        return prefix, None
    upper = str(int(prefix) + 1).zfill(len(prefix))
    return prefix, upper


def covers(prefix: str, code: str) -> bool:
    """True when the area with ``prefix`` is ``code`` or an ancestor of it."""
    return code.startswith(prefix)
