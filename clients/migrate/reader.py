"""Reading legacy lines as they are found on real machines.

A byte-order mark, CRLF endings, blank lines, a last line cut off by a crash
and lines that are not objects are all expected; each bad line is reported by
number with its reason and never stops the rest.
"""

import hashlib
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import orjson

# Fixed forever: it makes a line's event id the same on every run of every
# version of this tool, which is what makes re-running a migration safe.
LEGACY_NAMESPACE = uuid.UUID("5b0e7c1e-3f4a-4c53-9a51-70a1ace005ed")


@dataclass(frozen=True, slots=True)
class Defaults:
    """What a line gets when it does not say for itself."""

    tz: ZoneInfo
    palace: str | None = None
    user: str | None = None
    butler: str | None = None
    user_id: int | None = None


@dataclass(slots=True)
class LegacyLine:
    number: int
    entry: dict[str, Any] | None = None
    error: str | None = None

    @property
    def blank(self) -> bool:
        return self.entry is None and self.error is None


def _event_id(palace: str, raw: bytes, occurrence: int) -> str:
    # Content, not line number: fixing or removing one line must not shift the
    # ids of the others. The occurrence count keeps identical lines apart.
    digest = hashlib.sha256(raw).hexdigest()
    return str(uuid.uuid5(LEGACY_NAMESPACE, f"{palace}:{digest}:{occurrence}"))


def _ts_from_local(entry: dict[str, Any], tz: ZoneInfo) -> str:
    date, time = entry.get("date"), entry.get("time")
    if not isinstance(date, str) or not isinstance(time, str):
        raise ValueError("no ts, and no date and time to derive it from")

    try:
        local = datetime.strptime(f"{date} {time}", "%Y-%m-%d %H:%M")
    except ValueError:
        raise ValueError(
            f"no ts, and date {date!r} / time {time!r} are not YYYY-MM-DD / HH:MM"
        ) from None
    return local.replace(tzinfo=tz).isoformat()


def parse_line(
    number: int, raw: bytes, defaults: Defaults, seen: Counter[bytes]
) -> LegacyLine:
    text = raw.strip()
    if not text:
        return LegacyLine(number)

    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        return LegacyLine(number, error=f"not valid JSON ({exc})")
    if not isinstance(data, dict):
        return LegacyLine(number, error=f"not a JSON object but {type(data).__name__}")

    given = {
        "palace": defaults.palace,
        "user": defaults.user,
        "butler": defaults.butler,
        "user_id": defaults.user_id,
    }
    entry: dict[str, Any] = {
        **{key: value for key, value in given.items() if value is not None},
        **data,
    }
    if entry.get("ts") is None:
        try:
            entry["ts"] = _ts_from_local(entry, defaults.tz)
        except ValueError as exc:
            return LegacyLine(number, error=str(exc))

    if not entry.get("event_id"):
        seen[text] += 1
        entry["event_id"] = _event_id(str(entry.get("palace", "")), text, seen[text])
    return LegacyLine(number, entry=entry)


def read_legacy_file(path: Path, defaults: Defaults) -> list[LegacyLine]:
    """Every line of the file, numbered from 1, parsed or with its error."""
    data = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()

    seen: Counter[bytes] = Counter()
    return [
        parse_line(number, raw, defaults, seen)
        for number, raw in enumerate(lines, start=1)
    ]
