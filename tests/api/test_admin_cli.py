"""`palace-usage users` and `keys` against the database a real server uses."""

import subprocess
import sys
from pathlib import Path

import httpx

from db.urls import to_libpq_dsn
from tests.conftest import ServerProcess, server_env
from tests.factories import make_entry


def cli(
    database_url: str, *args: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    env = server_env(database_url, home=Path("/nonexistent"))
    env["DATABASE_URL"] = to_libpq_dsn(database_url)
    return subprocess.run(
        [sys.executable, "-m", "api", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_users_and_keys_from_the_command_line(
    server: ServerProcess, database_url: str
) -> None:
    entry = make_entry(palace="alpha", domain="alpha-row")
    assert httpx.post(server.url + "/api/usage/log", json=entry).status_code == 201

    added = cli(
        database_url,
        "users",
        "add",
        "ann",
        "--palace",
        "alpha",
        "--password-stdin",
        stdin="first password\n",
    )
    listed = cli(database_url, "users", "list")
    anonymous = httpx.get(server.url + "/api/usage")
    login = httpx.post(
        server.url + "/api/login", json={"name": "ann", "password": "first password"}
    )

    assert added.returncode == 0, added.stderr
    assert "ann\talpha" in listed.stdout
    assert "first password" not in added.stdout + added.stderr
    assert anonymous.status_code == 401
    assert login.status_code == 200

    created = cli(
        database_url,
        "keys",
        "create",
        "--palace",
        "alpha",
        "--scope",
        "read",
        "--name",
        "grafana",
    )
    key = created.stdout.strip()
    with_key = httpx.get(
        server.url + "/api/usage", headers={"Authorization": f"Bearer {key}"}
    )
    keys = cli(database_url, "keys", "list")

    assert created.returncode == 0 and key.startswith("pu_")
    assert [row["domain"] for row in with_key.json()] == ["alpha-row"]
    assert "grafana" in keys.stdout and key not in keys.stdout

    revoked = cli(database_url, "keys", "revoke", key[:15])
    after_revoke = httpx.get(
        server.url + "/api/usage", headers={"Authorization": f"Bearer {key}"}
    )
    assert revoked.returncode == 0, revoked.stderr
    assert after_revoke.status_code == 401

    changed = cli(
        database_url,
        "users",
        "passwd",
        "ann",
        "--password-stdin",
        stdin="second password\n",
    )
    old = httpx.post(
        server.url + "/api/login", json={"name": "ann", "password": "first password"}
    )
    old_session = httpx.get(server.url + "/api/usage", cookies=login.cookies)
    assert changed.returncode == 0, changed.stderr
    assert old.status_code == 401
    assert old_session.status_code == 401

    removed = cli(database_url, "users", "remove", "ann")
    gone = httpx.post(
        server.url + "/api/login", json={"name": "ann", "password": "second password"}
    )
    assert removed.returncode == 0, removed.stderr
    assert gone.status_code == 401
    # With no login left, the legacy setup is back.
    assert httpx.get(server.url + "/api/usage").status_code == 200


def test_clear_errors_for_bad_user_commands(database_url: str) -> None:
    short = cli(
        database_url,
        "users",
        "add",
        "ann",
        "--palace",
        "a",
        "--password-stdin",
        stdin="short\n",
    )
    cli(
        database_url,
        "users",
        "add",
        "ann",
        "--palace",
        "a",
        "--password-stdin",
        stdin="long enough\n",
    )
    twice = cli(
        database_url,
        "users",
        "add",
        "ann",
        "--palace",
        "b",
        "--password-stdin",
        stdin="long enough\n",
    )
    scope = cli(database_url, "keys", "create", "--palace", "a", "--scope", "admin")
    missing = cli(database_url, "users", "remove", "nobody")

    assert short.returncode == 1 and "at least 8" in short.stderr
    assert twice.returncode == 1 and "already logs in to palace 'a'" in twice.stderr
    assert scope.returncode == 2 and "ingest or read" in scope.stderr
    assert missing.returncode == 1 and "no login 'nobody'" in missing.stderr
