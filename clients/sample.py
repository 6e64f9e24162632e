"""`palace-usage sample`: a realistic recent month of runs, logged through the SDK.

It lets a new user see a populated monitor within a minute of `serve`. Runs
the server does not take are dropped, never queued in the SDK's fallback
file: they are made up, and a later `flush` must not send them.
"""

import asyncio
import os
import random
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson

from clients.sdk import alog_usage

EXIT_OK, EXIT_SOME_DROPPED, EXIT_CANNOT_RUN = 0, 1, 2
# The shortest calendar month back (March 1 to February 1), so the monitor's
# 1m tab always shows the whole sample.
DAYS = 28

# Dollars per million tokens in and out: list prices of the sampled models.
PRICES = {
    "claude-haiku-4-5": (1.0, 5.0),
    "claude-sonnet-4-5": (3.0, 15.0),
    "claude-opus-4-1": (15.0, 75.0),
}
MODEL_WEIGHTS = {"claude-haiku-4-5": 5, "claude-sonnet-4-5": 4, "claude-opus-4-1": 1}
CHANNEL_WEIGHTS = {"telegram": 5, "slack": 3, "heartbeat": 4, "cli": 2, "web": 1}
DOMAINS = ("home", "calendar", "research", "email", "coding", "일정")
# Local hours an agent is asked things; heartbeats ignore them.
WAKING_HOURS = range(7, 24)


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _age(rng: random.Random, index: int, runs: int, days: int) -> timedelta:
    # A few runs in the last hour and more in the last day, so every tab of
    # the monitor has something to show, then a month of ordinary days.
    last_hour = max(3, runs // 100)
    last_day = max(10, runs // 20)
    if index < last_hour:
        return timedelta(minutes=rng.uniform(0.5, 59))
    if index < last_hour + last_day:
        return timedelta(hours=rng.uniform(1, 24))
    return timedelta(days=rng.uniform(1, days))


def _ts(rng: random.Random, now: datetime, age: timedelta, channel: str) -> datetime:
    at = now - age
    if channel == "heartbeat" or age < timedelta(days=1):
        return at
    # People sleep: move a night-time run into the waking hours of its day.
    local = at.astimezone()
    if local.hour not in WAKING_HOURS:
        hour = rng.choice(WAKING_HOURS)
        at = local.replace(hour=hour).astimezone(UTC)
    return min(at, now - timedelta(minutes=1))


def sample_entry(rng: random.Random, at: datetime, channel: str) -> dict[str, Any]:
    """One run's fields as an agent would log them."""
    heartbeat = channel == "heartbeat"
    model = "claude-haiku-4-5" if heartbeat else _pick(rng, MODEL_WEIGHTS)
    turns = 1 if heartbeat else max(1, int(rng.lognormvariate(1.0, 0.7)))
    tokens_in = int(rng.lognormvariate(9.0 if heartbeat else 10.0, 0.5) * turns**0.5)
    tokens_out = int(rng.lognormvariate(5.0 if heartbeat else 6.5, 0.6))
    price_in, price_out = PRICES[model]
    cost = (tokens_in * price_in + tokens_out * price_out) / 1_000_000
    duration_ms = int(rng.lognormvariate(8.5 if heartbeat else 9.8, 0.6) * turns**0.5)
    return {
        "ts": at.isoformat(),
        "channel": channel,
        "model": model,
        "domain": "home" if heartbeat else rng.choice(DOMAINS),
        "duration_ms": duration_ms,
        "duration_min": duration_ms // 60_000,
        "tokens_in": tokens_in,
        "tokens_out": tokens_out,
        "cost_usd": round(cost, 6),
        "num_turns": turns,
    }


def sample_entries(
    runs: int, *, days: int = DAYS, now: datetime | None = None, seed: int | None = None
) -> list[dict[str, Any]]:
    """`runs` plausible runs of the last `days` days, oldest first."""
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    entries = []
    for index in range(runs):
        channel = _pick(rng, CHANNEL_WEIGHTS)
        at = _ts(rng, now, _age(rng, index, runs, days), channel)
        entries.append(sample_entry(rng, at, channel))
    return sorted(entries, key=lambda entry: entry["ts"])


_SDK_VARIABLES = ("PALACERING_URL", "USAGE_FALLBACK_PATH")


@contextmanager
def _sdk_pointed_at(url: str, fallback: Path) -> Iterator[None]:
    # The SDK reads its environment on every call; this points it at the
    # chosen server and at a throwaway fallback file, then puts both back.
    saved = {name: os.environ.get(name) for name in _SDK_VARIABLES}
    os.environ["PALACERING_URL"] = url
    os.environ["USAGE_FALLBACK_PATH"] = str(fallback)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


async def _log_all(entries: list[dict[str, Any]], concurrency: int) -> int:
    gate = asyncio.Semaphore(concurrency)

    async def log(entry: dict[str, Any]) -> bool:
        async with gate:
            return await alog_usage(**entry)

    taken = await asyncio.gather(*(log(entry) for entry in entries))
    return sum(taken)


def _server_answers(url: str) -> bool:
    try:
        return httpx.get(url.rstrip("/") + "/healthz", timeout=5.0).is_success
    except httpx.HTTPError:
        return False


def _take_dropped(fallback: Path) -> list[dict[str, Any]]:
    if not fallback.exists():
        return []
    entries = [orjson.loads(line) for line in fallback.read_bytes().splitlines()]
    fallback.unlink()
    return entries


def log_sample(
    url: str,
    *,
    runs: int = 400,
    days: int = DAYS,
    seed: int | None = None,
    concurrency: int = 4,
) -> tuple[int, int]:
    """Log a sample through the SDK; returns (taken, made)."""
    entries = sample_entries(runs, days=days, seed=seed)
    with tempfile.TemporaryDirectory(prefix="palace-usage-sample-") as folder:
        fallback = Path(folder) / "dropped.jsonl"
        with _sdk_pointed_at(url, fallback):
            taken = asyncio.run(_log_all(entries, concurrency))
            # The SDK gives up fast on a busy server; its event ids make one
            # more, unhurried try safe.
            retry = _take_dropped(fallback)
            if retry:
                taken += asyncio.run(_log_all(retry, 1))
    return taken, len(entries)


def run_sample(url: str, *, runs: int, days: int, seed: int | None) -> int:
    """The command: check the server, log the sample, say what happened."""
    if not _server_answers(url):
        print(
            f"error: no palace-usage server answers at {url}; "
            "start one with `palace-usage serve`",
            file=sys.stderr,
        )
        return EXIT_CANNOT_RUN

    taken, made = log_sample(url, runs=runs, days=days, seed=seed)
    print(f"logged {taken} of {made} sample runs over the last {days} days")
    print(f"open {url.rstrip('/')}/#7d to see them")
    if taken == 0:
        print(
            "the server took none; if it asks for logins, set PALACE_USAGE_KEY "
            "to an ingest key (palace-usage keys create --scope ingest)",
            file=sys.stderr,
        )
    if taken < made:
        print(f"{made - taken} runs were refused and dropped", file=sys.stderr)
        return EXIT_SOME_DROPPED
    return EXIT_OK
