"""Chinese first, English on request; the Chinese catalogue is complete."""

import re
from pathlib import Path

from babel.messages.pofile import read_po
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_message_is_translated_and_none_is_fuzzy():
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [
        m.id for m in catalog if m.id and not (m.string[0] if isinstance(m.string, tuple) else m.string)
    ]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


def test_placeholders_survive_translation():
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    pattern = re.compile(r"%\(\w+\)[sd]|<a [^>]*>")
    for message in catalog:
        if not message.id:
            continue
        source = message.id[0] if isinstance(message.id, tuple) else message.id
        target = message.string[0] if isinstance(message.string, tuple) else message.string
        assert sorted(pattern.findall(source)) == sorted(pattern.findall(target)), source


def test_pages_are_chinese_by_default_even_for_an_english_browser(world, client, login):
    login(world.commander)
    response = client.get("/", headers={"accept-language": "en-US,en;q=0.9"})
    body = response.content.decode()
    assert '<html lang="zh-CN">' in body and "首页" in body and "下辖区域" in body
    assert response["Content-Language"] == "zh-hans"


def test_the_language_switch_turns_the_interface_to_english_and_back(world, client, login):
    login(world.commander)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body and "Home" in body and "Areas of 堂二里镇" in body
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "首页" in client.get("/").content.decode()


def test_an_unknown_language_cookie_falls_back_to_chinese(world, client, login):
    login(world.commander)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert "首页" in client.get("/").content.decode()
