"""`palace-usage flush`: draining the SDK's fallback file into the server.

    flush_file(path, url) -> FlushResult     one pass over the file
    run_flush(path, url=...) -> exit status  the command line's shell

How a pass goes, and why it is safe:

- Flushers of one file take turns (a `.flush.lock` beside it), so a second
  flush started meanwhile waits and then finds only what is left.
- Agents keep appending throughout: the file is read under its lock, sent
  without holding it, then replaced under the lock again by the lines still
  owed plus whatever was appended meanwhile. The replacement is an atomic
  rename, so a flush killed at any moment loses nothing.
- Each entry carries the event id the SDK gave it, so sending one twice (a
  flush killed after the server stored a batch but before the file was
  rewritten) stores it once.
- A line leaves the file only when the server acknowledged it, as stored or
  as already had. A line the server refuses as invalid, or one that is not
  JSON at all, moves to `<name>.rejects.jsonl` beside the file with the
  reason: not retried forever, not dropped. If the server goes away half-way,
  what it acknowledged is removed and the rest stays for the next run.

The SDK does not flush on its own when the server comes back. It runs inside
the agent with a budget of a couple of seconds per call, and draining a file
of unknown size would either blow that budget or need a background thread
that short-lived agent processes kill half-way, with every agent process
racing to do the same work; refused entries also want a person to read the
rejects file. `palace-usage flush` from a timer (cron, a systemd timer) or by
hand after an outage does it once, in one place, and says what it did.
"""

import asyncio
import os
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import structlog
import tzlocal
from rich.console import Console

from clients.fallback import append_entry, flush_lock, locked, replace_contents
from clients.logs import log_to_stderr
from clients.migrate.reader import Defaults, LegacyLine, parse_line
from clients.migrate.sender import (
    BatchRefusedError,
    MigrationReport,
    ServerUnavailableError,
    send_entries,
)
from clients.sdk.config import fallback_path

logger = structlog.get_logger(__name__)

EXIT_OK, EXIT_REJECTED, EXIT_CANNOT_RUN = 0, 1, 2


@dataclass(frozen=True, slots=True)
class FlushResult:
    acknowledged: int = 0
    rejected: int = 0
    kept: int = 0
    # Why sending stopped before the end, when it did.
    error: str | None = None


def rejects_path(fallback: Path) -> Path:
    return fallback.with_name(fallback.stem + ".rejects.jsonl")


def _snapshot(path: Path) -> bytes:
    with locked(path) as handle:
        handle.seek(0)
        return handle.read()


def _split(data: bytes) -> list[bytes]:
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    return lines


def _parse(raw_lines: list[bytes]) -> list[LegacyLine]:
    # SDK entries carry their own ts and event id; the defaults only matter
    # for a line someone wrote into the file by hand.
    defaults = Defaults(tz=tzlocal.get_localzone())
    seen: Counter[bytes] = Counter()
    return [
        parse_line(number, raw, defaults, seen)
        for number, raw in enumerate(raw_lines, start=1)
    ]


def _set_aside(path: Path, raw_lines: list[bytes], report: MigrationReport) -> None:
    now = datetime.now(UTC).isoformat()
    for number, reason in report.rejected:
        raw = raw_lines[number - 1].decode("utf-8", "replace")
        append_entry(rejects_path(path), {"line": raw, "reason": reason, "at": now})
        logger.warning("flush.rejected", line=number, reason=reason)


def _rewrite(path: Path, keep: list[bytes], snapshot_size: int) -> None:
    """Replace the snapshot's part of the file by `keep`, under the lock."""
    with locked(path) as handle:
        handle.seek(snapshot_size)
        appended = handle.read()
        replace_contents(path, b"".join(line + b"\n" for line in keep) + appended)


def flush_file(
    path: Path,
    url: str,
    headers: dict[str, str] | None = None,
    *,
    batch_size: int = 500,
) -> FlushResult:
    """Send the file's entries once; what was not acknowledged stays in it.

    Synchronous on purpose: it blocks on file locks, and runs its own event
    loop for the sending (call it through a thread from async code).
    """
    if not path.exists():
        return FlushResult()

    with flush_lock(path):
        data = _snapshot(path)
        raw_lines = _split(data)
        report = MigrationReport()
        error = None
        try:
            asyncio.run(
                send_entries(
                    url,
                    _parse(raw_lines),
                    headers=headers,
                    batch_size=batch_size,
                    report=report,
                )
            )
        except (ServerUnavailableError, BatchRefusedError) as exc:
            error = str(exc) or type(exc).__name__

        _set_aside(path, raw_lines, report)
        done = report.acknowledged | {number for number, _ in report.rejected}
        keep = [
            raw
            for number, raw in enumerate(raw_lines, start=1)
            if raw.strip() and number not in done
        ]
        _rewrite(path, keep, len(data))

    result = FlushResult(
        len(report.acknowledged), len(report.rejected), len(keep), error
    )
    logger.info(
        "flush.done",
        acknowledged=result.acknowledged,
        rejected=result.rejected,
        kept=result.kept,
        error=error,
    )
    return result


def run_flush(fallback: Path | None, *, url: str) -> int:
    """One flush for a terminal; returns the exit status."""
    log_to_stderr()
    console = Console(stderr=True)
    path = fallback or fallback_path()
    key = os.environ.get("PALACE_USAGE_KEY")
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    try:
        result = flush_file(path, url, headers)
    except OSError as exc:
        console.print(f"[red]error:[/] cannot flush {path}: {exc}")
        return EXIT_CANNOT_RUN

    print(
        f"flushed {result.acknowledged} entries from {path}; "
        f"{result.rejected} set aside, {result.kept} kept"
    )
    if result.rejected:
        print(f"rejected entries and their reasons are in {rejects_path(path)}")
    if result.error is not None:
        console.print(
            f"[red]error:[/] stopped early, server unavailable or refusing "
            f"({result.error}); run flush again to send the {result.kept} kept"
        )
        return EXIT_CANNOT_RUN
    return EXIT_REJECTED if result.rejected else EXIT_OK
