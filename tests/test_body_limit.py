"""Issue 21: a JSON body over the size limit answers a 413 in Chinese, and the kept-alive connection it
came on carries the client's next request (proven against a live gunicorn, as `cordon serve` runs it)."""

import http.client
import json
import os
import signal
import socket
import subprocess
import time
from urllib.parse import urlencode

import pytest

from cordon.cli_serve import gunicorn_command


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def live_gunicorn(tmp_path, settings):
    port = _free_port()
    env = os.environ | {"CORDON_VAR_DIR": str(tmp_path / "var"), "CORDON_HTTPS": "0", "CORDON_DEBUG": "0"}
    server = subprocess.Popen(  # noqa: S603
        gunicorn_command("127.0.0.1", port, 1, chdir=str(settings.BASE_DIR)),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.3)
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def test_a_body_over_the_limit_is_a_413_and_the_connection_stays_usable(live_gunicorn, settings):
    body = json.dumps({"person": {"name": "张" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2)}})
    connection = http.client.HTTPConnection("127.0.0.1", live_gunicorn, timeout=60)
    connection.request("POST", "/api/v1/people/register", body.encode(), {"Content-Type": "application/json"})
    first = connection.getresponse()
    answer = json.loads(first.read())
    assert first.status == 413
    assert answer["code"] == "too_large"
    assert "请求内容过大" in answer["message"] and "2.5 MB" in answer["message"]
    assert first.getheader("Connection") != "close"
    kept = connection.sock

    connection.request("GET", "/healthz")
    second = connection.getresponse()
    assert second.status == 200 and second.read() == b"ok"
    assert connection.sock is kept  # the same connection, not a new one opened behind our back
    connection.close()


def test_a_form_over_the_limit_is_a_413_page_in_chinese(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(
        "/accounts/login/",
        urlencode({"username": "x" * 2000, "password": "y"}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert "请求内容过大" in response.content.decode()
