"""The federation on one machine: three town servers and their county's, each its own SQLite database
and process; the county's serves HTTP on a loopback port. Each town sends ten days of reports (one
town's server down for a day and catching up the next, one report corrected), pushed to the county as
signed packages. The county's as-sent report of every day equals the sum of what its towns sent, with
each town's last version; a tampered package is refused and a replay answered 409.

Then two hand-overs of a person under observation, at the same time, by USB stick both ways: 堂二里镇
to a town on another county's server (固安县, a fifth database; a tampered copy refused there), and
南孟镇's server to 杨芬港镇's, two town servers of the same county that know each other as neighbours.
Each package is imported and accepted, and the signed answer imported back; the sender's period ends
that day, the receiver's continues with the same planned end and rules from that day, and each pair
of towns counts the person once: the sender up to the day before, the receiver from the day itself.

The servers are set up once for the module (their setup is most of the time); the reports run first.
``CORDON_TEST_PORT`` chooses the county's port; otherwise a free one is taken.
"""

import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cordon.federation.tests.servers import COUNTY

# One test process runs the module (--dist loadgroup), so its tests share the servers set up once.
pytestmark = pytest.mark.xdist_group("federation_servers")

ROOT = Path(__file__).resolve().parents[3]
TOWNS = [("131081103000", "堂二里镇"), ("131081104000", "南孟镇"), ("131081105000", "杨芬港镇")]
DAYS = [(dt.date(2020, 2, 1) + dt.timedelta(days=i)).isoformat() for i in range(10)]
DOWN = {"131081105000": ["2020-02-05"]}  # 杨芬港镇's server is down that day
CORRECT = {"131081103000": "2020-02-03"}  # 堂二里镇 corrects that day's report at the end
OTHER_COUNTY, OTHER_TOWN = ("131022000000", "固安县"), ("131022100000", "固安镇")


def free_port() -> int:
    if os.environ.get("CORDON_TEST_PORT"):
        return int(os.environ["CORDON_TEST_PORT"])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, root: Path, name: str):
        self.name = name
        self.var = root / name
        self.var.mkdir()
        self.key = Ed25519PrivateKey.generate()
        pem = self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        raw = self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        import base64

        self.public = base64.b64encode(raw).decode()
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "CORDON_"))},
            "DATABASE_URL": f"sqlite:///{self.var / 'cordon.sqlite3'}",
            "CORDON_VAR_DIR": str(self.var),
            "CORDON_FEDERATION_KEY": pem,
            "CORDON_HTTPS": "0",
            "CORDON_SECRET_KEY": f"federation-test-{name}-not-secret",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }

    def start(self, command: str, args: dict) -> subprocess.Popen:
        return subprocess.Popen(  # noqa: S603 — our own module, our arguments
            [sys.executable, "-m", "cordon.federation.tests.servers", command, json.dumps(args)],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


def finish(process: subprocess.Popen) -> dict:
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


def call(url, *, token=None, data=None):
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})  # noqa: S310
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 — our test server
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def value(figures, path):
    section, key = path.split(".")
    return figures["sections"][section]["figures"][key]["value"]


