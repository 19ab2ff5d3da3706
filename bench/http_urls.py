"""Cordon's URLs plus the benchmark's floor: a trivial endpoint behind the same token authentication
(one lookup of the token, the same middleware) that inserts one row and answers 201."""

from django.db import connection
from django.urls import path
from django.utils import timezone
from ninja import NinjaAPI

from config.urls import urlpatterns as cordon_urlpatterns
from cordon.accounts.auth import TokenAuth

floor = NinjaAPI(urls_namespace="bench_floor", auth=[TokenAuth()], docs_url=None, openapi_url=None)


@floor.post("/floor", response={201: dict})
def floor_insert(request):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_floor (at, who) VALUES (%s, %s)", [timezone.now(), request.user.pk])
    return 201, {"ok": True}


urlpatterns = [path("bench/", floor.urls), *cordon_urlpatterns]
