"""The town's rules (edition and local values) and re-planning the periods already open."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cordon.core.models import AuditEntry
from cordon.observation import selectors, services, services_protocol
from cordon.observation.models import Period, ProtocolChoice, ProtocolEdition

D = date.fromisoformat


def choose(world, code, overrides=None, area=None):
    return services_protocol.protocol_choice_save(
        actor=world.commander,
        area=area or world.town,
        edition=ProtocolEdition.objects.get(code=code),
        overrides=overrides or {},
    )


def test_a_commander_overrides_values_and_the_audit_says_what_changed(world):
    choose(
        world,
        "v3-4",
        {"fever_threshold": "37.2", "plans": {"contact": [{"mode": "home", "days": 21, "tests": []}]}},
    )
    in_force = selectors.rules_in_force(world.sjf.code)
    assert str(in_force.rules.fever_threshold) == "37.2" and in_force.rules.plan_for("contact")[0].days == 21
    assert in_force.choice.overrides == {
        "fever_threshold": "37.2",
        "plans": {"contact": [{"mode": "home", "days": 21, "tests": []}]},
    }
    entry = AuditEntry.objects.get(action="observation.protocol", area=world.town)
    assert entry.changes["fever_threshold"] == ["37.3", "37.2"] and entry.actor == world.commander
    # other towns keep theirs: 南孟镇 its own 37.2, a town without a choice the default edition
    assert selectors.rules_in_force("131081105201").edition.is_default


@pytest.mark.parametrize("actor", ["clerk", "head", "health", "staff", "neighbour", "viewer"])
def test_only_the_towns_commander_sets_its_rules(world, actor):
    with pytest.raises(PermissionDenied):
        services_protocol.protocol_choice_save(
            actor=getattr(world, actor),
            area=world.town,
            edition=ProtocolEdition.objects.get(code="v9"),
            overrides={},
        )


def test_bad_local_values_are_refused_with_messages(world):
    with pytest.raises(ValidationError) as caught:
        choose(world, "v3-4", {"fever_threshold": "45", "checks_per_day": 5})
    assert {"fever_threshold", "checks_per_day"} <= set(caught.value.message_dict)
    with pytest.raises(ValidationError):
        choose(world, "v3-4", area=world.sjf)  # rules are a town's or a county's
    assert not ProtocolChoice.objects.filter(area=world.town).exists()


def test_changing_the_rules_never_moves_an_open_periods_dates_until_it_is_re_planned(world, clock, observed):
    clock(2020, 2, 3)
    period = observed(exposure=D("2020-02-02"))
    assert period.planned_end == D("2020-02-16")
    choose(world, "v3-4", {"plans": {"contact": [{"mode": "centralised", "days": 21, "tests": []}]}})
    period.refresh_from_db()
    assert period.planned_end == D("2020-02-16") and period.rules["plans"]["contact"][0]["days"] == 14
    preview = services.replan_preview(period)
    assert (preview.old_end, preview.new_end) == (D("2020-02-16"), D("2020-02-23"))
    with pytest.raises(ValidationError):
        services.period_replan(actor=world.head, period=period, reason="")
    services.period_replan(actor=world.head, period=period, reason="执行本地21天规定")
    period.refresh_from_db()
    assert period.planned_end == D("2020-02-23") and period.plan["replanned_from"]["end"] == "2020-02-16"
    entry = AuditEntry.objects.get(action="observation.replan", target_id=str(period.pk))
    assert entry.changes["planned_end"] == ["2020-02-16", "2020-02-23"]


def test_a_re_plan_refuses_when_the_rules_changed_after_the_preview(world, clock, observed):
    clock(2020, 2, 3)
    period = observed(exposure=D("2020-02-02"))
    seen = selectors.rules_in_force(period.area_id).rules.to_json()
    choose(world, "v5-6")
    with pytest.raises(ValidationError) as caught:
        services.period_replan(actor=world.head, period=period, reason="x", expected_rules=seen)
    assert "规则已变更" in str(caught.value)
    assert Period.objects.get(pk=period.pk).edition_id == "v3-4"


def test_the_protocol_page_shows_the_editions_and_saves_local_values(world, login, client):
    login(world.commander)
    page = client.get("/observation/protocol/").content.decode()
    for name in ("第三、四版防控方案", "第八版防控方案", "二十条优化措施"):
        assert name in page
    form = {
        "edition": "v3-4",
        "fever_threshold": "37.2",
        "checks_per_day": "2",
        "day_zero": "0",
        "lookback_days": "0",
        "symptoms": "发热、干咳、乏力",
        "arrival_categories": ["wuhan", "hubei"],
        "contact_1_mode": "centralised",
        "contact_1_days": "14",
        "contact_1_tests": "",
        "arrival_1_mode": "home",
        "arrival_1_days": "21",
        "arrival_1_tests": "",
        "fever_1_mode": "home",
        "fever_1_days": "14",
        "manual_1_mode": "home",
        "manual_1_days": "14",
    }
    response = client.post("/observation/protocol/", form)
    assert response.status_code == 302
    rules = selectors.rules_in_force(world.sjf.code).rules
    assert str(rules.fever_threshold) == "37.2" and rules.symptoms == ("发热", "干咳", "乏力")
    assert rules.plan_for("arrival")[0].days == 21
    # a wrong value: the form says where
    bad = client.post("/observation/protocol/", {**form, "contact_1_tests": "1,x"})
    assert bad.status_code == 200 and "逗号" in bad.content.decode()
    # choosing another edition clears the local values
    client.post("/observation/protocol/", {**form, "edition": "v9"})
    in_force = selectors.rules_in_force(world.sjf.code)
    assert in_force.edition.code == "v9" and in_force.choice.overrides == {}
    # a clerk reads the editions but has no form, and cannot post one
    login(world.clerk)
    assert "保存规则" not in client.get("/observation/protocol/").content.decode()
    assert client.post("/observation/protocol/", form).status_code == 403


def test_the_replan_page_shows_old_and_new_dates_then_applies_them(world, clock, observed, login, client):
    clock(2020, 2, 3)
    period = observed(exposure=D("2020-02-02"))
    choose(world, "v3-4", {"plans": {"contact": [{"mode": "centralised", "days": 21, "tests": []}]}})
    login(world.health)
    page = client.get(f"/observation/replan/?area={world.town.code}")
    body = page.content.decode()
    assert "2020-02-16" in body and "2020-02-23" in body
    token = page.context["token"]
    choose(world, "v3-4", {"plans": {"contact": [{"mode": "centralised", "days": 28, "tests": []}]}})
    stale = client.post(
        "/observation/replan/", {"area": world.town.code, "rules": token, "reason": "x"}, follow=True
    )
    assert "规则已变更" in stale.content.decode() and Period.objects.get(pk=period.pk).planned_end == D(
        "2020-02-16"
    )
    fresh = client.get(f"/observation/replan/?area={world.town.code}").context["token"]
    client.post("/observation/replan/", {"area": world.town.code, "rules": fresh, "reason": "本地延长至28天"})
    assert Period.objects.get(pk=period.pk).planned_end == D("2020-03-01")
    login(world.clerk)
    assert client.get("/observation/replan/").status_code == 403


def test_the_api_reads_and_sets_the_protocol(world, api_client):
    commander = api_client(world.commander)
    editions = commander.get("/api/v1/observation/editions").json()
    assert [e["code"] for e in editions][:2] == ["v3-4", "v5-6"]
    response = commander.put(
        "/api/v1/observation/protocol",
        {"area": world.town.code, "edition": "v8", "overrides": {"fever_threshold": "37.2"}},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["rules"]["fever_threshold"] == "37.2"
    read = api_client(world.clerk).get(f"/api/v1/observation/protocol?area={world.sjf.code}").json()
    assert read["edition"] == "v8" and read["set_at"] == world.town.code
    assert (
        api_client(world.clerk).get(f"/api/v1/observation/protocol?area={world.xw.code}").status_code == 422
    )
    body = {"area": world.town.code, "edition": "v9", "overrides": {}}
    clerk = api_client(world.clerk).put("/api/v1/observation/protocol", body, content_type="application/json")
    assert clerk.status_code == 422 and clerk.json()["errors"][0]["field"] == "area"  # not her area
    staff = api_client(world.staff).put("/api/v1/observation/protocol", body, content_type="application/json")
    assert staff.status_code == 403
    assert selectors.rules_in_force(world.sjf.code).edition.code == "v8"
