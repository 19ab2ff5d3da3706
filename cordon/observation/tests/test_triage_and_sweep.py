"""Triage lists (a missed check is its own state), the clerk's round, and the daily sweep."""

import json
import re
from datetime import date, timedelta

from cordon.cli import main
from cordon.observation import protocol, selectors, services_checks
from cordon.observation.models import HealthCheck
from cordon.people import services as people_services

D = date.fromisoformat
STEMS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"


def name(n: int) -> str:
    return "张" + STEMS[n]


def check(world, period, temperature, day, slot):
    services_checks.check_record(
        actor=world.clerk, period=period, temperature=temperature, day=D(day), slot=slot
    )


def lists(user, area=""):
    return {
        tab: {p.person.name for p in selectors.triage_list(user, tab, area)} for tab in selectors.TRIAGE_TABS
    }


def test_a_missed_evening_check_puts_the_person_in_not_reporting_until_they_report(
    world, clock, observed, someone
):
    clock(2020, 2, 3, 8)
    calm = observed(exposure=D("2020-02-02"), person=someone("平安"), opened_on=D("2020-02-02"))
    quiet = observed(exposure=D("2020-02-02"), person=someone("失联"), opened_on=D("2020-02-02"))
    for period in (calm, quiet):
        check(world, period, "36.5", "2020-02-02", "am")
    check(world, calm, "36.6", "2020-02-02", "pm")
    # 2020-02-03 08:00: yesterday evening's check (due by 22:00) is the latest one owed
    found = lists(world.clerk, world.sjf.code)
    assert "失联" in found["not_reporting"] and "平安" in found["reporting"]
    assert "失联" not in found["reporting"]
    # the morning deadline passes: the calm one missed it too now
    clock(2020, 2, 3, 12, 30)
    assert {"平安", "失联"} <= lists(world.clerk, world.sjf.code)["not_reporting"]
    check(world, quiet, "36.4", "2020-02-03", "am")
    assert "失联" in lists(world.clerk, world.sjf.code)["reporting"]


def test_fever_outranks_not_reporting_and_due_cuts_across(world, clock, observed, someone):
    clock(2020, 2, 3, 8)
    hot = observed(exposure=D("2020-02-02"), person=someone("发热"))
    check(world, hot, "38.0", "2020-02-03", "am")
    clock(2020, 2, 16, 9)  # two weeks on, nobody reported since: 发热 has an alert, and is due
    found = lists(world.clerk, world.sjf.code)
    assert "发热" in found["symptomatic"] and "发热" not in found["not_reporting"]
    assert "发热" in found["due"]


def test_counts_and_lists_agree_and_stay_in_the_viewers_areas(world, clock, observed, someone):
    clock(2020, 2, 3, 8)
    for n in range(3):
        observed(exposure=D("2020-02-02"), person=someone(name(n)))
    counts = selectors.triage_counts(world.clerk)
    for tab in selectors.TRIAGE_TABS:
        assert counts[tab] == selectors.triage_list(world.clerk, tab).count()
    assert counts["total"] == 4  # three new ones and 尹某某 (the world's)
    assert selectors.triage_counts(world.other_clerk)["total"] == 0
    assert selectors.triage_counts(world.neighbour)["total"] == 1  # 东某, in 南孟镇
    assert selectors.triage_counts(world.commander)["total"] == 4


def test_the_triage_page_pins_its_queries(
    world, clock, observed, someone, login, client, django_assert_num_queries
):
    clock(2020, 2, 3, 8)
    for n in range(5):
        observed(exposure=D("2020-02-02"), person=someone(name(n)))
    login(world.commander)
    client.get("/observation/?tab=not_reporting")  # warm the session
    with django_assert_num_queries(6):
        page = client.get("/observation/?tab=not_reporting")
    assert page.status_code == 200 and page.content.decode().count('class="title"') == 5
    for n in range(5, 15):
        observed(exposure=D("2020-02-02"), person=someone(name(n)))
    with django_assert_num_queries(6):
        client.get("/observation/?tab=not_reporting")


def test_the_round_lists_the_village_in_door_order_and_pins_its_queries(
    world, clock, observed, someone, login, client, django_assert_num_queries
):
    clock(2020, 2, 3, 19)
    for n in range(6):
        observed(exposure=D("2020-02-02"), person=someone(name(n)))
    login(world.clerk)
    client.get("/observation/round/")
    with django_assert_num_queries(9):
        page = client.get(f"/observation/round/?area={world.sjf.code}&slot=pm")
    body = page.content.decode()
    assert page.status_code == 200 and body.count('class="check-form"') == 7 and 'inputmode="decimal"' in body
    for n in range(6, 20):
        observed(exposure=D("2020-02-02"), person=someone(name(n)))
    with django_assert_num_queries(9):
        client.get(f"/observation/round/?area={world.sjf.code}&slot=pm")
    # only those not yet measured
    period = world.sjf.code and selectors.active_periods(world.clerk).exclude(person=world.yin).first()
    check(world, period, "36.5", "2020-02-03", "pm")
    missing = client.get(f"/observation/round/?area={world.sjf.code}&slot=pm&missing=1").content.decode()
    assert missing.count('class="check-form"') == 20 and f'id="p{period.pk}"' not in missing
    # another village's clerk cannot pick 四间房村 for a round
    login(world.other_clerk)
    assert "尹某某" not in client.get(f"/observation/round/?area={world.sjf.code}").content.decode()
    login(world.guard)
    assert client.get("/observation/round/").status_code == 403


