"""The server's shape, alternated: threads per gunicorn worker and the GIL's switch interval, each
variant serving bare Django (no-op, one-row insert) and Cordon (authenticated no-op, passage), in the
order A B C D D C B A so that the machine's drift falls on every variant alike. Not in `make bench`
(bench/run.py runs it when named: `bench/run.py bench.server_shape`); bench/README.md, issue 20,
"The server's shape". BENCH_HTTP_SECONDS sets each figure's length (default 8 here).
"""

import os
import tempfile

from bench import passages_http as http
from bench.common import databases, note, scratch_database, step
from cordon.cli_serve import gunicorn_command

# name: (threads per worker, switch interval in seconds or None for Python's 5 ms)
VARIANTS = {"t4": (4, None), "t4_0.5ms": (4, 0.0005), "t2": (2, None), "t1": (1, None)}


def run() -> dict:
    os.environ.setdefault("BENCH_HTTP_SECONDS", "8")
    http.SECONDS = float(os.environ["BENCH_HTTP_SECONDS"])
    rows = []
    with tempfile.TemporaryDirectory(prefix="cordon-bench-shape-") as shims:
        for name, (_threads, interval) in VARIANTS.items():
            with open(os.path.join(shims, f"shape_{name.replace('.', '_')}.py"), "w") as module:
                if interval:
                    module.write(f"import sys\nsys.setswitchinterval({interval!r})\n")
                module.write("from config.wsgi import application  # noqa: F401\n")
        for kind in databases():
            with scratch_database(kind, "shape") as (url, workdir):
                prepared = step("bench.passages_http:prepare", url, workdir)
                passages = f"/api/v1/checkpoints/{prepared['checkpoint']}/passages"
                for name in [*VARIANTS, *reversed(VARIANTS)]:
                    row = {"database": kind, "variant": name}
                    with _served(url, workdir, shims, name, bare=True) as server:
                        port = server.port
                        row["bare_noop"] = http._measure(port, "/bare/noop", prepared)["requests_per_second"]
                        row["bare_insert"] = http._measure(port, "/bare/insert", prepared)[
                            "requests_per_second"
                        ]
                    with _served(url, workdir, shims, name, bare=False) as server:
                        port = server.port
                        row["noop"] = http._measure(port, "/api/bench/noop", prepared)["requests_per_second"]
                        passage = http._measure(port, passages, prepared, passages=True)
                    row["passage"], row["passage_p99_ms"] = passage["requests_per_second"], passage["p99_ms"]
                    note(str(row))
                    rows.append(row)
    return {"benchmark": "server_shape", "variants": {k: list(v) for k, v in VARIANTS.items()}, "rows": rows}


def _served(url, workdir, shims, name, *, bare):
    """The benchmark's own server (``passages_http._server``) with this variant's threads and
    application module."""
    threads, _interval = VARIANTS[name]
    port = http._port()
    command = gunicorn_command(
        "127.0.0.1", port, 2, application=f"shape_{name.replace('.', '_')}:application"
    )
    command[command.index("--threads") + 1] = str(threads)
    return http._server(url, workdir, port, bare=bare, command=command, path=shims)
