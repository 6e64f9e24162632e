"""Seeding a benchmark database with COPY, as the owner (row-level security off).

A million runs over 60 days across 50 palaces by default. The palaces' sizes
fall off like real tenants' (a few big, a long tail), and one palace, the
"home" the benchmark's reads ask for, holds exactly HOME_MONTH_ROWS rows in
the last calendar month, of which HOME_DAY_ROWS in the last 24 hours. Rows go
in ordered by time across all palaces, as a live table fills, so one palace's
rows lie scattered over the heap as they would in production.
"""

import math
import random
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg

from bench import shapes

HOME_MONTH_ROWS = 10_000
# About a month's rows spread evenly: 10,000 / 30.4 days.
HOME_DAY_ROWS = 330
# Kept clear of the window edges, so the counts hold for the whole run.
EDGE = timedelta(hours=2)
TEMPLATES = 20_000
CHUNK_ROWS = 50_000

COLUMNS = (
    "palace",
    "ts",
    "date",
    "time",
    "user_id",
    "user",
    "butler",
    "channel",
    "model",
    "domain",
    "duration_ms",
    "duration_min",
    "tokens_in",
    "tokens_out",
    "cost_usd",
    "num_turns",
)


@dataclass(frozen=True, slots=True)
class SeedPlan:
    total_rows: int
    palaces: int
    days: int
    home: str

    @property
    def names(self) -> list[str]:
        return [self.home, *shapes.palace_names(self.palaces - 1)]


@dataclass(frozen=True, slots=True)
class SeedResult:
    rows: int
    home_month_rows: int
    home_day_rows: int
    seconds: float


def _palace_sizes(plan: SeedPlan, home_rows: int) -> list[int]:
    """Rows per other palace, Zipf-like, summing to what the home leaves."""
    rest = plan.total_rows - home_rows
    weights = [1 / (rank + 1) ** 0.9 for rank in range(plan.palaces - 1)]
    scale = rest / sum(weights)
    sizes = [int(weight * scale) for weight in weights]
    sizes[0] += rest - sum(sizes)
    return sizes


