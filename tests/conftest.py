"""Fixtures: one migrated database per run, emptied before every test."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from api.app import create_app
from api.settings import Settings
from db.engine import create_engine, create_sessionmaker
from db.migrations import upgrade
from db.urls import to_libpq_dsn
from tests.pg import throwaway_database

DATA = Path(__file__).parent / "data"
LEGACY_LOG = DATA / "legacy-usage.jsonl"
LEGACY_MANIFEST = DATA / "legacy-usage.manifest.json"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with throwaway_database(tmp_path_factory.mktemp("pg")) as url:
        upgrade(url)
        yield url


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        database_url=database_url,
        palace_usage_home=tmp_path_factory.mktemp("home"),
        default_palace="manglasabang",
    )


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


@pytest.fixture(autouse=True)
async def empty_tables(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            text("TRUNCATE usage, sessions, api_keys, users RESTART IDENTITY")
        )


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[object]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def client(app: object) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {seconds}s")


class ServerProcess:
    """A real `palace-usage serve` in a child process."""

    def __init__(self, env: dict[str, str], log: Path, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "api", "serve", "--port", str(self.port)]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                command, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        wait_for(self.url + "/healthz", self.process)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=15)


def server_env(database_url: str, home: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "PALACE_USAGE_HOME": str(home), **extra}
    env["DATABASE_URL"] = to_libpq_dsn(database_url)
    env.pop("TEST_DATABASE_URL", None)
    return env


@pytest.fixture(scope="session")
def server(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    home = tmp_path_factory.mktemp("server-home")
    process = ServerProcess(server_env(database_url, home), home / "server.log")
    process.start()
    yield process
    process.stop()
