"""Measuring the fault paths for the release note (not a test: no assertions).

    .venv/bin/python bench/faults.py [--calls 50]

1. SDK `log_usage` while the server is down, two ways: nothing listens on the
   port (connection refused), and something accepts connections but never
   answers (the SDK's read timeout must end the wait).
2. The API's time to answer 503 once its database is gone, two ways: the
   PostgreSQL server stopped (connections refused), and frozen by SIGSTOP
   (connections accepted, nothing answers), with the default
   PALACE_USAGE_DB_TIMEOUT of 3 s.
"""

import argparse
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from clients.sdk import log_usage  # noqa: E402
from tests.conftest import ServerProcess, free_port, server_env  # noqa: E402
from tests.faults.cluster import OwnedPostgres  # noqa: E402


def _timed(call: Callable[[], object], times: int) -> list[float]:
    taken = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        taken.append(time.perf_counter() - started)
    return taken


def _report(label: str, taken: list[float]) -> None:
    median, worst = statistics.median(taken) * 1000, max(taken) * 1000
    print(
        f"{label:<46} n={len(taken):<3} median {median:8.1f} ms  worst {worst:8.1f} ms"
    )


@contextmanager
def _silent_listener() -> Iterator[int]:
    """A port that accepts connections and never says a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(512)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(server.getsockname()[1])
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        server.close()


def bench_sdk(calls: int, home: Path) -> None:
    os.environ["USAGE_FALLBACK_PATH"] = str(home / "sdk-fallback.jsonl")

    def call() -> bool:
        return log_usage(channel="bench", model="m", tokens_in=1, cost_usd=0.001)

    os.environ["PALACERING_URL"] = f"http://127.0.0.1:{free_port()}"
    _report("SDK, server down (port closed)", _timed(call, calls))

    with _silent_listener() as port:
        os.environ["PALACERING_URL"] = f"http://127.0.0.1:{port}"
        _report("SDK, server accepts but never answers", _timed(call, calls))


def bench_api(calls: int, home: Path) -> None:
    with OwnedPostgres(home / "pg") as pg:
        server = ServerProcess(server_env(pg.url, home), home / "server.log")
        server.start()
        try:
            post = _poster(server.url)
            post()
            pg.stop()
            _report("API POST /api/usage/log, PostgreSQL stopped", _timed(post, calls))
            health = _getter(server.url + "/healthz")
            _report("API GET /healthz, PostgreSQL stopped", _timed(health, calls))
            pg.start()
            post()

            pg.freeze()
            frozen = max(3, calls // 10)
            _report("API POST /api/usage/log, PostgreSQL frozen", _timed(post, frozen))
            _report("API GET /healthz, PostgreSQL frozen", _timed(health, frozen))
            pg.thaw()
        finally:
            server.stop()


def _poster(url: str) -> Callable[[], int]:
    def post() -> int:
        response = httpx.post(url + "/api/usage/log", json={"tokens_in": 1}, timeout=60)
        return response.status_code

    return post


def _getter(url: str) -> Callable[[], int]:
    def get() -> int:
        return httpx.get(url, timeout=60).status_code

    return get


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        bench_sdk(args.calls, Path(tmp))
        bench_api(args.calls, Path(tmp))


if __name__ == "__main__":
    main()
