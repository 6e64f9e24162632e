"""Normalising the PostgreSQL URL forms a user may give."""

from sqlalchemy.engine import URL, make_url


class DatabaseURLError(ValueError):
    """The URL is not a PostgreSQL URL this service can use."""


def to_async_url(raw: str) -> URL:
    """Accept postgres://, postgresql:// and postgresql+asyncpg:// alike."""
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw.removeprefix("postgres://")

    try:
        url = make_url(raw)
    except Exception as exc:
        raise DatabaseURLError(f"DATABASE_URL is not a URL: {exc}") from exc

    if url.get_backend_name() != "postgresql":
        raise DatabaseURLError(
            f"DATABASE_URL must be a PostgreSQL URL, not {url.drivername!r}"
        )
    return url.set(drivername="postgresql+asyncpg")


def to_libpq_dsn(raw: str) -> str:
    """The same database as a plain postgresql:// DSN, for asyncpg itself."""
    return (
        to_async_url(raw)
        .set(drivername="postgresql")
        .render_as_string(hide_password=False)
    )
