"""One round of every figure, and what runs once before the rounds."""

import dataclasses
import statistics
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import httpx

from bench import figures
from bench.figures import BenchCheckError, Scripts, Setup
from bench.load import WrkResult
from bench.table import Figure

T = TypeVar("T")
U = TypeVar("U")


class Round:
    """Round `number`: ours and the floor of each figure, one after the other.

    Even rounds measure ours first and odd rounds the floor first, so a
    machine that drifts during a round does not always favour the same side.
    """

    def __init__(
        self, number: int, setup: Setup, scripts: Scripts, rows: dict[str, Figure]
    ) -> None:
        self.number = number
        self.setup = setup
        self.scripts = scripts
        self.rows = rows
        self.notes: dict[str, str] = {}

    async def _pair(
        self, ours: Callable[[], Awaitable[T]], floor: Callable[[], Awaitable[U]]
    ) -> tuple[T, U]:
        if self.number % 2 == 0:
            first = await ours()
            return first, await floor()
        second = await floor()
        return await ours(), second

    async def inserts(self) -> None:
        ours, floor, script = self.setup.ours.url, self.setup.floor.url, self.scripts
        path = "/api/usage/log"
        mine, base = await self._pair(
            lambda: figures.insert_throughput(self.setup, ours + path, script.post),
            lambda: figures.insert_throughput(self.setup, floor + path, script.post),
        )
        self.rows["post"].add(mine.rate, base.rate)
        graphql = await figures.insert_throughput(
            self.setup, ours + "/graphql", script.graphql_log
        )
        # logUsage's aim is set against the same bare insert route.
        self.rows["graphql_log"].add(graphql.rate, base.rate)
        self.notes["load p99"] = (
            f"POST ours {mine.p99_ms:.0f} ms, floor {base.p99_ms:.0f} ms; "
            f"logUsage {graphql.p99_ms:.0f} ms"
        )

        seed = self.number * 2
        batch, batch_floor = await self._pair(
            lambda: figures.batch_rows_per_s(self.setup, graphql=True, seed=seed),
            lambda: figures.batch_rows_per_s(self.setup, graphql=False, seed=seed + 1),
        )
        self.rows["batch"].add(batch, batch_floor)

    async def rest_reads(self) -> None:
        for key, period in (("get_1m", "1m"), ("get_24h", "24h")):
            mine, base = await self._pair(
                self._get(self.setup.ours.url, period),
                self._get(self.setup.floor.url, period),
            )
            self.rows[key].add(mine.p50_ms, base.p50_ms)

    def _get(self, url: str, period: str) -> Callable[[], Awaitable[WrkResult]]:
        target = f"{url}/api/usage?period={period}"
        return lambda: figures.latency(target, self.scripts.get, self.setup.latency_s)

    async def graphql_reads(self) -> None:
        seconds, direct = self.setup.latency_s, self.setup.direct
        graphql = self.setup.ours.url + "/graphql"
        for key, script, sql in (
            ("usage_h24", self.scripts.usage_h24, direct.usage_h24),
            ("summary", self.scripts.summary, self._summary_sql),
        ):
            mine, base = await self._pair(
                lambda: figures.latency(graphql, script, seconds),  # noqa: B023
                lambda: figures.timed_median(sql, seconds),  # noqa: B023
            )
            self.rows[key].add(mine.p50_ms, base)

    async def _summary_sql(self) -> object:
        return await self.setup.direct.summary(self.setup.since)

    async def migrations(self, big_log: Path | None) -> None:
        number = self.number
        legacy = await figures.migrate(
            self.setup, figures.LEGACY_LOG, f"bench-legacy-{number}"
        )
        self.rows["migrate_legacy"].add(legacy.seconds)
        self.notes["migrate legacy"] = legacy.summary
        if big_log is None:
            return

        # A palace of its own, so every line is stored afresh.
        big = await figures.migrate(self.setup, big_log, f"bench-migrate-{number}")
        self.rows["migrate_big"].add(big.inserted / big.seconds)
        self.notes["migrate generated"] = f"{big.summary} in {big.seconds:.1f} s"

    def sdk(self, calls: int) -> None:
        samples = figures.sdk_down_ms(self.setup.tmp, calls)
        self.rows["sdk_median"].add(statistics.median(samples))
        self.rows["sdk_worst"].add(max(samples))

    async def run(self, big_log: Path | None, sdk_calls: int) -> dict[str, str]:
        """Every figure once; the long migration only when given its log."""
        await self.inserts()
        await self.rest_reads()
        await self.graphql_reads()
        await self.migrations(big_log)
        self.sdk(sdk_calls)
        return self.notes


async def check_same_work(setup: Setup) -> list[str]:
    """Ours and its floor answer the same bytes and the same sums, or no table."""
    notes = []
    async with httpx.AsyncClient(timeout=60) as client:
        for period in ("1m", "24h"):
            path = f"/api/usage?period={period}"
            mine = await client.get(setup.ours.url + path)
            base = await client.get(setup.floor.url + path)
            if mine.status_code != 200 or mine.content != base.content:
                raise BenchCheckError(f"GET {path}: ours and the floor differ")
            notes.append(
                f"GET {path}: {len(mine.json()):,} rows, byte-identical to the floor's"
            )
        summary = await client.post(
            setup.ours.url + "/graphql",
            content=figures.summary_body(setup),
            headers={"Content-Type": "application/json"},
        )
    ours_count = summary.json()["data"]["usageSummary"]["totals"]["count"]
    totals, _, groups, series = await setup.direct.summary(setup.since)
    if ours_count != totals[0]["count"]:
        raise BenchCheckError(
            f"usageSummary counts {ours_count} runs, its SQL {totals[0]['count']}"
        )
    notes.append(
        f"usageSummary: {ours_count:,} runs, {len(groups)} models, {len(series)} "
        "days; the same count as its SQL run directly"
    )
    return notes


async def warm_up(setup: Setup, scripts: Scripts) -> None:
    """Fill both servers' pools and statement caches before anything counts."""
    short = dataclasses.replace(setup, load_s=1.0, latency_s=1.0)
    for url in (setup.ours.url, setup.floor.url):
        await figures.insert_throughput(short, url + "/api/usage/log", scripts.post)
        for period in ("1m", "24h"):
            await figures.latency(url + f"/api/usage?period={period}", scripts.get, 1)
    graphql = setup.ours.url + "/graphql"
    await figures.insert_throughput(short, graphql, scripts.graphql_log)
    await figures.latency(graphql, scripts.usage_h24, 1)
    await figures.latency(graphql, scripts.summary, 1)
    await figures.timed_median(setup.direct.usage_h24, 0.5)
    await figures.timed_median(lambda: setup.direct.summary(setup.since), 0.5)
