"""The field pages' service worker: served by the app (no login: it holds no data), never cached by
the browser's HTTP cache, its version made from the assets it keeps — a new deployment, new bytes."""

import json

from cordon.checkpoints import views_gate


def test_the_worker_names_its_assets_and_version_and_is_not_cached(client):
    views_gate._field_assets.cache_clear()
    response = client.get("/checkpoints/field-sw.js")
    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    urls, version = views_gate._field_assets()
    assert f"var VERSION = {json.dumps(version)};" in body
    assert "/static/js/gate.js" in urls and "/static/css/app.css" in urls
    assert "<" not in body.split("var VERSION")[1].split("\n")[0]


def test_a_changed_asset_gives_a_new_version(monkeypatch, tmp_path):
    views_gate._field_assets.cache_clear()
    _urls, before = views_gate._field_assets()
    changed = tmp_path / "gate.js"
    changed.write_text("// a new deployment")
    real_find = views_gate.finders.find
    monkeypatch.setattr(
        views_gate.finders,
        "find",
        lambda name, *a, **k: str(changed) if name == "js/gate.js" else real_find(name),
    )
    views_gate._field_assets.cache_clear()
    _urls, after = views_gate._field_assets()
    views_gate._field_assets.cache_clear()
    assert after != before
