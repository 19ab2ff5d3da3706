"""The API describes itself: OpenAPI 3 at /api/v1/openapi.json and a docs page served from our origin."""


def test_openapi_document_lists_the_endpoints(world, client):
    client.force_login(world.commander)
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


def test_docs_page_loads_nothing_from_a_cdn(world, client):
    client.force_login(world.clerk)
    body = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in body
    assert "cdn." not in body and "https://" not in body


def test_the_document_and_the_docs_page_are_for_signed_in_users_only(world, client, api_client):
    anonymous = client.get("/api/v1/openapi.json")
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "unauthenticated" and "访问令牌" in anonymous.json()["message"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")
    forged = client.get("/api/v1/openapi.json", headers={"authorization": "Bearer cdn_forged"})
    assert forged.status_code == 401 and forged.json()["code"] == "invalid_token"
    with_token = api_client(world.guard).get("/api/v1/openapi.json")
    assert with_token.status_code == 200 and with_token.json()["openapi"].startswith("3.")


def test_malformed_json_is_a_422_with_a_code(world, api_client):
    response = api_client(world.commander).post(
        "/api/v1/accounts/users", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {"code": "bad_request", "message": "无法读取请求正文。", "errors": []}
