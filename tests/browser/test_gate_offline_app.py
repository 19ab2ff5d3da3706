"""The gate page as an offline-first web app: with its service worker installed it reloads without a
network, keeps three entries through a closed and reopened browser, and stores each once when the
network is back.

The browser reaches the live server as ``http://cordon.test:<port>`` through a small forwarder this
test can cut (a real loss of the network, which the service worker's own requests see as well), and
the origin is marked trustworthy with Chromium's ``--unsafely-treat-insecure-origin-as-secure`` — in
this test only; a town serves the field pages over HTTPS (see the README)."""

import contextlib
import socket
import threading
from urllib.parse import urlparse

import pytest
from django.test.utils import modify_settings, override_settings
from playwright.sync_api import expect

from cordon.checkpoints.models import Passage
from cordon.core.testing import PASSWORD
from tests.browser.conftest import CHROMIUM, log_in, screenshot


class Forwarder:
    """Forwards a loopback port to the live server until cut."""

    def __init__(self, target_port: int):
        self.target = target_port
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.open = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _addr = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target))
            except OSError:
                client.close()
                continue
            self.open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.close()

    def cut(self):
        self.up = False
        for s in self.open:
            with contextlib.suppress(OSError):
                s.close()
        self.open = []

    def restore(self):
        self.up = True

    def close(self):
        self.up = False
        self.listener.close()


@pytest.fixture
def field_app(chromium, server, live_world, tmp_path):
    forwarder = Forwarder(urlparse(server.url).port)
    origin = f"http://cordon.test:{forwarder.port}"
    hosts = modify_settings(ALLOWED_HOSTS={"append": "cordon.test"})
    plain = override_settings(
        SESSION_COOKIE_SECURE=False, CSRF_COOKIE_SECURE=False, LANGUAGE_COOKIE_SECURE=False
    )
    hosts.enable()
    plain.enable()
    # One Playwright per process: the session's, through its browser type.

    def launch(offline=False):
        context = chromium.browser_type.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            viewport={"width": 390, "height": 844},
            locale="zh-CN",
            offline=offline,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                f"--host-resolver-rules=MAP cordon.test 127.0.0.1:{forwarder.port}",
                f"--unsafely-treat-insecure-origin-as-secure={origin}",
            ],
        )
        return context

    yield origin, forwarder, launch
    forwarder.close()
    plain.disable()
    hosts.disable()


def _page(context, origin, request):
    page = context.pages[0] if context.pages else context.new_page()
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.base = origin
    page.sessions = {}
    request.node.browser_pages = [page]
    return page


def test_the_gate_reopens_offline_and_keeps_its_entries_through_a_restart(live_world, field_app, request):
    origin, forwarder, launch = field_app
    gate = live_world.sjf_gate
    before = Passage.objects.count()
    context = launch()
    page = _page(context, origin, request)
    log_in(page, "guard", PASSWORD)
    page.goto(origin + f"/checkpoints/{gate.pk}/gate/")
    expect(page.locator("#field-offline")).to_contain_text("无网络时也能打开")
    page.reload()  # now served through the worker, which keeps the page
    expect(page.locator("#gate-form")).to_be_visible()
    assert page.evaluate("!!navigator.serviceWorker.controller")

    # The signal goes: the page reloads all the same, and three passages are logged.
    forwarder.cut()
    context.set_offline(True)
    page.reload()
    expect(page.locator("#gate-form")).to_be_visible()
    for name in ("离线甲", "离线乙", "离线丙"):
        page.fill("#name", name)
        page.fill("#temperature", "36.5")
        page.get_by_role("button", name="放行").click()
        expect(page.locator("#name")).to_have_value("")
    expect(page.locator("#gate-waiting-count")).to_contain_text("3")
    screenshot(page, "gate-offline-app-390")
    context.close()

    # The browser is opened again, still without a network: the page and its entries are there.
    context = launch(offline=True)
    page = _page(context, origin, request)
    page.goto(origin + f"/checkpoints/{gate.pk}/gate/")
    expect(page.locator("#gate-waiting-count")).to_contain_text("3")
    assert sorted(page.evaluate("window.cordonGateRecords().then(rs => rs.map(r => r.entry.name))")) == [
        "离线丙",
        "离线乙",
        "离线甲",
    ]
    assert Passage.objects.count() == before

    # The network is back. The session ended with the browser (issue 21: a browser-session cookie),
    # so the guard logs in again; the entries waited on the phone and are sent from the gate page,
    # each stored once, however often the page sends.
    forwarder.restore()
    context.set_offline(False)
    assert Passage.objects.count() == before
    log_in(page, "guard", PASSWORD)
    page.goto(origin + f"/checkpoints/{gate.pk}/gate/")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#gate-queue")).to_contain_text("已保存")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#gate-pending")).to_be_hidden()  # nothing left waiting on the phone
    names = list(Passage.objects.filter(name__startswith="离线").values_list("name", flat=True))
    assert sorted(names) == ["离线丙", "离线乙", "离线甲"]
    expect(page.locator("#gate-pending")).to_be_hidden()
    context.close()


def test_the_round_reopens_offline_and_its_entries_survive_the_reload(live_world, field_app, request):
    from datetime import timedelta

    from django.utils import timezone

    from cordon.observation import services
    from cordon.observation.models import HealthCheck
    from cordon.people import services as people_services
    from cordon.people.testing import id_number

    person, _arrival, _created = people_services.register(
        actor=live_world.clerk,
        area=live_world.sjf,
        person_data={"name": "巡查甲", "document_number": id_number("13108119950505091")},
        arrival_data={"origin_text": "北京市", "arrival_date": timezone.localdate() - timedelta(days=3)},
    )
    period = services.period_open(
        actor=live_world.clerk,
        person=person,
        reason="contact",
        exposure_date=timezone.localdate() - timedelta(days=2),
    )
    origin, forwarder, launch = field_app
    context = launch()
    page = _page(context, origin, request)
    log_in(page, "clerk", PASSWORD)
    page.goto(origin + "/observation/round/")
    expect(page.locator("#field-offline")).to_contain_text("无网络时也能打开")
    page.reload()
    assert page.evaluate("!!navigator.serviceWorker.controller")

    forwarder.cut()
    context.set_offline(True)
    page.reload()  # served by the worker
    row = page.locator(f"#p{period.pk}")
    row.locator("input.temp").fill("36.7")
    row.get_by_role("button", name="保存").click()
    expect(row.locator(".state")).to_contain_text("已存在本机")
    page.reload()  # still offline: the page comes back, and the entry still waits on the phone
    expect(page.locator("#round-queue")).to_contain_text("1 条体温尚未发送")
    screenshot(page, "round-offline-app-390")
    assert not HealthCheck.objects.filter(period=period, temperature="36.7").exists()

    forwarder.restore()
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#round-queue")).to_be_hidden()
    assert HealthCheck.objects.filter(period=period, temperature="36.7").count() == 1
    context.close()
