"""Text: normalising what people type and what cells hold."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
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
    if text is None or text == "":
        return ""  # most cells of a ledger row are empty: no work for them
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


def clean_text(value: Any, field: str, limit: int, *, required: bool = False) -> str:
    """A free-text field as the services store it: normalised, within ``limit`` characters, present
    when ``required``; otherwise a ValidationError on ``field`` that says so in Chinese."""
    text = normalize(str(value or ""))
    if required and not text:
        raise ValidationError({field: [_("This field is required.")]})
    if len(text) > limit:
        raise ValidationError({field: [_("At most %(limit)s characters.") % {"limit": limit}]})
    return text
