"""Letting a flagged person through (sealed area without a valid pass, under observation, in
quarantine, a fever) is an override: refused without a reason on the page, the API and a phone's batch; marked
on the passage with its reason; counted in the day's figures, the dashboard and the report."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cordon.checkpoints import selectors
from cordon.checkpoints.models import Passage, PassageDayCount
from cordon.gate import passages
from cordon.reports.figures import area_figures, value


def post_json(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _allowed(world, **extra):
    return {"direction": "out", "document_number": world.yin.document_number, "decision": "allowed", **extra}


def test_letting_a_person_under_observation_through_needs_a_reason(world):
    with pytest.raises(ValidationError) as refused:
        passages.passage_record(actor=world.guard, checkpoint=world.sjf_gate, data=_allowed(world))
    assert "医学观察中" in refused.value.message_dict["reason"][0]
    assert not Passage.objects.exists()
    assert not PassageDayCount.objects.filter(overrides__gt=0).exists()


def test_an_override_with_its_reason_is_marked_and_counted(world):
    passage, _created = passages.passage_record(
        actor=world.guard, checkpoint=world.sjf_gate, data=_allowed(world, reason="送医，村医陪同")
    )
    assert passage.override and passage.reason == "送医，村医陪同"
    assert selectors.day_counts(world.sjf_gate, timezone.localdate())["overrides"] == 1
    figures = area_figures(viewer=world.commander, area=world.town, as_of=timezone.now())
    assert value(figures, "checkpoints.overrides") == 1


@pytest.mark.parametrize(
    "data",
    [
        {"direction": "out", "name": "路人", "decision": "allowed"},  # nobody flagged
        {"direction": "out", "decision": "turned_back", "reason": "观察期内"},  # flagged, stopped
    ],
)
def test_what_is_not_an_override_is_not_marked(world, data):
    if "name" not in data:
        data["document_number"] = world.yin.document_number
    passage, _created = passages.passage_record(actor=world.guard, checkpoint=world.sjf_gate, data=data)
    assert not passage.override


def test_the_gate_page_asks_for_the_reason_and_keeps_what_was_typed(world, client):
    client.force_login(world.guard)
    url = f"/checkpoints/{world.sjf_gate.pk}/gate/"
    form = {**_allowed(world), "destination": "霸州市医院", "client_id": "page-1"}
    page = client.post(url, form)
    text = page.content.decode()
    assert "例外放行" in text and "请说明原因" in text
    assert "霸州市医院" in text and not Passage.objects.exists()
    client.post(url, {**form, "reason": "送医"})
    assert Passage.objects.get().override


def test_the_api_and_a_batch_refuse_an_unexplained_override_in_chinese(world, api_client):
    api = api_client(world.guard)
    url = f"/api/v1/checkpoints/{world.sjf_gate.pk}/passages"
    response = post_json(api, url, {**_allowed(world), "client_id": "api-1"})
    assert response.status_code == 422 and "医学观察中" in json.dumps(response.json(), ensure_ascii=False)
    results = post_json(api, url + "/batch", [{**_allowed(world), "client_id": "b-1"}]).json()
    assert results[0]["status"] == "refused" and "医学观察中" in results[0]["errors"][0]
    assert post_json(api, url, {**_allowed(world, reason="送医"), "client_id": "api-2"}).status_code == 201
    assert Passage.objects.get().override


def test_the_dashboard_shows_the_days_overrides(world, client):
    passages.passage_record(
        actor=world.guard, checkpoint=world.sjf_gate, data=_allowed(world, reason="送医，村医陪同")
    )
    client.force_login(world.commander)
    text = client.get("/dashboard/").content.decode()
    assert "例外放行" in text


# A fever (a temperature at or over the threshold in force, the driver's or anyone's on board) is a
# flag like the others: letting the person through is an override.


def _feverish(**extra):
    return {"direction": "in", "name": "过路司机", "temperature": "38.1", "decision": "allowed", **extra}


def test_letting_a_person_with_a_fever_through_needs_a_reason(world):
    with pytest.raises(ValidationError) as refused:
        passages.passage_record(actor=world.guard, checkpoint=world.sjf_gate, data=_feverish())
    assert "发热" in refused.value.message_dict["reason"][0]
    aboard = {**_feverish(temperature="36.5"), "occupants": [{"name": "乘客", "temperature": "37.5"}]}
    with pytest.raises(ValidationError):
        passages.passage_record(actor=world.guard, checkpoint=world.sjf_gate, data=aboard)
    assert not Passage.objects.exists()


def test_a_fever_let_through_with_its_reason_is_an_override_counted_that_day(world):
    passage, _created = passages.passage_record(
        actor=world.guard, checkpoint=world.sjf_gate, data=_feverish(reason="直接送发热门诊，村医随车")
    )
    assert passage.fever and passage.override
    assert selectors.day_counts(world.sjf_gate, timezone.localdate())["overrides"] == 1
    figures = area_figures(viewer=world.commander, area=world.town, as_of=timezone.now())
    assert value(figures, "checkpoints.overrides") == 1 and value(figures, "checkpoints.fever") == 1


def test_a_fever_turned_back_or_referred_is_not_an_override(world):
    for decision in ("turned_back", "referred"):
        passage, _created = passages.passage_record(
            actor=world.guard, checkpoint=world.sjf_gate, data=_feverish(decision=decision, reason="体温高")
        )
        assert passage.fever and not passage.override


def test_the_page_the_api_and_a_batch_refuse_an_unexplained_fever_in_chinese(world, client, api_client):
    client.force_login(world.guard)
    page = client.post(f"/checkpoints/{world.sjf_gate.pk}/gate/", {**_feverish(), "client_id": "fp-1"})
    assert "请说明原因" in page.content.decode() and not Passage.objects.exists()
    api = api_client(world.guard)
    url = f"/api/v1/checkpoints/{world.sjf_gate.pk}/passages"
    response = post_json(api, url, {**_feverish(), "client_id": "fa-1"})
    assert response.status_code == 422 and "发热" in json.dumps(response.json(), ensure_ascii=False)
    results = post_json(api, url + "/batch", [{**_feverish(), "client_id": "fb-1"}]).json()
    assert results[0]["status"] == "refused" and "发热" in results[0]["errors"][0]
    assert not Passage.objects.exists()
    assert post_json(api, url, {**_feverish(reason="送医"), "client_id": "fa-2"}).status_code == 201
    assert Passage.objects.get().override
