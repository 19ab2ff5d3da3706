"""Closing alerts with an outcome, completing periods (one by one and 今日期满), the release notice."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cordon.core.models import AccessLog, AuditEntry
from cordon.observation import services, services_checks, services_protocol
from cordon.observation.models import Alert, HealthCheck, Period, ProtocolEdition

D = date.fromisoformat


def fever(world, period, value="38.2"):
    services_checks.check_record(actor=world.clerk, period=period, temperature=value)
    return Alert.objects.get(period=period, closed_at__isnull=True)


def test_re_measured_normal_closes_the_alert_with_the_new_temperature_recorded(world, clock, observed):
    clock(2020, 2, 3, 8)
    period = observed(exposure=D("2020-02-02"))
    alert = fever(world, period)
    with pytest.raises(ValidationError) as caught:
        services_checks.alert_close(
            actor=world.clerk, alert=alert, outcome="remeasured_normal", temperature="37.6"
        )
    assert "发热门诊" in str(caught.value)
    services_checks.alert_close(
        actor=world.clerk, alert=alert, outcome="remeasured_normal", temperature="36.8"
    )
    alert.refresh_from_db()
    period.refresh_from_db()
    assert alert.outcome == "remeasured_normal" and alert.closed_by == world.clerk and not period.alert_open
    extra = HealthCheck.objects.get(period=period, slot="extra")
    assert extra.temperature == Decimal("36.8")
    assert AuditEntry.objects.filter(action="observation.alert_close", target_id=str(period.pk)).exists()


def test_a_referral_says_where_and_when(world, clock, observed):
    clock(2020, 2, 3, 8)
    alert = fever(world, observed(exposure=D("2020-02-02")))
    with pytest.raises(ValidationError) as caught:
        services_checks.alert_close(actor=world.clerk, alert=alert, outcome="referred")
    assert set(caught.value.message_dict) == {"clinic", "referred_at"}
    with pytest.raises(ValidationError):
        services_checks.alert_close(
            actor=world.clerk,
            alert=alert,
            outcome="referred",
            clinic="霸州市第二医院",
            referred_at=timezone.now() + timezone.timedelta(hours=2),
        )
    services_checks.alert_close(
        actor=world.clerk,
        alert=alert,
        outcome="referred",
        clinic="霸州市第二医院发热门诊",
        referred_at=timezone.now(),
    )
    assert Alert.objects.get(pk=alert.pk).clinic == "霸州市第二医院发热门诊"


def test_only_a_health_worker_or_the_command_centre_records_a_suspected_case(world, clock, observed):
    clock(2020, 2, 3, 8)
    alert = fever(world, observed(exposure=D("2020-02-02")))
    with pytest.raises(ValidationError):
        services_checks.alert_close(actor=world.clerk, alert=alert, outcome="suspected_case")
    services_checks.alert_close(actor=world.health, alert=alert, outcome="suspected_case", note="转定点医院")
    assert Alert.objects.get(pk=alert.pk).outcome == "suspected_case"


def test_an_alert_closed_meanwhile_is_not_closed_twice(world, clock, observed):
    clock(2020, 2, 3, 8)
    alert = fever(world, observed(exposure=D("2020-02-02")))
    services_checks.alert_close(
        actor=world.clerk, alert=alert, outcome="remeasured_normal", temperature="36.6"
    )
    with pytest.raises(ValidationError) as caught:
        services_checks.alert_close(
            actor=world.head, alert=alert, outcome="remeasured_normal", temperature="36.6"
        )
    assert "已于" in str(caught.value)


def test_other_villages_and_other_roles_cannot_close_an_alert(world, clock, observed, api_client):
    clock(2020, 2, 3, 8)
    alert = fever(world, observed(exposure=D("2020-02-02")))
    with pytest.raises(PermissionDenied):
        services_checks.alert_close(
            actor=world.guard, alert=alert, outcome="remeasured_normal", temperature="36.6"
        )
    body = {"outcome": "remeasured_normal", "temperature": "36.6"}
    response = api_client(world.other_clerk).post(
        f"/api/v1/observation/alerts/{alert.pk}/close", body, content_type="application/json"
    )
    assert response.status_code == 404
    response = api_client(world.clerk).post(
        f"/api/v1/observation/alerts/{alert.pk}/close", body, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["outcome"] == "remeasured_normal"


def test_a_period_completes_on_its_planned_end_and_never_while_an_alert_is_open(world, clock, observed):
    clock(2020, 2, 3, 8)
    period = observed(exposure=D("2020-02-01"))  # ends 2020-02-15
    alert = fever(world, period)
    clock(2020, 2, 14, 9)
    with pytest.raises(ValidationError) as caught:
        services.period_complete(actor=world.clerk, period=period)
    assert "2020-02-15" in str(caught.value)
    clock(2020, 2, 15, 9)
    with pytest.raises(ValidationError) as caught:
        services.period_complete(actor=world.clerk, period=period)
    assert "预警" in str(caught.value)
    # nothing completes it by itself: the sweep only lists it
    from cordon.observation.sweep import sweep

    sweep(actor=world.operator)
    assert Period.objects.get(pk=period.pk).status == "active"
    services_checks.alert_close(
        actor=world.clerk, alert=alert, outcome="remeasured_normal", temperature="36.5"
    )
    services.period_complete(actor=world.clerk, period=period)
    period.refresh_from_db()
    assert (period.status, period.outcome, period.actual_end) == ("completed", "completed", D("2020-02-15"))
    with pytest.raises(ValidationError):
        services.period_complete(actor=world.clerk, period=period)  # a second time


def test_missing_tests_block_completion_unless_a_health_worker_waives_them(world, clock, someone):
    clock(2021, 6, 1)
    services_protocol.protocol_choice_save(
        actor=world.commander, area=world.town, edition=ProtocolEdition.objects.get(code="v8"), overrides={}
    )
    period = services.period_open(
        actor=world.clerk, person=someone(), reason="secondary_contact", exposure_date=D("2021-06-01")
    )
    assert period.planned_end == D("2021-06-08") and period.mode == "centralised"
    services_checks.lab_test_record(actor=world.clerk, period=period, sample_date=D("2021-06-01"))
    clock(2021, 6, 2)
    services_checks.lab_test_record(
        actor=world.clerk,
        period=period,
        sample_date=D("2021-06-02"),
        result="negative",
        result_date=D("2021-06-02"),
    )
    clock(2021, 6, 8, 10)
    blockers = services.completion_blockers(period, today=D("2021-06-08"))
    assert any("结果未出" in b for b in blockers) and any("06-05" in b and "06-08" in b for b in blockers)
    pending = period.tests.get(result="pending")
    services_checks.lab_test_set_result(actor=world.clerk, test=pending, result="negative")
    with pytest.raises(ValidationError):
        services.period_complete(actor=world.clerk, period=period)  # D4 and D7 are still missing
    with pytest.raises(PermissionDenied):
        services.period_waive_tests(actor=world.clerk, period=period, reason="检测点停电")
    services.period_waive_tests(actor=world.health, period=period, reason="检测点停电，经评估无风险")
    services.period_complete(actor=world.clerk, period=period)
    assert Period.objects.get(pk=period.pk).status == "completed"


def test_a_positive_test_opens_an_alert_that_a_temperature_cannot_close(world, clock, observed):
    clock(2020, 2, 5)
    period = observed(exposure=D("2020-02-02"))
    test = services_checks.lab_test_record(actor=world.health, period=period, sample_date=D("2020-02-04"))
    services_checks.lab_test_set_result(actor=world.health, test=test, result="positive")
    alert = Alert.objects.get(period=period, closed_at__isnull=True)
    assert alert.kind == "positive_test" and alert.lab_test == test
    with pytest.raises(ValidationError):
        services_checks.alert_close(
            actor=world.health, alert=alert, outcome="remeasured_normal", temperature="36.5"
        )


def test_a_positive_result_entered_days_later_opens_its_alert_on_the_result_date(world, clock, observed):
    clock(2020, 2, 5)
    period = observed(exposure=D("2020-02-02"))
    test = services_checks.lab_test_record(actor=world.health, period=period, sample_date=D("2020-02-04"))
    clock(2020, 2, 9, 15)  # the lab's list of the 6th is typed in on the 9th
    services_checks.lab_test_set_result(
        actor=world.health, test=test, result="positive", result_date=D("2020-02-06")
    )
    alert = Alert.objects.get(period=period, closed_at__isnull=True)
    assert timezone.localtime(alert.opened_at).date() == D("2020-02-06")
    # A result of today is known now.
    other = observed(exposure=D("2020-02-03"), person=None)
    today = services_checks.lab_test_record(
        actor=world.health,
        period=other,
        sample_date=D("2020-02-08"),
        result="positive",
        result_date=D("2020-02-09"),
    )
    assert timezone.localtime(Alert.objects.get(lab_test=today).opened_at) == timezone.localtime()


def test_the_village_clerk_completes_todays_periods_in_one_go(world, clock, observed, someone, login, client):
    clock(2020, 2, 1)
    ready = observed(exposure=D("2020-02-01"), person=someone("期满甲"))
    blocked = observed(exposure=D("2020-02-01"), person=someone("期满乙"))
    fever(world, blocked)
    clock(2020, 2, 15, 10)
    login(world.clerk)
    page = client.get("/observation/?tab=due").content.decode()
    assert "期满甲" in page and "期满乙" in page and 'name="period"' in page
    response = client.post(
        "/observation/complete/", {"period": [ready.pk, blocked.pk, world.east_period.pk]}, follow=True
    )
    text = response.content.decode()
    assert "已解除医学观察 1 人" in text and "期满乙 未解除" in text
    assert Period.objects.get(pk=ready.pk).status == "completed"
    assert Period.objects.get(pk=blocked.pk).status == "active"
    assert Period.objects.get(pk=world.east_period.pk).status == "active"  # another town's: untouched
    assert AuditEntry.objects.filter(action="observation.complete").count() == 1


def test_the_release_notice_prints_for_a_completed_period_and_logs_the_full_number(
    world, clock, observed, login, client
):
    clock(2020, 2, 1)
    period = observed(exposure=D("2020-02-01"))
    login(world.clerk)
    assert client.get(f"/observation/periods/{period.pk}/notice/").status_code == 302
    clock(2020, 2, 15, 10)
    services.period_complete(actor=world.clerk, period=period)
    login(world.clerk)  # a new shift
    page = client.get(f"/observation/periods/{period.pk}/notice/").content.decode()
    assert "解除医学观察告知书" in page and "2020年2月1日" in page and "2020年2月15日" in page
    assert period.person.document_number in page and "堂二里镇" in page
    assert AccessLog.objects.filter(actor=world.clerk, target_id=str(period.person.pk)).exists()
    login(world.viewer)
    masked = client.get(f"/observation/periods/{period.pk}/notice/").content.decode()
    assert period.person.document_number not in masked and "********" in masked


def test_ending_early_says_why_and_where_to(world, clock, observed):
    clock(2020, 2, 3)
    period = observed(exposure=D("2020-02-02"))
    with pytest.raises(ValidationError):
        services.period_close(actor=world.head, period=period, outcome="left_area")
    with pytest.raises(PermissionDenied):
        services.period_close(actor=world.clerk, period=period, outcome="left_area", note="去北京")
    services.period_close(actor=world.head, period=period, outcome="left_area", note="返回北京，已通报朝阳区")
    period.refresh_from_db()
    assert (period.status, period.outcome, period.actual_end) == ("closed", "left_area", D("2020-02-03"))


def test_extending_shortening_and_transferring_keep_the_record(world, clock, observed):
    clock(2020, 2, 3)
    period = observed(exposure=D("2020-02-02"))  # ends 02-16
    services.period_set_end(
        actor=world.health, period=period, planned_end=D("2020-02-23"), reason="同住者确诊"
    )
    with pytest.raises(ValidationError):
        services.period_set_end(actor=world.health, period=period, planned_end=D("2020-02-01"), reason="错")
    services.period_transfer(
        actor=world.head, period=period, mode="home", reason="集中点满员", place="东街1号"
    )
    period.refresh_from_db()
    assert (period.planned_end, period.mode, period.place) == (D("2020-02-23"), "home", "东街1号")
    assert period.plan["transfers"][0]["to"] == "home"
    actions = set(AuditEntry.objects.filter(target_id=str(period.pk)).values_list("action", flat=True))
    assert {"observation.extend", "observation.transfer"} <= actions
    services.period_set_end(actor=world.health, period=period, planned_end=D("2020-02-10"), reason="按新规定")
    assert AuditEntry.objects.filter(action="observation.shorten", target_id=str(period.pk)).exists()
