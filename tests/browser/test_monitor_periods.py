"""Each of the eight tabs against a real server: its window, and its states."""

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, Route, expect
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.browser.conftest import ConsoleErrors, entry_at, open_monitor, seed
from tests.conftest import ServerProcess

pytestmark = pytest.mark.browser

WINDOWS = {
    "1h": timedelta(hours=1),
    "3h": timedelta(hours=3),
    "6h": timedelta(hours=6),
    "12h": timedelta(hours=12),
    "24h": timedelta(hours=24),
    "3d": timedelta(days=3),
    "7d": timedelta(days=7),
}
# Far enough from each edge to outlast the test, near enough to catch a
# window that is off by one bucket.
MARGIN = timedelta(minutes=5)


def micros(cost: float) -> int:
    return int(Decimal(str(cost)) * 1_000_000)


def expected_totals(entries: list[dict[str, Any]]) -> dict[str, int]:
    return {
        "runs": len(entries),
        "tokens-in": sum(e["tokens_in"] for e in entries),
        "tokens-out": sum(e["tokens_out"] for e in entries),
        "cost": sum(micros(e["cost_usd"]) for e in entries),
        "duration": sum(e["duration_ms"] for e in entries),
        "turns": sum(e["num_turns"] for e in entries),
    }


async def shown_totals(page: Page) -> dict[str, int]:
    names = ("runs", "tokens-in", "tokens-out", "cost", "duration", "turns")
    shown = {}
    for name in names:
        value = await page.get_by_test_id(f"total-{name}").get_attribute("data-value")
        shown[name] = int(value or "-1")
    return shown


async def month_start(engine: AsyncEngine) -> datetime:
    # The server's own calendar month, which depends on its zone at month ends.
    async with engine.connect() as connection:
        start = await connection.scalar(text("SELECT now() - interval '1 month'"))
    assert isinstance(start, datetime)
    return start


async def test_every_tab_totals_exactly_the_runs_inside_its_window(
    page: Page, api: httpx.AsyncClient, server: ServerProcess, engine: AsyncEngine
) -> None:
    now = datetime.now(UTC)
    starts = {period: now - window for period, window in WINDOWS.items()}
    starts["1m"] = await month_start(engine)
    entries = []
    for start in starts.values():
        # Costs such as 0.1 and 0.2 drift when summed as floats.
        entries.append(entry_at(start + MARGIN, cost_usd=0.1))
        entries.append(entry_at(start - MARGIN, cost_usd=0.2))
    entries.append(entry_at(now - timedelta(seconds=30), cost_usd=0.000001))
    await seed(api, entries)

    for period, start in starts.items():
        inside = [e for e in entries if datetime.fromisoformat(e["ts"]) >= start]
        await open_monitor(page, server.url, period)

        expected = expected_totals(inside)
        assert await shown_totals(page) == expected, period
        runs = page.get_by_test_id("total-runs")
        await expect(runs).to_have_text(f"{expected['runs']:,}")
        tab = page.locator(f'[data-period="{period}"]')
        await expect(tab).to_have_attribute("aria-selected", "true")


async def test_tab_clicks_load_each_period_and_show_its_totals(
    page: Page, api: httpx.AsyncClient, server: ServerProcess
) -> None:
    now = datetime.now(UTC)
    await seed(
        api,
        [
            entry_at(now - timedelta(minutes=10), tokens_in=1_000),
            entry_at(now - timedelta(hours=2), tokens_in=20_000),
            entry_at(now - timedelta(days=2), tokens_in=300_000),
        ],
    )
    await open_monitor(page, server.url, "1h")
    expected = {"1h": "1,000", "3h": "21,000", "24h": "21,000", "3d": "321,000"}

    for period, tokens in expected.items():
        async with page.expect_request(f"**/api/usage?period={period}&_=*"):
            await page.locator(f'[data-period="{period}"]').click()
        await page.locator(f'main[data-settled="{period}"]').wait_for(state="attached")
        await expect(page.get_by_test_id("total-tokens-in")).to_have_text(tokens)
        assert page.url.endswith(f"#{period}")