def _times(rng: random.Random, count: int, low: float, high: float) -> list[float]:
    """`count` epoch seconds in [low, high), denser by day than by night."""
    out: list[float] = []
    weights = shapes.HOUR_WEIGHTS
    while len(out) < count:
        moment = rng.uniform(low, high)
        if rng.random() < weights[int(moment // 3600) % 24]:
            out.append(moment)
    return out


def _minute_text(minute: int) -> tuple[str, str, str]:
    """(UTC "YYYY-MM-DD HH:MM", local date, local HH:MM) of one epoch minute."""
    stamp = datetime.fromtimestamp(minute * 60, UTC)
    local = stamp.astimezone()
    return (
        stamp.strftime("%Y-%m-%d %H:%M"),
        local.strftime("%Y-%m-%d"),
        local.strftime("%H:%M"),
    )


def _ts_fields(moment: float, minutes: dict[int, tuple[str, str, str]]) -> str:
    """ts, local date and local HH:MM as the server stamps them, tab-separated."""
    minute = int(moment // 60)
    text = minutes.get(minute)
    if text is None:
        # Formatting dates is most of the Python time of a seed; rows share
        # minutes, so each minute is formatted once.
        text = minutes[minute] = _minute_text(minute)
    utc, date, time = text
    return f"{utc}:{moment - minute * 60:09.6f}+00\t{date}\t{time}"


def _template(run: shapes.Run) -> str:
    values = (
        run.channel,
        run.model,
        run.domain,
        run.duration_ms,
        run.duration_min,
        run.tokens_in,
        run.tokens_out,
        run.cost_usd,
        run.num_turns,
    )
    return "\t".join(str(value) for value in values)


async def _create_users(
    connection: asyncpg.Connection, rng: random.Random, names: Sequence[str]
) -> dict[str, list[str]]:
    """Each palace's "user_id\\tuser\\tbutler" prefixes, users created first."""
    people = {
        palace: rng.sample(shapes.USER_NAMES, rng.randint(1, 4)) for palace in names
    }
    rows = await connection.fetch(
        "INSERT INTO users (palace, name) SELECT * FROM unnest($1::text[], $2::text[])"
        " RETURNING palace, name, id",
        [palace for palace, users in people.items() for _ in users],
        [user for users in people.values() for user in users],
    )
    ids = {(row["palace"], row["name"]): row["id"] for row in rows}
    prefixes: dict[str, list[str]] = {}
    for palace, users in people.items():
        butlers = shapes.BUTLER_NAMES[: rng.randint(1, 3)]
        prefixes[palace] = [
            f"{palace}\t{{ts}}\t{ids[(palace, user)]}\t{user}\t{butler}"
            for user in users
            for butler in butlers
        ]
    return prefixes


def _plan_times(
    plan: SeedPlan, rng: random.Random, now: float, month_ago: float
) -> list[tuple[float, str]]:
    """(moment, palace) of every row; the home's counts exact per window."""
    start = now - plan.days * 86_400
    edge = EDGE.total_seconds()
    day_ago = now - 86_400
    older_share = (month_ago - start) / (now - month_ago)
    home = [
        *_times(rng, HOME_DAY_ROWS, day_ago + edge, now - 60),
        *_times(rng, HOME_MONTH_ROWS - HOME_DAY_ROWS, month_ago + edge, day_ago - edge),
        *_times(rng, int(HOME_MONTH_ROWS * older_share), start, month_ago - edge),
    ]
    planned = [(moment, plan.home) for moment in home]
    others = plan.names[1:]
    for palace, size in zip(others, _palace_sizes(plan, len(home)), strict=True):
        planned.extend((moment, palace) for moment in _times(rng, size, start, now))
    planned.sort()
    return planned


async def _chunks(
    planned: list[tuple[float, str]],
    prefixes: dict[str, list[str]],
    templates: list[str],
    rng: random.Random,
) -> AsyncIterator[bytes]:
    minutes: dict[int, tuple[str, str, str]] = {}
    for offset in range(0, len(planned), CHUNK_ROWS):
        lines = []
        for moment, palace in planned[offset : offset + CHUNK_ROWS]:
            prefix = rng.choice(prefixes[palace]).format(ts=_ts_fields(moment, minutes))
            lines.append(f"{prefix}\t{rng.choice(templates)}\n")
        yield "".join(lines).encode()


async def seed(dsn: str, plan: SeedPlan, *, seed_value: int = 7) -> SeedResult:
    """Fill usage and users per `plan`, then VACUUM ANALYZE, as a live table is."""
    rng = random.Random(seed_value)
    started = datetime.now(UTC)
    connection = await asyncpg.connect(dsn)
    try:
        now, month_ago = await connection.fetchrow(
            "SELECT now(), now() - interval '1 month'"
        )
        planned = _plan_times(plan, rng, now.timestamp(), month_ago.timestamp())
        prefixes = await _create_users(connection, rng, plan.names)
        templates = [_template(shapes.random_run(rng)) for _ in range(TEMPLATES)]
        # The rows' user ids come from the users just made, so the per-row
        # foreign-key trigger would only check what is true by construction;
        # skipping it (replica mode) makes the COPY several times faster.
        await connection.execute("SET session_replication_role = replica")
        await connection.copy_to_table(
            "usage",
            source=_chunks(planned, prefixes, templates, rng),
            columns=COLUMNS,
        )
        await connection.execute("RESET session_replication_role")
        await connection.execute("VACUUM ANALYZE usage")
        await connection.execute("VACUUM ANALYZE users")
        month, day = await connection.fetchrow(
            "SELECT count(*) FILTER (WHERE ts >= now() - interval '1 month'),"
            " count(*) FILTER (WHERE ts >= now() - interval '24 hours')"
            " FROM usage WHERE palace = $1",
            plan.home,
        )
    finally:
        await connection.close()

    seconds = (datetime.now(UTC) - started).total_seconds()
    return SeedResult(len(planned), month, day, math.floor(seconds * 10) / 10)
