from cordon.people.models import Arrival
from cordon.people.tests.regressions.helpers import id_number, imp, put, xlsx

HEADERS = ["姓名", "身份证号", "村街", "来源地", "到达日期"]


def test_december_in_a_january_2020_ledger_is_2019_not_2020(world, tmp_path):
    rows = [
        ["张三", id_number("13108119850203001"), "四间房村", "湖北省武汉市", "2020-01-25"],
        ["王五", id_number("13108119850203021"), "四间房村", "湖北省武汉市", "2020-01-20"],
        ["李四", id_number("13108119850203011"), "四间房村", "湖北省武汉市", "12月28日"],
    ]
    report = imp(world, put(tmp_path, xlsx(rows, HEADERS)))
    print(report.summary())
    assert str(Arrival.objects.get(person__name="李四").arrival_date) == "2019-12-28"


def test_a_broken_csv_row_late_in_the_file_keeps_the_rows_before_it(world, tmp_path):
    good = "".join(
        f"人{'甲乙丙丁戊'[i - 1]},{id_number('1310811985020' + str(1000 + i))},四间房村,湖北省武汉市,2020-01-25\n"
        for i in range(1, 6)
    )
    huge = "x" * 200_000
    text = "姓名,身份证号,村街,来源地,到达日期\n" + good + f'坏,"{huge}",四间房村,湖北省武汉市,2020-01-25\n'
    report = imp(world, put(tmp_path, text.encode(), "a.csv"))
    print(report.summary(), report.message)
    assert report.created == 5


def test_a_ledger_of_only_year_less_dates_says_which_year_it_used(world, tmp_path):
    rows = [
        ["张三", id_number("13108119850203001"), "四间房村", "湖北省武汉市", "1月23日"],
        ["李四", id_number("13108119850203011"), "四间房村", "湖北省武汉市", "2月3日"],
    ]
    report = imp(world, put(tmp_path, xlsx(rows, HEADERS)), dry_run=True)
    print(report.summary(), report.sheets)
    # Either the year is known (2020: file metadata, a title, the user) or the preview asks; never a silent 2026.
    assert report.errors or any("year" in str(s) or "年" in str(s) for s in report.sheets)
