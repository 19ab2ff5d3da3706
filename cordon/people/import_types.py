"""The ledger's vocabulary, shared by the importer's modules: the fields and the header names towns
use for them, the choices a cell may name, and the records an import passes from the rows it checks
(``import_rows``) to the writer (``import_writer``) and back into its report (``importer``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy

from cordon.core.spreadsheet_types import normalize_header

# Ledger fields, the header a template shows, and the names towns use for them.
FIELDS: dict[str, tuple] = {
    "name": (gettext_lazy("Full name"), "姓名", ["姓名", "名字", "人员姓名", "返乡人员姓名", "外来人员姓名"]),
    "document_type": (gettext_lazy("Document"), "证件类型", ["证件类型", "证件种类", "证件名称"]),
    "document_number": (
        gettext_lazy("Document number"),
        "身份证号",
        ["身份证号", "身份证号码", "身份证", "证件号码", "证件号", "公民身份号码", "身份号码"],
    ),
    "sex": (gettext_lazy("Sex"), "性别", ["性别"]),
    "phone": (
        gettext_lazy("Mobile phone"),
        "手机号",
        ["手机", "手机号", "手机号码", "联系电话", "电话", "联系方式", "电话号码", "本人电话"],
    ),
    "phone_other": (
        gettext_lazy("Other phone"),
        "其他电话",
        ["固话", "备用电话", "其他电话", "家属电话", "座机"],
    ),
    "village": (
        gettext_lazy("Village"),
        "村街",
        ["村街", "村", "所在村", "所属村街", "村街名称", "所在村街", "村(街)"],
    ),
    "address": (
        gettext_lazy("Current address"),
        "现住址",
        ["现住址", "住址", "现居住地址", "居住地址", "家庭住址", "现居住地", "详细住址"],
    ),
    "registered_address": (
        gettext_lazy("Registered address"),
        "户籍地址",
        ["户籍地址", "户籍地", "户口所在地", "户籍所在地", "籍贯"],
    ),
    "origin_text": (
        gettext_lazy("Came from"),
        "来源地",
        [
            "来源地",
            "从何地来",
            "从何地返回",
            "出发地",
            "来自",
            "旅居地",
            "返乡前所在地",
            "来霸前所在地",
            "来源",
            "何地返回",
            "从哪里来",
            "来自何地",
            "旅居史",
        ],
    ),
    "arrival_date": (
        gettext_lazy("Arrival date"),
        "到达日期",
        [
            "到达日期",
            "返乡日期",
            "返回日期",
            "来霸日期",
            "抵达日期",
            "到达时间",
            "返乡时间",
            "返回时间",
            "抵霸时间",
            "来霸时间",
            "到达本地日期",
        ],
    ),
    "means": (gettext_lazy("Means of travel"), "交通方式", ["交通方式", "交通工具", "出行方式", "返乡方式"]),
    "plate": (gettext_lazy("Plate"), "车牌号", ["车牌号", "车牌", "车牌号码", "自驾车牌号"]),
    "transport_number": (
        gettext_lazy("Train or flight number"),
        "车次/航班",
        ["车次", "航班", "车次/航班", "车次航班", "车次航班号", "航班号", "车次号"],
    ),
    "route": (gettext_lazy("Route"), "途经地", ["途经地", "途经", "行程", "途经城市", "途经地区"]),
    "screening_team": (
        gettext_lazy("Screened by"),
        "排查人",
        ["排查人", "排查小组", "登记人", "摸排人", "排查人员"],
    ),
    "note": (gettext_lazy("Note"), "备注", ["备注", "说明", "其他情况"]),
    # One column for either, as Cordon's own export writes it: a plate when it reads as one.
    "plate_or_number": (
        gettext_lazy("Plate or train/flight number"),
        "车牌/车次/航班",
        ["车牌/车次/航班", "车牌号/车次/航班号", "车牌号/车次", "车牌或车次", "车牌号或车次", "车牌/车次"],
    ),
    "status": (gettext_lazy("Status"), "状态", ["状态", "当前状态", "人员状态", "目前状态"]),
}
REQUIRED = ("name", "origin_text", "arrival_date")
PERSON_KEYS = (
    "document_type",
    "document_number",
    "name",
    "sex",
    "phone",
    "phone_other",
    "address",
    "registered_address",
)
ARRIVAL_KEYS = (
    "origin_text",
    "arrival_date",
    "means",
    "plate",
    "transport_number",
    "route",
    "screening_team",
    "note",
    "status",
)

ALIASES = {normalize_header(alias): name for name, (_l, _t, aliases) in FIELDS.items() for alias in aliases}
BRACKETS = re.compile(r"[（(【\[].*?[）)】\]]")
TABLES: dict[int, dict] = {}
MEANS = {
    "car": ("自驾", "私家车", "汽车", "小汽车", "轿车", "驾车", "开车", "自家车", "car"),
    "train": ("火车", "高铁", "动车", "铁路", "train"),
    "flight": ("飞机", "航班", "航空", "flight"),
    "bus": ("大巴", "客车", "长途车", "公交", "班车", "bus"),
}
DOCUMENTS = {
    "mainland_id": ("身份证", "居民身份证", "二代身份证"),
    "passport": ("护照",),
    "hk_macau_permit": ("港澳通行证", "港澳居民来往内地通行证", "回乡证"),
    "taiwan_permit": ("台胞证", "台湾居民来往大陆通行证"),
    "none": ("无", "无证件"),
    "other": ("其他证件", "其他"),
}
# What a status column says (Cordon's export writes 在本地 / 已离开); anything else is left alone.
STATUSES = {
    "left": ("已离开", "离开", "已离", "离村", "离镇", "已外出", "外出"),
    "present": ("在本地", "在家", "在村", "在本村", "在镇"),
}
SEX = {"男": "M", "女": "F", "m": "M", "f": "F"}
TABLES.update({id(MEANS): MEANS, id(DOCUMENTS): DOCUMENTS, id(STATUSES): STATUSES})


def field_for(header: str, remembered: dict[str, str]) -> str | None:
    """The ledger field a header names: a remembered mapping first, then the names towns use
    (also without a bracketed note: "身份证号（18位）")."""
    key = normalize_header(header)
    if key in remembered:
        return remembered[key] or None
    if key in ALIASES:
        return ALIASES[key]
    bare = BRACKETS.sub("", key)
    return ALIASES.get(bare)


def is_known_header(text: str) -> bool:
    return field_for(text, {}) is not None


@dataclass
class RowProblem:
    """A rejected row's problem — or, in ``Report.notes``, what was skipped or not kept and why (a
    note about a whole sheet has no row)."""

    sheet: str
    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


@dataclass
class Report:
    """What an import did (or, in a preview, would do): every row read is counted in exactly one of
    created (a new person, or a new arrival of a known person whose stored fields did not change),
    updated (a field of a stored person or arrival changed: ``updates`` says which), unchanged
    (everything the row says was stored already — a true duplicate row of the same file included),
    rejected (nothing of it written: ``errors`` says why) and skipped (a row that is not a person:
    totals, signatures, the header again; ``notes`` says which)."""

    filename: str
    dry_run: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    skipped: int = 0
    errors: list[RowProblem] = field(default_factory=list)
    notes: list[RowProblem] = field(default_factory=list)  # skipped rows, cells not kept, years assumed
    updates: list[dict] = field(default_factory=list)  # a sample: row, name, which fields changed
    sheets: list[dict] = field(default_factory=list)  # name, mapped and unknown headers
    rejected_rows: list[tuple[str, list, list, str]] = field(
        default_factory=list
    )  # sheet, headers, values, why
    message: str = ""  # a problem with the whole file, if any
    observation_opened: int = 0  # arrivals put under observation by the rules in force
    moves_refused: int = 0  # rows refused because they put a known person in another village

    @property
    def total(self) -> int:
        """Rows read."""
        return self.created + self.updated + self.unchanged + self.rejected + self.skipped

    def summary(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "skipped": self.skipped,
            "errors": [e.as_dict() for e in self.errors],
            "notes": [n.as_dict() for n in self.notes],
        }


@dataclass
class CheckedRow:
    """A row that passed every check, normalised, with what identifies its person."""

    sheet: str
    row: int
    area_code: str
    person: dict
    arrival: dict
    present: frozenset  # the fields the row actually filled: empty cells never erase stored data
    key: tuple
    document_column: str = ""  # the file's header of the document number, for messages about it
    notes: tuple = ()  # (column, message): what the row held that was not kept
    same_trip_as: int | None = None  # an earlier row of this file with this person and arrival day
    village_column: str = ""  # the file's header of the village, for messages about it
