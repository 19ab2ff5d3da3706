"""The settings read the environment strictly and write nothing when imported."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import environment

ROOT = Path(__file__).resolve().parent.parent


def _settings_in_a_new_process(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CORDON_") and k != "DATABASE_URL"}
    return subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.DEBUG, len(s.SECRET_KEY))"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("value", ["ture", "2", "enabled"])
def test_a_misspelt_flag_is_an_error_that_names_it(monkeypatch, value):
    monkeypatch.setenv("CORDON_DEBUG", value)
    with pytest.raises(ImproperlyConfigured, match="CORDON_DEBUG"):
        environment.flag("CORDON_DEBUG", False)


@pytest.mark.parametrize(
    ("value", "read"), [("1", True), ("On", True), ("yes", True), ("0", False), ("false", False)]
)
def test_a_flag_reads_the_usual_spellings(monkeypatch, value, read):
    monkeypatch.setenv("CORDON_HTTPS", value)
    assert environment.flag("CORDON_HTTPS", not read) is read


def test_a_number_that_is_not_one_is_an_error(monkeypatch):
    monkeypatch.setenv("CORDON_SESSION_HOURS", "12h")
    with pytest.raises(ImproperlyConfigured, match="CORDON_SESSION_HOURS"):
        environment.integer("CORDON_SESSION_HOURS", 12, minimum=1)
    monkeypatch.setenv("CORDON_SESSION_HOURS", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        environment.integer("CORDON_SESSION_HOURS", 12, minimum=1)


def test_the_server_refuses_to_start_on_a_typo():
    started = _settings_in_a_new_process({"CORDON_DEBUG": "ture"})
    assert started.returncode != 0 and "CORDON_DEBUG='ture'" in started.stderr


def test_importing_the_settings_writes_nothing(tmp_path):
    var = tmp_path / "var"
    started = _settings_in_a_new_process({"CORDON_VAR_DIR": str(var)})
    assert started.returncode == 0, started.stderr
    assert not var.exists()


def test_an_installation_keeps_one_secret_key(tmp_path, monkeypatch):
    monkeypatch.setenv("CORDON_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("CORDON_SECRET_KEY", raising=False)
    environment.keep_installation_files()
    first = environment.secret_key()
    environment.keep_installation_files()
    assert environment.secret_key() == first and len(first) > 40
    assert oct((tmp_path / "var" / "secret_key").stat().st_mode & 0o777) == "0o600"
