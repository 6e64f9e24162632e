"""`palace-usage users …` and `palace-usage keys …`: managing who gets in.

They work on the database directly (DATABASE_URL, or the embedded server of
$PALACE_USAGE_HOME, shared with a running `serve`), not through the API.
"""

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from api.dburl import database_url
from service.errors import PalaceUsageError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")

users_app = typer.Typer(help="Manage the people who log in.", no_args_is_help=True)
keys_app = typer.Typer(help="Manage API keys.", no_args_is_help=True)


def _run(work: "Callable[[AsyncSession], Awaitable[T]]") -> T:
    """Run one unit of work against the database and commit it."""
    # Imported here: the database stack is slow to import, and `--help` or a
    # mistyped option should answer at once.
    from db.engine import create_engine, create_sessionmaker
    from db.migrations import upgrade

    async def go(url: str) -> T:
        engine = create_engine(url)
        try:
            async with create_sessionmaker(engine)() as session:
                result = await work(session)
                await session.commit()
                return result
        finally:
            await engine.dispose()

    with database_url() as url:
        upgrade(url)
        try:
            return asyncio.run(go(url))
        except PalaceUsageError as exc:
            typer.echo(f"error: {exc.message}", err=True)
            raise typer.Exit(1) from None


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from stdin.")
]


@users_app.command("add")
def users_add(
    name: str,
    palace: Annotated[str, typer.Option(help="The palace this user sees.")],
    password_stdin: PasswordStdin = False,
) -> None:
    """Add a user who can log in to see PALACE's usage."""
    from service.logins import set_login

    password = _read_password(password_stdin)
    _run(lambda s: set_login(s, palace, name, password, new=True))
    typer.echo(f"added {name} to palace {palace}")


@users_app.command("passwd")
def users_passwd(name: str, password_stdin: PasswordStdin = False) -> None:
    """Change a user's password; their open sessions end."""
    from db.logins import list_logins_by_name
    from service.logins import set_login

    password = _read_password(password_stdin)

    async def change(session: "AsyncSession") -> None:
        found = await list_logins_by_name(session, name)
        if not found:
            raise PalaceUsageError(f"no login {name!r}")
        await set_login(session, found[0].palace, name, password, new=False)

    _run(change)
    typer.echo(f"changed the password of {name}")


@users_app.command("remove")
def users_remove(name: str) -> None:
    """Remove a user's login; the usage logged for them stays."""
    from service.logins import remove_login

    palace = _run(lambda s: remove_login(s, name))
    typer.echo(f"removed {name} from palace {palace}")


@users_app.command("list")
def users_list() -> None:
    """List the users who can log in."""
    from db.logins import list_logins

    users = _run(list_logins)
    for user in users:
        typer.echo(f"{user.name}\t{user.palace}\t{user.created:%Y-%m-%d}")
    if not users:
        typer.echo("no users: every reader gets DEFAULT_PALACE", err=True)


@keys_app.command("create")
def keys_create(
    palace: Annotated[str, typer.Option(help="The palace the key is for.")],
    scope: Annotated[str, typer.Option(help="ingest (write) or read.")] = "ingest",
    name: Annotated[str | None, typer.Option(help="A label for the key.")] = None,
) -> None:
    """Create a key and print it once; only its hash is kept."""
    from service.keys import KeyScope, create_key

    try:
        key_scope = KeyScope(scope)
    except ValueError:
        typer.echo("error: --scope must be ingest or read", err=True)
        raise typer.Exit(2) from None

    key = _run(lambda s: create_key(s, palace, key_scope, name))
    typer.echo(key)
    typer.echo(
        f"a {scope} key for palace {palace}; it is shown only now, keep it safe",
        err=True,
    )


@keys_app.command("list")
def keys_list(
    palace: Annotated[str | None, typer.Option(help="Only this palace's keys.")] = None,
) -> None:
    """List keys (never their secrets)."""
    from db.keys import list_keys

    for key in _run(lambda s: list_keys(s, palace)):
        state = "revoked" if key.revoked_at else "live"
        typer.echo(
            f"pu_{key.key_id}_…\t{key.palace}\t{key.scope}\t{state}\t{key.name or ''}"
        )


@keys_app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="The key, or its pu_<id> part.")],
) -> None:
    """Revoke a key at once."""
    from db.keys import revoke_key
    from service.keys import KEY_ID_LENGTH, PREFIX

    short = key_id.removeprefix(PREFIX)[:KEY_ID_LENGTH]
    if not _run(lambda s: revoke_key(s, short)):
        typer.echo(f"error: no live key {key_id!r}", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked pu_{short}")
