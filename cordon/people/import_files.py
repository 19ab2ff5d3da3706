"""The ledger template users download: the headers Cordon reads, two example rows and a row of notes."""

from django.utils.translation import gettext as _

from cordon.core.spreadsheet_writers import Column, SheetSpec, write_xlsx
from cordon.people.import_types import FIELDS
from cordon.people.validation import id_check_character

TEMPLATE_FIELDS = (
    "name",
    "document_type",
    "document_number",
    "sex",
    "phone",
    "village",
    "address",
    "registered_address",
    "origin_text",
    "arrival_date",
    "means",
    "plate",
    "transport_number",
    "route",
    "screening_team",
    "note",
)
TEXT_FIELDS = {"document_number", "phone", "plate", "transport_number"}


def _example_id(first17: str) -> str:
    return first17 + id_check_character(first17)


def write_template(output) -> None:
    examples = [
        [
            "张三",
            "居民身份证",
            _example_id("13108119850203001"),
            "男",
            "13812345678",
            "四间房村",
            "四间房村东街8号",
            "河北省霸州市堂二里镇",
            "湖北省武汉市江汉区",
            "2020-01-21",
            "自驾",
            "冀R12345",
            "",
            "武汉—石家庄—霸州",
            "第一排查小组",
            "",
        ],
        [
            "李四",
            "居民身份证",
            _example_id("42010219900715002"),
            "女",
            "13987654321",
            "小湾村",
            "小湾村前街3号",
            "湖北省武汉市江岸区",
            "湖北省孝感市",
            "2020-01-23",
            "火车",
            "",
            "G66",
            "",
            "第二排查小组",
            "与张三同户",
        ],
    ]
    notes = [
        _("Required"),
        _("居民身份证, 护照, 港澳通行证, 台胞证 or 无"),
        _("Format this column as Text"),
        _("Read from the ID number"),
        _("11-digit mobile, or a landline with its area code"),
        _("Required when importing for the whole town"),
        "",
        "",
        _("Required: province, city, county"),
        _("Required: 2020-01-21, 2020/1/21 or 1月21日"),
        _("自驾, 火车, 飞机, 大巴 or other"),
        _("e.g. 冀R12345"),
        _("e.g. G66"),
        "",
        "",
        "",
    ]
    columns = [
        Column(FIELDS[name][1], 18 if name in TEXT_FIELDS else 12, text=name in TEXT_FIELDS)
        for name in TEMPLATE_FIELDS
    ]
    sheet = SheetSpec(
        name=_("Ledger"),
        columns=columns,
        rows=[*examples, notes],
        header_lines=[_("Ledger template: replace the two example rows with yours; delete the notes row.")],
    )
    write_xlsx(output, [sheet], properties={"title": _("Ledger template")})


def rejected_response(user, job):
    """The rejected rows of an import, as a download that says who took it and when, and is logged:
    the rows carry whole ID numbers and phones."""
    from pathlib import Path

    from django.conf import settings
    from django.http import HttpResponse
    from django.utils import timezone

    from cordon.core.access import log_access
    from cordon.core.spreadsheets import read_table

    name = (job.result or {}).get("rejected_file")
    path = Path(settings.VAR_DIR) / "jobs" / str(job.pk) / (name or "-")
    if not name or not path.exists():
        from django.http import Http404

        raise Http404(_("The file is gone."))
    table = read_table(str(path), filename=path.name, known_headers=lambda text: True)
    line = _("Rejected rows of %(file)s, downloaded by %(who)s at %(when)s") % {
        "file": job.params.get("filename", ""),
        "who": user.display_name,
        "when": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    }
    sheets = [
        SheetSpec(name=sheet.name, header_lines=[line],
                  columns=[Column(h.text, 16, text=True) for h in sheet.headers[:-1]]
                  + [Column(sheet.headers[-1].text, 50, error=True)],
                  rows=(values for _row, values in sheet.rows()))
        for sheet in table.sheets
    ]  # fmt: skip
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    counts = write_xlsx(
        response, sheets, properties={"title": line, "author": user.display_name, "comments": line}
    )
    log_access(
        actor=user,
        kind="export",
        target=job,
        area=job.area_id,
        detail={"rows": sum(counts), "file": "rejected rows", "import": job.pk},
    )
    response["Content-Disposition"] = 'attachment; filename="rejected-rows.xlsx"'
    return response
