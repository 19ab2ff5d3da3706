"""Importer data-loss defects."""

from cordon.people.models import Arrival, Person
from cordon.people.tests.regressions.helpers import id_number, imp, put, xlsx


def test_two_headers_for_one_field_the_filled_one_wins(world, tmp_path):
    # Towns' ledgers often carry both 身份证号 and 证件号码 (or 手机号 and 联系电话); the second is empty.
    headers = ["姓名", "身份证号", "手机号", "村街", "来源地", "到达日期", "证件号码", "联系电话"]
    number = id_number("13108119850203001")
    rows = [["张三", number, "13812345601", "四间房村", "湖北省武汉市", "2020-01-25", "", ""]]
    report = imp(world, put(tmp_path, xlsx(rows, headers)))
    print(report.summary(), report.sheets)
    assert report.created == 1
    zhang = Person.objects.get(name="张三")
    # The ID number and phone the clerk typed are gone: stored as a person with no document.
    assert zhang.document_number == number, (zhang.document_type, zhang.document_number, zhang.phone)


def test_no_document_no_phone_people_are_not_duplicated_by_importing_twice(world, tmp_path):
    headers = ["姓名", "村街", "来源地", "到达日期"]
    rows = [["王小二", "四间房村", "湖北省武汉市", "2020-01-25"]]
    path = put(tmp_path, xlsx(rows, headers))
    imp(world, path)
    again = imp(world, path)
    print(again.summary())
    assert Person.objects.filter(name="王小二").count() == 1
    assert again.created == 0


def test_no_document_person_with_edited_phone_is_updated(world, tmp_path):
    headers = ["姓名", "手机号", "现住址", "村街", "来源地", "到达日期"]
    first = [["赵六", "13812345601", "四间房村西街2号", "四间房村", "湖北省武汉市", "2020-01-25"]]
    imp(world, put(tmp_path, xlsx(first, headers), "a.xlsx"))
    edited = [["赵六", "13999999999", "四间房村西街2号", "四间房村", "湖北省武汉市", "2020-01-25"]]
    report = imp(world, put(tmp_path, xlsx(edited, headers), "b.xlsx"))
    print(report.summary())
    # A re-sent ledger with a changed phone should update the person, not create a second one.
    assert Person.objects.filter(name="赵六").count() == 1
    assert report.updated == 1


def test_rows_with_no_ledger_category_are_rejected_and_store_nothing(world, tmp_path):
    import datetime as dt

    from cordon.people import services_ledger
    from cordon.people.models import RiskCategory

    outside = RiskCategory.objects.get(code="outside")
    services_ledger.category_update(
        actor=world.commander,
        category=outside,
        name=outside.name,
        priority=50,
        origins="*",
        valid_from=None,
        valid_to=dt.date(2020, 1, 31),
    )
    headers = ["姓名", "身份证号", "村街", "来源地", "到达日期"]
    rows = [["钱七", id_number("13108119850203011"), "四间房村", "北京市朝阳区", "2020-02-05"]]
    report = imp(world, put(tmp_path, xlsx(rows, headers)))
    print(report.summary())
    assert report.rejected == 1 and report.created == 0
    # "No row is ever half-written": the rejected row's person must not be stored.
    assert not Person.objects.filter(name="钱七").exists()


def test_rejected_row_does_not_apply_the_person_update(world, tmp_path):
    import datetime as dt

    from cordon.people import services_ledger
    from cordon.people.models import RiskCategory

    outside = RiskCategory.objects.get(code="outside")
    services_ledger.category_update(
        actor=world.commander,
        category=outside,
        name=outside.name,
        priority=50,
        origins="*",
        valid_from=None,
        valid_to=dt.date(2020, 1, 31),
    )
    headers = ["姓名", "身份证号", "手机号", "村街", "来源地", "到达日期"]
    rows = [["尹某某", world.yin.document_number, "13900000000", "四间房村", "北京市朝阳区", "2020-02-05"]]
    report = imp(world, put(tmp_path, xlsx(rows, headers)))
    print(report.summary())
    assert report.rejected == 1
    world.yin.refresh_from_db()
    assert world.yin.phone == "13812345678"


def test_a_name_change_by_import_is_refused_and_the_stored_name_and_pinyin_kept(world, tmp_path):
    # Issue 15: a known number under another name is a conflict, never a rename.
    headers = ["姓名", "身份证号", "村街", "来源地", "到达日期"]
    rows = [["张三", id_number("13108119850203001"), "四间房村", "湖北省武汉市", "2020-01-25"]]
    imp(world, put(tmp_path, xlsx(rows, headers), "a.xlsx"))
    rows[0][0] = "李四"
    report = imp(world, put(tmp_path, xlsx(rows, headers), "b.xlsx"))
    assert (report.updated, report.rejected) == (0, 1)
    p = Person.objects.get(document_number=rows[0][1])
    assert (p.name, p.name_pinyin, p.name_initials) == ("张三", "zhangsan", "zs")


def test_reimporting_an_old_ledger_after_a_rule_change_keeps_its_arrivals(world, tmp_path):
    from cordon.people import services_ledger
    from cordon.people.models import RiskCategory

    headers = ["姓名", "身份证号", "村街", "来源地", "到达日期"]
    rows = [["孙八", id_number("13108119850203021"), "四间房村", "湖北省孝感市", "2020-01-25"]]
    path = put(tmp_path, xlsx(rows, headers))
    imp(world, path)
    assert Arrival.objects.get(person__name="孙八").category_id == "hubei"
    # The commander narrows 湖北其他 (the page promises filed arrivals keep their category).
    hubei = RiskCategory.objects.get(code="hubei")
    services_ledger.category_update(
        actor=world.commander,
        category=hubei,
        name=hubei.name,
        priority=20,
        origins="4202",
        valid_from=None,
        valid_to=None,
    )
    again = imp(world, path)  # the very same file
    print(again.summary(), again.updates)
    assert again.unchanged == 1
    assert Arrival.objects.get(person__name="孙八").category_id == "hubei"
