"""The fallback JSONL file, shared by agents appending and `flush` draining.

Every access takes an exclusive flock on the file itself, and an append is one
write() of one whole line, so several processes never interleave or tear lines.

`flush` replaces the file by an atomic rename rather than rewriting it in
place, so a flush that dies half-way leaves either the old file or the new one,
never a truncated one. Whoever waited for the lock on the old file notices the
swap (the path names another inode now) and locks the new file instead.
"""

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import orjson


def _is_current(handle: IO[bytes], path: Path) -> bool:
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(handle.fileno())
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)


@contextmanager
def locked(path: Path, mode: str = "a+b") -> Iterator[IO[bytes]]:
    """The file at `path`, open and exclusively locked, created if missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        handle = open(path, mode)
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        if _is_current(handle, path):
            break
        # Replaced by a flush while we waited: the lock we hold is on a file
        # nobody reads any more.
        handle.close()

    try:
        yield handle
    finally:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()


@contextmanager
def flush_lock(path: Path) -> Iterator[None]:
    """Serialise flushers of one file; appenders never take this lock."""
    lock_path = path.with_name(path.name + ".flush.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def append_entry(path: Path, entry: dict[str, Any]) -> None:
    line = orjson.dumps(entry) + b"\n"
    with locked(path) as handle:
        # A writer that died mid-line left no newline; start on a fresh line
        # so this entry is not glued to the torn one.
        size = os.fstat(handle.fileno()).st_size
        if size:
            handle.seek(size - 1)
            if handle.read(1) != b"\n":
                line = b"\n" + line
        os.write(handle.fileno(), line)
        os.fsync(handle.fileno())


def replace_contents(path: Path, data: bytes) -> None:
    """Atomically make `data` the file's contents; call it holding `locked`."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as handle:
        # The new file keeps the old one's permissions, which a user may have set.
        os.chmod(temporary, os.stat(path).st_mode & 0o7777)
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)

    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
