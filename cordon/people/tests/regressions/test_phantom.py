from cordon.people.tests.regressions.helpers import id_number, imp, put, xlsx

HEADERS = ["序号", "姓名", "身份证号", "村街", "来源地", "到达日期"]


def test_rows_numbered_in_advance_but_otherwise_empty_are_not_rejected(world, tmp_path):
    rows = [[1, "张三", id_number("13108119850203001"), "四间房村", "湖北省武汉市", "2020-01-25"]]
    rows += [[n, None, None, None, None, None] for n in range(2, 6)]  # the rest of the pre-numbered form
    report = imp(world, put(tmp_path, xlsx(rows, HEADERS)))
    print(report.summary())
    assert report.rejected == 0
