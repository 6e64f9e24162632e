"""PostgreSQL goes away under a running server: 503 in time, nothing lost.

The server here runs with PALACE_USAGE_DB_TIMEOUT=1, so its bounds are a 1 s
connect, a 3 s statement and a 5 s request deadline.
"""

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import ServerProcess
from tests.faults.cluster import OwnedPostgres
from tests.faults.conftest import usage_counts

DEADLINE_S = 5.0

AGENT = """
import sys, time
from clients.sdk import log_usage

calls, pause = int(sys.argv[1]), float(sys.argv[2])
taken = 0
for n in range(calls):
    taken += log_usage(channel="fault", model="m", tokens_in=n, cost_usd=0.001)
    time.sleep(pause)
print(taken, calls - taken)
"""


def _post(server: ServerProcess) -> tuple[int, float]:
    started = time.perf_counter()
    response = httpx.post(
        server.url + "/api/usage/log", json={"tokens_in": 1}, timeout=30
    )
    return response.status_code, time.perf_counter() - started


def _wait_healthy(server: ServerProcess, seconds: float = 15) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        if httpx.get(server.url + "/healthz", timeout=10).status_code == 200:
            return time.perf_counter() - started
        time.sleep(0.1)
    raise AssertionError("the server did not recover without a restart")


async def test_stopped_database_is_503_at_once_and_recovers_without_restart(
    fault_server: ServerProcess, healthy: OwnedPostgres
) -> None:
    await asyncio.to_thread(healthy.stop)
    health = await asyncio.to_thread(
        httpx.get, fault_server.url + "/healthz", timeout=10
    )
    status, took = await asyncio.to_thread(_post, fault_server)
    graphql = await asyncio.to_thread(
        httpx.post,
        fault_server.url + "/graphql",
        json={"query": "{ usage(period: H1) { id } }"},
        timeout=10,
    )
    await asyncio.to_thread(healthy.start)
    recovered_in = await asyncio.to_thread(_wait_healthy, fault_server)
    after, _ = await asyncio.to_thread(_post, fault_server)

    assert health.status_code == 503
    assert health.json() == {"status": "unavailable", "database": "down"}
    assert status == 503 and took < 1.0
    assert graphql.status_code == 503
    assert "database unavailable" in graphql.json()["error"]
    assert recovered_in < 5
    assert after == 201
    await usage_counts(healthy)


async def test_database_that_stops_answering_gets_503_within_the_deadline(
    fault_server: ServerProcess, healthy: OwnedPostgres
) -> None:
    # Frozen, the server's sockets stay open and nothing ever answers: the
    # worst outage there is, the one only timeouts can end.
    await asyncio.to_thread(_post, fault_server)
    healthy.freeze()
    results = await asyncio.gather(
        *(asyncio.to_thread(_post, fault_server) for _ in range(25))
    )
    healthy.thaw()
    recovered_in = await asyncio.to_thread(_wait_healthy, fault_server)

    assert {status for status, _ in results} == {503}
    assert max(took for _, took in results) < DEADLINE_S + 1
    assert recovered_in < 10
    await usage_counts(healthy)


async def test_sdk_traffic_through_an_outage_is_stored_exactly_once_after_flush(
    fault_server: ServerProcess, healthy: OwnedPostgres, tmp_path: Path
) -> None:
    fallback = tmp_path / "usage.jsonl"
    env = {
        **os.environ,
        "PYTHONPATH": str(Path.cwd()),
        "PALACERING_URL": fault_server.url,
        "USAGE_FALLBACK_PATH": str(fallback),
        "PALACE_NAME": "manglasabang",
        "PALACE_USER": "junwon",
        "PALACE_BUTLER": "ace",
    }
    processes, calls = 5, 80
    command = [sys.executable, "-c", AGENT, str(calls), "0.03"]
    agents = [
        await asyncio.to_thread(
            subprocess.Popen, command, env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(processes)
    ]

    await asyncio.sleep(1.0)
    await asyncio.to_thread(healthy.stop)
    await asyncio.sleep(1.5)
    await asyncio.to_thread(healthy.start)
    outputs = [
        await asyncio.to_thread(agent.communicate, None, 120) for agent in agents
    ]
    taken, fell_back = (sum(int(out[0].split()[i]) for out in outputs) for i in (0, 1))
    flush = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "api", "flush", "--fallback", str(fallback)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert taken + fell_back == processes * calls
    assert taken > 0 and fell_back > 0, (taken, fell_back)
    assert flush.returncode == 0, flush.stdout + flush.stderr
    assert f"flushed {fell_back} entries" in flush.stdout
    assert fallback.read_bytes() == b""
    assert await usage_counts(healthy) == (processes * calls, processes * calls)
