"""`make run` sets CORDON_DEBUG=1: a missing page still shows the app's own Chinese 404, not Django's
English debug page; the API still answers JSON."""

from django.test import override_settings


@override_settings(DEBUG=True)
def test_a_missing_page_under_debug_is_the_apps_chinese_404(world, client):
    client.force_login(world.clerk)
    for url in ("/no-such-page/", "/people/999999/"):
        response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 404
        assert "找不到" in page or "不存在" in page, page[:300]
        assert "Using the URLconf" not in page and "Page not found" not in page
    api = client.get("/api/v1/people/999999")
    assert api.status_code == 404 and api["Content-Type"].startswith("application/json")
