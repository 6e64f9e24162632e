"""The floor: a bare FastAPI app doing our routes' work straight through asyncpg.

    DATABASE_URL=... FLOOR_PALACE=home FLOOR_INGEST_PALACE=ingest \\
        python -m bench.floor_app --port P

Same body in, same statements (bench/floor_sql.py), same JSON out (orjson,
as api/responses.py encodes it), on the same uvicorn as `palace-usage serve`,
but with nothing else: no validation model, no ORM or Core, no session, one
round trip per request. Its connections are opened as the app role with the
palace already set, so row-level security still applies.
"""

import argparse
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg
import orjson
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import Response

from bench import floor_sql

APP_ROLE = "palace_usage_app"
INTERVALS = {
    "1h": "1 hour",
    "3h": "3 hours",
    "6h": "6 hours",
    "12h": "12 hours",
    "24h": "24 hours",
    "3d": "3 days",
    "7d": "7 days",
    "1m": "1 month",
}
POOL_MAX = 20  # what the app's engine may open: pool_size 10 + max_overflow 10


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, UUID):
        return str(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def _json(content: Any, status: int = 200) -> Response:
    body = orjson.dumps(content, default=_default, option=orjson.OPT_UTC_Z)
    return Response(body, status_code=status, media_type="application/json")


async def _pool(dsn: str, palace: str) -> asyncpg.Pool:
    return await asyncpg.create_pool(
        dsn,
        min_size=2,
        max_size=POOL_MAX,
        server_settings={
            "plan_cache_mode": "force_custom_plan",
            "role": APP_ROLE,
            "palace_usage.palace": palace,
        },
    )


class Floor:
    def __init__(self, read: asyncpg.Pool, write: asyncpg.Pool, home: str, ingest: str):
        self.read = read
        self.write = write
        self.home = home
        self.ingest = ingest
        self._users: dict[str, int] = {}

    async def user_id(self, name: str | None) -> int | None:
        if not name:
            return None
        known = self._users.get(name)
        if known is None:
            async with self.write.acquire() as connection:
                await connection.execute(floor_sql.ENSURE_USER, self.ingest, name)
                known = await connection.fetchval(floor_sql.GET_USER, self.ingest, name)
            self._users[name] = known
        return known


def _row(entry: dict[str, Any], user_id: int | None, now: datetime) -> tuple[Any, ...]:
    """The app's columns from palace's next one on, from a legacy-keyed entry."""
    raw_ts = entry.get("ts")
    ts = datetime.fromisoformat(raw_ts) if raw_ts else now
    local = ts.astimezone()
    cost = entry.get("cost_usd")
    return (
        UUID(entry["event_id"]),
        ts,
        entry.get("date") or local.strftime("%Y-%m-%d"),
        entry.get("time") or local.strftime("%H:%M"),
        user_id,
        entry.get("user"),
        entry.get("butler"),
        entry.get("channel"),
        entry.get("model"),
        entry.get("domain"),
        entry.get("duration_ms"),
        entry.get("duration_min"),
        entry.get("tokens_in"),
        entry.get("tokens_out"),
        Decimal(str(cost)) if cost is not None else None,
        entry.get("num_turns"),
        "{}",
    )


def create_floor_app(dsn: str, home: str, ingest: str) -> FastAPI:
    state: dict[str, Floor] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        read, write = await _pool(dsn, home), await _pool(dsn, ingest)
        state["floor"] = Floor(read, write, home, ingest)
        try:
            yield
        finally:
            await read.close()
            await write.close()

    app = FastAPI(lifespan=lifespan)

    @app.get("/healthz")
    async def healthz() -> Response:
        await state["floor"].read.fetchval("SELECT 1")
        return _json({"ok": True})

    @app.post("/api/usage/log")
    async def log_one(request: Request) -> Response:
        floor = state["floor"]
        entry = orjson.loads(await request.body())
        user_id = await floor.user_id(entry.get("user"))
        row = _row(entry, user_id, datetime.now(UTC))
        stored = await floor.write.fetchrow(floor_sql.INSERT_ONE, floor.ingest, *row)
        if stored is None:
            return _json({"event_id": entry["event_id"], "duplicate": True})
        return _json(
            {"id": stored["id"], "event_id": stored["event_id"], "duplicate": False},
            201,
        )

    @app.post("/floor/usage/batch")
    async def log_many(request: Request) -> Response:
        floor = state["floor"]
        entries = orjson.loads(await request.body())
        now = datetime.now(UTC)
        rows = [
            _row(entry, await floor.user_id(entry.get("user")), now)
            for entry in entries
        ]
        columns = [list(column) for column in zip(*rows, strict=True)]
        stored = await floor.write.fetch(floor_sql.INSERT_MANY, floor.ingest, *columns)
        return _json({"stored": len(stored)})

    @app.get("/api/usage")
    async def list_usage(period: str = "24h") -> Response:
        floor = state["floor"]
        rows = await floor.read.fetch(
            floor_sql.LIST_FOR_INTERVAL, floor.home, INTERVALS[period]
        )
        return _json([dict(row) for row in rows])

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = create_floor_app(
        os.environ["DATABASE_URL"],
        os.environ["FLOOR_PALACE"],
        os.environ["FLOOR_INGEST_PALACE"],
    )
    # As api/cli.py's serve runs ours: one process, no access log.
    uvicorn.run(
        app, host="127.0.0.1", port=args.port, access_log=False, log_level="warning"
    )


if __name__ == "__main__":
    main()
