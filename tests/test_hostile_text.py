"""Issue 21: what no field may hold — control characters, text-direction overrides, look-alike letters,
dates in year 1 — refused in one place each, with a Chinese message, on the web form (as an error on
its field, the form kept), the API and the ledger reader alike."""

import importlib
import pkgutil
from datetime import date

import pytest
from django import forms
from django.core.exceptions import ValidationError

import cordon
from cordon.core.forms import EdgeCheckedForm
from cordon.people import validation

REGISTRATION = {
    "document_type": "mainland_id",
    "document_number": "",
    "name": "张三",
    "phone": "13812345678",
    "phone_other": "",
    "address": "四间房村东街1号",
    "registered_address": "",
    "origin_text": "湖北省武汉市江岸区",
    "arrival_date": "2020-02-10",
    "means": "",
    "plate": "",
    "transport_number": "",
    "route": "",
    "note": "",
}


def _register_by_form(client, world, **changes):
    return client.post("/people/register/", {**REGISTRATION, "area": world.sjf.code, **changes})


def _register_by_api(api, world, person=None, arrival=None):
    body = {
        "person": {"name": "张三", "area": world.sjf.code, **(person or {})},
        "arrival": {"origin_text": "湖北省武汉市", "arrival_date": "2020-02-10", **(arrival or {})},
    }
    return api.post("/api/v1/people/register", body, content_type="application/json")


# --- the web form: an error on its field, not a bare 400 page ------------------------------------------


def test_a_control_character_in_a_form_is_an_error_on_its_field_with_the_input_kept(world, client, login):
    from cordon.people.models import Person

    login(world.clerk)
    before = Person.objects.count()
    response = _register_by_form(client, world, address="四间房村\x01东街", note="第二次登记")
    assert response.status_code == 200
    page = response.content.decode()
    assert "含有不可见的控制字符" in page
    assert "四间房村东街" in page and "第二次登记" in page and "13812345678" in page  # the input kept
    assert Person.objects.count() == before


def test_a_nul_in_a_form_is_refused_on_its_field(world, client, login):
    login(world.clerk)
    response = _register_by_form(client, world, name="张\x00三")
    assert response.status_code == 200
    assert "含有不可见的控制字符" in response.content.decode()


def test_a_control_character_in_a_search_is_still_a_400_page(world, client, login):
    login(world.clerk)
    response = client.get("/people/", {"q": "张\x00"})
    assert response.status_code == 400
    assert "含有不可见的控制字符" in response.content.decode()


def test_a_control_character_in_a_value_no_form_reads_is_refused_and_nothing_is_kept(world, client, login):
    """The report's remarks are read without a form: the characters are not silently taken out and
    the rest stored; nothing is stored, and the page says which field."""
    from cordon.reports import services

    report = services.report_generate(actor=world.commander, area=world.town, day=date(2020, 2, 21))
    login(world.commander)
    form_page = f"http://testserver/reports/daily/?area={world.town.code}&date=2020-02-21"
    response = client.post(
        f"/reports/daily/{report.pk}/remarks/", {"remarks": "审核\x01通过"}, HTTP_REFERER=form_page
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "含有不可见的控制字符" in page and "remarks" in page
    assert f'href="{form_page.replace("&", "&amp;")}" data-back' in page  # back to the form
    elsewhere = client.post(
        f"/reports/daily/{report.pk}/remarks/", {"remarks": "\x01"}, HTTP_REFERER="http://evil.example/f"
    )
    assert elsewhere.status_code == 400 and "data-back" not in elsewhere.content.decode()
    report.refresh_from_db()
    assert report.remarks == ""
    # The same remarks without the character are stored.
    client.post(f"/reports/daily/{report.pk}/remarks/", {"remarks": "审核通过"})
    report.refresh_from_db()
    assert report.remarks == "审核通过"


def test_every_form_of_cordon_shows_the_edge_refusals():
    for module in pkgutil.walk_packages(cordon.__path__, "cordon."):
        if ".tests" not in module.name and module.name.rsplit(".", 1)[-1].startswith(("forms", "views")):
            importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [c for c in subclasses(forms.BaseForm) if c.__module__.startswith("cordon.")]
    assert len(ours) > 50
    assert [c.__qualname__ for c in ours if not issubclass(c, EdgeCheckedForm)] == []


# --- names: text-direction overrides and look-alike letters ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("张\u202e三", "name_bidi"),  # right-to-left override
        ("张三\u2067", "name_bidi"),  # right-to-left isolate
        ("\u200f张三", "name_bidi"),  # right-to-left mark
        ("张三а", "name_scripts"),  # a Cyrillic а after a Chinese name
        ("\u0410nna", "name_scripts"),  # Cyrillic А in a Latin name
        ("J\u03bfhn Smith", "name_scripts"),  # Greek ο in a Latin name
    ],
)
def test_a_name_with_a_direction_override_or_a_look_alike_letter_is_refused(name, code):
    with pytest.raises(ValidationError) as refused:
        validation.parse_name(name)
    assert refused.value.code == code


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("张\u200b三", "张三"),  # a zero-width space is dropped
        ("张\u200d三", "张三"),
        ("\ufeff李四", "李四"),
        ("Иван Петров", "Иван Петров"),  # one alphabet, whichever it is
        ("Αλέξανδρος", "Αλέξανδρος"),
        ("阿卜杜拉·买买提", "阿卜杜拉·买买提"),
        ("田中さくら", "田中さくら"),
        ("李Mary", "李Mary"),
    ],
)
def test_zero_width_characters_are_dropped_and_one_script_names_kept(typed, kept):
    assert validation.parse_name(typed) == kept


def test_the_form_and_the_api_refuse_a_look_alike_name_in_chinese(world, client, login, api_client):
    login(world.clerk)
    page = _register_by_form(client, world, name="张三а").content.decode()
    assert "混用" in page and "张三а" in page  # the message, and the input kept
    answer = _register_by_api(api_client(world.clerk), world, person={"name": "张\u202e三"})
    assert answer.status_code == 422
    assert "文字方向" in answer.json()["errors"][0]["message"]


# --- dates in year 1, and other absurd years ----------------------------------------------------------


@pytest.mark.parametrize("value", [date(1, 1, 1), date(9999, 12, 31), "0001-01-01", "0001年1月1日", 20991232])
def test_the_ledger_reader_refuses_a_date_in_an_absurd_year(value):
    with pytest.raises(ValidationError) as refused:
        validation.parse_date(value, today=date(2020, 2, 21))
    assert refused.value.code == "date_out_of_range"


def test_the_api_refuses_an_arrival_in_year_1_in_chinese(world, api_client):
    answer = _register_by_api(api_client(world.clerk), world, arrival={"arrival_date": "0001-01-01"})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "arrival.arrival_date"
    assert "0001-01-01" in answer.json()["message"] and "1880" in answer.json()["message"]


def test_the_form_refuses_an_arrival_in_year_1_on_its_field(world, client, login):
    login(world.clerk)
    response = _register_by_form(client, world, arrival_date="0001-01-01")
    assert response.status_code == 200
    page = response.content.decode()
    assert "0001-01-01" in page and "1880" in page and "13812345678" in page


def test_a_service_given_a_date_object_in_year_1_refuses_it(world):
    from cordon.people import services

    with pytest.raises(ValidationError) as refused:
        services.clean_arrival(
            {"origin_text": "湖北省武汉市", "arrival_date": date(1, 1, 1)}, today=date(2020, 2, 21)
        )
    assert "arrival_date" in refused.value.message_dict
