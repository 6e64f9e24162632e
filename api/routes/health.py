"""Liveness that means something: the database answers."""

from fastapi import APIRouter
from sqlalchemy import text

from api.deps import SessionDep
from api.errors import is_database_unavailable
from api.responses import JSONResponse

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz(session: SessionDep) -> JSONResponse:
    try:
        await session.execute(text("SELECT 1"))
    except Exception as exc:
        if not is_database_unavailable(exc):
            raise
        return JSONResponse({"status": "unavailable", "database": "down"}, 503)
    return JSONResponse({"status": "ok", "database": "up"})