async def test_empty_period_says_there_were_no_runs(
    page: Page, server: ServerProcess
) -> None:
    await open_monitor(page, server.url, "3h")

    await expect(page.get_by_test_id("empty")).to_have_text(
        "No runs in the last 3 hours."
    )
    await expect(page.get_by_test_id("totals")).to_be_hidden()
    await expect(page.get_by_test_id("error")).to_be_hidden()


async def test_server_error_shows_a_message_and_try_again_recovers(
    page: Page, api: httpx.AsyncClient, server: ServerProcess, console: ConsoleErrors
) -> None:
    # Chromium logs every failed fetch to the console; this one is the point.
    console.expected.append("status of 500")
    await seed(api, [entry_at(datetime.now(UTC) - timedelta(minutes=3))])

    async def fail(route: Route) -> None:
        await route.fulfill(status=500, json={"error": "internal error"})

    await page.route("**/api/usage?*", fail)
    await open_monitor(page, server.url, "1h")

    error = page.get_by_test_id("error")
    await expect(error).to_be_visible()
    await expect(error).to_contain_text("could not load the usage (500")
    await expect(page.get_by_test_id("totals")).to_be_hidden()

    await page.unroute("**/api/usage?*")
    await page.get_by_test_id("retry").click()
    await page.locator('main[data-settled="1h"]').wait_for(state="attached")
    await expect(page.get_by_test_id("total-runs")).to_have_text("1")


async def test_unreachable_server_is_named_as_such(
    page: Page, server: ServerProcess, console: ConsoleErrors
) -> None:
    console.expected.append("net::ERR_")
    await page.route("**/api/usage?*", lambda route: route.abort("connectionrefused"))
    await open_monitor(page, server.url, "6h")

    await expect(page.get_by_test_id("error")).to_contain_text("could not be reached")


async def test_loading_shows_until_the_answer_arrives(
    page: Page, server: ServerProcess
) -> None:
    release = asyncio.Event()

    async def hold(route: Route) -> None:
        await release.wait()
        await route.continue_()

    await page.route("**/api/usage?*", hold)
    await page.goto(f"{server.url}/#12h")

    await expect(page.get_by_test_id("loading")).to_be_visible()
    release.set()
    await page.locator('main[data-settled="12h"]').wait_for(state="attached")
    await expect(page.get_by_test_id("loading")).to_be_hidden()
    await expect(page.get_by_test_id("empty")).to_be_visible()


async def test_chosen_tab_survives_a_reload(page: Page, server: ServerProcess) -> None:
    await open_monitor(page, server.url, "24h")
    await page.locator('[data-period="7d"]').click()
    await page.locator('main[data-settled="7d"]').wait_for(state="attached")

    async with page.expect_request("**/api/usage?period=7d&_=*"):
        await page.reload()

    await page.locator('main[data-settled="7d"]').wait_for(state="attached")
    tab = page.locator('[data-period="7d"]')
    await expect(tab).to_have_attribute("aria-selected", "true")
    await expect(page.get_by_test_id("empty")).to_have_text(
        "No runs in the last 7 days."
    )


async def test_no_hash_means_24h_and_every_tab_is_there(
    page: Page, server: ServerProcess
) -> None:
    async with page.expect_request("**/api/usage?period=24h&_=*"):
        await page.goto(server.url + "/")

    periods = await page.locator("[data-period]").evaluate_all(
        "tabs => tabs.map(t => t.dataset.period)"
    )
    assert periods == ["1h", "3h", "6h", "12h", "24h", "3d", "7d", "1m"]


@pytest.mark.parametrize(
    ("status", "says"),
    [(401, "sign in"), (503, "database is not answering")],
)
async def test_refusals_and_outages_are_explained(
    page: Page, server: ServerProcess, console: ConsoleErrors, status: int, says: str
) -> None:
    console.expected.append(f"status of {status}")

    async def answer(route: Route) -> None:
        await route.fulfill(status=status, json={"error": "no"})

    await page.route("**/api/usage?*", answer)
    await open_monitor(page, server.url, "3d")

    await expect(page.get_by_test_id("error")).to_contain_text(says)
