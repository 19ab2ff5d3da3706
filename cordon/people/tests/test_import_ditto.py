"""同上 (ditto) cells in a ledger: the value of the row above, with a note saying so; never in the name
or ID number column, and never with nothing above — those rows are refused, saying why."""

import datetime

from cordon.people.models import Arrival, Person
from cordon.people.tests.conftest import row
from cordon.people.tests.test_import_town_ledgers import counts, importing


def test_a_ditto_cell_takes_the_value_above_with_a_note(world, ledger_file):
    report = importing(
        world,
        ledger_file(
            [
                row("张大山", "13108119700101011", address="四间房村东街8号", origin="湖北省武汉市江汉区"),
                row("王秀英", "13108119720202022", address="同上", origin="同上", day="同上"),
                row("张小山", "13108120100303033", address="同上", origin="〃", day="同上", means="同上"),
            ]
        ),
        area=world.sjf,
        today=datetime.date(2020, 2, 21),
    )
    assert counts(report) == {"created": 3, "updated": 0, "unchanged": 0, "rejected": 0, "skipped": 0}, (
        report.errors
    )
    family = Person.objects.filter(name__in=["张大山", "王秀英", "张小山"])
    assert set(family.values_list("address", flat=True)) == {"四间房村东街8号"}
    arrivals = Arrival.objects.filter(person__in=family)
    assert set(arrivals.values_list("origin_text", "arrival_date", "means")) == {
        ("湖北省武汉市江汉区", datetime.date(2020, 1, 25), "car")
    }
    noted = [n for n in report.notes if "同上" in n.message or "〃" in n.message]
    assert {(n.row, n.column) for n in noted} >= {(4, "现住址"), (4, "来源地"), (5, "交通方式")}
    assert all("四间房村东街8号" in n.message for n in noted if n.column == "现住址")


def test_a_ditto_in_the_id_column_or_with_nothing_above_is_refused(world, ledger_file):
    report = importing(
        world,
        ledger_file(
            [
                row("张大山", "13108119700101011", address="同上"),
                row("王秀英", None, address="四间房村东街8号"),
            ]
        ),
        area=world.sjf,
        today=datetime.date(2020, 2, 21),
    )
    assert report.rejected == 1 and report.created == 1
    assert not Person.objects.filter(name="张大山").exists()
    bad_id = row("李四", None)
    bad_id[1] = "同上"
    report = importing(
        world,
        ledger_file([row("赵五", "13108119800808052"), bad_id], name="二.xlsx"),
        area=world.sjf,
        today=datetime.date(2020, 2, 21),
    )
    assert report.rejected == 1
    assert not Person.objects.filter(name="李四").exists()
    assert not Person.objects.filter(name="同上").exists()
