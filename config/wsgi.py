import os

from config.environment import keep_installation_files

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
keep_installation_files()  # var/ and the secret key, before the settings read them

from config.handlers import application as _build  # noqa: E402 — after the environment is set

# Two handlers: API calls with a token take a shorter middleware chain (config/handlers.py).
application = _build()

from cordon.core.startup import freeze_loaded  # noqa: E402 — once the apps are loaded

freeze_loaded()
