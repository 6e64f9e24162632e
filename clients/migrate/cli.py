"""`palace-usage migrate`: reading, sending and reporting, for a terminal."""

import asyncio
import os
import sys
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
import tzlocal
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from clients.logs import log_to_stderr
from clients.migrate.reader import Defaults, read_legacy_file
from clients.migrate.sender import (
    BatchRefusedError,
    MigrationReport,
    ServerUnavailableError,
    prepare_lines,
    send_entries,
)

EXIT_OK, EXIT_REJECTED, EXIT_CANNOT_RUN = 0, 1, 2


def _zone(name: str | None) -> ZoneInfo:
    return ZoneInfo(name) if name else tzlocal.get_localzone()


def _headers() -> dict[str, str]:
    key = os.environ.get("PALACE_USAGE_KEY")
    return {"Authorization": f"Bearer {key}"} if key else {}


def _server_answers(url: str, console: Console) -> bool:
    try:
        httpx.get(url.rstrip("/") + "/healthz", timeout=5.0)
    except httpx.HTTPError as exc:
        console.print(f"[red]error:[/] no palace-usage server at {url} ({exc})")
        return False
    return True


def run_migrate(
    file: Path,
    *,
    url: str,
    palace: str,
    user: str,
    butler: str,
    user_id: int,
    tz: str | None,
    batch_size: int = 1000,
    dry_run: bool = False,
) -> int:
    """Run one migration and print its report; returns the exit status."""
    log_to_stderr()
    console = Console(stderr=True)
    out = Console(file=sys.stdout, highlight=False, soft_wrap=True)
    try:
        zone = _zone(tz)
    except (ZoneInfoNotFoundError, ValueError):
        console.print(f"[red]error:[/] unknown time zone {tz!r}")
        return EXIT_CANNOT_RUN
    try:
        lines = read_legacy_file(file, Defaults(zone, palace, user, butler, user_id))
    except OSError as exc:
        console.print(f"[red]error:[/] cannot read {file}: {exc.strerror}")
        return EXIT_CANNOT_RUN

    if dry_run:
        report = MigrationReport()
        ready = prepare_lines(lines, report)
        out.print(f"dry run: {len(ready)} of {report.total} lines would be sent")
        _print_rejects(out, report.rejected)
        return EXIT_REJECTED if report.rejected else EXIT_OK

    if not _server_answers(url, console):
        return EXIT_CANNOT_RUN

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(f"migrating {file.name}", total=len(lines))
        report = MigrationReport()
        try:
            asyncio.run(
                send_entries(
                    url,
                    lines,
                    batch_size=batch_size,
                    headers=_headers(),
                    on_progress=lambda n: progress.advance(task, n),
                    report=report,
                )
            )
        except ServerUnavailableError as exc:
            console.print(
                f"[red]error:[/] the server stopped answering ({exc}); what was "
                "sent is stored, run the same command again to send the rest"
            )
            console.print(f"so far: {report.summary()}", markup=False)
            return EXIT_CANNOT_RUN
        except BatchRefusedError as exc:
            console.print(f"[red]error:[/] the server refused a batch: {exc}")
            return EXIT_CANNOT_RUN

    _print_rejects(out, report.rejected)
    out.print(report.summary())
    return EXIT_REJECTED if report.rejected else EXIT_OK


def _print_rejects(out: Console, rejected: list[tuple[int, str]]) -> None:
    for number, reason in rejected:
        out.print(f"line {number}: rejected: {reason}", markup=False)
