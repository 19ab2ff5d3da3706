import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from cordon.observation.tests.conftest import observed, someone  # noqa: F401 — shared fixtures


class Gateway:
    """A local HTTP server answering as an SMS gateway or a WeCom robot does: it records every request
    and answers with the next scripted (status, JSON) pair, then with the last one."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.requests: list[dict] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                gateway.requests.append({"headers": dict(self.headers), "body": json.loads(body)})
                status, answer = gateway.answers.pop(0) if len(gateway.answers) > 1 else gateway.answers[0]
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway():
    made = []

    def start(*answers):
        made.append(Gateway(answers or [(200, {"code": "OK", "message": "OK"})]))
        return made[-1]

    yield start
    for g in made:
        g.close()


@pytest.fixture
def sms(settings, gateway):
    """An SMS gateway stub wired into the settings; returns the stub."""

    def start(*answers, **config):
        stub = gateway(*answers)
        settings.CORDON_SMS = {
            **settings.CORDON_SMS,
            "url": stub.url,
            "signature": "【堂二里镇】",
            "secret": "test-secret",
            "rate_per_minute": 0,
            **config,
        }
        return stub

    return start
