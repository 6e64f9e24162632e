"""The application factory and its lifespan."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import structlog
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.cookies import SessionCookies, load_secret
from api.errors import install_error_handlers
from api.graphql import PalaceGraphQLRouter
from api.middleware import (
    BodyLimitMiddleware,
    DeadlineMiddleware,
    RequestLogMiddleware,
)
from api.routes import auth, health, monitor, usage
from api.settings import Settings, get_settings
from db.embedded import EmbeddedPostgres
from db.engine import create_engine, create_sessionmaker
from db.migrations import upgrade
from db.tenancy import APP_ROLE
from schema.context import get_context
from schema.schema import get_schema

logger = structlog.get_logger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
# Room for a pool wait, a connect and a statement, each bounded in db/engine.py.
DEADLINE_FACTOR = 5


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    embedded = None
    database_url = settings.database_url
    if database_url is None:
        embedded = EmbeddedPostgres(settings.palace_usage_home)
        database_url = await anyio.to_thread.run_sync(embedded.start)

    await anyio.to_thread.run_sync(upgrade, database_url)
    app.state.cookies = SessionCookies(
        load_secret(settings), int(settings.session_ttl_hours * 3600)
    )
    # The app's queries run as a role that row-level security binds.
    engine = create_engine(database_url, timeout_s=settings.db_timeout_s, role=APP_ROLE)
    app.state.sessionmaker = create_sessionmaker(engine)
    logger.info("server.started", embedded=embedded is not None)
    try:
        yield
    finally:
        await engine.dispose()
        if embedded is not None:
            await anyio.to_thread.run_sync(embedded.stop)
        logger.info("server.stopped")


def request_deadline_s(settings: Settings) -> float:
    """The longest any request may take before it is answered 503."""
    return settings.db_timeout_s * DEADLINE_FACTOR


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="palace-usage",
        summary="Usage of AI agents, per palace, in PostgreSQL.",
        lifespan=_lifespan,
    )
    app.state.settings = settings

    graphql = PalaceGraphQLRouter(
        get_schema(introspection=settings.graphql_introspection),
        context_getter=get_context,
        graphql_ide="graphiql" if settings.graphql_introspection else None,
    )
    app.include_router(graphql, prefix="/graphql")
    app.include_router(usage.router)
    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(monitor.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(DeadlineMiddleware, seconds=request_deadline_s(settings))
    app.add_middleware(RequestLogMiddleware)
    return app
