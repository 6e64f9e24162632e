"""The fallback JSONL file, shared by agents appending and `flush` draining.

Every access takes an exclusive flock on the file itself, and an append is one
write() of one whole line, so several processes never interleave or tear lines.
"""

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import orjson


@contextmanager
def locked(path: Path, mode: str = "a+b") -> Iterator[IO[bytes]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, mode) as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield handle
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def append_entry(path: Path, entry: dict[str, Any]) -> None:
    line = orjson.dumps(entry) + b"\n"
    with locked(path) as handle:
        os.write(handle.fileno(), line)
        os.fsync(handle.fileno())
