"""usageSummary against real PostgreSQL, every number checked by hand in Python."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.conftest import LEGACY_MANIFEST
from tests.schema import expected
from tests.schema.conftest import entry_input, gql, gql_errors, log_batch

SUMMARY = """
query Summary(
  $period: Period, $since: DateTime, $until: DateTime, $groupBy: [Dimension!],
  $bucket: Bucket, $timeZone: String, $filter: UsageFilter
) {
  usageSummary(
    period: $period, since: $since, until: $until, groupBy: $groupBy,
    bucket: $bucket, timeZone: $timeZone, filter: $filter
  ) {
    since until previousSince timeZone
    totals { ...Totals }
    previous { ...Totals }
    groups { model channel domain butler user totals { ...Totals } }
    series { start totals { ...Totals } }
  }
}
fragment Totals on UsageTotals {
  count tokensIn tokensOut costUsd durationMs numTurns
}
"""
# The legacy log runs from 2026-07-21 to 2026-11-30 (UTC).
LOG_SINCE = datetime(2026, 7, 1, tzinfo=UTC)
LOG_UNTIL = datetime(2026, 12, 1, tzinfo=UTC)
DIMENSIONS = ("model", "channel", "domain", "butler", "user")
NEW_YORK = ZoneInfo("America/New_York")


async def summary(client: httpx.AsyncClient, **variables: Any) -> dict[str, Any]:
    for key in ("since", "until"):
        if isinstance(variables.get(key), datetime):
            variables[key] = variables[key].isoformat()
    data = await gql(client, SUMMARY, **variables)
    return data["usageSummary"]


def series_of(answer: dict[str, Any]) -> list[tuple[datetime, dict[str, Any]]]:
    return [
        (datetime.fromisoformat(point["start"]), expected.answered(point["totals"]))
        for point in answer["series"]
    ]


def groups_of(answer: dict[str, Any], dimensions: tuple[str, ...]) -> dict:
    return {
        tuple(group[name] for name in dimensions): expected.answered(group["totals"])
        for group in answer["groups"]
    }


async def test_totals_equal_the_manifest_exactly(
    client: httpx.AsyncClient, legacy_rows: list[dict[str, Any]]
) -> None:
    manifest = json.loads(LEGACY_MANIFEST.read_text())

    answer = await summary(client, since=LOG_SINCE, until=LOG_UNTIL)

    totals = answer["totals"]
    assert totals["costUsd"] == manifest["cost_usd"]
    assert totals["count"] == manifest["lines"]
    assert totals["tokensIn"] == manifest["tokens_in"]
    assert totals["tokensOut"] == manifest["tokens_out"]
    assert totals["numTurns"] == manifest["num_turns"]
    assert totals["durationMs"] == manifest["duration_ms"]
    assert expected.answered(totals) == expected.totals(legacy_rows)


@pytest.mark.parametrize("dimension", DIMENSIONS)
async def test_groups_by_each_dimension(
    client: httpx.AsyncClient, legacy_rows: list[dict[str, Any]], dimension: str
) -> None:
    answer = await summary(
        client, since=LOG_SINCE, until=LOG_UNTIL, groupBy=[dimension.upper()]
    )

    assert groups_of(answer, (dimension,)) == expected.groups(legacy_rows, [dimension])
    costs = [Decimal(group["totals"]["costUsd"]) for group in answer["groups"]]
    assert costs == sorted(costs, reverse=True)
    others = set(DIMENSIONS) - {dimension}
    assert all(group[name] is None for group in answer["groups"] for name in others)


async def test_model_and_channel_counts_equal_the_manifest(
    client: httpx.AsyncClient, legacy_rows: list[dict[str, Any]]
) -> None:
    manifest = json.loads(LEGACY_MANIFEST.read_text())

    answer = await summary(
        client, since=LOG_SINCE, until=LOG_UNTIL, groupBy=["MODEL", "CHANNEL"]
    )

    by_model: dict[str, int] = {}
    by_channel: dict[str, int] = {}
    for group in answer["groups"]:
        count = group["totals"]["count"]
        by_model[group["model"]] = by_model.get(group["model"], 0) + count
        by_channel[group["channel"]] = by_channel.get(group["channel"], 0) + count
    assert by_model == manifest["by_model"]
    assert by_channel == manifest["by_channel"]
    assert groups_of(answer, ("model", "channel")) == expected.groups(
        legacy_rows, ["model", "channel"]
    )


async def test_a_filter_narrows_totals_groups_and_series(
    client: httpx.AsyncClient, legacy_rows: list[dict[str, Any]]
) -> None:
    usage_filter = {"models": ["claude-haiku-4-5"], "channels": ["telegram", "slack"]}
    kept = [
        row
        for row in legacy_rows
        if row["model"] == "claude-haiku-4-5"
        and row["channel"] in ("telegram", "slack")
    ]

    answer = await summary(
        client,
        since=LOG_SINCE,
        until=LOG_UNTIL,
        groupBy=["DOMAIN"],
        bucket="MONTH",
        filter=usage_filter,
    )

    assert expected.answered(answer["totals"]) == expected.totals(kept)
    assert groups_of(answer, ("domain",)) == expected.groups(kept, ["domain"])
    assert series_of(answer) == expected.series(
        kept, LOG_SINCE, LOG_UNTIL, "month", ZoneInfo("UTC")
    )


@pytest.mark.parametrize(
    ("bucket", "zone", "since", "until"),
    [
        (bucket, zone, LOG_SINCE, LOG_UNTIL)
        for bucket in ("DAY", "WEEK", "MONTH")
        for zone in ("UTC", "Asia/Seoul", "America/New_York")
    ]
    + [
        # The autumn DST change of New York lies inside the log.
        (
            "HOUR",
            zone,
            datetime(2026, 10, 30, tzinfo=UTC),
            datetime(2026, 11, 3, tzinfo=UTC),
        )
        for zone in ("UTC", "Asia/Seoul", "America/New_York")
    ]
    + [
        (
            "MINUTE",
            "Asia/Seoul",
            datetime(2026, 10, 1, tzinfo=UTC),
            datetime(2026, 10, 1, 6, tzinfo=UTC),
        )
    ],
)
async def test_series_equals_python_for_each_bucket(
    client: httpx.AsyncClient,
    legacy_rows: list[dict[str, Any]],
    bucket: str,
    zone: str,
    since: datetime,
    until: datetime,
) -> None:
    answer = await summary(
        client, since=since, until=until, bucket=bucket, timeZone=zone
    )

    rows = expected.in_window(legacy_rows, since, until)
    assert rows, "the window should hold rows of the log"
    assert series_of(answer) == expected.series(
        rows, since, until, bucket.lower(), ZoneInfo(zone)
    )
    summed = expected.totals([])
    for _, totals in series_of(answer):
        summed = {key: summed[key] + totals[key] for key in summed}
    assert summed == expected.answered(answer["totals"])


async def seed(client: httpx.AsyncClient, *stamps: str) -> None:
    inputs = [entry_input(datetime.fromisoformat(stamp)) for stamp in stamps]
    results = await log_batch(client, inputs)
    assert [result["status"] for result in results] == ["STORED"] * len(stamps)


def starts_and_counts(answer: dict[str, Any]) -> list[tuple[str, int]]:
    return [
        (
            datetime.fromisoformat(point["start"])
            .astimezone(UTC)
            .strftime("%m-%dT%H:%M"),
            point["totals"]["count"],
        )
        for point in answer["series"]
    ]


async def test_seoul_days_turn_at_15_utc(client: httpx.AsyncClient) -> None:
    await seed(client, "2026-03-01T14:59:59Z", "2026-03-01T15:00:00Z")
    since = datetime(2026, 3, 1, tzinfo=ZoneInfo("Asia/Seoul"))
    until = datetime(2026, 3, 3, tzinfo=ZoneInfo("Asia/Seoul"))

    seoul = await summary(
        client, since=since, until=until, bucket="DAY", timeZone="Asia/Seoul"
    )
    utc = await summary(client, since=since, until=until, bucket="DAY")

    assert starts_and_counts(seoul) == [("02-28T15:00", 1), ("03-01T15:00", 1)]
    assert starts_and_counts(utc) == [
        ("02-28T00:00", 0),
        ("03-01T00:00", 2),
        ("03-02T00:00", 0),
    ]
    assert seoul["timeZone"] == "Asia/Seoul" and utc["timeZone"] == "UTC"


async def test_new_york_autumn_change_repeats_an_hour(
    client: httpx.AsyncClient,
) -> None:
    # 04:30Z is 00:30 EDT; 05:30Z and 06:30Z are both 01:30 local, EDT then
    # EST; 2026-11-02T04:30Z is still 23:30 of November 1st.
    stamps = ("2026-11-01T04:30Z", "2026-11-01T05:30Z", "2026-11-01T06:30Z")
    await seed(client, *stamps, "2026-11-02T04:30Z")

    hours = await summary(
        client,
        since=datetime(2026, 11, 1, 4, tzinfo=UTC),
        until=datetime(2026, 11, 1, 8, tzinfo=UTC),
        bucket="HOUR",
        timeZone="America/New_York",
    )
    days = await summary(
        client,
        since=datetime(2026, 10, 31, tzinfo=NEW_YORK),
        until=datetime(2026, 11, 3, tzinfo=NEW_YORK),
        bucket="DAY",
        timeZone="America/New_York",
    )

    assert starts_and_counts(hours) == [
        ("11-01T04:00", 1),
        ("11-01T05:00", 1),
        ("11-01T06:00", 1),
        ("11-01T07:00", 0),
    ]
    local_hours = [
        datetime.fromisoformat(p["start"]).astimezone(NEW_YORK).hour
        for p in hours["series"]
    ]
    assert local_hours == [0, 1, 1, 2]
    # November 1st is 25 hours long: 04:00Z to 05:00Z the next day.
    assert starts_and_counts(days) == [
        ("10-31T04:00", 0),
        ("11-01T04:00", 4),
        ("11-02T05:00", 0),
    ]


async def test_new_york_spring_change_skips_an_hour(
    client: httpx.AsyncClient,
) -> None:
    # 06:30Z is 01:30 EST, 07:30Z is 03:30 EDT: no 02:00 hour exists.
    await seed(client, "2026-03-08T06:30Z", "2026-03-08T07:30Z", "2026-03-09T03:30Z")

    hours = await summary(
        client,
        since=datetime(2026, 3, 8, 5, tzinfo=UTC),
        until=datetime(2026, 3, 8, 9, tzinfo=UTC),
        bucket="HOUR",
        timeZone="America/New_York",
    )
    days = await summary(
        client,
        since=datetime(2026, 3, 8, tzinfo=NEW_YORK),
        until=datetime(2026, 3, 10, tzinfo=NEW_YORK),
        bucket="DAY",
        timeZone="America/New_York",
    )

    local_hours = [
        datetime.fromisoformat(p["start"]).astimezone(NEW_YORK).hour
        for p in hours["series"]
    ]
    assert local_hours == [0, 1, 3, 4]
    assert [p["totals"]["count"] for p in hours["series"]] == [0, 1, 1, 0]
    # March 8th is 23 hours long, and 23:30 EDT still belongs to it.
    assert starts_and_counts(days) == [("03-08T05:00", 3), ("03-09T04:00", 0)]


async def test_previous_is_the_window_just_before(
    client: httpx.AsyncClient, legacy_rows: list[dict[str, Any]]
) -> None:
    since = datetime(2026, 10, 1, tzinfo=UTC)
    until = datetime(2026, 11, 1, tzinfo=UTC)

    answer = await summary(client, since=since, until=until)

    before = since - (until - since)
    assert datetime.fromisoformat(answer["previousSince"]) == before
    assert expected.answered(answer["previous"]) == expected.totals(
        expected.in_window(legacy_rows, before, since)
    )
    assert expected.answered(answer["totals"]) == expected.totals(
        expected.in_window(legacy_rows, since, until)
    )


async def test_a_period_ends_now_and_its_previous_is_the_period_before(
    client: httpx.AsyncClient,
) -> None:
    now = datetime.now(UTC)
    await seed(
        client,
        *(
            (now - ago).isoformat()
            for ago in (timedelta(hours=1), timedelta(hours=30), timedelta(hours=50))
        ),
    )

    answer = await summary(client, period="H24", bucket="HOUR")

    assert answer["totals"]["count"] == 1
    assert answer["previous"]["count"] == 1
    assert len(answer["series"]) in (24, 25)
    assert sum(point["totals"]["count"] for point in answer["series"]) == 1
    until = datetime.fromisoformat(answer["until"])
    assert abs(until - now) < timedelta(minutes=1)
    assert until - datetime.fromisoformat(answer["since"]) == timedelta(hours=24)


async def test_an_empty_window_answers_zeros(client: httpx.AsyncClient) -> None:
    answer = await summary(client, period="H1", groupBy=["MODEL"])

    assert answer["totals"] == {
        "count": 0,
        "tokensIn": 0,
        "tokensOut": 0,
        "costUsd": "0.000000",
        "durationMs": 0,
        "numTurns": 0,
    }
    assert answer["groups"] == [] and answer["series"] == []


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"period": "H24", "since": "2026-01-01T00:00:00Z"}, "not both"),
        ({}, "give period or since"),
        ({"until": "2026-01-01T00:00:00Z"}, "until needs since"),
        (
            {"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"},
            "must be before until",
        ),
        (
            {"since": "2026-01-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"},
            "must be before until",
        ),
        ({"since": "2999-01-01T00:00:00Z"}, "must be before now"),
        ({"since": "2026-01-01T00:00:00"}, "needs a UTC offset"),
        ({"period": "H1", "timeZone": "Mars/Olympus"}, "unknown time zone"),
        ({"period": "H1", "timeZone": "../etc/passwd"}, "unknown time zone"),
        ({"period": "M1", "bucket": "MINUTE"}, "at most 2000 are allowed"),
        (
            {"since": "2016-01-01T00:00:00Z", "bucket": "HOUR"},
            "choose a larger bucket or a shorter window",
        ),
    ],
)
async def test_a_window_that_makes_no_sense_is_refused_clearly(
    client: httpx.AsyncClient, variables: dict[str, Any], message: str
) -> None:
    [error] = await gql_errors(client, SUMMARY, **variables)

    assert message in error
