"""What towns write in a ledger that is not simply the value: rows that are not people (totals,
subtotals, signature lines, the header again, a title between two tables), phone cells that hold a
word, an annotation or two numbers, and numbers Excel turned into floats on their way through a CSV.

Plain functions over one row's cells, called by the importer's checker (people.import_rows); the
registration form stays strict (a clerk typing 无 into it can clear the field).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cordon.core.spreadsheet_types import LOST_PRECISION_MESSAGE
from cordon.people import validation

# --- rows that are not people -----------------------------------------------------------------------

_TOTALS = re.compile(r"^(?:本页|本表|全村|全镇|全街|本村|以上)?(?:合计|小计|总计|共计|累计)")
_SIGNATURES = re.compile(
    r"^(?:填表人|填报人|制表人|审核人|审批人|统计人|负责人|经办人|联系人|报送人|核实人|"
    r"填表日期|填报日期|制表日期|报送日期|统计日期|填表时间|填报时间|截止日期|截至日期|"
    r"填表单位|填报单位|报送单位|统计单位|单位盖章|单位\(盖章\)|单位（盖章）|签字|签名|盖章|"
    r"注[:：]|备注[:：]|说明[:：])"
)
_TITLE_WORDS = re.compile(r"台账|登记表|统计表|摸排表|花名册|名单|一览表|情况表")
_SECTION = re.compile(r"^[一二三四五六七八九十]+[、.．]")
# The first characters of every marker above: most rows are ruled out by one set lookup.
_MARKER_STARTS = frozenset("本全以合小总共累填制审统负经联报核截单签盖注备说")


def _text(value) -> str:
    return "".join(str(value).split()) if value not in (None, "") else ""


def not_a_person(
    cells: list, headers: list[str], *, name_at: int | None, document_at: int | None
) -> str | None:
    """Why a row is not a person — a total or subtotal, a signature or date line under the table,
    the header row repeated, a title or section heading inside the table — or None.

    ``cells`` are the row's values in the sheet's header order, ``headers`` the columns' header
    texts, ``name_at`` and ``document_at`` the positions of the name and document number columns.
    The markers are looked for in the row's first filled cell and in its name; a row whose document
    number cell holds a number long enough to be one is always a person.
    """
    filled = [v for v in cells if v is not None and v != ""]
    if not filled:
        return None
    why = None
    candidates = [filled[0]]
    if name_at is not None and cells[name_at] not in (None, "") and cells[name_at] is not filled[0]:
        candidates.append(cells[name_at])
    for value in candidates:
        if isinstance(value, str) and value[:1] in _MARKER_STARTS:
            text = _text(value)
            if _TOTALS.match(text):
                why = _("A totals row (“%(text)s”): skipped.") % {"text": text[:30]}
            elif _SIGNATURES.match(text):
                why = _("A signature or date line under the table (“%(text)s”): skipped.") % {
                    "text": text[:30]
                }
            if why:
                break
    if (
        why is None
        and len(filled) >= 2
        and sum(1 for v, h in zip(cells, headers, strict=True) if v == h) >= 2
    ):
        why = _("The header row again: skipped.")
    if why is None and len(filled) == 1 and isinstance(filled[0], str):
        text = _text(filled[0])
        if _TITLE_WORDS.search(text) or _SECTION.match(text):
            why = _("A title inside the table (“%(text)s”): skipped.") % {"text": text[:30]}
    if why is not None and document_at is not None:
        number = cells[document_at]
        if number not in (None, "") and sum(c.isdigit() for c in str(number)) >= 15:
            return None
    return why


# --- numbers Excel turned into floats ----------------------------------------------------------------

_SCIENTIFIC = re.compile(r"[+-]?\d+(?:\.\d+)?[eE][+]?\d+")


def floated(value) -> str | None:
    """The message for a cell holding a number as Excel shows a float ("1.38123E+10", "1.30181E+17"):
    its last digits were dropped when the file went through a CSV or a text paste, and only the
    person who typed it can give them back. None for anything else."""
    if not isinstance(value, str) or not ("E" in value or "e" in value or "Ｅ" in value or "ｅ" in value):
        return None
    text = "".join(validation.normalize(value).split())
    if not _SCIENTIFIC.fullmatch(text):
        return None
    return str(LOST_PRECISION_MESSAGE) % {"shown": text}


# --- phone cells --------------------------------------------------------------------------------------

# Between numbers: the separators parse_phones knows, and the words and brackets of an annotation.
_PHONE_PARTS = re.compile(r"[,，、;；/|\n\r]+")
_ANNOTATION = re.compile(r"[（(【\[]([^）)】\]]*)[）)】\]]")
_NOT_PHONE_CHARS = re.compile(r"[^0-9０-９+\-—―－() （）.#\s,，、;；/|]+")
_EXTENSION_WORDS = re.compile(r"\s*(?:转|分机)\s*(?=\d)")
_MOBILE_RUNS = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def read_phone_cell(raw) -> tuple[list[str], list[str], ValidationError | None]:
    """Read a ledger's phone cell: (the phone numbers in it, the bits that are not phone numbers, the
    error when it holds digits but no readable number). A cell of digits alone comes back as it is,
    for the caller's parse_phone (clean_person) to check once.

    "无", "无手机", "本人" hold no number: nothing is kept, and the word is noted. "13800000000（本人）"
    keeps the number and notes the annotation; "138…/139…", "138… 139…" and "138…、0316-…" keep both.
    A cell whose digits make no phone number ("1381234") is an error, as on the form: the number was
    meant to be there and only the clerk can fix it.
    """
    if raw is None or raw == "":
        return [], [], None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raw = str(int(raw)) if float(raw).is_integer() else str(raw)
    if isinstance(raw, str) and raw.isascii() and raw.isdigit():
        # The usual cell, one number and nothing else: parse_phone (through clean_person) checks it.
        return [raw], [], None
    text = validation.normalize(str(raw))
    if not text:
        return [], [], None
    text = _EXTENSION_WORDS.sub("#", text)  # "0316-1234567转8001": the extension stays with its number
    leftovers = [a.strip() for a in _ANNOTATION.findall(text) if a.strip()]
    text = _ANNOTATION.sub(" / ", text)
    leftovers += [w.strip(" ：:") for w in _NOT_PHONE_CHARS.findall(text) if w.strip(" ：:")]
    text = _NOT_PHONE_CHARS.sub(" / ", text)
    phones, wrong, error = [], [], None
    for part in _PHONE_PARTS.split(text):
        part = part.strip(" -—―－.")
        if not part:
            continue
        pieces = _split_runs(part)
        for piece in pieces:
            try:
                phones.append(validation.parse_phone(piece))
            except ValidationError as exc:
                wrong.append(piece)
                error = error or exc
    phones = list(dict.fromkeys(phones))
    if not phones and error is not None:
        return [], leftovers, error
    return phones, leftovers + wrong, None


def _split_runs(part: str) -> list[str]:
    """Two mobiles side by side ("13800000000 13900000000") are two numbers; "138 0000 0000" is one."""
    digits = re.sub(r"\D", "", part)
    runs = _MOBILE_RUNS.findall(re.sub(r"[\s\-]+", " ", part))
    if len(runs) > 1 and sum(len(r) for r in runs) == len(digits):
        return runs
    return [part]
