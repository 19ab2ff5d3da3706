"""Pinyin and initials of a name, for search ("zs" and "zhangsan" find 张三).

pypinyin's ``lazy_pinyin`` costs ~18 µs a name, too slow for a 100,000-row import; this reads the same
dictionary (pypinyin's, installed from PyPI) once per character and caches it, ~1 µs a name. Surnames
read differently from the same character in running text (单 Shàn, 曾 Zēng, 解 Xiè), so the first
character of a name is looked up in the surname readings first.
"""

import unicodedata
from functools import cache

from pypinyin.constants import PINYIN_DICT

# Readings of characters as surnames where they differ from the character's first dictionary reading.
SURNAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "区": "ou",
    "仇": "qiu",
    "朴": "piao",
    "查": "zha",
    "盖": "ge",
    "缪": "miao",
    "翟": "zhai",
    "覃": "qin",
    "尉": "yu",
    "乐": "yue",
    "召": "shao",
    "秘": "bi",
    "种": "chong",
    "长": "chang",
    "员": "yun",
    "繁": "po",
    "宿": "su",
    "都": "du",
    "折": "she",
    "沈": "shen",
    "薄": "bo",
    "柏": "bai",
    "贲": "ben",
    "华": "hua",
    "纪": "ji",
    "任": "ren",
    "万": "wan",
    "尹": "yin",
    "秦": "qin",
}


@cache
def _reading(char: str) -> str:
    readings = PINYIN_DICT.get(ord(char))
    if not readings:
        return char.lower() if char.isascii() and char.isalnum() else ""
    first = readings.split(",", 1)[0]
    plain = "".join(c for c in unicodedata.normalize("NFD", first) if not unicodedata.combining(c))
    return plain.replace("ü", "v").lower()


def name_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name, lower case, no spaces: 张三 → ("zhangsan", "zs")."""
    syllables = []
    for index, char in enumerate(name):
        if index == 0 and char in SURNAME_READINGS:
            syllables.append(SURNAME_READINGS[char])
            continue
        reading = _reading(char)
        if reading:
            syllables.append(reading)
    return "".join(syllables)[:160], "".join(s[0] for s in syllables)[:40]
