"""A PostgreSQL and a server the fault tests own, so they may take them away."""

from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from db.urls import to_libpq_dsn
from tests.conftest import ServerProcess, server_env
from tests.faults.cluster import OwnedPostgres

# Short, so outages are seen quickly: connect 1 s, statement 3 s, request 5 s.
DB_TIMEOUT_S = "1"


@pytest.fixture(scope="module")
def owned_pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OwnedPostgres]:
    with OwnedPostgres(tmp_path_factory.mktemp("owned-pg")) as pg:
        yield pg


@pytest.fixture(scope="module")
def fault_server(
    owned_pg: OwnedPostgres, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    home = tmp_path_factory.mktemp("fault-home")
    env = server_env(owned_pg.url, home, PALACE_USAGE_DB_TIMEOUT=DB_TIMEOUT_S)
    process = ServerProcess(env, home / "server.log")
    process.start()
    yield process
    process.stop()


@pytest.fixture
def healthy(owned_pg: OwnedPostgres) -> Iterator[OwnedPostgres]:
    """Whatever a test did to the database, the next one finds it running."""
    yield owned_pg
    owned_pg.thaw()
    if not owned_pg.running():
        owned_pg.start()


async def usage_counts(pg: OwnedPostgres) -> tuple[int, int]:
    """(rows, distinct event ids), read as the superuser, past row-level security."""
    connection = await asyncpg.connect(to_libpq_dsn(pg.url))
    try:
        row = await connection.fetchrow(
            "SELECT count(*), count(DISTINCT event_id) FROM usage"
        )
        await connection.execute("TRUNCATE usage")
    finally:
        await connection.close()
    assert row is not None
    return int(row[0]), int(row[1])


def log_path(home: Path) -> Path:
    return home / "server.log"
