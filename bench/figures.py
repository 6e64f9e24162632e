"""Each figure of the table: one measurement of ours and of its floor.

Every function runs one bounded measurement and returns plain numbers; the
rounds, medians and ratios are bench/run.py's. Throughput runs check in the
database that every answered request stored its row, so a fast error is
never counted as a fast insert.
"""

import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson

from bench import bodies
from bench.floor_direct import DirectFloor
from bench.load import WrkResult, run_wrk, write_script
from bench.servers import ServerProcess, free_port

REPO = Path(__file__).resolve().parent.parent
LEGACY_LOG = REPO / "tests" / "data" / "legacy-usage.jsonl"
CLIENTS = 32
SETTLE_POLLS = 20


class BenchCheckError(Exception):
    """A measurement did not do the work it claims; its figure would lie."""


@dataclass
class Setup:
    dsn: str
    ours: ServerProcess
    floor: ServerProcess
    direct: DirectFloor
    home: str
    ingest: str
    tmp: Path
    load_s: float
    latency_s: float
    batch_rows: int
    batch_size: int
    # The summary's window start, fixed for the run so each round asks alike.
    since: datetime


@dataclass(frozen=True, slots=True)
class Scripts:
    post: Path
    graphql_log: Path
    get: Path
    usage_h24: Path
    summary: Path


def summary_body(setup: Setup) -> str:
    return bodies.graphql_body(bodies.SUMMARY, {"since": setup.since.isoformat()})


def prepare_scripts(setup: Setup) -> Scripts:
    tmp = setup.tmp
    summary = summary_body(setup)
    return Scripts(
        post=write_script(
            tmp / "post.lua",
            method="POST",
            bodies=bodies.rest_templates(setup.ingest, 200),
        ),
        graphql_log=write_script(
            tmp / "graphql_log.lua",
            method="POST",
            bodies=bodies.graphql_log_templates(setup.ingest, 200),
        ),
        get=write_script(tmp / "get.lua"),
        usage_h24=write_script(
            tmp / "usage_h24.lua",
            method="POST",
            bodies=[(bodies.graphql_body(bodies.USAGE_H24), "")],
        ),
        summary=write_script(
            tmp / "summary.lua", method="POST", bodies=[(summary, "")]
        ),
    )


async def _count(dsn: str, palace: str) -> int:
    connection = await asyncpg.connect(dsn)
    try:
        return int(
            await connection.fetchval(
                "SELECT count(*) FROM usage WHERE palace = $1", palace
            )
        )
    finally:
        await connection.close()


async def _settled_count(dsn: str, palace: str) -> int:
    """The palace's row count once requests wrk left in flight have landed.

    wrk stops with requests still open; the server finishes them anyway, and
    a late commit must not be counted in the next measurement.
    """
    count = await _count(dsn, palace)
    for _ in range(SETTLE_POLLS):
        await asyncio.sleep(0.3)
        again = await _count(dsn, palace)
        if again == count:
            break
        count = again
    return count


async def _wrk(url: str, script: Path, connections: int, seconds: float) -> WrkResult:
    return await asyncio.to_thread(
        run_wrk, url, script, connections=connections, seconds=seconds
    )


async def insert_throughput(setup: Setup, url: str, script: Path) -> WrkResult:
    """Requests/s of 32 clients POSTing fresh entries; every one must be stored."""
    before = await _count(setup.dsn, setup.ingest)
    result = await _wrk(url, script, CLIENTS, setup.load_s)
    stored = await _settled_count(setup.dsn, setup.ingest) - before
    # Requests still in flight when wrk stops may be stored but not counted.
    if result.errors or stored < result.requests:
        raise BenchCheckError(
            f"{url}: {result.requests} answered, {result.errors} errors, "
            f"{stored} stored"
        )
    return result


async def latency(url: str, script: Path, seconds: float) -> WrkResult:
    """One client, back to back: the median is a request's own latency."""
    result = await _wrk(url, script, 1, seconds)
    if result.errors:
        raise BenchCheckError(f"{url}: {result.errors} errors")
    return result


async def timed_median(
    call: Callable[[], Awaitable[Any]], seconds: float, at_least: int = 20
) -> float:
    """Median milliseconds of `call`, run back to back for about `seconds`."""
    samples: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(samples) < at_least:
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _batch_bodies(setup: Setup, graphql: bool, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    out = []
    for _ in range(setup.batch_rows // setup.batch_size):
        entries = bodies.batch_entries(rng, setup.ingest, setup.batch_size)
        if graphql:
            inputs = [bodies.to_graphql_input(entry) for entry in entries]
            body = {"query": bodies.LOG_USAGE_BATCH, "variables": {"inputs": inputs}}
            out.append(orjson.dumps(body))
        else:
            out.append(orjson.dumps(entries))
    return out


async def batch_rows_per_s(setup: Setup, *, graphql: bool, seed: int) -> float:
    """Rows/s of one client sending batches back to back, as `migrate` does."""
    payloads = _batch_bodies(setup, graphql, seed)
    url = (
        setup.ours.url + "/graphql"
        if graphql
        else setup.floor.url + "/floor/usage/batch"
    )
    headers = {"Content-Type": "application/json"}
    before = await _count(setup.dsn, setup.ingest)
    answers: list[httpx.Response] = []
    async with httpx.AsyncClient(timeout=60) as client:
        started = time.perf_counter()
        for payload in payloads:
            response = await client.post(url, content=payload, headers=headers)
            answers.append(response)
        elapsed = time.perf_counter() - started
    for response in answers:
        if response.status_code != 200 or "errors" in response.json():
            raise BenchCheckError(
                f"{url}: {response.status_code} {response.text[:300]}"
            )
    stored = await _count(setup.dsn, setup.ingest) - before
    rows = len(payloads) * setup.batch_size
    if stored != rows:
        raise BenchCheckError(f"{url}: sent {rows} rows, {stored} stored")
    return rows / elapsed


@dataclass(frozen=True, slots=True)
class MigrateResult:
    seconds: float
    inserted: int
    summary: str


async def migrate(setup: Setup, log: Path, palace: str) -> MigrateResult:
    """Wall time of `palace-usage migrate`, from process start to exit."""
    command = [
        sys.executable,
        "-m",
        "api",
        "migrate",
        str(log),
        "--url",
        setup.ours.url,
        "--palace",
        palace,
        "--tz",
        "Asia/Seoul",
    ]
    env = {**os.environ}
    env.pop("PALACE_USAGE_KEY", None)
    started = time.perf_counter()
    finished = await asyncio.to_thread(
        subprocess.run, command, capture_output=True, text=True, env=env, cwd=REPO
    )
    seconds = time.perf_counter() - started
    summary = finished.stdout.strip().splitlines()[-1] if finished.stdout else ""
    if finished.returncode not in (0, 1) or not summary.startswith("inserted "):
        raise BenchCheckError(
            f"migrate exited {finished.returncode}: {finished.stderr[-500:]}"
        )
    return MigrateResult(seconds, int(summary.split()[1]), summary)


def sdk_down_ms(tmp: Path, calls: int) -> list[float]:
    """How long log_usage holds up its caller when nothing listens on the port."""
    from clients.sdk import log_usage

    closed = free_port()
    os.environ["PALACERING_URL"] = f"http://127.0.0.1:{closed}"
    os.environ["USAGE_FALLBACK_PATH"] = str(tmp / "sdk-fallback.jsonl")
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        stored = log_usage(channel="cli", model="claude-haiku-4-5", tokens_in=10)
        samples.append((time.perf_counter() - started) * 1000)
        if stored:
            raise BenchCheckError("log_usage reported success with the server down")
    return samples
