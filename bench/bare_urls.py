"""The bare Django floor: a view that does nothing, and a view that inserts one row and answers 201."""

from django.db import connection
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone


def noop(request):
    return JsonResponse({"ok": True})


def insert(request):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_floor (at, who) VALUES (%s, %s)", [timezone.now(), 1])
    return JsonResponse({"ok": True}, status=201)


urlpatterns = [path("bare/noop", noop), path("bare/insert", insert)]
