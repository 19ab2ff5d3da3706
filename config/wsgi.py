import os

from django.core.wsgi import get_wsgi_application

from config.environment import keep_installation_files

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
keep_installation_files()  # var/ and the secret key, before the settings read them
application = get_wsgi_application()

from cordon.core.startup import freeze_loaded  # noqa: E402 — once the apps are loaded

freeze_loaded()
