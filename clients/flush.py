"""`palace-usage flush`: draining the SDK's fallback file into the server.

Safe while agents still append: the file is read under its lock, sent without
holding it, and rewritten under the lock again keeping whatever arrived in the
meantime. Only lines the server acknowledged (stored, or already had by event
id) are removed; lines it refused as invalid move to a rejects file beside the
fallback, each with the server's reason, so they are neither retried forever
nor lost.
"""

import asyncio
import os
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import structlog
import tzlocal
from rich.console import Console

from clients.fallback import append_entry, locked
from clients.migrate.reader import Defaults, parse_line
from clients.migrate.sender import ServerUnavailableError, send_entries
from clients.sdk.config import fallback_path

logger = structlog.get_logger(__name__)

EXIT_OK, EXIT_REJECTED, EXIT_CANNOT_RUN = 0, 1, 2


def rejects_path(fallback: Path) -> Path:
    return fallback.with_name(fallback.stem + ".rejects.jsonl")


def _snapshot(path: Path) -> tuple[bytes, int]:
    with locked(path, "a+b") as handle:
        handle.seek(0)
        data = handle.read()
    return data, len(data)


def _rewrite(path: Path, keep: list[bytes], snapshot_size: int) -> None:
    """Replace the snapshot's part of the file by `keep`, under the lock."""
    with locked(path, "r+b") as handle:
        handle.seek(snapshot_size)
        appended = handle.read()
        handle.seek(0)
        handle.truncate()
        handle.write(b"".join(line + b"\n" for line in keep) + appended)
        handle.flush()
        os.fsync(handle.fileno())


async def flush_file(
    path: Path, url: str, headers: dict[str, str] | None = None, **send_args: object
) -> tuple[int, int, int]:
    """Send the file's entries; returns (acknowledged, rejected, kept)."""
    if not path.exists():
        return 0, 0, 0

    data, size = _snapshot(path)
    raw_lines = data.split(b"\n")
    if raw_lines[-1] == b"":
        raw_lines.pop()
    defaults = Defaults(tz=tzlocal.get_localzone())
    seen: Counter[bytes] = Counter()
    lines = [
        parse_line(number, raw, defaults, seen)
        for number, raw in enumerate(raw_lines, start=1)
    ]

    report = await send_entries(url, lines, headers=headers, **send_args)  # type: ignore[arg-type]

    reasons = dict(report.rejected)
    now = datetime.now(UTC).isoformat()
    for number, reason in report.rejected:
        raw = raw_lines[number - 1].decode("utf-8", "replace")
        append_entry(
            rejects_path(path),
            {"line": raw, "reason": reason, "set_aside": now},
        )
        logger.warning("flush.rejected", line=number, reason=reason)

    keep = [
        raw
        for number, raw in enumerate(raw_lines, start=1)
        if raw.strip()
        and number not in report.acknowledged
        and number not in reasons
    ]
    _rewrite(path, keep, size)
    logger.info(
        "flush.done",
        acknowledged=len(report.acknowledged),
        rejected=len(reasons),
        kept=len(keep),
    )
    return len(report.acknowledged), len(reasons), len(keep)


def run_flush(fallback: Path | None, *, url: str) -> int:
    console = Console(stderr=True)
    path = fallback or fallback_path()
    key = os.environ.get("PALACE_USAGE_KEY")
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    try:
        sent, rejected, kept = asyncio.run(flush_file(path, url, headers))
    except ServerUnavailableError as exc:
        console.print(f"[red]error:[/] server unavailable ({exc}); nothing removed")
        return EXIT_CANNOT_RUN
    except OSError as exc:
        console.print(f"[red]error:[/] cannot reach the server at {url}: {exc}")
        return EXIT_CANNOT_RUN

    print(f"flushed {sent} entries from {path}; {rejected} set aside, {kept} kept")
    if rejected:
        print(f"rejected entries and their reasons are in {rejects_path(path)}")
    return EXIT_REJECTED if rejected else EXIT_OK
