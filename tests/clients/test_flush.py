"""`palace-usage flush` against a real server: once, exactly, and never a torn file."""

import asyncio
import os
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from clients.fallback import append_entry, locked, replace_contents
from clients.flush import rejects_path
from tests.conftest import ServerProcess, free_port
from tests.factories import make_entry

APPENDER = """
import sys
from datetime import timedelta
from pathlib import Path
from clients.fallback import append_entry
from tests.factories import make_entry

path, count = Path(sys.argv[1]), int(sys.argv[2])
for _ in range(count):
    append_entry(path, make_entry(ago=timedelta(minutes=1)))
"""


def sdk_entry(**fields: Any) -> dict[str, Any]:
    """An entry as the SDK writes it to the fallback file: with ts and event id."""
    return make_entry(ago=timedelta(minutes=5), **fields)


def _write(path: Path, entries: list[dict[str, Any]], tail: bytes = b"") -> None:
    path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in entries) + tail)


def _flush(path: Path, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api", "flush", "--fallback", str(path), "--url", url],
        capture_output=True,
        text=True,
        timeout=120,
    )


async def _flush_async(path: Path, url: str) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(_flush, path, url)


async def _stored(engine: AsyncEngine) -> tuple[int, int]:
    async with engine.connect() as connection:
        result = await connection.execute(
            text("SELECT count(*), count(DISTINCT event_id) FROM usage")
        )
        total, distinct = result.one()
    return int(total), int(distinct)


def _lines(path: Path) -> list[bytes]:
    return [line for line in path.read_bytes().split(b"\n") if line]


async def test_flush_sends_removes_acknowledged_and_sets_aside_refused(
    server: ServerProcess, engine: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "usage.jsonl"
    good = [sdk_entry() for _ in range(5)]
    bad = sdk_entry(tokens_in=-1)
    _write(path, [*good[:3], bad, *good[3:]], tail=b'\n{"tokens_in": 12, "mod')

    first = await _flush_async(path, server.url)
    second = await _flush_async(path, server.url)

    assert first.returncode == 1, first.stderr
    assert "flushed 5 entries" in first.stdout
    assert "2 set aside, 0 kept" in first.stdout
    assert path.read_bytes() == b""
    rejects = [orjson.loads(line) for line in _lines(rejects_path(path))]
    assert [r["line"] for r in rejects] == [
        orjson.dumps(bad).decode(),
        '{"tokens_in": 12, "mod',
    ]
    assert "tokens_in" in rejects[0]["reason"]
    assert "not valid JSON" in rejects[1]["reason"]
    assert await _stored(engine) == (5, 5)
    assert second.returncode == 0 and "flushed 0 entries" in second.stdout


async def test_lines_sent_twice_are_stored_once(
    server: ServerProcess, engine: AsyncEngine, tmp_path: Path
) -> None:
    # A flush killed after the server stored a batch, before the file was
    # rewritten, sends the same lines again on the next run.
    path = tmp_path / "usage.jsonl"
    entries = [sdk_entry() for _ in range(20)]
    _write(path, entries)
    await _flush_async(path, server.url)
    _write(path, entries)

    again = await _flush_async(path, server.url)

    assert again.returncode == 0, again.stderr
    assert "flushed 20 entries" in again.stdout
    assert await _stored(engine) == (20, 20)
    assert path.read_bytes() == b""


async def test_an_unreachable_server_leaves_the_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "usage.jsonl"
    _write(path, [sdk_entry() for _ in range(3)])
    before = path.read_bytes()

    result = await _flush_async(path, f"http://127.0.0.1:{free_port()}")

    assert result.returncode == 2
    assert "run flush again" in result.stderr
    assert path.read_bytes() == before


async def test_two_flushers_and_four_appenders_at_once_store_each_entry_once(
    server: ServerProcess, engine: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "usage.jsonl"
    _write(path, [sdk_entry() for _ in range(3000)])
    env = {**os.environ, "PYTHONPATH": str(Path.cwd())}

    command = [sys.executable, "-c", APPENDER, str(path), "250"]
    appenders: list[subprocess.Popen[bytes]] = []
    for _ in range(4):
        appenders.append(await asyncio.to_thread(subprocess.Popen, command, env=env))
    flushes = await asyncio.gather(
        _flush_async(path, server.url), _flush_async(path, server.url)
    )
    for appender in appenders:
        await asyncio.to_thread(appender.wait, 60)
    # Every line the file holds now is whole, whatever ran over it.
    leftover = [orjson.loads(line) for line in _lines(path)]
    final = await _flush_async(path, server.url)

    assert all(flush.returncode == 0 for flush in flushes), flushes
    assert all(appender.returncode == 0 for appender in appenders)
    assert all("event_id" in entry for entry in leftover)
    assert final.returncode == 0, final.stderr
    assert path.read_bytes() == b""
    assert await _stored(engine) == (4000, 4000)


def test_an_append_waiting_on_a_replaced_file_lands_in_the_new_one(
    tmp_path: Path,
) -> None:
    path = tmp_path / "usage.jsonl"
    path.write_bytes(b'{"old": 1}\n')
    waiting = threading.Thread(target=append_entry, args=(path, {"new": 2}))

    with locked(path):
        waiting.start()
        # Let the appender reach its flock on the file about to be replaced.
        waiting.join(timeout=0.3)
        replace_contents(path, b'{"kept": 1}\n')
    waiting.join(timeout=10)

    assert path.read_bytes() == b'{"kept": 1}\n{"new":2}\n'


def test_an_append_after_a_torn_line_starts_a_fresh_line(tmp_path: Path) -> None:
    path = tmp_path / "usage.jsonl"
    path.write_bytes(b'{"tokens_in": 1}\n{"tokens_in": 2, "mo')

    append_entry(path, {"tokens_in": 3})

    assert _lines(path) == [
        b'{"tokens_in": 1}',
        b'{"tokens_in": 2, "mo',
        b'{"tokens_in":3}',
    ]


@pytest.mark.parametrize("mode", [0o600, 0o640])
def test_replacing_keeps_the_file_mode(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "usage.jsonl"
    path.write_bytes(b"x\n")
    path.chmod(mode)

    with locked(path):
        replace_contents(path, b"")

    assert path.stat().st_mode & 0o777 == mode
