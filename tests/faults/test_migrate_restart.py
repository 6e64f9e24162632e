"""The server dies in the middle of a migration; running it again completes it."""

import asyncio
import random
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import orjson

from db.urls import to_libpq_dsn
from tests.conftest import ServerProcess
from tests.faults.cluster import OwnedPostgres
from tests.faults.conftest import usage_counts

LINES = 20_000


def _legacy_file(path: Path) -> None:
    rng = random.Random(5)
    with path.open("wb") as out:
        for n in range(LINES):
            day, minute = 1 + n % 28, n % (24 * 60)
            line = {
                "date": f"2026-06-{day:02d}",
                "time": f"{minute // 60:02d}:{minute % 60:02d}",
                "channel": rng.choice(["telegram", "slack", "cli"]),
                "model": "claude-sonnet-4-5",
                "domain": "home",
                "duration_ms": rng.randint(1_000, 90_000),
                "tokens_in": n,
                "tokens_out": rng.randint(10, 3_000),
                "cost_usd": round(rng.uniform(0.001, 0.2), 6),
                "num_turns": rng.randint(1, 9),
            }
            out.write(orjson.dumps(line) + b"\n")


def _migrate(path: Path, url: str) -> subprocess.Popen[str]:
    command = [
        *(sys.executable, "-m", "api", "migrate", str(path)),
        *("--url", url, "--tz", "Asia/Seoul", "--batch-size", "100"),
    ]
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


async def _stored(pg: OwnedPostgres) -> int:
    connection = await asyncpg.connect(to_libpq_dsn(pg.url))
    try:
        return int(await connection.fetchval("SELECT count(*) FROM usage"))
    finally:
        await connection.close()


async def test_killed_server_mid_migration_then_rerun_stores_each_line_once(
    fault_server: ServerProcess, healthy: OwnedPostgres, tmp_path: Path
) -> None:
    path = tmp_path / "legacy.jsonl"
    _legacy_file(path)
    first = _migrate(path, fault_server.url)

    deadline = time.monotonic() + 120
    # Another process writes the rows; there is no event to wait on, only a poll.
    while await _stored(healthy) < 2_000 and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    stored_at_kill = await _stored(healthy)
    await asyncio.to_thread(fault_server.kill)
    out, err = await asyncio.to_thread(first.communicate, None, 120)
    await asyncio.to_thread(fault_server.start)
    second = _migrate(path, fault_server.url)
    out2, err2 = await asyncio.to_thread(second.communicate, None, 300)

    assert 2_000 <= stored_at_kill < LINES
    assert first.returncode == 2, out + err
    assert "run the same command again" in err
    assert second.returncode == 0, out2 + err2
    summary = out2.strip().splitlines()[-1]
    inserted = int(summary.split()[1])
    duplicates = int(summary.split("(")[1].split()[0])
    assert summary == (
        f"inserted {inserted} of {LINES} ({duplicates} duplicates, 0 rejected, 0 blank)"
    )
    assert inserted + duplicates == LINES and 0 < inserted < LINES
    assert await usage_counts(healthy) == (LINES, LINES)
