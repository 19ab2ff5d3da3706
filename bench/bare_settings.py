"""Settings of the bare Django floor of bench/passages_http.py: no app, no middleware, two views
(bench/bare_urls.py); the database settings are Cordon's own, read from the same environment."""

from config.settings import DATABASES, DEFAULT_AUTO_FIELD, SECRET_KEY, TIME_ZONE  # noqa: F401 — the same

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.bare_urls"
USE_TZ = True
