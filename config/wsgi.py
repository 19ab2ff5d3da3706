import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

from cordon.core.startup import freeze_loaded  # noqa: E402 — once the apps are loaded

freeze_loaded()
