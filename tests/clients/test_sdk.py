"""The SDK: the contract's public names, the happy path and the fallback."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

import clients.sdk
from clients.sdk import alog_usage, log_usage
from tests.conftest import ServerProcess, free_port


def test_public_names_are_exactly_the_contract() -> None:
    assert sorted(clients.sdk.__all__) == ["alog_usage", "log_usage"]


@pytest.fixture
def sdk_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    fallback = tmp_path / "fallback.jsonl"
    monkeypatch.setenv("USAGE_FALLBACK_PATH", str(fallback))
    monkeypatch.setenv("PALACE_NAME", "manglasabang")
    monkeypatch.setenv("PALACE_USER", "junwon")
    monkeypatch.setenv("PALACE_BUTLER", "ace")
    monkeypatch.setenv("PALACE_USER_ID", "1")
    return fallback


async def test_log_usage_reaches_a_running_server(
    server: ServerProcess,
    sdk_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    engine: AsyncEngine,
) -> None:
    monkeypatch.setenv("PALACERING_URL", server.url)

    took = log_usage(channel="cli", model="claude-haiku-4-5", tokens_in=10)
    took_async = await alog_usage(channel="slack", cost_usd=0.5)

    assert took is True and took_async is True
    assert not sdk_env.exists()
    async with engine.connect() as connection:
        rows = (
            await connection.execute(
                text('SELECT palace, "user", butler, channel FROM usage ORDER BY id')
            )
        ).all()
    assert [tuple(row) for row in rows] == [
        ("manglasabang", "junwon", "ace", "cli"),
        ("manglasabang", "junwon", "ace", "slack"),
    ]


async def test_closed_port_falls_back_quickly_to_one_json_line(
    sdk_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PALACERING_URL", f"http://127.0.0.1:{free_port()}")

    started = time.monotonic()
    took = log_usage(channel="telegram", tokens_in=5, cost_usd=0.011167)
    elapsed = time.monotonic() - started
    took_async = await alog_usage(channel="web")

    assert took is False and took_async is False
    assert elapsed < 2.0
    lines = sdk_env.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    entry = json.loads(lines[0])
    assert entry["channel"] == "telegram"
    assert entry["cost_usd"] == 0.011167
    assert entry["palace"] == "manglasabang" and entry["user_id"] == 1
    assert len(entry["event_id"]) == 36 and entry["ts"].endswith("Z")
    assert json.loads(lines[1])["event_id"] != entry["event_id"]


def test_twenty_processes_at_once_leave_twenty_whole_lines(
    sdk_env: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "PALACERING_URL": f"http://127.0.0.1:{free_port()}"}
    # A long field makes a torn or interleaved write visible as broken JSON.
    script = (
        "from clients.sdk import log_usage\n"
        "import sys\n"
        "assert log_usage(domain=sys.argv[1], note='x' * 20000) is False\n"
    )
    processes = [
        subprocess.Popen([sys.executable, "-c", script, f"d{n}"], env=env)
        for n in range(20)
    ]
    for process in processes:
        assert process.wait(timeout=60) == 0

    lines = sdk_env.read_bytes().split(b"\n")
    assert lines[-1] == b""
    entries = [json.loads(line) for line in lines[:-1]]
    assert sorted(e["domain"] for e in entries) == sorted(f"d{n}" for n in range(20))
    assert len({e["event_id"] for e in entries}) == 20


def test_a_refusing_server_sends_the_entry_to_the_fallback_too(
    server: ServerProcess, sdk_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PALACERING_URL", server.url)

    assert log_usage(tokens_in=-5) is False

    [line] = sdk_env.read_text().splitlines()
    assert json.loads(line)["tokens_in"] == -5
