"""Logging in and out of the monitor."""

from datetime import timedelta
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from api.cookies import COOKIE_NAME
from api.deps import PalaceDep, SessionDep, SettingsDep
from api.responses import JSONResponse
from service import logins
from service.errors import LoginFailedError

router = APIRouter(tags=["auth"])

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


class LoginRequest(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)
    palace: str | None = Field(
        default=None,
        max_length=100,
        description="Only needed when the same name logs in to several palaces.",
    )


@router.post("/api/login")
async def log_in(
    body: LoginRequest, request: Request, session: SessionDep, settings: SettingsDep
) -> JSONResponse:
    """Check the name and password and set the signed session cookie."""
    ttl = timedelta(hours=settings.session_ttl_hours)
    try:
        info = await logins.log_in(
            session, body.name, body.password, palace=body.palace, ttl=ttl
        )
    except LoginFailedError:
        await session.commit()  # keep the failure count that slows guessing
        raise
    await session.commit()

    response = JSONResponse({"palace": info.palace, "user": body.name})
    response.set_cookie(
        COOKIE_NAME,
        request.app.state.cookies.dump(info.palace, info.session_id),
        max_age=int(ttl.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )
    return response


@router.post("/api/logout")
async def log_out(request: Request, session: SessionDep) -> JSONResponse:
    """End the session for good, then clear the cookie."""
    signed = request.app.state.cookies.load(request.cookies.get(COOKIE_NAME, ""))
    if signed is not None:
        await logins.log_out(session, *signed)
        await session.commit()

    response = JSONResponse({"logged_out": True})
    response.delete_cookie(COOKIE_NAME, path="/")
    return response


@router.get("/api/me")
async def who_am_i(palace: PalaceDep) -> JSONResponse:
    """How this request was recognised: for the page's header and for scripts."""
    return JSONResponse(
        {
            "kind": palace.kind.value,
            "palace": palace.home if palace.can_read else None,
            "user": palace.user,
            "login_required": palace.login_required,
        }
    )


@router.get("/login", include_in_schema=False)
async def login_page() -> FileResponse:
    return FileResponse(STATIC_DIR / "login.html", media_type="text/html")
