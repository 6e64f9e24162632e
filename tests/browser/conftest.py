"""One Chromium per run, a fresh page per test, and seeding through the API."""

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    async_playwright,
)

from tests.conftest import ServerProcess
from tests.factories import make_entry

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
# A zone far from UTC, so a time shown in UTC by mistake cannot pass.
VIEWER_ZONE = "Asia/Seoul"
LAPTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.skip("the browser tests need Debian's chromium at /usr/bin/chromium")
    return CHROMIUM


@pytest.fixture(scope="session")
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS
        )
        yield browser
        await browser.close()


class ConsoleErrors:
    """Errors the page logged; a test that expects some says which."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.expected: list[str] = []

    def record(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.seen.append(message.text)

    def unexpected(self) -> list[str]:
        return [
            text
            for text in self.seen
            if not any(part in text for part in self.expected)
        ]


@pytest.fixture
def console() -> ConsoleErrors:
    return ConsoleErrors()


@pytest.fixture(scope="session")
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    # One context for the run keeps Plotly's bundle in its cache, which makes
    # every page after the first load in a fraction of the time.
    context = await browser.new_context(
        viewport=LAPTOP, locale="en-US", timezone_id=VIEWER_ZONE
    )
    yield context
    await context.close()


@pytest.fixture
async def page(context: BrowserContext, console: ConsoleErrors) -> AsyncIterator[Page]:
    await context.clear_cookies()
    page = await context.new_page()
    page.on("console", console.record)
    page.on("pageerror", lambda error: console.seen.append(f"pageerror: {error}"))
    yield page
    await page.close()
    assert console.unexpected() == [], "the page logged errors"


@pytest.fixture
async def api(server: ServerProcess) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        yield client


async def seed(client: httpx.AsyncClient, entries: list[dict[str, Any]]) -> None:
    """Log entries through the REST shim, each with its own ts."""
    for entry in entries:
        response = await client.post("/api/usage/log", json=entry)
        assert response.status_code == 201, response.text


def entry_at(at: datetime, **fields: Any) -> dict[str, Any]:
    return make_entry(ts=at.isoformat(), **fields)


def month_ago(now: datetime) -> datetime:
    """One calendar month before now, clamped at month ends like PostgreSQL."""
    year, month = (now.year, now.month - 1) if now.month > 1 else (now.year - 1, 12)
    next_first = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    last_day = (next_first - timedelta(days=1)).day
    return now.replace(year=year, month=month, day=min(now.day, last_day))


@pytest.fixture(scope="session")
def artifacts() -> Iterator[Path]:
    ARTIFACTS.mkdir(exist_ok=True)
    yield ARTIFACTS


async def open_monitor(page: Page, url: str, period: str) -> None:
    """Load the page on a period and wait until its answer is on screen."""
    await page.goto(f"{url}/#{period}")
    await wait_settled(page, period)


async def wait_settled(page: Page, period: str) -> None:
    # main carries data-settled once the period's data, empty or error state
    # and charts are all drawn.
    await page.locator(f'main[data-settled="{period}"]').wait_for(state="attached")
