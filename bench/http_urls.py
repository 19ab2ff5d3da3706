"""Cordon's URLs plus the benchmark's no-op: an API endpoint behind Cordon's own authentication (the
API's token and session authentication, the same middleware) that does nothing and answers 200."""

from django.urls import path
from ninja import NinjaAPI

from config.urls import urlpatterns as cordon_urlpatterns
from cordon.accounts.auth import ActiveSessionAuth, TokenAuth

noop = NinjaAPI(
    urls_namespace="bench_noop", auth=[TokenAuth(), ActiveSessionAuth()], docs_url=None, openapi_url=None
)


@noop.post("/noop", response=dict)
def authenticated_noop(request):
    return {"ok": True}


urlpatterns = [path("api/bench/", noop.urls), *cordon_urlpatterns]
