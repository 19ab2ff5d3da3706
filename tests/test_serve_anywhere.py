"""Issue 21: `cordon serve` loads the installed Cordon wherever it is started, even from a folder that
holds another project's `config` package, and serves it with its compiled translations."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    # Issue 21's own range on the shared machine (8210-8299), first one free.
    for port in range(8240, 8299):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port")


def test_serve_started_from_another_projects_folder_serves_cordon_in_chinese(tmp_path):
    impostor = tmp_path / "elsewhere" / "config"
    impostor.mkdir(parents=True)
    (impostor / "__init__.py").write_text("")
    (impostor / "wsgi.py").write_text(
        "def application(environ, start_response):\n"
        "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
        "    return [b'impostor']\n"
    )
    port = free_port()
    cordon = Path(sys.executable).parent / "cordon"
    env = os.environ | {"CORDON_VAR_DIR": str(tmp_path / "var"), "CORDON_HTTPS": "0"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("PYTHONPATH", None)
    server = subprocess.Popen(  # noqa: S603
        [str(cordon), "serve", "--port", str(port), "--no-worker", "--workers", "1"],
        cwd=impostor.parent,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        page = ""
        deadline = time.monotonic() + 240  # a loaded 2-core machine starts gunicorn slowly
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as answer:
                    page = answer.read().decode()
                break
            except OSError:
                time.sleep(0.5)
        assert "impostor" not in page
        assert "登录" in page
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
