"""Reader defects: rows vanishing before the importer sees them."""

from cordon.people.tests.regressions.helpers import id_number, imp, put, xlsx


def test_csv_first_data_row_with_id_card_kind_is_not_a_sub_header(world, tmp_path):
    # Every CSV cell is text; 证件类型 = "身份证" is also a header name (of the number column).
    text = (
        "姓名,证件类型,证件号码,村街,来源地,到达日期\n"
        f"张三,身份证,{id_number('13108119850203001')},四间房村,湖北省武汉市,2020-01-25\n"
        f"李四,身份证,{id_number('13108119850203011')},四间房村,湖北省武汉市,2020-01-26\n"
    )
    report = imp(world, put(tmp_path, text.encode("utf-8"), "台账.csv"))
    print(report.summary(), report.sheets)
    assert report.total == 2
    assert report.created == 2


def test_text_formatted_xlsx_first_row_with_id_card_kind_is_kept(world, tmp_path):
    # Clerks format the whole sheet as Text to keep ID numbers: every cell is a string.
    headers = ["姓名", "证件类型", "证件号码", "村街", "来源地", "到达日期"]
    rows = [
        ["张三", "身份证", id_number("13108119850203001"), "四间房村", "湖北省武汉市", "2020-01-25"],
        ["李四", "身份证", id_number("13108119850203011"), "四间房村", "湖北省武汉市", "2020-01-26"],
    ]
    report = imp(world, put(tmp_path, xlsx(rows, headers)))
    print(report.summary(), report.sheets)
    assert report.total == 2
