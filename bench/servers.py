"""Starting and stopping the two servers under test: ours and the floor.

Both are plain uvicorn processes on loopback, one worker each, started the
same way, so what differs between them is only the application.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

STARTUP_S = 90
# Children run from the checkout, so `-m api` and `-m bench` are this tree's.
REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """A child process serving HTTP on 127.0.0.1, its output sent to a file."""

    def __init__(
        self,
        name: str,
        argv: list[str],
        env: dict[str, str],
        log: Path,
        cwd: Path = REPO,
    ):
        self.name = name
        self.cwd = cwd
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._argv = [*argv, "--port", str(self.port)]
        self._env = env
        self._log = log
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    def start(self) -> None:
        with open(self._log, "ab") as log:
            self._process = subprocess.Popen(
                self._argv,
                env=self._env,
                cwd=self.cwd,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + STARTUP_S
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self._process.returncode}; "
                    f"see {self._log}"
                )
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.name} did not answer within {STARTUP_S} s")

    def stop(self) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=15)


def _base_env(dsn: str, **extra: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": dsn, **extra}
    env.pop("TEST_DATABASE_URL", None)
    return env


def our_server(dsn: str, home: Path, palace: str, log: Path) -> ServerProcess:
    """`palace-usage serve`, logging JSON lines to a file as in production."""
    env = _base_env(
        dsn,
        PALACE_USAGE_HOME=str(home),
        DEFAULT_PALACE=palace,
        PALACE_USAGE_LOG="json",
    )
    argv = [sys.executable, "-m", "api", "serve"]
    return ServerProcess("palace-usage serve", argv, env, log)


def floor_server(dsn: str, palace: str, ingest: str, log: Path) -> ServerProcess:
    """The bare FastAPI + asyncpg app of bench/floor_app.py."""
    env = _base_env(dsn, FLOOR_PALACE=palace, FLOOR_INGEST_PALACE=ingest)
    argv = [sys.executable, "-m", "bench.floor_app"]
    return ServerProcess("floor", argv, env, log)
