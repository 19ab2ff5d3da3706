"""Reading Cordon's environment strictly, and the installation's own files in ``var/``.

A typo in a setting is an error that names it, never a silent default: ``CORDON_DEBUG=ture`` stops
the server with a message instead of serving with debug off. Importing the settings writes nothing;
``keep_installation_files()`` makes ``var/`` and the generated secret key, and is called by what starts
an installation (``cordon`` commands, the WSGI server) before the settings are read.
"""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
TRUE, FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def flag(name: str, default: bool) -> bool:
    """A yes/no setting: 1/true/yes/on or 0/false/no/off (any case); unset or empty is ``default``."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in TRUE | FALSE:
        return value in TRUE
    raise ImproperlyConfigured(f"{name}={os.environ[name]!r}: write 1 or 0 (or true/false, yes/no, on/off).")


def integer(name: str, default: int, *, minimum: int = 0) -> int:
    """A whole number of at least ``minimum``; unset or empty is ``default``."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r}: write a whole number.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name}={value!r}: at least {minimum}.")
    return number


def items(name: str, default: str) -> list[str]:
    """A comma-separated list."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def var_dir() -> Path:
    return Path(os.environ.get("CORDON_VAR_DIR") or BASE_DIR / "var")


def secret_key_path() -> Path:
    return var_dir() / "secret_key"


def keep_installation_files() -> None:
    """Make ``var/`` (and ``var/static/``) and, unless ``CORDON_SECRET_KEY`` is set, this
    installation's secret key in it (once: every later process reads the same key)."""
    (var_dir() / "static").mkdir(parents=True, exist_ok=True)  # STATIC_ROOT: whitenoise serves it
    if os.environ.get("CORDON_SECRET_KEY", "").strip():
        return
    try:
        fd = os.open(secret_key_path(), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(50))


def secret_key() -> str:
    """The key from the environment, else the installation's (``keep_installation_files``), else —
    a process that started no installation, such as a test run or ``manage.py makemessages`` — a
    key of its own, kept nowhere."""
    key = os.environ.get("CORDON_SECRET_KEY", "").strip()
    if key:
        return key
    path = secret_key_path()
    if path.exists():
        return path.read_text().strip()
    return secrets.token_urlsafe(50)
