"""Liveness that means something: the database answers, and soon."""

import asyncio

from fastapi import APIRouter
from sqlalchemy import text

from api.deps import SessionDep, SettingsDep
from api.errors import is_database_unavailable
from api.responses import JSONResponse

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz(session: SessionDep, settings: SettingsDep) -> JSONResponse:
    """200 when PostgreSQL answers `SELECT 1` within the database timeout, else 503."""
    try:
        async with asyncio.timeout(settings.db_timeout_s):
            await session.execute(text("SELECT 1"))
    except Exception as exc:
        if not is_database_unavailable(exc):
            raise
        return JSONResponse(
            {"status": "unavailable", "database": "down"},
            status_code=503,
            headers={"Retry-After": "5"},
        )
    return JSONResponse({"status": "ok", "database": "up"})
