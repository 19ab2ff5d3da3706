"""The seed town end to end: the demo loads 堂二里镇 through the services, and its daily report for
2020-02-21 states the seed's figures exactly — "截至2月21日，摸排出湖北旅居史人员51人（武汉25人），
无一人发热，目前已全部脱离观察期，非湖北地区外来人员374人……排查小组46个，卡点62个……1000余人"."""

import datetime as dt

import pytest

from cordon.accounts.models import Area, User
from cordon.reports import services
from cordon.reports.figures import end_of_day, value

FEB21 = dt.date(2020, 2, 21)


@pytest.fixture
def seed(seed_town):
    return Area.objects.get(name="堂二里镇"), User.objects.get(username="zhihui")


def test_the_report_for_21_february_states_the_seeds_figures(seed):
    town, commander = seed
    report = services.report_for(viewer=commander, area=town, day=FEB21, as_of=end_of_day(FEB21))
    f = report.figures
    assert value(f, "screening.hubei") == 51 and value(f, "screening.wuhan") == 25
    assert value(f, "screening.hubei_fever") == 0
    assert value(f, "screening.hubei_observing") == 0 and value(f, "screening.hubei_released") == 51
    assert value(f, "screening.others") == 374
    assert value(f, "forces.screening_teams") == 46
    assert value(f, "checkpoints.gates") == 62
    assert 1000 < value(f, "forces.personnel") < 1100
    assert value(f, "cases.confirmed") == 1  # 廊坊市第23例, confirmed on 9 February
    assert value(f, "contacts.placed") == 39 and value(f, "contacts.became_case") == 0
    text = report.text
    assert "截至2月21日24时，摸排出湖北旅居史人员51人（武汉25人），无一人发热，目前已全部脱离观察期；" in text
    assert "非湖北地区外来人员374人" in text
    assert "排查小组46个，卡点62个" in text
    assert "发动村街党员、入党积极分子、民兵预备役以及志愿者1000余人" in text
    assert "没有一例密接者被确诊" in text
    # Sent, the report keeps them (one test: loading the seed town takes half a minute).
    report = services.report_generate(actor=commander, area=town, day=FEB21)
    services.report_send(actor=commander, report=report)
    report.refresh_from_db()
    assert value(report.figures["figures"], "screening.hubei") == 51 and "（武汉25人）" in report.text
