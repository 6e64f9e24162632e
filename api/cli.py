"""The `palace-usage` command line: a thin shell over importable functions."""

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from api.admin_cli import keys_app, users_app
from api.dburl import database_url
from api.logs import configure_logging
from api.settings import get_settings

app = typer.Typer(
    help="Usage of AI agents, per palace, in PostgreSQL.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Work on the database itself.", no_args_is_help=True)


@app.callback()
def _quiet_logs() -> None:
    # Every command logs to stderr, and only what needs a person, so that its
    # own output (a key, a report) can be captured clean; serve says more.
    configure_logging(get_settings().log_format, level=logging.WARNING)


app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(keys_app, name="keys")

DEFAULT_URL = "http://localhost:6572"


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

    with database_url() as url:
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
    batch_size: Annotated[
        int, typer.Option(min=1, max=1000, help="Entries per request.")
    ] = 1000,
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


@app.command()
def sample(
    runs: Annotated[int, typer.Option(min=1, max=20_000, help="How many runs.")] = 400,
    days: Annotated[int, typer.Option(min=1, max=31, help="Days back.")] = 28,
    seed: Annotated[
        int | None, typer.Option(help="Make the same sample every time.")
    ] = None,
    url: Annotated[
        str, typer.Option(envvar="PALACERING_URL", help="The palace-usage server.")
    ] = DEFAULT_URL,
) -> None:
    """Log a realistic recent sample of runs through the SDK, to see the monitor."""
    from clients.sample import run_sample

    raise typer.Exit(run_sample(url, runs=runs, days=days, seed=seed))
