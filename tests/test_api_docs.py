"""The API describes itself: OpenAPI 3 at /api/v1/openapi.json and a docs page served from our origin."""


def test_openapi_document_lists_the_endpoints(db, client):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    paths = set(document["paths"])
    assert {
        "/api/v1/accounts/me",
        "/api/v1/accounts/areas",
        "/api/v1/accounts/users",
        "/api/v1/accounts/tokens",
        "/api/v1/checkpoints/",
        "/api/v1/audit/",
    } <= paths
    schemes = document["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_docs_page_loads_nothing_from_a_cdn(db, client):
    body = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in body
    assert "cdn." not in body and "https://" not in body


def test_malformed_json_is_a_422_with_a_code(world, api_client):
    response = api_client(world.commander).post(
        "/api/v1/accounts/users", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"code": "bad_request", "message": "无法读取请求正文。", "errors": []}
