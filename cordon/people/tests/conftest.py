import io

import pytest

from cordon.core.spreadsheet_writers import Column, SheetSpec, write_xlsx
from cordon.people.testing import id_number

HEADERS = ["姓名", "身份证号", "手机号", "村街", "现住址", "来源地", "返乡日期", "交通方式", "车牌号"]


def ledger_xlsx(rows, headers=HEADERS, title="堂二里镇外来人员台账（截至2月21日）") -> bytes:
    """An .xlsx the way towns send them: a title line, a header row, then the rows."""
    buffer = io.BytesIO()
    write_xlsx(
        buffer,
        [
            SheetSpec(
                "台账", [Column(h, text=True) for h in headers], rows, header_lines=[title] if title else []
            )
        ],
        properties={},
    )
    return buffer.getvalue()


def row(
    name,
    id17=None,
    phone="",
    village="四间房村",
    address="",
    origin="湖北省武汉市江汉区",
    day="2020-01-25",
    means="自驾",
    plate="",
):
    return [name, id_number(id17) if id17 else "", phone, village, address, origin, day, means, plate]


@pytest.fixture
def ledger_file(tmp_path):
    def _make(rows, name="台账.xlsx", **kw):
        path = tmp_path / name
        path.write_bytes(ledger_xlsx(rows, **kw))
        return path

    return _make
