"""Charts and drill-down: a click lists exactly the runs behind what was clicked."""

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.async_api import Page, Route, expect

from tests.browser.conftest import (
    VIEWER_ZONE,
    entry_at,
    open_monitor,
    seed,
    wait_settled,
)
from tests.conftest import ServerProcess

pytestmark = pytest.mark.browser


def minute_start(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


async def drawn_bars(page: Page, chart: str) -> list[dict[str, float]]:
    """Bounding boxes of the chart's bars that have a height, left to right."""
    paths = page.get_by_test_id(chart).locator(".barlayer .point path")
    boxes = [await path.bounding_box() for path in await paths.all()]
    bars = [box for box in boxes if box and box["height"] > 0.5]
    return sorted(bars, key=lambda box: box["x"])


async def click_box(page: Page, box: dict[str, float]) -> None:
    x = box["x"] + box["width"] / 2
    y = box["y"] + box["height"] / 2
    # Plotly picks the clicked point from the last hover, so hover first.
    await page.mouse.move(x, y)
    await page.mouse.click(x, y)


async def listed_event_ids(page: Page) -> list[str]:
    drilldown = page.get_by_test_id("drilldown")
    await expect(drilldown).to_be_visible()
    rows = drilldown.get_by_test_id("drilldown-row")
    return await rows.evaluate_all("rows => rows.map(r => r.dataset.eventId)")


async def test_clicking_a_bar_lists_exactly_the_runs_in_its_minute(
    page: Page, api: httpx.AsyncClient, server: ServerProcess
) -> None:
    now = datetime.now(UTC)
    earlier = minute_start(now - timedelta(minutes=40))
    clicked = minute_start(now - timedelta(minutes=20))
    later = minute_start(now - timedelta(minutes=5))
    behind = [entry_at(clicked + timedelta(seconds=s)) for s in (5, 25, 45)]
    others = [
        entry_at(earlier + timedelta(seconds=10)),
        entry_at(earlier + timedelta(seconds=50)),
        entry_at(later + timedelta(seconds=30)),
    ]
    await seed(api, others + behind)
    await open_monitor(page, server.url, "1h")

    cost_bars = await drawn_bars(page, "chart-cost")
    token_bars = await drawn_bars(page, "chart-tokens")
    assert len(cost_bars) == 3
    assert len(token_bars) >= 3
    await click_box(page, cost_bars[1])

    assert sorted(await listed_event_ids(page)) == sorted(e["event_id"] for e in behind)
    await expect(page.get_by_test_id("drilldown-summary")).to_contain_text("3 runs")
    await expect(page.get_by_test_id("overview")).to_be_hidden()

    await page.get_by_test_id("drilldown-back").click()
    await expect(page.get_by_test_id("drilldown")).to_be_hidden()
    await expect(page.get_by_test_id("overview")).to_be_visible()

    # The tokens chart leads to the same runs for the same minute.
    await click_box(page, (await drawn_bars(page, "chart-tokens"))[0])
    assert sorted(await listed_event_ids(page)) == sorted(
        e["event_id"] for e in others[:2]
    )


async def test_clicking_a_model_or_a_channel_lists_exactly_its_runs(
    page: Page, api: httpx.AsyncClient, server: ServerProcess
) -> None:
    now = datetime.now(UTC)
    entries = [
        entry_at(now - timedelta(hours=h), model=model, channel=channel)
        for h, model, channel in [
            (1, "claude-opus-4-1", "slack"),
            (2, "claude-opus-4-1", "telegram"),
            (3, "claude-haiku-4-5", "telegram"),
            (4, "claude-haiku-4-5", "telegram"),
            (5, "claude-sonnet-4-5", "cli"),
        ]
    ]
    entries.append(entry_at(now - timedelta(hours=6), model=None, channel="cli"))
    await seed(api, entries)
    await open_monitor(page, server.url, "24h")

    models = page.get_by_test_id("breakdown-model").get_by_test_id("breakdown-item")
    await expect(models).to_have_count(4)
    await models.and_(page.locator('[data-key="claude-haiku-4-5"]')).click()
    assert sorted(await listed_event_ids(page)) == sorted(
        e["event_id"] for e in entries if e["model"] == "claude-haiku-4-5"
    )
    await expect(page.get_by_test_id("drilldown-title")).to_have_text(
        "Model: claude-haiku-4-5"
    )

    await page.keyboard.press("Escape")
    channels = page.get_by_test_id("breakdown-channel")
    await channels.locator('[data-key="telegram"]').click()
    assert sorted(await listed_event_ids(page)) == sorted(
        e["event_id"] for e in entries if e["channel"] == "telegram"
    )

    await page.get_by_test_id("drilldown-back").click()
    await models.and_(page.locator('[data-key="(none)"]')).click()
    assert await listed_event_ids(page) == [entries[-1]["event_id"]]


async def test_drilldown_sorts_by_any_column_both_ways(
    page: Page, api: httpx.AsyncClient, server: ServerProcess
) -> None:
    now = datetime.now(UTC)
    entries = [
        entry_at(now - timedelta(minutes=50), cost_usd=0.02, model="m"),
        entry_at(now - timedelta(minutes=30), cost_usd=0.5, model="m"),
        entry_at(now - timedelta(minutes=10), cost_usd=0.1, model="m"),
    ]
    await seed(api, entries)
    await open_monitor(page, server.url, "1h")
    await page.get_by_test_id("breakdown-model").locator('[data-key="m"]').click()
    ids = [e["event_id"] for e in entries]

    # Newest first to begin with.
    assert await listed_event_ids(page) == ids[::-1]
    await page.get_by_test_id("sort-micros").click()
    assert await listed_event_ids(page) == [ids[1], ids[2], ids[0]]
    cost = page.locator('th[data-col="micros"]')
    await expect(cost).to_have_attribute("aria-sort", "descending")
    await page.get_by_test_id("sort-micros").click()
    assert await listed_event_ids(page) == [ids[0], ids[2], ids[1]]
    await expect(cost).to_have_attribute("aria-sort", "ascending")
    await page.get_by_test_id("sort-at").click()
    assert await listed_event_ids(page) == ids[::-1]


async def test_times_money_and_numbers_read_for_the_viewer(
    page: Page, api: httpx.AsyncClient, server: ServerProcess
) -> None:
    at = (datetime.now(UTC) - timedelta(minutes=15)).replace(microsecond=0)
    entry = entry_at(
        at,
        tokens_in=1_234_567,
        tokens_out=89_012,
        cost_usd=1234.567891,
        duration_ms=3_725_000,
        num_turns=12,
        channel="slack",
    )
    await seed(api, [entry])
    await open_monitor(page, server.url, "1h")

    await expect(page.get_by_test_id("total-tokens-in")).to_have_text("1,234,567")
    await expect(page.get_by_test_id("total-tokens-out")).to_have_text("89,012")
    cost = page.get_by_test_id("total-cost")
    await expect(cost).to_have_text("$1,234.57")
    await expect(cost).to_have_attribute("title", "$1,234.567891")
    await expect(page.get_by_test_id("total-duration")).to_have_text("1h 2m")

    await page.get_by_test_id("breakdown-channel").locator('[data-key="slack"]').click()
    row = page.get_by_test_id("drilldown-row")
    local = at.astimezone(ZoneInfo(VIEWER_ZONE))
    shown = local.strftime("%b ") + str(local.day) + local.strftime(", %I:%M:%S %p")
    await expect(row.locator('[data-col="at"]')).to_have_text(shown)
    await expect(row.locator('[data-col="micros"]')).to_have_text("$1,234.57")
    await expect(row.locator('[data-col="durationMs"]')).to_have_text("1h 2m")


async def test_small_costs_keep_their_digits(
    page: Page, api: httpx.AsyncClient, server: ServerProcess
) -> None:
    now = datetime.now(UTC)
    await seed(
        api,
        [
            entry_at(now - timedelta(minutes=5), cost_usd=0.001234, model="small"),
            entry_at(now - timedelta(minutes=6), cost_usd=0.011167, model="cents"),
        ],
    )
    await open_monitor(page, server.url, "1h")

    await expect(page.get_by_test_id("total-cost")).to_have_text("$0.012")
    breakdown = page.get_by_test_id("breakdown-model")
    await expect(breakdown.locator('[data-key="small"]')).to_contain_text("$0.0012")
    await expect(breakdown.locator('[data-key="cents"]')).to_contain_text("$0.011")


async def test_a_late_answer_for_an_earlier_tab_is_dropped(
    page: Page, api: httpx.AsyncClient, server: ServerProcess
) -> None:
    now = datetime.now(UTC)
    await seed(
        api,
        [
            entry_at(now - timedelta(minutes=10)),
            entry_at(now - timedelta(hours=2)),
        ],
    )
    await open_monitor(page, server.url, "24h")
    release = asyncio.Event()

    async def hold_1h(route: Route) -> None:
        await release.wait()
        await route.continue_()

    await page.route("**/api/usage?period=1h&*", hold_1h)
    await page.locator('[data-period="1h"]').click()
    await page.locator('[data-period="3h"]').click()
    await wait_settled(page, "3h")
    release.set()
    await page.wait_for_timeout(300)

    await expect(page.locator("main")).to_have_attribute("data-settled", "3h")
    await expect(page.get_by_test_id("total-runs")).to_have_text("2")
