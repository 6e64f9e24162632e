"""The migration tool on logs as real machines leave them."""

import subprocess
import sys
from pathlib import Path

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import ServerProcess


def _line(n: int, **fields: object) -> bytes:
    entry = {
        "date": "2026-05-01",
        "time": f"10:{n:02d}",
        "channel": "telegram",
        "model": "claude-haiku-4-5",
        "domain": "일정",
        "tokens_in": 100 + n,
        "tokens_out": 10,
        "cost_usd": 0.0125,
        "num_turns": 1,
        **fields,
    }
    return orjson.dumps(entry)


def _migrate(path: Path, url: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "api", "migrate", str(path)]
    return subprocess.run(
        [*command, "--url", url, "--tz", "Asia/Seoul"],
        capture_output=True,
        text=True,
        timeout=120,
    )


async def _count(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        result = await connection.execute(text("SELECT count(*) FROM usage"))
        return int(result.scalar_one())


# Line numbers (1-based) of the bad lines in the file below, and why each fails.
BAD = {
    4: "not a JSON object",
    6: "tokens_in",
    8: "cost_usd",
    10: "not valid JSON",
    12: "not valid JSON",
}


def _messy(fixed: bool) -> bytes:
    lines = [
        b"\xef\xbb\xbf" + _line(1),
        _line(2),
        b"",
        b"[1, 2, 3]" if not fixed else _line(4),
        b"   ",
        _line(6, tokens_in=-5) if not fixed else _line(6),
        _line(7),
        _line(8, cost_usd="0.1234567") if not fixed else _line(8),
        _line(9, tokens_in="42"),
        b'{"date": "2026-05-01", "time": "10:10", tokens_in: 1}'
        if not fixed
        else _line(10),
        _line(11),
        # The last line, cut off by a crash mid-write, with no newline.
        _line(12)[:25] if not fixed else _line(12),
    ]
    return b"\r\n".join(lines)


async def test_messy_log_names_each_bad_line_and_a_fixed_rerun_adds_only_them(
    server: ServerProcess, engine: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "usage.jsonl"
    path.write_bytes(_messy(fixed=False))

    first = _migrate(path, server.url)
    stored_first = await _count(engine)
    path.write_bytes(_messy(fixed=True))
    second = _migrate(path, server.url)
    third = _migrate(path, server.url)

    assert first.returncode == 1, first.stdout + first.stderr
    for number, reason in BAD.items():
        reported = [
            line
            for line in first.stdout.splitlines()
            if line.startswith(f"line {number}: ")
        ]
        assert reported and reason in reported[0], (number, first.stdout)
    assert first.stdout.strip().splitlines()[-1] == (
        "inserted 5 of 10 (0 duplicates, 5 rejected, 2 blank)"
    )
    assert stored_first == 5
    assert second.returncode == 0, second.stdout + second.stderr
    assert second.stdout.strip().splitlines()[-1] == (
        "inserted 5 of 10 (5 duplicates, 0 rejected, 2 blank)"
    )
    assert third.stdout.strip().splitlines()[-1] == (
        "inserted 0 of 10 (10 duplicates, 0 rejected, 2 blank)"
    )
    assert await _count(engine) == 10


async def test_crlf_and_bom_do_not_change_what_a_line_is(
    server: ServerProcess, engine: AsyncEngine, tmp_path: Path
) -> None:
    # The same log saved by an editor that adds a BOM and CRLF is the same log.
    plain, windows = tmp_path / "plain.jsonl", tmp_path / "windows.jsonl"
    lines = [_line(n) for n in range(1, 6)]
    plain.write_bytes(b"\n".join(lines) + b"\n")
    windows.write_bytes(b"\xef\xbb\xbf" + b"\r\n".join(lines) + b"\r\n")

    _migrate(plain, server.url)
    again = _migrate(windows, server.url)

    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.strip().splitlines()[-1] == (
        "inserted 0 of 5 (5 duplicates, 0 rejected, 0 blank)"
    )
    assert await _count(engine) == 5