@pytest.fixture(scope="module")
def federation(tmp_path_factory):
    """The five servers' databases (one migration, copied), set up; the county's serving HTTP. Shared
    by the module's tests: what one leaves on a server (reports sent and delivered) the other's checks
    do not count."""
    tmp_path = tmp_path_factory.mktemp("federation")
    template = tmp_path / "template.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{template}", "CORDON_VAR_DIR": str(tmp_path / "t")}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    county = Server(tmp_path, "county")
    other = Server(tmp_path, "other-county")
    towns = {code: Server(tmp_path, code) for code, _name in TOWNS}
    for server in (county, other, *towns.values()):
        shutil.copy(template, server.var / "cordon.sqlite3")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    setups = [county.start("setup-county", {"towns": [[c, n, towns[c].public] for c, n in TOWNS]})]
    # 堂二里镇 knows 固安县's server; 南孟镇's and 杨芬港镇's servers know each other (a sibling town's).
    neighbours = {
        TOWNS[0][0]: [[*OTHER_COUNTY, other.public]],
        TOWNS[1][0]: [[*TOWNS[2], towns[TOWNS[2][0]].public]],
        TOWNS[2][0]: [[*TOWNS[1], towns[TOWNS[1][0]].public]],
    }
    for code, name in TOWNS:
        setups.append(
            towns[code].start(
                "setup-town",
                {
                    "town": [code, name],
                    "parent_url": url,
                    "parent_key": county.public,
                    "neighbours": neighbours[code],
                },
            )
        )
    setups.append(
        other.start(
            "setup-other",
            {"county": OTHER_COUNTY, "town": OTHER_TOWN, "neighbour": [*TOWNS[0], towns[TOWNS[0][0]].public]},
        )
    )
    token = [finish(p) for p in setups][0]["token"]  # noqa: RUF015 — every setup is waited for
    serving = subprocess.Popen(  # noqa: S603 — gunicorn serving this project
        [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1", "-t", "60"],
        cwd=ROOT,
        env=county.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1)  # noqa: S310 — our test server
                break
            except OSError:
                time.sleep(0.2)
        yield {"url": url, "token": token, "county": county, "other": other, "towns": towns, "tmp": tmp_path}
    finally:
        serving.terminate()
        serving.wait(timeout=10)


def test_federation_three_towns_report_ten_days_to_their_county(federation):
    url, token, towns = federation["url"], federation["token"], federation["towns"]
    kept = federation["tmp"] / "first-package.json"
    runs = {
        code: server.start(
            "run-town",
            {
                "town": code,
                "days": DAYS,
                "down": DOWN.get(code, []),
                "correct": CORRECT.get(code),
                "keep": str(kept) if code == TOWNS[0][0] else None,
            },
        )
        for code, server in towns.items()
    }
    results = {code: finish(process) for code, process in runs.items()}
    for code, result in results.items():
        assert result["queued"] == 0, (code, result["pushes"])
        assert all(p["refused"] == 0 for p in result["pushes"]), (code, result["pushes"])
    # 杨芬港镇 sent nothing on the 5th, then the 5th and the 6th together on the 6th.
    sent_days = [day for day, _v in results["131081105000"]["sent"]]
    assert sent_days.index("2020-02-05") + 1 == sent_days.index("2020-02-06") and len(sent_days) == 10

    for day in DAYS:
        status, report = call(f"{url}/api/v1/reports/daily?area={COUNTY[0]}&date={day}", token=token)
        assert status == 200 and report["view"] == "sent"
        columns = {c["area"]["code"]: c for c in report["columns"] if not c.get("own")}
        for code, _name in TOWNS:
            last = max(v for d, v in results[code]["sent"] if d == day)
            column = columns[code]
            assert column["sent"]["version"] == last and column["sent"]["received"]
            assert column["sections"] == results[code]["figures"][f"{day}/v{last}"]
        for path in ("screening.hubei", "screening.wuhan", "screening.total", "screening.new_today"):
            assert value(report["figures"], path) == sum(value(columns[c], path) for c, _n in TOWNS), (
                day,
                path,
            )
        counts = report["reporting_status"]["counts"]
        assert counts["not_sent"] == 0 and counts["corrected"] == (1 if day == CORRECT["131081103000"] else 0)

    # A tampered package is refused with the reason; the genuine one again is a replay (409).
    package = json.loads(kept.read_text(encoding="utf-8"))
    tampered = json.loads(json.dumps(package))
    tampered["body"]["report"]["figures"]["sections"]["screening"]["figures"]["hubei"]["value"] += 5
    status, answer = call(f"{url}/api/v1/federation/packages", data=json.dumps(tampered).encode())
    assert status == 422 and "签名" in answer["message"]
    status, answer = call(f"{url}/api/v1/federation/packages", data=json.dumps(package).encode())
    assert status == 409


def _stick(tmp, name):
    path = tmp / name
    path.mkdir()
    return path


def test_federation_people_handed_to_another_county_and_to_a_sibling_town_server(federation):
    towns, other, tmp = federation["towns"], federation["other"], federation["tmp"]
    a, (b, b_name) = TOWNS[1][0], TOWNS[2]  # 南孟镇's server hands to 杨芬港镇's
    stick, sibling_stick = _stick(tmp, "stick"), _stick(tmp, "sibling-stick")
    sending = {
        "county": towns[TOWNS[0][0]].start(
            "handover-send",
            {"town": TOWNS[0][0], "to": OTHER_TOWN[0], "to_name": OTHER_TOWN[1], "dir": str(stick)},
        ),
        "sibling": towns[a].start(
            "handover-send", {"town": a, "to": b, "to_name": b_name, "dir": str(sibling_stick)}
        ),
    }
    sent = {name: finish(process) for name, process in sending.items()}
    (package_file,) = sent["county"]["files"]
    (sibling_file,) = sent["sibling"]["files"]
    package = json.loads(Path(package_file).read_text(encoding="utf-8"))
    assert package["body"]["kind"] == "handover" and set(package["body"]["handover"]["person"]) == {
        "name",
        "sex",
        "birth_date",
        "document_type",
        "document_number",
        "phone",
        "phone_other",
        "address",
    }
    sibling = json.loads(Path(sibling_file).read_text(encoding="utf-8"))["body"]
    assert (sibling["sender"]["area"], sibling["handover"]["to"]["code"]) == (a, b)
    tampered = tmp / "tampered.json"
    package["body"]["handover"]["person"]["phone"] = "13000000000"
    tampered.write_text(json.dumps(package), encoding="utf-8")
    back, sibling_back = _stick(tmp, "back"), _stick(tmp, "sibling-back")
    taking = {
        "county": other.start(
            "handover-take",
            {"town": OTHER_TOWN[0], "files": [package_file], "refused": [str(tampered)], "dir": str(back)},
        ),
        "sibling": towns[b].start(
            "handover-take", {"town": b, "files": [sibling_file], "dir": str(sibling_back)}
        ),
    }
    taken = {name: finish(process) for name, process in taking.items()}
    assert taken["county"]["taken"] == ["handover"] and taken["county"]["stored"] == 1
    assert len(taken["county"]["refused"]) == 1 and "签名" in taken["county"]["refused"][0]
    answering = {
        "county": towns[TOWNS[0][0]].start(
            "handover-send", {"town": TOWNS[0][0], "answers": taken["county"]["files"]}
        ),
        "sibling": towns[a].start("handover-send", {"town": a, "answers": taken["sibling"]["files"]}),
    }
    answered = {name: finish(process) for name, process in answering.items()}
    for name in ("county", "sibling"):
        s, t, ans = sent[name], taken[name], answered[name]
        assert t["taken"] == ["handover"], name
        assert t["period"] == s["period"], name  # the same planned end and rules
        assert s["opened_on"] < ans["handed_on"] == t["handed_on"] == t["opened_on"], name
        assert ans["status"] == "accepted", name
        assert ans["period"] == ["closed", "left_area", ans["handed_on"]], name
        # From the hand-over day the receiver counts the person and the sender no longer does; the day
        # before, the sender still does and the receiver not: neither counts them twice, nor loses them.
        assert (ans["active"], t["active"]) == (s["active"] - 1, t["before"] + 1), name
        assert (ans["active_before"], t["active_before"]) == (s["active_before"], t["yesterday_before"]), name