def test_the_sweep_marks_missed_checks_once_and_lists_due_periods(world, clock, observed, someone, capsys):
    clock(2020, 2, 3, 8)
    period = observed(exposure=D("2020-02-02"), person=someone("漏报"), opened_on=D("2020-02-02"))
    check(world, period, "36.5", "2020-02-02", "am")
    clock(2020, 2, 3, 23)
    assert main(["observation", "sweep", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    missed = HealthCheck.objects.filter(period=period, status="missed")
    assert sorted((c.day.isoformat(), c.slot) for c in missed) == [
        ("2020-02-02", "pm"),
        ("2020-02-03", "am"),
        ("2020-02-03", "pm"),
    ]
    # the world's two periods (2020-01-25 – 02-08) missed checks too: the operator sweeps every town
    assert result["missed_marked"] == HealthCheck.objects.filter(status="missed").count() == 3 + 18 + 18
    assert main(["observation", "sweep", "--json"]) == 0  # safe to run twice
    assert json.loads(capsys.readouterr().out)["missed_marked"] == 0
    # a late entry replaces the missed mark
    check(world, period, "36.7", "2020-02-03", "pm")
    assert HealthCheck.objects.get(period=period, day=D("2020-02-03"), slot="pm").status == "measured"
    # due completions as of a date, with what blocks them
    clock(2020, 2, 16, 9)
    assert main(["observation", "sweep", "--date", "2020-02-16", "--json"]) == 0
    due = {d["person"]: d for d in json.loads(capsys.readouterr().out)["due"]}
    assert due["漏报"]["completable"] and not due["尹某某"]["completable"]  # an alert is open
    assert main(["observation", "sweep", "--date", "2020-02-17"]) == 2
    assert main(["observation", "sweep", "--area", world.xw.code, "--as", "other_clerk"]) == 0
    output = capsys.readouterr()
    assert "期满待解除 0 人" in output.out and "不晚于今天" in output.err


def door_order(periods):
    return [p.pk for p in sorted(periods, key=lambda p: (p.person.address, p.person.name, p.pk))]


def test_the_round_shows_fifty_doors_a_page_in_door_order_with_the_whole_villages_progress(
    world, clock, observed, someone, login, client
):
    clock(2020, 2, 3, 19)
    for n in range(55):
        person = someone("户" + STEMS[n // 22] + STEMS[n % 22])
        if n % 3 == 0:  # some with a house number, which comes after the blank ones
            people_services.household_assign(
                actor=world.clerk, person=person, address=f"四间房村西街{60 - n}号"
            )
        period = observed(exposure=D("2020-02-02"), person=person)
        if n % 4 == 0:
            check(world, period, "36.5", "2020-02-03", "pm")
    everyone = list(selectors.active_periods(world.clerk, world.sjf.code).select_related("person"))
    measured = {p.pk for p in everyone if p.last_slot == protocol.slot_key(D("2020-02-03"), "pm")}
    assert len(everyone) == 56 and len(measured) == 14  # with 尹某某, not measured this evening
    login(world.clerk)
    url = f"/observation/round/?area={world.sjf.code}&slot=pm"

    pages = [client.get(url).content.decode(), client.get(url + "&page=2").content.decode()]
    assert [page.count('class="round-row') for page in pages] == [50, 6]
    assert [int(pk) for pk in re.findall(r'id="p(\d+)"', "".join(pages))] == door_order(everyone)
    assert all('<strong id="round-done">14</strong> / 56' in page for page in pages)
    assert "第 1 页，共 2 页" in pages[0] or "Page 1 of 2" in pages[0]

    # only those not yet measured: 42 of them on one page, still in door order, the same progress
    missing = client.get(url + "&missing=1").content.decode()
    shown = [int(pk) for pk in re.findall(r'id="p(\d+)"', missing)]
    assert shown == [pk for pk in door_order(everyone) if pk not in measured] and len(shown) == 42
    assert '<strong id="round-done">14</strong> / 56' in missing and 'class="pagination"' not in missing


def test_a_triage_list_pages_through_in_its_own_order(world, clock, observed, someone, login, client):
    clock(2020, 2, 3, 8)
    for n in range(53):
        observed(
            exposure=D("2020-01-20") + timedelta(days=n % 7),
            person=someone("户" + STEMS[n // 22] + STEMS[n % 22]),
        )
    login(world.commander)
    url = "/observation/?tab=not_reporting"
    pages = [client.get(url).content.decode(), client.get(url + "&page=2").content.decode()]
    shown = [int(pk) for page in pages for pk in re.findall(r'href="/observation/periods/(\d+)/"', page)]
    expected = [p.pk for p in selectors.triage_list(world.commander, "not_reporting")]
    assert len(expected) > 50 and shown == expected
    assert [page.count('class="title"') for page in pages] == [50, len(expected) - 50]
