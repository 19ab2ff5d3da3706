"""People's names."""

from __future__ import annotations

import re
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
