"""The ``cordon`` command: what operators type, its messages and exit statuses."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cordon.accounts.models import Area, User
from cordon.checkpoints.models import Checkpoint
from cordon.cli import main

CORDON = shutil.which("cordon", path=str(Path(sys.executable).parent)) or "cordon"


def test_demo_loads_the_seed_town_into_an_empty_database(seed_town):
    # ``seed_town`` is ``cordon demo`` run once into an empty database, for every test that reads it
    assert seed_town.status == 0
    out = seed_town.printed
    assert "zhihui" in out and "tangerli2020" in out
    assert Area.objects.get(code="131081103000").name == "堂二里镇"
    assert Area.objects.get(code="131081103215").name == "四间房村"
    assert Checkpoint.objects.filter(kind="village_gate").count() == 62
    assert set(Checkpoint.objects.filter(kind="inspection_station").values_list("name", flat=True)) == {
        "格达检查站",
        "北崔检查站",
    }
    roles = set(User.objects.exclude(username="system").values_list("role_assignments__role", flat=True))
    assert roles == {
        "commander",
        "command_staff",
        "village_head",
        "village_clerk",
        "checkpoint_guard",
        "health_worker",
        "field_team",
        "counsellor",
        "viewer",
    }
    clerk = User.objects.get(username="sjf_clerk")
    assert clerk.check_password("tangerli2020") and not clerk.must_change_password
    # the seed's screening figures: 51 with a Hubei travel history (25 from Wuhan), 374 from elsewhere
    from django.db.models import Count

    from cordon.people.models import Arrival

    seed = Arrival.objects.filter(arrival_date__lte="2020-02-21")
    by_category = dict(seed.values_list("category_id").annotate(n=Count("id")))
    assert by_category["wuhan"] == 25 and by_category["hubei"] == 26
    assert sum(by_category.values()) - 51 == 374 and "unresolved" not in by_category
    # "无一人发热, 目前已全部脱离观察期": every Hubei arrival observed, completed, without an alert
    from cordon.observation.models import Alert, Period

    observed = Period.objects.filter(exposure_date__lte="2020-02-21", reason="arrival")
    assert observed.count() == 51 and not observed.exclude(status="completed").exists()
    assert not Alert.objects.filter(period__in=observed).exists()
    assert observed.first().checks.filter(status="measured").count() == 28  # 14 days, morning and evening
    # and the drill: recent arrivals under observation today, one with an open fever alert
    drill = Period.objects.filter(status="active", reason="arrival")
    assert drill.count() == 8 and drill.filter(alert_open=True).count() == 1
    assert not Arrival.objects.filter(arrival_date__gt="2020-02-21").exclude(note="演练数据").exists()
    # 廊坊市第23例 of 四间房村, confirmed on 9 February as a contact of case 20; 39 close contacts taken
    # to 霸州市第二医院 that night, 38 released, 1 still in, none became a case
    from cordon.cases.models import Case, Placement

    case = Case.objects.get(authority="廊坊市", number="23")
    assert case.confirmed_on.isoformat() == "2020-02-09" and case.area_id == "131081103215"
    assert case.source_links.get().case.label == "廊坊市第20例"
    stays = Placement.objects.filter(contact__case=case, site__name="霸州市第二医院", placed_on="2020-02-09")
    assert stays.count() == 39 and stays.filter(outcome="released").count() == 38
    assert stays.filter(left_on__isnull=True).count() == 1
    assert not case.contacts.filter(contact_case__isnull=False).exists()


def test_demo_refuses_a_database_with_data_but_if_empty_is_quiet(world, capsys):
    assert main(["demo"]) == 1
    assert "只能载入空数据库" in capsys.readouterr().err
    assert main(["demo", "--if-empty"]) == 0
    assert not Area.objects.filter(name="四间房村").exclude(code="131081103215").exists()


def test_createuser_prints_a_temporary_password_once(world, capsys):
    assert (
        main(["createuser", "lisi", "--role", "village_clerk", "--area", "131081103215", "--name", "李四"])
        == 0
    )
    out = capsys.readouterr().out
    assert "临时密码" in out
    user = User.objects.get(username="lisi")
    assert user.must_change_password and user.role_assignments.get().role == "village_clerk"


def test_createuser_reads_a_password_from_stdin(world, capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("A-strong-password-1\n"))
    assert main(["createuser", "lisi", "--role", "viewer", "--area", "131081103000", "--password-stdin"]) == 0
    assert User.objects.get(username="lisi").check_password("A-strong-password-1")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["createuser", "lisi", "--role", "mayor", "--area", "131081103215"], "未知角色"),
        (["createuser", "lisi", "--role", "viewer", "--area", "131081103999"], "区域不存在"),
        (["createuser", "clerk", "--role", "viewer", "--area", "131081103215"], "已被占用"),
        (["createuser", "lisi", "--role", "commander", "--area", "131081103215"], "只能在以下级别担任"),
    ],
)
def test_createuser_refusals_exit_1_with_a_chinese_message(world, capsys, args, message):
    assert main(args) == 1
    assert message in capsys.readouterr().err
    assert not User.objects.filter(username="lisi").exists()


def test_acting_as_a_user_applies_their_roles(world, capsys):
    args = ["createuser", "lisi", "--role", "viewer", "--area", "131081103215"]
    assert main([*args, "--as", "clerk"]) == 1
    assert "无权" in capsys.readouterr().err
    assert main([*args, "--as", "commander"]) == 0
    assert main(["createuser", "x", "--role", "viewer", "--area", "131081103215", "--as", "nobody"]) == 1


def test_areas_json_lists_code_name_level_parent(world, capsys):
    assert main(["areas", "--json", "--within", "131081103000"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0] == {"code": "131081103000", "name": "堂二里镇", "level": "town", "parent": "131081000000"}
    assert {r["code"] for r in rows} == {"131081103000", "131081103215", "131081103215001", "131081103216"}


def test_areas_add_and_users_disable(world, capsys):
    assert main(["areas", "add", "131081103217", "新村"]) == 0
    assert Area.objects.get(code="131081103217").parent_id == "131081103000"
    assert main(["users", "disable", "clerk", "--reason", "调离"]) == 0
    assert not User.objects.get(username="clerk").is_active
    assert main(["users", "disable", "nobody"]) == 1
    assert main(["users", "--json"]) == 0


@pytest.mark.parametrize(
    "args", [[], ["nonsense"], ["createuser"], ["users", "disable"], ["serve", "--port", "x"]]
)
def test_bad_arguments_exit_2(args):
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2


def test_the_console_script_runs_migrate_demo_and_areas_on_a_fresh_database(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "CORDON_VAR_DIR": str(tmp_path),
    }
    run = lambda *args: subprocess.run([CORDON, *args], env=env, capture_output=True, text=True, timeout=300)  # noqa: E731,S603
    assert run("migrate").returncode == 0
    demo = run("demo")
    assert demo.returncode == 0, demo.stderr
    areas = run("areas", "--json")
    assert {
        "code": "131081103215",
        "name": "四间房村",
        "level": "village",
        "parent": "131081103000",
    } in json.loads(areas.stdout)
    bad = run("createuser", "x", "--role", "viewer", "--area", "999")
    assert bad.returncode == 1 and "区域不存在" in bad.stderr
    assert run("createuser").returncode == 2


def test_cases_chain_prints_the_chain_and_its_json(world, capsys):
    assert main(["cases", "chain", "廊坊市第99例"]) == 0
    assert "廊坊市第99例 → 乙接触" in capsys.readouterr().out
    assert main(["cases", "chain", str(world.case.pk), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["root"] == f"c{world.case.pk}" and len(data["edges"]) == 1
    # another town's commander, and a clerk, do not see it
    assert main(["cases", "chain", "廊坊市 99", "--as", "neighbour"]) == 1
    assert main(["cases", "chain", "廊坊市第99例", "--as", "clerk"]) == 1
    assert "没有此病例" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("error", "said", "not_said"),
    [
        ("OperationalError", "请先运行 `cordon migrate`", None),
        ("locked", "数据库正忙", "migrate"),
        ("IntegrityError", "数据库拒绝了这次更改（IntegrityError）", "130181"),
    ],
)
def test_a_database_error_says_its_own_cause_and_never_a_rows_value(error, said, not_said):
    from django.db import IntegrityError, OperationalError
    from django.utils import translation

    from cordon.cli import database_error_message

    exc = {
        "OperationalError": OperationalError("no such table: people_person"),
        "locked": OperationalError("database is locked"),
        "IntegrityError": IntegrityError("duplicate key value (id_number)=(130181199001011234)"),
    }[error]
    with translation.override("zh-hans"):
        message = database_error_message(exc)
    assert said in message
    assert not_said is None or not_said not in message
