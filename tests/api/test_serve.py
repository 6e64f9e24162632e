"""`palace-usage serve` as a new user starts it: embedded database, default port."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx

from tests.conftest import free_port, wait_for

DEFAULT_PORT = 6572


def _port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_serve_on_the_embedded_database_prints_the_monitor_url(
    tmp_path: Path,
) -> None:
    # The default port when it is free (as on a new machine or in CI); another
    # developer's server may hold it on a shared workstation.
    port = DEFAULT_PORT if _port_is_free(DEFAULT_PORT) else free_port()
    args = [] if port == DEFAULT_PORT else ["--port", str(port)]
    env = {k: v for k, v in os.environ.items() if "DATABASE_URL" not in k}
    env["PALACE_USAGE_HOME"] = str(tmp_path / "home")
    log = tmp_path / "serve.log"

    with open(log, "wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "api", "serve", *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", server)
        page = httpx.get(f"http://127.0.0.1:{port}/")

        upgrade = subprocess.run(
            [sys.executable, "-m", "api", "db", "upgrade"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        still_up = httpx.get(f"http://127.0.0.1:{port}/healthz")
    finally:
        server.terminate()
        server.wait(timeout=20)

    assert f"monitor at http://127.0.0.1:{port}/" in log.read_text()
    assert page.status_code == 200 and "<html" in page.text
    # A second command on the same folder joins the running server.
    assert upgrade.returncode == 0, upgrade.stderr
    assert still_up.status_code == 200
    # uvicorn shuts down gracefully, then re-raises the SIGTERM it caught.
    assert server.returncode in (0, -15)
    assert "server.stopped" in log.read_text()
    pid_file = tmp_path / "home" / "pgdata" / "postmaster.pid"
    assert not pid_file.exists(), "the embedded PostgreSQL was left running"
