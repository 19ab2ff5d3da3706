"""Settings for bench/passages_http.py: Cordon's own, with the authenticated no-op's URL added."""

from config.settings import *  # noqa: F403 — the same settings, one change

ROOT_URLCONF = "bench.http_urls"
