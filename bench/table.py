"""The figures of the table, their aims, and the table as Markdown."""

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

# Given the median of ours and the median ratio, whether an aim is met.
AimCheck = Callable[[float, float | None], bool]


@dataclass
class Figure:
    label: str
    unit: str
    aim: str
    met: AimCheck | None
    # "worst" figures show the largest sample, the rest the median.
    worst: bool = False
    ours: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)

    def add(self, ours: float, floor: float | None = None) -> None:
        self.ours.append(ours)
        if floor is not None:
            self.floor.append(floor)

    @property
    def value(self) -> float:
        return max(self.ours) if self.worst else statistics.median(self.ours)

    @property
    def ratio(self) -> float | None:
        """The median of each round's ours/floor: a drift hits both alike."""
        if not self.floor:
            return None
        pairs = zip(self.ours, self.floor, strict=True)
        return statistics.median(ours / floor for ours, floor in pairs)


def _at_least(share: float) -> AimCheck:
    return lambda _, ratio: ratio is not None and ratio >= share


def _within(factor: float) -> AimCheck:
    return lambda _, ratio: ratio is not None and ratio <= factor


def _absolute(limit: float, *, above: bool) -> AimCheck:
    return lambda value, _: value >= limit if above else value <= limit


def figures(batch_size: int, migrate_lines: int) -> dict[str, Figure]:
    return {
        "post": Figure(
            "POST /api/usage/log, 32 clients",
            "req/s",
            ">= 0.6 of floor",
            _at_least(0.6),
        ),
        "graphql_log": Figure(
            "GraphQL logUsage, 32 clients (floor: the bare insert route)",
            "req/s",
            ">= 0.3 of floor",
            _at_least(0.3),
        ),
        "batch": Figure(
            f"GraphQL logUsageBatch, {batch_size:,} a batch (floor: one unnest INSERT)",
            "rows/s",
            ">= 20,000 rows/s",
            _absolute(20_000, above=True),
        ),
        "get_1m": Figure(
            "GET /api/usage?period=1m (10,000 rows), p50",
            "ms",
            "<= 1.5x floor",
            _within(1.5),
        ),
        "get_24h": Figure(
            "GET /api/usage?period=24h (330 rows), p50",
            "ms",
            "<= 1.5x floor",
            _within(1.5),
        ),
        "usage_h24": Figure(
            "GraphQL usage(period: H24), p50 (floor: its SQL via asyncpg)",
            "ms",
            "<= 1.5x floor",
            _within(1.5),
        ),
        "summary": Figure(
            "GraphQL usageSummary 30 d by MODEL, DAY, p50 (floor: its SQL)",
            "ms",
            "<= 1.5x floor",
            _within(1.5),
        ),
        "migrate_legacy": Figure(
            "palace-usage migrate legacy-usage.jsonl (1,302 lines), wall",
            "s",
            "(reported)",
            None,
        ),
        "migrate_big": Figure(
            f"palace-usage migrate, {migrate_lines:,} generated lines (once)",
            "rows/s",
            ">= 20,000 rows/s",
            _absolute(20_000, above=True),
        ),
        "sdk_median": Figure(
            "SDK log_usage, server down (closed port), median",
            "ms",
            "<= 2,000 ms",
            _absolute(2000, above=False),
        ),
        "sdk_worst": Figure(
            "SDK log_usage, server down (closed port), worst",
            "ms",
            "<= 2,000 ms",
            _absolute(2000, above=False),
            worst=True,
        ),
    }


def _format(value: float, unit: str) -> str:
    if unit in ("req/s", "rows/s"):
        return f"{value:,.0f} {unit}"
    if unit == "ms":
        return f"{value:,.1f} ms" if value >= 10 else f"{value:,.2f} ms"
    return f"{value:,.2f} {unit}"


def markdown(rows: dict[str, Figure]) -> list[str]:
    lines = [
        "| figure | ours | floor | ours/floor | aim | met |",
        "| --- | ---: | ---: | ---: | --- | --- |",
    ]
    for figure in rows.values():
        if not figure.ours:
            continue
        value, ratio = figure.value, figure.ratio
        floor = (
            _format(statistics.median(figure.floor), figure.unit)
            if figure.floor
            else "-"
        )
        ratio_text = "-" if ratio is None else f"{ratio:.2f}"
        met = (
            "-" if figure.met is None else ("yes" if figure.met(value, ratio) else "no")
        )
        lines.append(
            f"| {figure.label} | {_format(value, figure.unit)} | {floor} | "
            f"{ratio_text} | {figure.aim} | {met} |"
        )
    return lines
