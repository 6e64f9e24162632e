"""Which PostgreSQL a database command works on."""

from collections.abc import Iterator
from contextlib import contextmanager

from api.settings import get_settings
from db.embedded import EmbeddedPostgres


@contextmanager
def database_url() -> Iterator[str]:
    """DATABASE_URL, or the embedded server of $PALACE_USAGE_HOME, shared.

    Joining the embedded server of a running `serve` is safe: it stops only
    when the last process using it lets go.
    """
    settings = get_settings()
    if settings.database_url:
        yield settings.database_url
        return

    embedded = EmbeddedPostgres(settings.palace_usage_home)
    try:
        yield embedded.start()
    finally:
        embedded.stop()
