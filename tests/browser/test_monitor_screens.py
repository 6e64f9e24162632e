"""A seeded month on a laptop and a phone, saved as screenshots to look at."""

import asyncio
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, expect

from clients.sample import log_sample, sample_entries
from tests.browser.conftest import open_monitor
from tests.conftest import ServerProcess

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


async def seed_concurrently(client: httpx.AsyncClient, runs: int) -> None:
    gate = asyncio.Semaphore(4)

    async def post(entry: dict[str, object]) -> None:
        async with gate:
            response = await client.post("/api/usage/log", json=entry)
            assert response.status_code == 201, response.text

    await asyncio.gather(*(post(e) for e in sample_entries(runs, seed=3)))


async def test_month_tab_on_seeded_data_for_a_laptop(
    page: Page, api: httpx.AsyncClient, server: ServerProcess, artifacts: Path
) -> None:
    await seed_concurrently(api, 150)
    await open_monitor(page, server.url, "1m")

    await expect(page.get_by_test_id("total-runs")).to_have_text("150")
    await page.screenshot(path=artifacts / "monitor-month.png", full_page=True)


async def test_month_tab_fits_a_phone(
    page: Page, api: httpx.AsyncClient, server: ServerProcess, artifacts: Path
) -> None:
    await seed_concurrently(api, 60)
    await page.set_viewport_size(PHONE)
    await open_monitor(page, server.url, "1m")

    overflow = await page.evaluate(
        "document.documentElement.scrollWidth - window.innerWidth"
    )
    assert overflow <= 0, "the page scrolls sideways on a phone"
    for tab in await page.locator("[data-period]").all():
        box = await tab.bounding_box()
        assert box and 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"]
    await page.screenshot(path=artifacts / "monitor-month-phone.png", full_page=True)

    # The way back stays in sight below the sticky header.
    await page.get_by_test_id("breakdown-item").first.click()
    back = page.get_by_test_id("drilldown-back")
    await expect(back).to_be_in_viewport()
    header = await page.locator("header").bounding_box()
    box = await back.bounding_box()
    assert header and box and box["y"] >= header["y"] + header["height"]


async def test_the_sample_command_fills_every_tab(
    page: Page, server: ServerProcess
) -> None:
    # What README promises a new user: one command, then a populated monitor.
    taken, made = await asyncio.to_thread(log_sample, server.url, runs=80, seed=5)
    assert (taken, made) == (80, 80)

    for period in ("1h", "3h", "6h", "12h", "24h", "3d", "7d", "1m"):
        await open_monitor(page, server.url, period)
        await expect(page.locator("main")).to_have_attribute("data-state", "ready")
    await expect(page.get_by_test_id("total-runs")).to_have_text("80")
