"""The migration tool on the real legacy log, against a real server."""

import json
import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from clients.migrate import Defaults, read_legacy_file, send_entries
from tests.conftest import LEGACY_LOG, LEGACY_MANIFEST, ServerProcess, free_port

SEOUL = ZoneInfo("Asia/Seoul")
LEGACY_LINES = LEGACY_LOG.read_text(encoding="utf-8").splitlines()


def migrate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api", "migrate", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def _utc_minute(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


async def test_the_legacy_log_arrives_whole_and_exact(
    server: ServerProcess, engine: AsyncEngine
) -> None:
    manifest = json.loads(LEGACY_MANIFEST.read_text())

    first = migrate(str(LEGACY_LOG), "--tz", "Asia/Seoul", "--url", server.url)

    assert first.returncode == 0, first.stderr
    assert f"inserted 1302 of {manifest['lines']}" in first.stdout
    async with engine.connect() as connection:
        totals = (
            await connection.execute(
                text(
                    "SELECT count(*) AS n, sum(tokens_in) AS tin, "
                    "sum(tokens_out) AS tout, sum(num_turns) AS turns, "
                    "sum(duration_ms) AS ms, sum(cost_usd) AS cost FROM usage"
                )
            )
        ).one()
        by_model = dict(
            (
                await connection.execute(
                    text("SELECT model, count(*) FROM usage GROUP BY 1")
                )
            ).all()
        )
        by_channel = dict(
            (
                await connection.execute(
                    text("SELECT channel, count(*) FROM usage GROUP BY 1")
                )
            ).all()
        )
        first_ts, last_ts = (
            await connection.execute(text("SELECT min(ts), max(ts) FROM usage"))
        ).one()
        korean = await connection.scalar(
            text("SELECT count(*) FROM usage WHERE domain = '일정'")
        )
        extra_kept = await connection.scalar(
            text("SELECT count(*) FROM usage WHERE extra ? 'session_id'")
        )

    assert totals.n == manifest["lines"]
    assert totals.tin == manifest["tokens_in"]
    assert totals.tout == manifest["tokens_out"]
    assert totals.turns == manifest["num_turns"]
    assert totals.ms == manifest["duration_ms"]
    assert totals.cost == Decimal(manifest["cost_usd"])
    assert by_model == manifest["by_model"]
    assert by_channel == manifest["by_channel"]
    assert _utc_minute(first_ts) == manifest["first"]["utc"]
    assert _utc_minute(last_ts) == manifest["last"]["utc"]
    assert korean == manifest["korean_domain_rows"]
    assert extra_kept == sum('"session_id"' in line for line in LEGACY_LINES)

    recent = httpx.get(server.url + "/api/usage", params={"period": "1h"}).json()
    assert recent == []

    second = migrate(str(LEGACY_LOG), "--tz", "Asia/Seoul", "--url", server.url)
    assert second.returncode == 0, second.stderr
    assert "inserted 0 of 1302 (1302 duplicates, 0 rejected, 0 blank)" in second.stdout


def test_lines_without_ts_get_it_from_date_and_time_in_tz(tmp_path: Path) -> None:
    lines = read_legacy_file(LEGACY_LOG, Defaults(tz=SEOUL, palace="p"))

    first = lines[0].entry
    assert first is not None and "ts" not in json.loads(LEGACY_LINES[0])
    assert datetime.fromisoformat(first["ts"]) == datetime(
        2026, 7, 21, 17, 58, tzinfo=UTC
    )
    with_ts = [line.entry for line in lines if line.entry and "." in line.entry["ts"]]
    assert len(with_ts) == json.loads(LEGACY_MANIFEST.read_text())["with_ts"]


async def test_identical_lines_are_two_runs_and_both_are_kept(
    client: httpx.AsyncClient, tmp_path: Path, engine: AsyncEngine
) -> None:
    line = LEGACY_LINES[0]
    log = tmp_path / "twice.jsonl"
    log.write_text(f"{line}\n{line}\n")
    lines = read_legacy_file(log, Defaults(tz=SEOUL, palace="manglasabang"))
    transport = client._transport  # the in-process app

    report = await send_entries("http://test", lines, transport=transport)
    again = await send_entries("http://test", lines, transport=transport)

    assert (report.inserted, report.duplicates) == (2, 0)
    assert (again.inserted, again.duplicates) == (0, 2)
    async with engine.connect() as connection:
        assert await connection.scalar(text("SELECT count(*) FROM usage")) == 2


async def test_flags_fill_who_and_user_id_1_needs_no_user_beforehand(
    client: httpx.AsyncClient, tmp_path: Path, engine: AsyncEngine
) -> None:
    log = tmp_path / "one.jsonl"
    log.write_text(LEGACY_LINES[0] + "\n")
    defaults = Defaults(
        tz=SEOUL, palace="manglasabang", user="junwon", butler="ace", user_id=1
    )

    await send_entries(
        "http://test", read_legacy_file(log, defaults), transport=client._transport
    )

    async with engine.connect() as connection:
        row = (
            await connection.execute(
                text('SELECT palace, "user", butler, user_id FROM usage')
            )
        ).one()
    assert tuple(row) == ("manglasabang", "junwon", "ace", 1)


def test_bad_lines_are_named_by_number_and_exit_1(
    server: ServerProcess, tmp_path: Path
) -> None:
    good = LEGACY_LINES[0]
    log = tmp_path / "mixed.jsonl"
    log.write_bytes(
        b"\xef\xbb\xbf"
        + good.encode()
        + b"\r\n\r\n[1, 2]\r\n"
        + good.replace('"tokens_in": 12996', '"tokens_in": -3').encode()
        + b"\r\n"
        + good[:40].encode()
    )

    result = migrate(str(log), "--tz", "Asia/Seoul", "--url", server.url)

    assert result.returncode == 1, result.stderr
    assert "line 3: rejected: not a JSON object" in result.stdout
    assert "line 4: rejected:" in result.stdout and "tokens_in" in result.stdout
    assert "line 5: rejected: not valid JSON" in result.stdout
    assert "inserted 1 of 4 (0 duplicates, 3 rejected, 1 blank)" in result.stdout


def test_no_server_exits_2_quickly() -> None:
    result = migrate(str(LEGACY_LOG), "--url", f"http://127.0.0.1:{free_port()}")

    assert result.returncode == 2
    assert "no palace-usage server" in result.stderr


def test_dry_run_sends_nothing() -> None:
    result = migrate(
        str(LEGACY_LOG), "--dry-run", "--url", f"http://127.0.0.1:{free_port()}"
    )

    assert result.returncode == 0, result.stderr
    assert "dry run: 1302 of 1302 lines would be sent" in result.stdout


@pytest.mark.parametrize("zone", ["Nowhere/Special", ""])
def test_unknown_zone_is_refused(zone: str) -> None:
    result = migrate(str(LEGACY_LOG), "--tz", zone, "--dry-run")
    if zone:
        assert result.returncode == 2
        assert "unknown time zone" in result.stderr
    else:
        assert result.returncode == 0
