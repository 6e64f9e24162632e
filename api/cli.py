"""The `palace-usage` command line: a thin shell over importable functions."""

import sys
from contextlib import contextmanager
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from api.logs import configure_logging
from api.settings import get_settings

app = typer.Typer(
    help="Usage of AI agents, per palace, in PostgreSQL.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Work on the database itself.", no_args_is_help=True)
app.add_typer(db_app, name="db")

DEFAULT_URL = "http://localhost:6572"


@contextmanager
def _database_url() -> Iterator[str]:
    """DATABASE_URL, or the embedded server of $PALACE_USAGE_HOME, shared."""
    settings = get_settings()
    if settings.database_url:
        yield settings.database_url
        return

    from db.embedded import EmbeddedPostgres

    embedded = EmbeddedPostgres(settings.palace_usage_home)
    try:
        yield embedded.start()
    finally:
        embedded.stop()


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 6572,
) -> None:
    """Apply the migrations, then serve the API and the monitor."""
    import uvicorn

    from api.app import create_app

    settings = get_settings()
    configure_logging(settings.log_format)
    where = "the embedded database" if not settings.database_url else "DATABASE_URL"
    typer.echo(f"palace-usage: starting on {where}", err=True)

    config = uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        access_log=False,
        log_level="warning",
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    _announce_when_up(server, f"http://{host}:{port}/")
    server.run()
    if not server.started:
        raise typer.Exit(1)


def _announce_when_up(server: object, url: str) -> None:
    # uvicorn has no started hook; wrap its startup to print once it listens.
    startup = server.startup  # type: ignore[attr-defined]

    async def announced(sockets: object = None) -> None:
        await startup(sockets=sockets)
        if server.started:  # type: ignore[attr-defined]
            typer.echo(f"palace-usage: monitor at {url}", err=True)

    server.startup = announced  # type: ignore[attr-defined]


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the Alembic migrations to DATABASE_URL (or the embedded database)."""
    from db.migrations import upgrade

    configure_logging(get_settings().log_format)
    with _database_url() as url:
        upgrade(url)
    typer.echo("database is up to date", err=True)


@app.command()
def migrate(
    file: Annotated[Path, typer.Argument(help="A legacy usage JSONL file.")],
    url: Annotated[
        str, typer.Option(envvar="PALACERING_URL", help="The palace-usage server.")
    ] = DEFAULT_URL,
    palace: Annotated[str, typer.Option(help="Palace of lines without one.")] = (
        "manglasabang"
    ),
    user: Annotated[str, typer.Option(help="User of lines without one.")] = "junwon",
    butler: Annotated[str, typer.Option(help="Butler of lines without one.")] = "ace",
    user_id: Annotated[int, typer.Option(help="Legacy user id of lines.")] = 1,
    tz: Annotated[
        str | None,
        typer.Option(help="IANA zone of the lines' date and time; default: local."),
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1, max=5000)] = 500,
    dry_run: Annotated[
        bool, typer.Option(help="Read and check the file, send nothing.")
    ] = False,
) -> None:
    """Import a legacy usage JSONL through the GraphQL API."""
    from clients.migrate.cli import run_migrate

    code = run_migrate(
        file,
        url=url,
        palace=palace,
        user=user,
        butler=butler,
        user_id=user_id,
        tz=tz,
        batch_size=batch_size,
        dry_run=dry_run,
    )
    raise typer.Exit(code)


@app.command()
def flush(
    fallback: Annotated[
        Path | None,
        typer.Option(help="The fallback file; default: USAGE_FALLBACK_PATH."),
    ] = None,
    url: Annotated[
        str, typer.Option(envvar="PALACERING_URL", help="The palace-usage server.")
    ] = DEFAULT_URL,
) -> None:
    """Send what the SDK wrote to its fallback file while the server was away."""
    from clients.flush import run_flush

    raise typer.Exit(run_flush(fallback, url=url))


def main() -> None:
    sys.exit(app())
