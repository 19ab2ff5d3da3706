"""Rule defects: dates, ids, merge."""

from cordon.core.models import AuditEntry
from cordon.people import services
from cordon.people.models import Arrival, Person
from cordon.people.tests.regressions.helpers import id_number, imp, put, xlsx

HEADERS = ["姓名", "身份证号", "村街", "来源地", "到达日期"]


def test_month_day_takes_the_ledgers_year(world, tmp_path):
    rows = [
        ["张三", id_number("13108119850203001"), "四间房村", "湖北省武汉市", "2020-01-25"],
        ["李四", id_number("13108119850203011"), "四间房村", "湖北省武汉市", "2月3日"],
    ]
    report = imp(world, put(tmp_path, xlsx(rows, HEADERS)))
    print(report.summary())
    assert Arrival.objects.get(person__name="李四").arrival_date.year == 2020


def test_search_by_a_15_digit_old_number_finds_the_upgraded_person(world):
    from cordon.people.selectors import person_search

    n18 = world.yin.document_number  # 13108119800312001x
    old15 = n18[:6] + n18[8:17]
    assert services.validation.parse_id_number(old15, today=__import__("datetime").date.today()).number == n18
    assert list(person_search(world.clerk, old15)) == [world.yin]


def test_import_never_reuses_the_id_of_a_merged_away_person(world, tmp_path):
    # Two no-document records of one person; the later (highest id) is merged away.
    keep, _c = services.person_save(
        actor=world.clerk,
        area=world.sjf,
        data={"name": "马九", "document_type": "none", "address": "东街9号"},
    )
    dup, _c = services.person_save(
        actor=world.clerk,
        area=world.sjf,
        data={"name": "马九", "document_type": "none", "address": "四间房村东街9号", "phone": "13800000009"},
    )
    gone = dup.pk
    services.person_merge(actor=world.head, keep=keep, duplicate=dup, reason="同一人")
    rows = [["牛十", id_number("13108119850203021"), "四间房村", "湖北省武汉市", "2020-01-25"]]
    imp(world, put(tmp_path, xlsx(rows, HEADERS)))
    niu = Person.objects.get(name="牛十")
    history = AuditEntry.objects.filter(target_type="people.person", target_id=str(niu.pk))
    print(niu.pk, gone, list(history.values_list("action", "target_label")))
    assert niu.pk != gone, "a new person took the id of the merged-away record"
    assert not history.filter(action="person.merged_away").exists()
