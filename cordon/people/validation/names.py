"""People's names."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.utils.translation import gettext_lazy as _

from cordon.people.validation.text import _error, _required, normalize

# --- Names -------------------------------------------------------------------------------------

NAME_MAX_LENGTH = 40
# Dots people type between the parts of a name written in Chinese characters (阿卜杜拉·买买提).
_NAME_DOTS = str.maketrans(dict.fromkeys(".•・‧∙･", "·"))
_NAME_DOT_SPACES_RE = re.compile(r"\s*·\s*")
# Spaces between two Chinese characters are padding ("张　三" keeps two-character names aligned).
_CJK = r"\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_CJK_SPACE_RE = re.compile(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])")
_CJK_RE = re.compile(rf"[{_CJK}]")
# A name of 1–40 characters from the basic CJK block only: no dots, spaces, digits or other scripts.
_PLAIN_CHINESE_RE = re.compile(rf"[\u4e00-\u9fff]{{1,{NAME_MAX_LENGTH}}}")
_NAME_PUNCTUATION = frozenset("·' -.")
# Characters that reorder what follows them on screen: "张三\u202e" shows another name than it holds.
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Scripts written beside Chinese characters in a name; any other alphabet there is a look-alike
# (Cyrillic "а" for Latin "a", Greek "Ο" for "O"), typed to slip past a search or a duplicate check.
_HAN_SCRIPTS = frozenset({"CJK", "IDEOGRAPHIC", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO"})


def parse_name(raw: Any) -> str:
    """Check a person's name: 1–40 characters, letters only (any script), no digits.

    Chinese names may hold '·' between parts; '.', '•' and '・' typed there become '·'. Padding spaces
    inside a Chinese name are removed; a Latin name keeps single spaces and its dots.
    """
    name = normalize(raw)
    if _PLAIN_CHINESE_RE.fullmatch(name):
        return name  # the common case: every check below passes for it (ledgers hold 100,000 rows)
    if _CJK_RE.search(name):
        name = _NAME_DOT_SPACES_RE.sub("·", name.translate(_NAME_DOTS))
        name = _CJK_SPACE_RE.sub("", name)
    name = name.strip("·")
    if any(c in _BIDI_CONTROLS for c in name):
        raise _error(
            _("A name cannot hold invisible text-direction characters (such as U+202E): type it again."),
            "name_bidi",
        )
    if any(c.isdecimal() for c in name):
        raise _error(_("A name has no digits: “%(value)s”."), "name_digits", value=name)
    if not any(_is_letter(c) for c in name):
        raise _required()  # nothing, or only a placeholder such as "-"
    bad = [c for c in name if not (_is_letter(c) or c in _NAME_PUNCTUATION)]
    if bad:
        raise _error(
            _("A name cannot contain “%(chars)s”."), "name_characters", chars="".join(dict.fromkeys(bad))
        )
    _check_scripts(name)
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


def _script(char: str) -> str:
    if "\ue000" <= char <= "\uf8ff":
        return "CJK"  # a rare character typed as a private-use code point
    return unicodedata.name(char, "").split(" ")[0]


def _check_scripts(name: str) -> None:
    """One alphabet per name, and beside Chinese characters only Latin letters: a Cyrillic "а" in
    "张三а" or "Аnna" looks like the Latin letter and makes another name of the same sight."""
    scripts = {char: _script(char) for char in name if _is_letter(char)}
    alphabets = {script for script in scripts.values() if script not in _HAN_SCRIPTS}
    beside_han = len(alphabets) < len(set(scripts.values()))
    if len(alphabets) <= 1 and not (beside_han and alphabets - {"LATIN"}):
        return
    # The letters of the less used alphabet (or the non-Latin one beside Chinese) are the suspects.
    counts = {script: sum(1 for s in scripts.values() if s == script) for script in alphabets}
    odd = min(alphabets - {"LATIN"} or alphabets, key=lambda script: counts[script])
    chars = "".join(dict.fromkeys(char for char, script in scripts.items() if script == odd))
    raise _error(
        _(
            "A name mixes alphabets: “%(chars)s” only looks like a letter of the rest of the name. "
            "Type it again in one script."
        ),
        "name_scripts",
        chars=chars,
    )
